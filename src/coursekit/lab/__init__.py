"""The instructors' working copy: ``coursekit lab`` prepares ``_lab/`` for JupyterLab.

JupyterLab renders notebook markdown with ``jupyterlab-myst``, which knows MyST's syntax
(admonitions, notes, dropdowns, labels, maths) but not the book's own roles: figures glued by
the notebook (``{glue:text}``), dataset values (``{ck}``), citations (``{cite:p}``,
``{cite:t}``), glossary terms (``{term}``) and page links (``{doc}``, ``{ref}``). Those are
resolved by Sphinx when the book is built, so live they would show as raw text. This module
writes a working copy of the course in which they are already resolved to the same text the
book shows:

* ``{glue:text}`name:fmt``` (and ``{glue}``, ``{glue:any}``, ``{glue:md}``) → the value the
  notebook glues, formatted exactly as myst-nb formats it. The values come from running the
  notebook's own glue cells (every code cell up to the last one that calls ``glue``) in one
  real kernel with ``nbclient`` and reading their outputs the way myst-nb does
  (:func:`myst_nb.ext.glue.extract_glue_data_cell`): no other cell runs.
* ``{ck}`DATASET/ROW/COLUMN:fmt``` → :func:`coursekit.evidence.lookup.format_value`.
* ``{cite:p}`a,b``` → ``(Author et al. 2021; Other 2019)``; ``{cite:t}`a``` →
  ``Author et al. (2021)`` (labels from :mod:`coursekit.evidence.bibliography`).
* ``{term}`text <Term>``` → ``text``; ``{doc}``/``{ref}`` → a Markdown link to the page in
  the working copy, named by the link text or the page's (section's) title.
* The ``{bibliography}`` directive becomes the list of works, and ``{objectives}`` and
  ``{objective-table}`` the objectives list and the instructors' map
  (:mod:`coursekit.lab.teaching`); other directives (``{exercise}`` and ``{solution}``
  included) are left to jupyterlab-myst, which renders them.

Outputs stay empty. Code cells the book removes (tag ``remove-cell``, such as glue cells)
start with ``%%capture`` so that running them shows nothing. The copy lives in ``_lab/``
(git-ignored), so running and editing notebooks never changes the repository.

**Refreshing and edits.** A manifest (``_lab/.coursekit/manifest.json``) records what was
written. Running ``coursekit lab`` again brings every file the instructor has not edited up to
date and keeps every file they have edited. A notebook counts as edited only when its cells'
text changed: running it (outputs) does not count. When an edited file's course version
changed too, the new version is written next to the manifest, under
``_lab/.coursekit/updates/``, and the command says so. ``coursekit lab --reset`` replaces
edited files with the course version after moving them to ``_lab/.coursekit/backup/<time>/``.
Nothing an instructor wrote is ever deleted.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from coursekit.lab.glue import cached_glue, collect_glue, write_file
from coursekit.lab.markdown import (
    Bibliographies,
    Context,
    bibfiles,
    index,
    resolve_markdown,
)
from coursekit.lab.teaching import teaching_blocks

__all__ = [
    "LAB_DIR",
    "Report",
    "collect_glue",
    "content_key",
    "prepare",
    "resolve_markdown",
]

LAB_DIR = "_lab"
_STATE = ".coursekit"
_MANIFEST = "manifest.json"
#: Files copied from the top of the repository besides ``book/``.
_TOP_FILES = ("_toc.yml", "_config.yml")
_SKIP_PARTS = {".ipynb_checkpoints", "__pycache__", "_build", ".jupyter_cache"}

_README = """\
# Working copy of the course

This folder is the instructors' working copy of the course, made by `make lab`
(`coursekit lab`). It is ignored by git: run, edit and save here freely, the repository
does not change.

- Open the chapters under `book/`. Run a notebook from the top (Run > Run All Cells);
  the exercises are live widgets. The `.md` pages open as MyST with
  right-click > Open With > Markdown Preview.
- Your edits are kept. Running `make lab` again updates every file you have not edited and
  keeps every file you have edited (running a notebook is not an edit). When the course has
  changed a file you edited, its new version is saved in `.coursekit/updates/` and the
  command lists it.
- `coursekit lab --reset` replaces your edited files with the course's versions, after
  moving your files to `.coursekit/backup/`.
- To keep an edit for good, copy it out of this folder (or propose it to the course in a
  pull request against `book/`).
