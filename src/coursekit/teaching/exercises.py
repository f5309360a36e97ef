"""Find the exercises (and their solutions) written in the book's pages.

Exercises are ``sphinx-exercise`` directives in MyST: ``{exercise}`` with a ``:label:``,
and ``{solution} <label>``. Sphinx knows them only during a build; the checks, the
instructors' table outside a build and the tests need them from the sources. This module
reads the MyST text of every page (``.md`` files and the markdown cells of notebooks) with a
small line scanner, written here because what it needs is only the outer fence of a
directive and its ``:key: value`` options: a full MyST parse (myst-parser with docutils)
of every page needs a Sphinx application and is far slower, and ``markdown-it-py`` alone
reads directive options as body text. Nested colon fences (hints) stay in the body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ExerciseSource", "find_exercises", "page_sources"]

_OPEN = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>exercise|solution)\}\s*(?P<arg>.*)$")
_OPTION = re.compile(r"^:(?P<key>[a-z-]+):\s*(?P<value>.*)$")


@dataclass(frozen=True)
class ExerciseSource:
    """An exercise as written: label, title, page, and whether a solution follows."""

    label: str
    title: str
    page: str
    body: str
    solution: str | None
    solution_classes: tuple[str, ...] = ()

    @property
    def has_hint(self) -> bool:
        """Whether the exercise offers a hint."""
        return "{hint}" in self.body


def page_sources(book: Path) -> Iterator[tuple[str, str]]:
    """Yield ``(page, markdown)`` for every page below ``book`` (page = ``book/...`` path)."""
    root = book.parent
    for path in sorted(book.rglob("*")):
        if ".ipynb_checkpoints" in path.parts or "_build" in path.parts:
            continue
        if path.suffix == ".md":
            text = path.read_text(encoding="utf-8")
        elif path.suffix == ".ipynb":
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
            text = "\n\n".join(
                "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                for c in cells
                if c.get("cell_type") == "markdown"
            )
        else:
            continue
        yield path.relative_to(root).with_suffix("").as_posix(), text


def _blocks(text: str) -> Iterator[tuple[str, str, dict[str, str], str]]:
    """Yield ``(name, argument, options, body)`` for each top-level exercise/solution block."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = _OPEN.match(lines[i].strip())
        if not match:
            i += 1
            continue
        fence = match["fence"]
        options: dict[str, str] = {}
        body: list[str] = []
        j = i + 1
        while j < len(lines) and _OPTION.match(lines[j].strip()):
            option = _OPTION.match(lines[j].strip())
            assert option is not None
            options[option["key"]] = option["value"].strip()
            j += 1
        while j < len(lines) and lines[j].strip() != fence:
            body.append(lines[j])
            j += 1
        yield match["name"], match["arg"].strip(), options, "\n".join(body).strip()
        i = j + 1


def find_exercises(book: Path) -> list[ExerciseSource]:
    """Every exercise in the book's sources, in page order, with its solution if any."""
    found: list[ExerciseSource] = []
    for page, text in page_sources(book):
        exercises: list[tuple[str, str, str]] = []
        solutions: dict[str, tuple[str, tuple[str, ...]]] = {}
        for name, arg, options, body in _blocks(text):
            if name == "exercise":
                exercises.append((options.get("label", ""), arg, body))
            else:
                solutions[arg] = (body, tuple(options.get("class", "").split()))
        for label, title, body in exercises:
            solution, classes = solutions.get(label, (None, ()))
            found.append(ExerciseSource(label, title, page, body, solution, classes))
    return found
