"""Command line of the course: ``coursekit check`` and ``coursekit quiz export``.

Usage::

    coursekit check [--book DIR]
    coursekit quiz export BANK --format gift|answer-key [--output FILE] [--book DIR]

``python -m coursekit.cli`` works the same way. Exit codes: 0 success, 1 a check or an
export failed (the messages say what and where), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from coursekit import _paths

__all__ = ["build_parser", "main"]


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _write_stdout(text: str) -> None:
    try:
        sys.stdout.write(text)
    except UnicodeEncodeError:
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()


def _book(option: str | None) -> Path:
    return Path(option) if option else _paths.book_dir()


def _check_datasets() -> tuple[list[str], str]:
    """Run ``coursekit.data.check_datasets()`` if that module exists yet.

    Returns (problems, note); the note says what was checked or why it was skipped.
    """
    try:
        data = importlib.import_module("coursekit.data")
    except ModuleNotFoundError as exc:
        if exc.name == "coursekit.data":
            return [], "datasets: skipped (coursekit.data is not available)"
        return [f"datasets: coursekit.data cannot be imported: {exc}"], ""
    except ImportError as exc:
        return [f"datasets: coursekit.data cannot be imported: {exc}"], ""
    checker = getattr(data, "check_datasets", None)
    if not callable(checker):
        return [], "datasets: skipped (coursekit.data has no check_datasets())"
    try:
        found = list(checker())
    except Exception as exc:  # report, never show a traceback
        return [f"datasets: check_datasets() failed: {type(exc).__name__}: {exc}"], ""
    if found:
        return [f"datasets: {p}" for p in found], ""
    names = getattr(data, "names", None)
    count = f" ({len(names())} datasets)" if callable(names) else ""
    return [], f"datasets: OK{count}"


def _cmd_check(args: argparse.Namespace) -> int:
    from coursekit.quiz.bank import validate

    book = _book(args.book)
    quizzes = book / "quizzes"
    problems: list[str] = []
    lines: list[str] = []
    if not quizzes.is_dir():
        problems.append(f"{quizzes}: quiz folder not found")
    else:
        report = validate(quizzes, bibliography=book / "references.bib")
        problems += [str(p) for p in report.problems]
        if not report.banks and not report.problems:
            lines.append(f"quizzes: no banks in {quizzes}")
        for bank in report.banks:
            counts = ", ".join(f"{kind} {n}" for kind, n in bank.type_counts().items())
            lines.append(
                f"{bank.id}: {len(bank)} item{'s' if len(bank) != 1 else ''} ({counts}), "
                f"{len(bank.sources)} sources, OK"
            )
    data_problems, note = _check_datasets()
    problems += data_problems
    if note:
        lines.append(note)
    if problems:
        for problem in problems:
            _err(problem)
        _err(f"coursekit check: {len(problems)} problem{'s' if len(problems) != 1 else ''} found")
        return 1
    _write_stdout("\n".join([*lines, "coursekit check: all checks passed"]) + "\n")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from coursekit.quiz.bank import BankError, bank_path, load_bank, read_bibliography
    from coursekit.quiz.export import ExportError, export

    book = Path(args.book) if args.book else None
    try:
        path = bank_path(args.bank, book=book)
        bank = load_bank(path)
    except (FileNotFoundError, ValueError) as exc:
        if isinstance(exc, BankError):
            for problem in exc.problems:
                _err(str(problem))
            _err(f"coursekit quiz export: bank {args.bank!r} has problems; run `coursekit check`")
        else:
            _err(f"coursekit quiz export: {exc}")
        return 1
    bib_path = path.resolve().parent.parent / "references.bib"
    bibliography = None
    if bib_path.is_file():
        try:
            bibliography = read_bibliography(bib_path)
        except ValueError as exc:
            _err(f"warning: {exc}; sources are shown as bib keys")
    try:
        text = export(bank, args.format, bibliography=bibliography)
    except ExportError as exc:
        _err(f"coursekit quiz export: {exc}")
        return 1
    if args.output:
        out = Path(args.output)
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            _err(f"coursekit quiz export: cannot write {out}: {exc.strerror or exc}")
            return 1
        print(f"wrote {out} ({args.format}, {len(bank)} questions)")
    else:
        _write_stdout(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``coursekit`` command."""
    parser = argparse.ArgumentParser(
        prog="coursekit", description="Checks and exports for the course."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser(
        "check",
        help="validate every quiz bank in book/quizzes and the datasets",
        description="Validate every quiz bank in book/quizzes (schema, ids unique across "
        "banks, sources in book/references.bib) and the datasets.",
    )
    check.add_argument("--book", help="the book folder (default: found from the working directory)")
    check.set_defaults(func=_cmd_check)

    quiz = sub.add_parser("quiz", help="quiz bank tools", description="Quiz bank tools.")
    quiz_sub = quiz.add_subparsers(dest="quiz_command", metavar="QUIZ_COMMAND")
    exp = quiz_sub.add_parser(
        "export",
        help="export a bank as Moodle GIFT or a Markdown answer key",
        description="Export a bank as Moodle GIFT or as a Markdown answer key.",
    )
    exp.add_argument("bank", metavar="BANK", help="bank id (e.g. demo) or path to a .yml file")
    exp.add_argument("--format", required=True, choices=["gift", "answer-key"])
    exp.add_argument("--output", "-o", help="write to this file instead of standard output")
    exp.add_argument("--book", help="the book folder (default: found from the working directory)")
    exp.set_defaults(func=_cmd_export)
    quiz.set_defaults(func=lambda _a: _usage(quiz))
    parser.set_defaults(func=lambda _a: _usage(parser))
    return parser


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except FileNotFoundError as exc:  # no course folder found, for example
        _err(f"coursekit: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
