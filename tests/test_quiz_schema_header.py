"""Every quiz bank points editors at the published JSON Schema, which is valid and shipped."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "src" / "coursekit" / "quiz" / "bank.schema.json"
HEADER = "# yaml-language-server: $schema=../../src/coursekit/quiz/bank.schema.json"
BANKS = sorted((ROOT / "book" / "quizzes").glob("*.yml"))


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("bank", BANKS, ids=lambda p: p.name)
def test_bank_names_the_schema_for_editors(bank: Path) -> None:
    first = bank.read_text(encoding="utf-8").splitlines()[0]
    assert first == HEADER
    assert (bank.parent / first.split("=", 1)[1]).resolve() == SCHEMA


@pytest.mark.parametrize("bank", BANKS, ids=lambda p: p.name)
def test_bank_is_valid_against_the_published_schema(bank: Path) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    data = yaml.safe_load(bank.read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
