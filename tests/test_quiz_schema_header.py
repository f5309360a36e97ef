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


@pytest.mark.parametrize(
    ("n", "expected"), [(0, "0 questions"), (1, "1 question"), (2, "2 questions")]
)
def test_counts_are_pluralised(n: int, expected: str) -> None:
    from coursekit.quiz.model import count_of

    assert count_of(n, "question") == expected
    assert (
        count_of(1, "quiz", "quizzes") == "1 quiz" and count_of(3, "quiz", "quizzes") == "3 quizzes"
    )


def test_a_one_item_bank_says_one_question(tmp_path: Path) -> None:
    from coursekit import quiz

    text = (ROOT / "book" / "quizzes" / "demo.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["items"] = data["items"][:1]
    bank_file = tmp_path / "demo.yml"
    bank_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    bank = quiz.load_bank(bank_file)
    assert "1 question" in quiz.render_static(bank) and "1 questions" not in quiz.render_static(
        bank
    )
    gift = quiz.to_gift(bank)
    assert "// 1 question in" in gift
    assert "1 question." in quiz.to_answer_key(bank)
