"""Objective → pages → exercises → quiz items: the instructors' map, and its checks.

:func:`objective_map` joins the objectives data, the exercises written in the pages and
the quiz banks into one row per objective; :func:`coverage_problems` lists every gap the
course must not have (an objective nothing practises, an item naming an unknown objective,
an exercise without a model answer or outside every objective). ``coursekit check``, the
tests and the ``{objective-table}`` directive all use these two functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from coursekit.teaching.exercises import ExerciseSource, find_exercises
from coursekit.teaching.objectives import Objectives, load_objectives

__all__ = [
    "ItemRef",
    "ObjectiveRow",
    "course_map",
    "coverage_problems",
    "objective_map",
    "table_counts",
]


@dataclass(frozen=True)
class ItemRef:
    """A quiz item as the map shows it: bank, item id, the page that shows the bank."""

    bank: str
    item: str
    objective: str
    page: str = ""


@dataclass(frozen=True)
class ObjectiveRow:
    """One row of the instructors' table."""

    objective: str
    text: str
    chapter: str
    pages: tuple[str, ...]
    exercises: tuple[tuple[str, str], ...]
    items: tuple[ItemRef, ...]
    #: for a chapter overview objective, the objectives it sums up
    includes: tuple[str, ...] = ()


def objective_map(
    objectives: Objectives,
    exercises: Sequence[ExerciseSource],
    items: Iterable[ItemRef],
) -> list[ObjectiveRow]:
    """One :class:`ObjectiveRow` per objective, in the objectives' order.

    ``pages`` is the page that teaches the objective, then the quiz pages whose items
    assess it; ``exercises`` are ``(label, title)`` pairs.
    """
    titles = {e.label: e.title for e in exercises}
    by_objective: dict[str, list[ItemRef]] = {}
    for ref in items:
        by_objective.setdefault(ref.objective, []).append(ref)
    rows = []
    for o in objectives:
        parts = [o] + [p for p in map(objectives.get, o.includes) if p is not None]
        refs = tuple(r for p in parts for r in by_objective.get(p.id, ()))
        pages = [p.page for p in parts] + [r.page for r in refs if r.page]
        labels = dict.fromkeys(label for p in parts for label in p.exercises)
        rows.append(
            ObjectiveRow(
                objective=o.id,
                text=o.text,
                chapter=o.chapter,
                pages=tuple(dict.fromkeys(pages)),
                exercises=tuple((label, titles.get(label, label)) for label in labels),
                items=refs,
                includes=o.includes,
            )
        )
    return rows


def coverage_problems(
    objectives: Objectives,
    exercises: Sequence[ExerciseSource],
    items: Iterable[ItemRef],
) -> list[str]:
    """Every gap between objectives, exercises and quiz items, one line each."""
    items = list(items)
    problems: list[str] = []
    known = objectives.ids()
    by_label: dict[str, ExerciseSource] = {}
    for ex in exercises:
        if not ex.label:
            problems.append(f"{ex.page}: exercise {ex.title!r} has no :label:")
            continue
        if ex.label in by_label:
            problems.append(f"{ex.page}: exercise label {ex.label} is used twice")
        by_label[ex.label] = ex
        if not ex.body.strip():
            problems.append(f"{ex.page}: exercise {ex.label} states no task")
        if ex.solution is None or not ex.solution.strip():
            problems.append(f"{ex.page}: exercise {ex.label} has no model answer ({{solution}})")
        elif "dropdown" not in ex.solution_classes:
            problems.append(
                f"{ex.page}: the solution of {ex.label} is not collapsed (:class: dropdown)"
            )
    practised: set[str] = set()
    for o in objectives:
        for label in o.exercises:
            ex = by_label.get(label)
            if ex is None:
                problems.append(f"objective {o.id}: exercise {label} does not exist")
            elif ex.page != o.page:
                problems.append(f"objective {o.id}: exercise {label} is on {ex.page}, not {o.page}")
            practised.add(label)
    for label, ex in by_label.items():
        if label not in practised:
            problems.append(f"{ex.page}: exercise {label} practises no listed objective")
    assessed = {ref.objective for ref in items}
    for ref in items:
        if ref.objective not in known:
            problems.append(
                f"quiz {ref.bank}, item {ref.item}: unknown objective {ref.objective!r}"
            )
    for o in objectives:
        if o.includes:
            continue  # an overview objective is practised through the ones it includes
        if not o.exercises and o.id not in assessed:
            problems.append(f"objective {o.id} ({o.page}) has no exercise and no quiz item")
    return problems


def _bank_items(book: Path) -> list[ItemRef]:
    from coursekit.quiz.bank import load_bank
    from coursekit.quiz.progress import quiz_pages

    pages = quiz_pages(book)
    refs = []
    for path in sorted((book / "quizzes").glob("*.yml")):
        bank = load_bank(path.stem, book=book)
        page = pages.get(bank.id, "")
        for item in bank:
            refs.append(ItemRef(bank.id, item.id, item.objective, f"book/{page}" if page else ""))
    return refs


def course_map(
    book: Path | None = None,
) -> tuple[Objectives, list[ExerciseSource], list[ItemRef]]:
    """Read the course's objectives, exercises and quiz items (for the map and the checks)."""
    from coursekit._paths import book_dir

    book = Path(book) if book else book_dir()
    return load_objectives(book), find_exercises(book), _bank_items(book)


def table_counts(rows: Sequence[ObjectiveRow]) -> Mapping[str, int]:
    """Sizes of the map: objectives, exercises and quiz items it links."""
    return {
        "objectives": len(rows),
        "exercises": len({label for r in rows for label, _ in r.exercises}),
        "items": sum(len(r.items) for r in rows),
    }
