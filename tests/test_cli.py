"""The ``coursekit`` command line: ``check`` and ``quiz export``."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest
import yaml

from coursekit.cli import main

BIB = "@article{k2020, author = {Kay, Ann}, title = {T}, journal = {J}, year = {2020}}\n"


def _items(prefix: str, pairs: int = 3) -> list[dict[str, Any]]:
    common = {"objective": "o", "sources": ["k2020"], "explanation": "Because."}
    return [
        {
            "id": f"{prefix}-single",
            "type": "single",
            "prompt": "Pick A.",
            **common,
            "options": [
                {"text": "A", "correct": True, "feedback": "yes"},
                {"text": "B", "correct": False, "feedback": "no"},
            ],
        },
        {
            "id": f"{prefix}-match",
            "type": "match",
            "prompt": "Sort.",
            **common,
            "categories": ["X", "Y"],
            "pairs": [
                {"text": f"s{n}", "category": "X" if n % 2 else "Y", "feedback": "f"}
                for n in range(pairs)
            ],
        },
    ]


def make_book(root: Path, banks: dict[str, Any]) -> Path:
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/index\n", encoding="utf-8")
    quizzes = root / "book" / "quizzes"
    quizzes.mkdir(parents=True)
    (root / "book" / "references.bib").write_text(BIB, encoding="utf-8")
    for name, content in banks.items():
        if not isinstance(content, str):
            content = yaml.safe_dump(content, sort_keys=False)
        (quizzes / f"{name}.yml").write_text(content, encoding="utf-8")
    return root / "book"


def bank(bank_id: str, **kw: Any) -> dict[str, Any]:
    return {"id": bank_id, "title": f"Bank {bank_id}", "items": _items(bank_id, **kw)}


@pytest.fixture
def fake_data(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """Stand-in for coursekit.evidence.datasets: these tests do not use the real datasets."""
    module = types.ModuleType("coursekit.evidence.datasets")
    module.check_datasets = lambda: []  # type: ignore[attr-defined]
    module.names = lambda: ["a", "b"]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "coursekit.evidence.datasets", module)
    return module


# --------------------------------------------------------------------------- check


def test_check_passes_and_summarises_each_bank(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_data: types.ModuleType
) -> None:
    book = make_book(tmp_path, {"alpha": bank("alpha"), "beta": bank("beta")})
    assert main(["check", "--book", str(book)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "alpha: 2 items (single 1, match 1), 1 sources, OK"
    assert out[1] == "beta: 2 items (single 1, match 1), 1 sources, OK"
    assert "datasets: OK (2 datasets)" in out
    assert out[-1] == "coursekit check: all checks passed"


def test_check_finds_the_book_from_the_working_directory(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fake_data: types.ModuleType,
) -> None:
    book = make_book(tmp_path, {"alpha": bank("alpha")})
    monkeypatch.delenv("COURSEKIT_ROOT", raising=False)
    monkeypatch.chdir(book / "quizzes")
    assert main(["check"]) == 0
    assert capsys.readouterr().out.startswith("alpha: 2 items")


def test_check_fails_with_precise_messages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_data: types.ModuleType
) -> None:
    broken = bank("alpha")
    broken["items"][0]["options"][0]["correct"] = False
    broken["items"][1]["sources"] = ["nobody1999"]
    book = make_book(tmp_path, {"alpha": broken, "beta": bank("beta")})
    assert main(["check", "--book", str(book)]) == 1
    captured = capsys.readouterr()
    errors = captured.err.splitlines()
    assert any(
        e.endswith("alpha.yml:4: item 'alpha-single': no correct option: a single-answer item "
                   "needs exactly one option with correct: true (use type: multiple for several)")
        for e in errors
    ), errors  # fmt: skip
    assert any("item 'alpha-match': unknown source key 'nobody1999'" in e for e in errors)
    assert errors[-1] == "coursekit check: 2 problems found"
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_check_reports_duplicates_across_banks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_data: types.ModuleType
) -> None:
    second = bank("beta")
    second["items"][1]["id"] = "alpha-match"
    book = make_book(tmp_path, {"alpha": bank("alpha"), "beta": second})
    assert main(["check", "--book", str(book)]) == 1
    err = capsys.readouterr().err
    assert "beta.yml" in err and "item 'alpha-match': duplicate item id: already used in" in err
    assert "alpha.yml" in err.split("already used in", 1)[1]


def test_check_malformed_yaml_gives_file_and_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_data: types.ModuleType
) -> None:
    book = make_book(tmp_path, {"bad": "id: bad\ntitle: Bad\nitems:\n  - id: x\n   type: single\n"})
    assert main(["check", "--book", str(book)]) == 1
    err = capsys.readouterr().err
    first = err.splitlines()[0]
    assert first.startswith(f"{book / 'quizzes' / 'bad.yml'}:5: malformed YAML")
    assert "Traceback" not in err


def test_check_reports_dataset_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_data: types.ModuleType
) -> None:
    fake_data.check_datasets = lambda: ["trials.csv: row 3: effect_size is missing"]  # type: ignore[attr-defined]
    book = make_book(tmp_path, {"alpha": bank("alpha")})
    assert main(["check", "--book", str(book)]) == 1
    err = capsys.readouterr().err
    assert "datasets: trials.csv: row 3: effect_size is missing" in err


def test_check_reports_a_crashing_dataset_check_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_data: types.ModuleType
) -> None:
    def boom() -> list[str]:
        raise OSError("datasets folder unreadable")

    fake_data.check_datasets = boom  # type: ignore[attr-defined]
    book = make_book(tmp_path, {"alpha": bank("alpha")})
    assert main(["check", "--book", str(book)]) == 1
    err = capsys.readouterr().err
    assert "check_datasets() failed: OSError: datasets folder unreadable" in err
    assert "Traceback" not in err


def test_check_skips_datasets_when_the_module_is_absent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "coursekit.evidence.datasets", None)  # makes the import fail
    book = make_book(tmp_path, {"alpha": bank("alpha")})
    assert main(["check", "--book", str(book)]) == 0
    assert (
        "datasets: skipped (coursekit.evidence.datasets is not available)"
        in capsys.readouterr().out
    )


def test_check_without_a_course_folder_is_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import coursekit._paths

    def nowhere(*_a: Any, **_k: Any) -> Path:
        raise FileNotFoundError("could not find the course folder (a directory with _toc.yml)")

    # _paths may fall back to the package's own checkout; simulate an installed package
    monkeypatch.setattr(coursekit._paths, "book_dir", nowhere)
    monkeypatch.delenv("COURSEKIT_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert "could not find the course folder" in err and "Traceback" not in err


# --------------------------------------------------------------------------- export


def test_export_gift_to_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_book(tmp_path, {"alpha": bank("alpha")})
    monkeypatch.delenv("COURSEKIT_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["quiz", "export", "alpha", "--format", "gift"]) == 0
    out = capsys.readouterr().out
    assert "::alpha-single::[html]<p>Pick A.</p>{" in out
    assert "\t=A#yes" in out and "\t~B#no" in out
    assert "\t=s0 -> Y" in out


def test_export_answer_key_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = make_book(tmp_path, {"alpha": bank("alpha")})
    target = tmp_path / "key.md"
    code = main(
        [
            "quiz",
            "export",
            "alpha",
            "--format",
            "answer-key",
            "--book",
            str(book),
            "-o",
            str(target),
        ]
    )
    assert code == 0
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Answer key: Bank alpha")
    assert "- **Correct**: A" in text and "Kay 2020 (`k2020`)" in text
    assert f"wrote {target}" in capsys.readouterr().out


def test_export_by_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = make_book(tmp_path, {"alpha": bank("alpha")})
    path = book / "quizzes" / "alpha.yml"
    assert main(["quiz", "export", str(path), "--format", "answer-key"]) == 0
    assert "## 1. `alpha-single`" in capsys.readouterr().out


def test_export_unsupported_item_fails_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = make_book(tmp_path, {"alpha": bank("alpha", pairs=2)})
    code = main(["quiz", "export", "alpha", "--format", "gift", "--book", str(book)])
    assert code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "item 'alpha-match': a match item needs at least 3 statements" in captured.err
    # one validation path: check refuses the bank too, and so does every export format
    assert main(["check", "--book", str(book)]) == 1
    assert "item 'alpha-match'" in capsys.readouterr().err
    assert main(["quiz", "export", "alpha", "--format", "answer-key", "--book", str(book)]) == 1


def test_export_unknown_or_broken_bank(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = bank("beta")
    broken["items"][0]["prompt"] = ""
    book = make_book(tmp_path, {"alpha": bank("alpha"), "beta": broken})
    assert main(["quiz", "export", "nope", "--format", "gift", "--book", str(book)]) == 1
    assert "no quiz bank 'nope'" in capsys.readouterr().err
    assert main(["quiz", "export", "beta", "--format", "gift", "--book", str(book)]) == 1
    err = capsys.readouterr().err
    assert "item 'beta-single': prompt must not be empty" in err
    assert "Traceback" not in err


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["quiz", "export", "alpha", "--format", "pdf"])
    assert info.value.code == 2
    assert "invalid choice: 'pdf'" in capsys.readouterr().err
    assert main([]) == 2
    assert "check" in capsys.readouterr().err


# --------------------------------------------------------------------------- entry points


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("COURSEKIT_ROOT", None)
    return env


def test_python_dash_m_entry_point(tmp_path: Path) -> None:
    book = make_book(tmp_path, {"alpha": bank("alpha")})
    done = subprocess.run(
        [sys.executable, "-m", "coursekit.cli", "quiz", "export", "alpha", "--format", "gift"],
        cwd=book / "quizzes",
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "::alpha-single::" in done.stdout


def test_console_script_entry_point(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "coursekit"
    assert script.exists(), "the coursekit console script is not installed"
    broken = bank("alpha")
    broken["items"][0]["options"][1]["correct"] = True
    book = make_book(tmp_path, {"alpha": broken})
    done = subprocess.run(
        [str(script), "check", "--book", str(book)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "item 'alpha-single': 2 correct options" in done.stderr
    assert "Traceback" not in done.stderr


def test_glossary_command_prints_the_page_built_from_the_dataset(capsys) -> None:
    from coursekit.evidence.datasets import glossary_markdown

    assert main(["glossary"]) == 0
    assert capsys.readouterr().out == glossary_markdown()


def test_pdf_without_a_built_book_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_book(tmp_path, {"alpha": bank("alpha")})
    monkeypatch.setenv("COURSEKIT_ROOT", str(tmp_path))
    code = main(["pdf", "--site", str(tmp_path / "_build" / "html")])
    err = capsys.readouterr().err
    assert code == 1
    assert "no built book" in err and "make book" in err
    assert "Traceback" not in err


def test_check_reports_objective_gaps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_data: Any
) -> None:
    book = make_book(tmp_path, {"alpha": bank("alpha")})
    (book / "objectives").mkdir()
    (book / "objectives" / "demo.yml").write_text(
        "chapter: demo\ntitle: Demo\npages:\n  - page: book/demo/page\n    objectives:\n"
        "      - id: demo-one\n        text: Explain the first idea clearly.\n",
        encoding="utf-8",
    )
    assert main(["check", "--book", str(book)]) == 1
    err = capsys.readouterr().err
    assert "objectives: objective demo-one (book/demo/page) has no exercise and no quiz item" in err
    assert "unknown objective" in err  # the bank's items name objectives the data lacks
