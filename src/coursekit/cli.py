"""Command line of the course: ``coursekit check`` and ``coursekit quiz export``.

Usage::

    coursekit check [--book DIR]
    coursekit quiz export BANK [--format gift|answer-key|qti] [--output FILE] [--book DIR]

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
    """Run ``coursekit.evidence.datasets.check_datasets()`` if that module exists yet.

    Returns (problems, note); the note says what was checked or why it was skipped.
    """
    try:
        data = importlib.import_module("coursekit.evidence.datasets")
    except ModuleNotFoundError as exc:
        if exc.name == "coursekit.evidence.datasets":
            return [], "datasets: skipped (coursekit.evidence.datasets is not available)"
        return [f"datasets: coursekit.evidence.datasets cannot be imported: {exc}"], ""
    except ImportError as exc:
        return [f"datasets: coursekit.evidence.datasets cannot be imported: {exc}"], ""
    checker = getattr(data, "check_datasets", None)
    if not callable(checker):
        return [], "datasets: skipped (coursekit.evidence.datasets has no check_datasets())"
    try:
        found = list(checker())
    except Exception as exc:  # report, never show a traceback
        return [f"datasets: check_datasets() failed: {type(exc).__name__}: {exc}"], ""
    if found:
        return [f"datasets: {p}" for p in found], ""
    names = getattr(data, "names", None)
    count = f" ({len(names())} datasets)" if callable(names) else ""
    return [], f"datasets: OK{count}"


def _check_objectives(book: Path) -> tuple[list[str], str]:
    """Objectives data, exercises and quiz items: every gap, or a one-line summary."""
    from coursekit.quiz.model import count_of
    from coursekit.teaching import ObjectiveError, course_map, coverage_problems

    if not (book / "objectives").is_dir():
        return [], "objectives: skipped (no objectives folder in the book)"
    try:
        objectives, exercises, items = course_map(book)
    except ObjectiveError as exc:
        return [f"objectives: {p}" for p in exc.problems], ""
    found = coverage_problems(objectives, exercises, items)
    if found:
        return [f"objectives: {p}" for p in found], ""
    return [], (
        f"objectives: {count_of(len(objectives), 'objective')}, "
        f"{count_of(len(exercises), 'exercise')} with model answers, "
        f"{count_of(len(items), 'quiz item')}, every objective practised, OK"
    )


def _cmd_check(args: argparse.Namespace) -> int:
    from coursekit.quiz.bank import validate
    from coursekit.quiz.model import count_of

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
                f"{bank.id}: {count_of(len(bank), 'item')} ({counts}), "
                f"{len(bank.sources)} sources, OK"
            )
    data_problems, note = _check_datasets()
    problems += data_problems
    if note:
        lines.append(note)
    if not problems:
        map_problems, map_note = _check_objectives(book)
        problems += map_problems
        lines.append(map_note)
    if problems:
        for problem in problems:
            _err(problem)
        _err(f"coursekit check: {len(problems)} problem{'s' if len(problems) != 1 else ''} found")
        return 1
    _write_stdout("\n".join([*lines, "coursekit check: all checks passed"]) + "\n")
    return 0


def _refuse_output(out: Path, bank_file: Path) -> str | None:
    """Why writing to ``out`` is refused (it would overwrite the bank or another bank)."""
    try:
        same = out.resolve() == bank_file.resolve()
    except (OSError, RuntimeError):
        same = False
    if same:
        return f"refusing to write to {out}: it is the bank being exported"
    if out.suffix.lower() in (".yml", ".yaml"):
        return (
            f"refusing to write to {out}: a .yml/.yaml output could overwrite a quiz bank; "
            "use .gift, .txt, .md or .zip"
        )
    if out.is_dir():
        return f"cannot write to {out}: it is a folder"
    return None


def _objective_texts(book: Path) -> dict[str, str]:
    """Objective id → text for the answer key; empty (ids only) when the data is unreadable."""
    from coursekit.teaching import ObjectiveError, load_objectives

    try:
        return {o.id: o.text for o in load_objectives(book)}
    except (ObjectiveError, OSError):
        return {}


def _cmd_export(args: argparse.Namespace) -> int:
    from coursekit.quiz.bank import BankError, bank_path, load_bank, read_bibliography
    from coursekit.quiz.export import ExportError, export
    from coursekit.quiz.model import count_of

    book = Path(args.book) if args.book else None
    try:
        path = bank_path(args.bank, book=book)
    except (FileNotFoundError, ValueError, OSError) as exc:
        _err(f"coursekit quiz export: {_short(exc)}")
        return 1
    if args.output:
        refusal = _refuse_output(Path(args.output), path)
        if refusal:
            _err(f"coursekit quiz export: {refusal}")
            return 1
    if args.format == "qti" and not args.output:
        _err("coursekit quiz export: --format qti writes a .zip file; give it with --output")
        return 1
    try:
        bank = load_bank(path)
    except BankError as exc:
        for problem in exc.problems:
            _err(str(problem))
        _err(f"coursekit quiz export: bank {args.bank!r} has problems; run `coursekit check`")
        return 1
    except (FileNotFoundError, ValueError, OSError) as exc:
        _err(f"coursekit quiz export: {_short(exc)}")
        return 1
    bib_path = path.resolve().parent.parent / "references.bib"
    bibliography = None
    if bib_path.is_file():
        try:
            bibliography = read_bibliography(bib_path)
        except ValueError as exc:
            _err(f"warning: {_short(exc)}; sources are shown as bib keys")
    try:
        if args.format == "qti":
            from coursekit.quiz.qti import to_qti

            qti = to_qti(bank, bibliography=bibliography)
            for reason in qti.skipped:
                _err(f"warning: {path}: {reason}; not exported")
            data: str | bytes = qti.data
            count = len(bank) - len({s.split("'")[1] for s in qti.skipped})
        else:
            data = export(
                bank,
                args.format,
                bibliography=bibliography,
                objectives=_objective_texts(path.resolve().parent.parent),
            )
            count = len(bank)
    except ExportError as exc:
        _err(f"coursekit quiz export: {_short(exc, 2000)}")
        return 1
    if args.output:
        out = Path(args.output)
        try:
            if isinstance(data, bytes):
                out.write_bytes(data)
            else:
                out.write_text(data, encoding="utf-8")
        except OSError as exc:
            _err(f"coursekit quiz export: cannot write {out}: {exc.strerror or exc}")
            return 1
        print(f"wrote {out} ({args.format}, {count_of(count, 'question')})")
    else:
        _write_stdout(str(data))
    return 0


def _cmd_glossary(args: argparse.Namespace) -> int:
    from coursekit.evidence.datasets import glossary_markdown

    _write_stdout(glossary_markdown())
    return 0


def _short(exc: BaseException, limit: int = 500) -> str:
    """An exception's message on one line, at most ``limit`` characters."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cmd_lab(args: argparse.Namespace) -> int:
    """``coursekit lab``: create or refresh the instructors' working copy (``_lab/``)."""
    from coursekit import lab

    report = lab.prepare(args.root, args.dest, reset=args.reset)
    print(report.summary())
    for problem in report.problems:
        _err(f"coursekit lab: {problem}")
    return 1 if report.problems else 0


