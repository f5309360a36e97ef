"""The teaching kit's book-only directives, as Markdown for the working copy.

``{objectives}`` and ``{objective-table}`` are built by :mod:`coursekit.sphinxext.teaching`
in the book; in ``_lab/`` they become the same list and tables in plain MyST Markdown
(links as ``{doc}``/``{ref}`` roles, which :mod:`coursekit.lab.markdown` then resolves).
``{exercise}`` and ``{solution}`` need nothing: jupyterlab-myst renders them itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

__all__ = ["teaching_blocks"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def teaching_blocks(root: Path, problems: list[str]) -> Callable[[str, list[str], str], list[str]]:
    """A function ``(directive, arguments, docname) → Markdown lines`` for ``root``'s course.

    Problems reading the objectives are appended to ``problems`` (once) and the directive
    becomes a one-line note instead of failing the whole working copy.
    """
    from coursekit.teaching.mapping import course_map, objective_map
    from coursekit.teaching.objectives import ObjectiveError

    cache: dict[str, object] = {}

    def course() -> object:
        if "course" not in cache:
            try:
                cache["course"] = course_map(root / "book")
            except (ObjectiveError, ValueError) as exc:
                problems.append(f"learning objectives: {str(exc).splitlines()[0]}")
                cache["course"] = None
        return cache["course"]

    def blocks(name: str, args: list[str], docname: str) -> list[str]:
        data = course()
        if data is None:
            return ["*(The learning objectives could not be read; run `coursekit check`.)*"]
        objectives, exercises, items = data  # type: ignore[misc]
        if name == "objectives":
            pages = args or [docname]
            return [f"- {o.text}" for page in pages for o in objectives.for_page(page)]
        lines: list[str] = []
        rows = objective_map(objectives, exercises, items)
        for chapter, title in objectives.chapters.items():
            lines += ["", f"**{title}**", "", "| Objective | Pages | Exercises | Quiz items |"]
            lines.append("| --- | --- | --- | --- |")
            for row in (r for r in rows if r.chapter == chapter):
                pages = "; ".join(f"{{doc}}`/{page}`" for page in row.pages)
                labels = "; ".join(f"{{ref}}`{label}`" for label, _ in row.exercises) or "none"
                quiz = "; ".join(f"{ref.bank}: {ref.item}" for ref in row.items) or "none"
                text = f"`{row.objective}` {_cell(row.text)}"
                lines.append(f"| {text} | {pages} | {labels} | {_cell(quiz)} |")
        return lines

    return blocks
