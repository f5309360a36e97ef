"""QTI 1.2 export for Canvas, written by the maintained ``text2qti`` package.

``text2qti`` turns a plain-text quiz format into a Canvas-ready QTI zip. This module
writes that plain text from a checked bank and hands it to ``text2qti`` (with code
execution off and no user configuration file read). Mapping:

- ``single`` → multiple choice (``*a)`` marks the correct option), per-option feedback
- ``multiple`` → multiple answers (``[*]``/``[ ]``), per-option feedback
- ``numeric`` → numerical ``= answer +- tolerance`` with correct/incorrect feedback;
  Canvas (via text2qti) cannot accept values smaller than 0.0001 in magnitude, so such an
  item is not exportable
- ``open`` → essay question (text2qti's ``____`` response line); the model answer, the
  rubric, the explanation and the sources are its general feedback (``...``), which Canvas
  shows after submission; Canvas grades essays by hand
- ``match`` and ``order`` → not exportable: text2qti has no matching or ordering
  questions. Use the GIFT export (Moodle) for those.

Items that cannot be exported are listed with the reason (:class:`QtiExport.skipped`);
nothing is dropped silently. Bank text is first rendered by the safe Markdown of
:mod:`coursekit.quiz.markdown` to one line of HTML, and the characters that text2qti's
own Markdown would act on are written as HTML character references, so bank text cannot
inject text2qti syntax (questions, code blocks, images, LaTeX).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from coursekit.quiz import markdown
from coursekit.quiz.bibliography import Bibliography
from coursekit.quiz.export import ExportError, open_feedback_html, plain_number
from coursekit.quiz.model import (
    Bank,
    Item,
    MatchItem,
    MultipleItem,
    NumericItem,
    OpenItem,
    OrderItem,
)
from coursekit.quiz.model import SingleItem as _Single
from coursekit.quiz.render import source_labels

__all__ = ["QtiExport", "qti_problems", "to_qti", "to_qti_text", "to_qti_zip"]

_TAG = re.compile(r"(<[^>]*>)")
_ACTIVE = re.compile(r"[\\`*_\[\]!$#+\-=.%^{}()|~:>]")
_MIN_MAGNITUDE = 1e-4


@dataclass(frozen=True)
class QtiExport:
    """A QTI zip (``data``), the text2qti source it came from, and the skipped items."""

    data: bytes
    source: str
    skipped: tuple[str, ...]


def _inert(fragment: str) -> str:
    """Safe HTML whose text text2qti's Markdown will leave alone."""
    parts = _TAG.split(fragment)
    for n in range(0, len(parts), 2):  # text between tags
        parts[n] = _ACTIVE.sub(lambda m: f"&#{ord(m.group(0))};", parts[n])
    return "".join(parts).replace("\n", " ").replace("\r", " ")


def _text(text: str, *, block: bool = False) -> str:
    out = _inert(markdown.to_html(text, block=block))
    return out or "&#8203;"


def qti_problems(item: Item) -> list[str]:
    """Why ``item`` cannot be exported to QTI with text2qti (empty if it can)."""
    if isinstance(item, MatchItem | OrderItem):
        return [
            f"{item.type} items cannot be exported to QTI: text2qti has no matching or "
            "ordering questions (use --format gift for Moodle)"
        ]
    if isinstance(item, NumericItem):
        low, high = item.answer - item.tolerance, item.answer + item.tolerance
        if min(abs(low), abs(high)) < _MIN_MAGNITUDE or (low <= 0 <= high):
            return [
                "numeric items whose accepted range comes within 0.0001 of zero cannot be "
                "exported to QTI (a text2qti/Canvas limit); change the unit"
            ]
    return []


def _item_lines(item: Item, number: int, labels: dict[str, str]) -> list[str]:
    sources = "; ".join(labels.get(k, k) for k in item.sources)
    general = _text(item.explanation, block=True) + _inert(
        f"<p>Sources: {html.escape(sources, quote=False)}</p>"
    )
    lines = [f"Title: {item.id}", f"{number}.  {_text(item.prompt)}"]
    if isinstance(item, OpenItem):
        lines += [f"... {_inert(open_feedback_html(item, labels, math='mathml'))}", "____"]
        return lines
    if isinstance(item, NumericItem):
        if item.unit:
            lines[-1] += _inert(f" (in {html.escape(item.unit, quote=False)})")
        lines += [
            f"... {general}",
            f"+   {_text(item.feedback_correct)}",
            f"-   {_text(item.feedback_incorrect)}",
            f"=   {plain_number(item.answer)} +- {plain_number(item.tolerance)}",
        ]
        return lines
    lines.append(f"... {general}")
    for n, option in enumerate(item.options):  # type: ignore[attr-defined]
        if isinstance(item, MultipleItem):
            mark = "[*]" if option.correct else "[ ]"
        else:
            letter = chr(ord("a") + n)
            mark = f"*{letter})" if option.correct else f"{letter})"
        lines.append(f"{mark} {_text(option.text)}")
        lines.append(f"... {_text(option.feedback)}")
    return lines


def to_qti_text(bank: Bank, *, bibliography: Bibliography | None = None) -> tuple[str, list[str]]:
    """The text2qti source of the exportable items and the reasons for the others."""
    labels = source_labels(bank, bibliography)
    lines = [
        f"Quiz title: {' '.join(markdown.to_text(bank.title).split())}",
        "Shuffle answers: true",
        "",
    ]
    skipped: list[str] = []
    number = 0
    for item in bank.items:
        reasons = qti_problems(item)
        if reasons:
            skipped += [f"item {item.id!r}: {r}" for r in reasons]
            continue
        if not isinstance(item, NumericItem | _Single | MultipleItem | OpenItem):
            skipped.append(f"item {item.id!r}: type {item.type!r} has no QTI form")
            continue
        number += 1
        lines += [*_item_lines(item, number, labels), ""]
    return "\n".join(lines), skipped


def to_qti(bank: Bank, *, bibliography: Bibliography | None = None) -> QtiExport:
    """Export ``bank`` as a QTI 1.2 zip for Canvas; raise :class:`ExportError` when no item
    can be exported or text2qti refuses the result."""
    try:
        from text2qti.config import Config
        from text2qti.err import Text2qtiError
        from text2qti.qti import QTI
        from text2qti.quiz import Quiz
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ExportError(
            "the QTI export needs the text2qti package (pip install text2qti)"
        ) from exc
    source, skipped = to_qti_text(bank, bibliography=bibliography)
    if not re.search(r"^\d+\. ", source, re.MULTILINE):
        raise ExportError(
            f"bank {bank.id!r} has no item that QTI can hold:\n"
            + "\n".join(f"- {s}" for s in skipped)
        )
    try:
        quiz = Quiz(source, config=Config(), source_name=f"{bank.id}.yml")
        data = QTI(quiz).zip_bytes()
    except Text2qtiError as exc:
        detail = " ".join(str(exc).split())[:300]
        raise ExportError(f"bank {bank.id!r}: text2qti refused the quiz: {detail}") from exc
    return QtiExport(data, source, tuple(skipped))


def to_qti_zip(bank: Bank, *, bibliography: Bibliography | None = None) -> bytes:
    """The QTI zip of :func:`to_qti` alone (skipped items are in ``to_qti(...).skipped``)."""
    return to_qti(bank, bibliography=bibliography).data