"""


def content_key(rel: str, data: bytes) -> str:
    """What counts as a file's content: for a notebook its cells' types and text only.

    Running a notebook (outputs, execution counts, widget state) leaves the key unchanged,
    so it does not count as an edit.
    """
    if rel.endswith(".ipynb"):
        try:
            nb = json.loads(data)
            cells = [
                [c.get("cell_type"), "".join(c.get("source", ""))] for c in nb.get("cells", [])
            ]
            data = json.dumps(cells, ensure_ascii=False).encode()
        except (ValueError, AttributeError, TypeError):
            pass
    return hashlib.sha256(data).hexdigest()


def _sources(root: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    for path in sorted((root / "book").rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not _SKIP_PARTS.intersection(rel.parts):
            files[rel.as_posix()] = path
    for name in _TOP_FILES:
        if (root / name).is_file():
            files[name] = root / name
    return files


@dataclass
class Report:
    """What :func:`prepare` did, file by file (paths relative to the working copy)."""

    dest: Path
    written: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited by the instructor, kept
    pending: list[str] = field(default_factory=list)  # kept, and a new version in updates/
    removed: list[str] = field(default_factory=list)
    backed_up: list[str] = field(default_factory=list)
    backup_dir: Path | None = None
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """A few lines for the terminal."""
        lines = [
            f"coursekit lab: working copy in {self.dest}: {len(self.written)} new, "
            f"{len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.kept)} kept with your edits, {len(self.removed)} removed"
        ]
        for rel in self.kept:
            note = " (the course's new version is in .coursekit/updates/)"
            lines.append(f"  kept your edited {rel}{note if rel in self.pending else ''}")
        for rel in self.removed:
            lines.append(f"  removed {rel} (no longer in the course; you had not edited it)")
        if self.backed_up:
            lines.append(f"  moved {len(self.backed_up)} edited file(s) to {self.backup_dir}")
        for problem in self.problems:
            lines.append(f"  problem: {problem}")
        return "\n".join(lines)


def _render(
    rel: str, path: Path, ctx_for: Callable[[str], Context], bib: Any
) -> tuple[bytes, list[str]]:
    """The working-copy version of one course file, and the problems found."""
    if rel.endswith(".ipynb"):
        import nbformat

        nb = nbformat.read(path, as_version=4)
        ctx = ctx_for(rel)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = resolve_markdown(cell.source, ctx, bib)
            elif cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
                if "remove-cell" in cell.metadata.get("tags", []) and not cell.source.startswith(
                    "%%capture"
                ):
                    # The book drops this cell (a glue cell, say); live it runs with its
                    # outputs captured: they are plumbing, and with more than 50 glued values
                    # JupyterLab would show a "Show more outputs" button.
                    cell.source = "%%capture\n" + cell.source
        return (nbformat.writes(nb) + "\n").encode(), ctx.problems
    if rel.endswith(".md") and rel.startswith("book/"):
        ctx = ctx_for(rel)
        text = resolve_markdown(path.read_text(encoding="utf-8"), ctx, bib)
        return text.encode("utf-8"), ctx.problems
    return path.read_bytes(), []


def _load_manifest(state: Path) -> dict[str, str]:
    try:
        data = json.loads((state / _MANIFEST).read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in data.get("files", {}).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def prepare(
    root: Path | str | None = None,
    dest: Path | str | None = None,
    *,
    reset: bool = False,
    glue: Mapping[str, Mapping[str, Any]] | None = None,
) -> Report:
    """Create or refresh the working copy ``dest`` (default ``ROOT/_lab``) of the course.

    See the module docstring for what is resolved and how edits are kept. ``reset`` moves
    edited files to ``.coursekit/backup/<time>/`` and writes the course version. ``glue``
    (docname → name → output) skips running the glue cells; tests use it.
    """
    from coursekit import _paths
    from coursekit.evidence import bibliography

    root = Path(root) if root else _paths.project_root()
    dest = Path(dest) if dest else root / LAB_DIR
    root, dest = root.resolve(), dest.resolve()
    if dest == root or root.is_relative_to(dest):
        raise ValueError(f"the working copy {dest} cannot hold the course folder {root}")
    files = _sources(root)
    if "book/references.bib" not in files:
        raise FileNotFoundError(f"{root}: no book/references.bib; is this the course folder?")
    bib = Bibliographies([bibliography.read(files[rel]) for rel in bibfiles(root, files)])
    docs, titles, labels = index(files)
    state = dest / _STATE
    if glue is None:
        glue = cached_glue(root, files, state)

    block_problems: list[str] = []
    blocks = teaching_blocks(root, block_problems)

    def ctx_for(rel: str) -> Context:
        docname = rel.rsplit(".", 1)[0]
        return Context(
            blocks=blocks,
            page=PurePosixPath(rel),
            glue=glue.get(docname, {}),
            glue_by_page=glue,
            docs=docs,
            titles=titles,
            labels=labels,
            cite_label=bib.label,
        )

    report = Report(dest=dest)
    rendered: dict[str, bytes] = {"README.md": _README.encode()}
    for rel, path in files.items():
        data, problems = _render(rel, path, ctx_for, bib)
        rendered[rel] = data
        report.problems += problems
    report.problems += block_problems

    manifest = _load_manifest(state)
    new_manifest: dict[str, str] = {}
    stamp = time.strftime("%Y%m%d-%H%M%S")
    backup = state / "backup" / stamp
    for rel, data in rendered.items():
        target = dest / rel
        key = content_key(rel, data)
        if not target.exists():
            write_file(target, data)
            report.written.append(rel)
            new_manifest[rel] = key
            continue
        current = content_key(rel, target.read_bytes())
        if current == key:
            report.unchanged.append(rel)
            new_manifest[rel] = key
            _drop_update(state, rel)
            continue
        if manifest.get(rel) == current:  # not edited since we wrote it: bring up to date
            write_file(target, data)
            report.updated.append(rel)
            new_manifest[rel] = key
            continue
        if reset:
            write_file(backup / rel, target.read_bytes())
            report.backed_up.append(rel)
            report.backup_dir = backup
            write_file(target, data)
            report.updated.append(rel)
            new_manifest[rel] = key
            _drop_update(state, rel)
            continue
        report.kept.append(rel)
        if rel in manifest:
            new_manifest[rel] = manifest[rel]
        if manifest.get(rel) != key:  # the course changed this file too
            write_file(state / "updates" / rel, data)
            report.pending.append(rel)
    for rel in sorted(set(manifest) - set(rendered)):
        target = dest / rel
        if not target.exists():
            continue
        if content_key(rel, target.read_bytes()) == manifest[rel]:
            target.unlink()
            report.removed.append(rel)
        else:
            report.kept.append(rel)
    write_file(
        state / _MANIFEST,
        (json.dumps({"files": new_manifest}, indent=1, sort_keys=True) + "\n").encode(),
    )
    return report


def _drop_update(state: Path, rel: str) -> None:
    pending = state / "updates" / rel
    if pending.is_file():
        pending.unlink()
