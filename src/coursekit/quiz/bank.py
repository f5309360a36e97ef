"""Quiz banks: the public entry points for loading and checking them.

A bank is one YAML file ``book/quizzes/<bank-id>.yml``. The schema is published as
``bank.schema.json`` next to this module and documented field by field in
``book/about/instructors.md``. Loading never shows a Python traceback for a mistake in a
bank: every problem becomes a :class:`Problem` naming the file, the line, the item id and
what is wrong.

The work is split over small modules: :mod:`~coursekit.quiz.model` (item classes and
grading), :mod:`~coursekit.quiz.loader` (safe YAML), :mod:`~coursekit.quiz.validate`
(schema and semantic checks) and :mod:`~coursekit.quiz.bibliography` (pybtex). This
module keeps the names that other code imports from ``coursekit.quiz.bank``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from coursekit.quiz.bibliography import Bibliography, display_path, read_bibliography
from coursekit.quiz.model import (
    ITEM_TYPES,
    SLUG,
    Bank,
    BankError,
    Choice,
    ChoiceItem,
    Item,
    MatchItem,
    MultipleItem,
    NumericItem,
    OpenItem,
    OrderItem,
    Outcome,
    Pair,
    Problem,
    SingleItem,
    Step,
)
from coursekit.quiz.validate import Parsed, check_sources, parse_bank

__all__ = [
    "ITEM_TYPES",
    "SLUG",
    "Bank",
    "BankError",
    "Bibliography",
    "Choice",
    "ChoiceItem",
    "Item",
    "MatchItem",
    "MultipleItem",
    "NumericItem",
    "OpenItem",
    "OrderItem",
    "Outcome",
    "Pair",
    "Problem",
    "SingleItem",
    "Step",
    "ValidationReport",
    "bank_path",
    "load_bank",
    "read_bibliography",
    "validate",
]


def _book_dir() -> Path:
    from coursekit import _paths

    return _paths.book_dir()


def bank_path(bank_id_or_path: str | Path, *, book: Path | None = None) -> Path:
    """Resolve a bank id (``"demo"``) or a path to the bank's YAML file.

    An id is looked up as ``<book>/quizzes/<id>.yml``, where ``<book>`` defaults to the
    ``book/`` folder found by walking up from the working directory.
    """
    text = str(bank_id_or_path)
    if isinstance(bank_id_or_path, Path) or text.endswith((".yml", ".yaml")) or "/" in text:
        path = Path(bank_id_or_path)
        if not path.is_file():
            raise FileNotFoundError(f"quiz bank file {text!r} does not exist")
        return path
    if not SLUG.match(text):
        raise ValueError(f"bank id must use lowercase letters, digits and hyphens, got {text!r}")
    folder = (book or _book_dir()) / "quizzes"
    path = folder / f"{text}.yml"
    if not path.is_file():
        available = sorted(p.stem for p in folder.glob("*.yml"))
        listing = ", ".join(available) if available else "none"
        raise FileNotFoundError(
            f"no quiz bank {text!r}: {display_path(path)} does not exist (available: {listing})"
        )
    return path


def load_bank(bank_id_or_path: str | Path, *, book: Path | None = None) -> Bank:
    """Load and check one bank by id or path; raise :class:`BankError` listing its problems.

    Source keys are checked against the bibliography by :func:`validate` (and
    ``coursekit check``), not here, so a notebook can show a quiz while
    ``references.bib`` is being edited.
    """
    parsed = parse_bank(bank_path(bank_id_or_path, book=book))
    if parsed.problems or parsed.bank is None:
        raise BankError(parsed.problems)
    return parsed.bank


@dataclass(frozen=True)
class ValidationReport:
    """What :func:`validate` found: the banks that loaded and every problem."""

    banks: tuple[Bank, ...]
    problems: tuple[Problem, ...]
    bibliography: Path | None = None

    @property
    def ok(self) -> bool:
        """True when there are no problems."""
        return not self.problems

    def __bool__(self) -> bool:
        return self.ok


def validate(
    target: str | Path | Iterable[str | Path] | None = None,
    *,
    bibliography: str | Path | None = None,
) -> ValidationReport:
    """Check banks on their own, against each other and against the bibliography.

    ``target`` is a folder of banks (default: ``book/quizzes``), one bank file, or a list
    of bank files. ``bibliography`` defaults to ``references.bib`` next to the quiz folder.
    Item ids must be unique across all banks checked together.
    """
    if target is None:
        target = _book_dir() / "quizzes"
    if isinstance(target, str | Path) and Path(target).is_dir():
        folder = Path(target)
        paths = sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml"))
    else:
        paths = [Path(target)] if isinstance(target, str | Path) else [Path(p) for p in target]
        folder = paths[0].parent if paths else Path.cwd()
    bib_path = Path(bibliography) if bibliography else folder.parent / "references.bib"

    parsed: list[tuple[str, Parsed]] = []
    problems: list[Problem] = []
    for path in paths:
        if path.suffix == ".yaml":
            problems.append(
                Problem(
                    display_path(path), "quiz banks must use the .yml extension (rename the file)"
                )
            )
        elif not path.is_file():
            problems.append(Problem(display_path(path), "does not exist"))
        else:
            parsed.append((display_path(path), parse_bank(path)))

    bib: Bibliography | None = None
    if not bib_path.is_file():
        if paths:
            problems.append(
                Problem(
                    display_path(bib_path),
                    "bibliography not found; every item's sources must be keys in it",
                )
            )
    else:
        try:
            bib = read_bibliography(bib_path)
        except ValueError as exc:
            problems.append(Problem(display_path(bib_path), str(exc)))

    banks: list[Bank] = []
    first_use: dict[str, tuple[str, int | None]] = {}
    for shown, result in parsed:
        found = list(result.problems)
        for item_id, line, _sources in result.citations:
            if item_id in first_use:
                other, other_line = first_use[item_id]
                at = f"{other}:{other_line}" if other_line else other
                found.append(
                    Problem(shown, f"duplicate item id: already used in {at}", line, item_id)
                )
            else:
                first_use[item_id] = (shown, line)
        if bib is not None:
            found += check_sources(shown, result.citations, bib)
        problems += sorted(found, key=lambda p: p.line or 0)
        if result.bank is not None and not found:
            banks.append(result.bank)
    return ValidationReport(tuple(banks), tuple(problems), bib_path if bib else None)
