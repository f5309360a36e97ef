"""QTI 1.2 export for Canvas (via text2qti): unzip the result and read the XML."""

from __future__ import annotations

import io
import sys
import types
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml

from coursekit import quiz
from coursekit.cli import main

pytest.importorskip("text2qti")

from coursekit.quiz.qti import qti_problems, to_qti

ROOT = Path(__file__).resolve().parents[1]
NS = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}
XSS = "<script>alert(1)</script>"


def _common(item_id: str, kind: str, prompt: str = "Question?") -> dict[str, Any]:
    return {
        "id": item_id,
        "type": kind,
        "prompt": prompt,
        "objective": "o",
        "sources": ["k2020"],
        "explanation": "Explained.",
    }


def _bank(tmp_path: Path) -> quiz.Bank:
    data = {
        "id": "q",
        "title": "QTI test",
        "items": [
            {
                **_common("q-single", "single", f"Pick *one* {XSS}\n\n1. not a question"),
                "options": [
                    {"text": "Right $x^2$", "correct": True, "feedback": "Yes."},
                    {"text": "```{.python .run}", "correct": False, "feedback": "No."},
                ],
            },
            {
                **_common("q-multiple", "multiple", "Pick two."),
                "options": [
                    {"text": "A", "correct": True, "feedback": "fa"},
                    {"text": "B", "correct": True, "feedback": "fb"},
                    {"text": "C", "correct": False, "feedback": "fc"},
                ],
            },
            {
                **_common("q-numeric", "numeric", "How much?"),
                "answer": 12.5,
                "tolerance": 0.5,
                "feedback": {"correct": "Yes.", "incorrect": "No."},
            },
            {
                **_common("q-order", "order", "Order them."),
                "sequence": [{"text": f"s{n}", "feedback": "f"} for n in range(3)],
            },
        ],
    }
    path = tmp_path / "q.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return quiz.load_bank(path)


def _assessment(data: bytes) -> ElementTree.Element:
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert "imsmanifest.xml" in names
    for name in names:
        if name.endswith(".xml"):
            ElementTree.fromstring(archive.read(name))  # every XML file parses
    main_xml = next(n for n in names if n.endswith(".xml") and "/" in n and "meta" not in n)
    return ElementTree.fromstring(archive.read(main_xml))


def test_qti_zip_holds_every_exportable_item(tmp_path: Path) -> None:
    result = to_qti(_bank(tmp_path))
    root = _assessment(result.data)
    items = root.findall(".//q:item", NS)
    assert [i.get("title") for i in items] == ["q-single", "q-multiple", "q-numeric"]
    types_ = [
        i.find(".//q:qtimetadatafield[q:fieldlabel='question_type']/q:fieldentry", NS).text
        for i in items
    ]
    assert types_ == ["multiple_choice_question", "multiple_answers_question", "numerical_question"]
    # the order item is reported, with the reason, not dropped silently
    assert len(result.skipped) == 1 and "q-order" in result.skipped[0]
    assert "text2qti has no matching or ordering" in result.skipped[0]


def test_qti_numeric_range_and_correct_choice(tmp_path: Path) -> None:
    root = _assessment(to_qti(_bank(tmp_path)).data)
    numeric = root.find(".//q:item[@title='q-numeric']", NS)
    low = numeric.find(".//q:vargte", NS)
    high = numeric.find(".//q:varlte", NS)
    assert float(low.text) == 12.0 and float(high.text) == 13.0
    single = root.find(".//q:item[@title='q-single']", NS)
    correct = single.find(".//q:respcondition[q:setvar='100']/q:conditionvar/q:varequal", NS)
    labels = {
        lab.get("ident"): lab.find(".//q:mattext", NS).text
        for lab in single.findall(".//q:response_label", NS)
    }
    assert "Right" in labels[correct.text]


def test_bank_text_cannot_inject_text2qti_syntax_or_markup(tmp_path: Path) -> None:
    result = to_qti(_bank(tmp_path))
    body = "\n".join(result.source.splitlines()[3:])
    # every question line is ours: bank text never starts a line of the text2qti source
    questions = [line for line in body.splitlines() if line[:1].isdigit()]
    assert len(questions) == 3
    root = _assessment(result.data)
    texts = " ".join(m.text or "" for m in root.iter(f"{{{NS['q']}}}mattext"))
    assert "<script>" not in texts and "&lt;script&gt;" in texts


def test_unexportable_items_are_explained() -> None:
    bank = quiz.load_bank(ROOT / "book" / "quizzes" / "demo.yml")
    reasons = {it.id: qti_problems(it) for it in bank.items}
    for item in bank.items:
        if item.type in ("match", "order"):
            assert reasons[item.id], item.id
        else:
            assert reasons[item.id] == [], item.id


def test_cli_qti_export_writes_a_zip_and_warns_about_skipped_items(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    module = types.ModuleType("coursekit.evidence.datasets")
    monkeypatch.setitem(sys.modules, "coursekit.evidence.datasets", module)
    bank = _bank(tmp_path)
    out = tmp_path / "q.zip"
    assert main(["quiz", "export", str(bank.path), "--format", "qti", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "wrote" in captured.out and "3 questions" in captured.out
    assert "q-order" in captured.err and "not exported" in captured.err
    assert len(_assessment(out.read_bytes()).findall(".//q:item", NS)) == 3
    # a zip cannot go to the terminal
    assert main(["quiz", "export", str(bank.path), "--format", "qti"]) == 1
    assert "--output" in capsys.readouterr().err
