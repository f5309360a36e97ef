"""Learning objectives as data: one YAML file per chapter in ``book/objectives/``.

Each file lists its chapter's pages, each page's objectives (stable id, text) and the
exercises on that page that practise each objective. Pages render their list with the
``{objectives}`` directive, quiz items name an objective id, and the instructors' table
(:mod:`coursekit.teaching.mapping`) joins the three.

The files are read with the hardened YAML loader the quiz banks use
(:mod:`coursekit.quiz.loader`) and validated against ``objectives.schema.json`` with
``jsonschema``; this module adds only the checks a schema cannot express (ids unique across
files, ids starting with the chapter word, a page listed once).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from coursekit.quiz.loader import LoadError, read_document
from coursekit.quiz.schema import label

__all__ = [
    "SCHEMA_FILE",
    "Objective",
    "ObjectiveError",
    "Objectives",
    "load_objectives",
    "objectives_schema",
]

SCHEMA_FILE = "objectives.schema.json"
FOLDER = "objectives"


class ObjectiveError(ValueError):
    """One or more objective files are malformed; ``problems`` lists each as one line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Objective:
    """One learning objective: where it is taught and which exercises practise it."""

    id: str
    text: str
    page: str
    chapter: str
    exercises: tuple[str, ...] = ()
    #: for a chapter overview: the section objectives this one sums up
    includes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Objectives:
    """All objectives of the course, in file and page order."""

    items: tuple[Objective, ...] = ()
    chapters: dict[str, str] = field(default_factory=dict)
    pages: tuple[str, ...] = ()

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def ids(self) -> set[str]:
        """Every objective id."""
        return {o.id for o in self.items}

    def get(self, objective_id: str) -> Objective | None:
        """The objective with this id, or ``None``."""
        return next((o for o in self.items if o.id == objective_id), None)

    def for_page(self, page: str) -> list[Objective]:
        """The objectives of ``page`` (``book/ptsd/04-fear-learning``), in order."""
        page = page.removesuffix(".md").removesuffix(".ipynb")
        return [o for o in self.items if o.page == page]


@cache
def objectives_schema() -> dict[str, Any]:
    """The published JSON Schema (draft 2020-12) of a chapter's objectives file."""
    text = (resources.files("coursekit.teaching") / SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def _schema_problems(data: Any, shown: str, doc: Any) -> list[str]:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(objectives_schema())
    out = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        path = tuple(error.path)
        line = doc.line(path)
        where = f"{shown}:{line}" if line else shown
        message = error.message if len(error.message) <= 160 else error.message[:157] + "..."
        out.append(f"{where}: {label(path) or 'the file'}: {message}")
    return out


def _files(book: Path) -> list[Path]:
    return sorted((book / FOLDER).glob("*.yml"))


def load_objectives(book: Path | None = None, files: Iterable[Path] | None = None) -> Objectives:
    """Read every ``book/objectives/*.yml`` (or ``files``) and return the course's objectives.

    Raises :class:`ObjectiveError` listing every problem (file:line: what is wrong).
    """
    if files is None:
        from coursekit._paths import book_dir

        book = Path(book) if book else book_dir()
        files = _files(book)
    problems: list[str] = []
    items: list[Objective] = []
    chapters: dict[str, str] = {}
    pages: list[str] = []
    seen: dict[str, str] = {}
    for path in files:
        shown = path.name
        try:
            doc = read_document(Path(path))
        except LoadError as exc:
            where = f"{shown}:{exc.line}" if exc.line else shown
            problems.append(f"{where}: {exc.message}")
            continue
        found = _schema_problems(doc.data, shown, doc)
        if found:
            problems.extend(found)
            continue
        chapter = doc.data["chapter"]
        chapters[chapter] = doc.data["title"]
        for p, page in enumerate(doc.data["pages"]):
            if page["page"] in pages:
                line = doc.line(("pages", p, "page"))
                problems.append(f"{shown}:{line}: page {page['page']} is listed twice")
                continue
            pages.append(page["page"])
            for o, raw in enumerate(page["objectives"]):
                line = doc.line(("pages", p, "objectives", o, "id"))
                oid = raw["id"]
                if not oid.startswith(chapter + "-"):
                    problems.append(f"{shown}:{line}: id {oid!r} should start with '{chapter}-'")
                if oid in seen:
                    problems.append(f"{shown}:{line}: id {oid!r} is also used in {seen[oid]}")
                    continue
                seen[oid] = shown
                items.append(
                    Objective(
                        id=oid,
                        text=" ".join(raw["text"].split()),
                        page=page["page"],
                        chapter=chapter,
                        exercises=tuple(raw.get("exercises", ())),
                        includes=tuple(raw.get("includes", ())),
                    )
                )
    for o in items:
        for included in o.includes:
            if included not in seen:
                problems.append(f"{seen[o.id]}: {o.id} includes unknown objective {included!r}")
            elif included == o.id:
                problems.append(f"{seen[o.id]}: {o.id} includes itself")
    if problems:
        raise ObjectiveError(problems)
    if book is not None:
        items, chapters, pages = _in_toc_order(Path(book), items, chapters, pages)
    return Objectives(items=tuple(items), chapters=chapters, pages=tuple(pages))


def _in_toc_order(
    book: Path, items: list[Objective], chapters: dict[str, str], pages: list[str]
) -> tuple[list[Objective], dict[str, str], list[str]]:
    """Sort pages, objectives and chapters as the table of contents orders the pages."""
    from coursekit._paths import toc_pages

    rank = {page: n for n, page in enumerate(toc_pages(book.parent))}
    pages = sorted(pages, key=lambda p: rank.get(p, len(rank)))
    order = {page: n for n, page in enumerate(pages)}
    items = sorted(items, key=lambda o: order[o.page])  # stable: keeps each page's order
    first = {}
    for o in items:
        first.setdefault(o.chapter, order[o.page])
    chapters = dict(sorted(chapters.items(), key=lambda kv: first.get(kv[0], len(order))))
    return items, chapters, pages