def _cmd_pdf(args: argparse.Namespace) -> int:
    from coursekit.quiz.model import count_of
    from coursekit.teaching.pdf import print_course

    root = _paths.project_root()
    site = Path(args.site) if args.site else root / "_build" / "html"
    out = Path(args.output) if args.output else root / "_build" / "pdf"
    report = print_course(site, out, root=root, progress=lambda m: print(m, flush=True))
    for problem in report.problems:
        _err(f"coursekit pdf: {problem}")
    print(
        f"wrote {report.course} ({count_of(report.course_pages, 'page')}, "
        f"{count_of(len(report.sections), 'section')})\n"
        f"wrote {report.answer_key} ({count_of(report.answer_key_pages, 'page')})"
    )
    return 1 if report.problems else 0


def _add_lab_command(sub: argparse._SubParsersAction) -> None:
    lab = sub.add_parser(
        "lab",
        help="create or refresh the working copy _lab/ that `make lab` opens in JupyterLab",
        description="Copy the course into _lab/ (git-ignored) with the book-only roles "
        "(glue, ck, cite, term, doc, ref) resolved to text, for JupyterLab. Running it "
        "again updates the files you have not edited and keeps the ones you have.",
    )
    lab.add_argument("--root", help="the course folder (default: found from here)")
    lab.add_argument("--dest", help="the working copy (default: ROOT/_lab)")
    lab.add_argument(
        "--reset",
        action="store_true",
        help="replace your edited files with the course's, after moving them to "
        "_lab/.coursekit/backup/",
    )
    lab.set_defaults(func=_cmd_lab)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``coursekit`` command."""
    parser = argparse.ArgumentParser(
        prog="coursekit", description="Checks and exports for the course."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser(
        "check",
        help="validate the quiz banks, the datasets and the learning objectives",
        description="Validate every quiz bank in book/quizzes (schema, ids unique across "
        "banks, sources in book/references.bib), the datasets, and the learning objectives "
        "in book/objectives (every objective practised by an exercise or quiz item, every "
        "exercise answered, every item's objective known).",
    )
    check.add_argument("--book", help="the book folder (default: found from the working directory)")
    check.set_defaults(func=_cmd_check)

    glossary = sub.add_parser(
        "glossary",
        help="print the glossary page built from the glossary dataset",
        description="Print book/reference/glossary.md as built from the glossary dataset "
        "(coursekit glossary > book/reference/glossary.md).",
    )
    glossary.set_defaults(func=_cmd_glossary)

    _add_lab_command(sub)
    pdf = sub.add_parser(
        "pdf",
        help="print the built book to PDF, with a separate answer key",
        description="Print the built book (make book first) to one PDF, a section per page, "
        "without answers, and the exercises' model answers and the quizzes' answer keys to a "
        "second PDF, with the system Chromium.",
    )
    pdf.add_argument("--site", help="the built book (default: _build/html)")
    pdf.add_argument("--output", "-o", help="folder for the two PDFs (default: _build/pdf)")
    pdf.set_defaults(func=_cmd_pdf)
    quiz = sub.add_parser("quiz", help="quiz bank tools", description="Quiz bank tools.")
    quiz_sub = quiz.add_subparsers(dest="quiz_command", metavar="QUIZ_COMMAND")
    exp = quiz_sub.add_parser(
        "export",
        help="export a bank as Moodle GIFT, a Markdown answer key or QTI",
        description="Export a bank as Moodle GIFT, as a Markdown answer key or as a QTI 1.2 "
        "zip (Canvas). The output never overwrites a bank.",
    )
    exp.add_argument("bank", metavar="BANK", help="bank id (e.g. demo) or path to a .yml file")
    exp.add_argument(
        "--format",
        default="gift",
        choices=["gift", "answer-key", "qti"],
        help="gift (Moodle, the default), answer-key (Markdown) or qti (QTI 1.2 zip for "
        "Canvas; needs --output)",
    )
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
        _err(f"coursekit: {_short(exc)}")
        return 1
    except KeyboardInterrupt:
        _err("coursekit: interrupted")
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # never show a traceback: one line, non-zero exit
        _err(f"coursekit: internal error ({type(exc).__name__}): {_short(exc)}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
