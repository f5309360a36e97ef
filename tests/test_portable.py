"""A chapter notebook runs outside the repository (a working folder, a downloaded .ipynb)."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from coursekit import _paths

ROOT = Path(__file__).resolve().parents[1]

# One notebook with a quiz bank (book/quizzes) and one with datasets and an explorer.
PORTABLE = ["book/ptsd/07-quiz.ipynb", "book/ptsd/03-measurement.ipynb"]


@pytest.mark.parametrize("name", PORTABLE)
def test_chapter_notebook_runs_from_a_folder_outside_the_repository(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "instructor-home"
    home.mkdir()
    copy = home / Path(name).name
    shutil.copy(ROOT / name, copy)
    monkeypatch.delenv("COURSEKIT_ROOT", raising=False)
    monkeypatch.chdir(home)
    nb = nbformat.read(copy, as_version=4)
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(home)}}
    )
    client.execute()
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not errors, errors


def test_installed_checkout_is_found_from_anywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COURSEKIT_ROOT", raising=False)
    assert _paths.project_root(tmp_path) == ROOT
    assert (_paths.book_dir(tmp_path) / "quizzes").is_dir()


def test_a_local_course_copy_wins_over_the_installed_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COURSEKIT_ROOT", raising=False)
    (tmp_path / "book").mkdir()
    (tmp_path / "_toc.yml").write_text("root: book/index\n")
    assert _paths.project_root(tmp_path / "book") == tmp_path


def test_a_wrong_coursekit_root_gets_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COURSEKIT_ROOT", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="COURSEKIT_ROOT"):
        _paths.project_root()


def test_no_course_anywhere_says_how_to_fix_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COURSEKIT_ROOT", raising=False)
    fake_module = tmp_path / "site-packages" / "coursekit" / "_paths.py"
    fake_module.parent.mkdir(parents=True)
    monkeypatch.setattr(_paths, "__file__", str(fake_module))
    with pytest.raises(FileNotFoundError, match="COURSEKIT_ROOT"):
        _paths.project_root(tmp_path)
