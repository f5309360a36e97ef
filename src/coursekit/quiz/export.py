"""Exports of a quiz bank: Moodle GIFT and a Markdown answer key.

GIFT mapping (documented in ``book/about/instructors.md``):

- ``single`` → multiple choice ``{=right#feedback ~wrong#feedback}``
- ``multiple`` → multiple answer: correct options share +100 %, wrong ones share −100 %
  (``~%50%``, ``~%-50%``); the weights must be among the percentages Moodle accepts
- ``numeric`` → ``{#=answer:tolerance#correct feedback ~#incorrect feedback}``; the unit is
  added to the question text because GIFT has no unit field
- ``match`` → matching ``{=statement -> category}`` (needs at least 3 statements; unused
  categories become extra answers ``= -> category``)
- ``order`` → matching of each element to its position ``1``, ``2``, ... (needs at least 3)
- ``open`` → essay ``{####general feedback}`` (an essay question has no answer text): the
  model answer, the rubric checklist, the explanation and the sources become its general
  feedback, which Moodle shows once the response is submitted; Moodle grades essays by hand

Per-element feedback of match and order items, which GIFT matching cannot hold, is added to
the general feedback (``####``) together with the explanation and the sources. Text goes in
``[html]`` format: the safe Markdown subset rendered to HTML, formulas as ``\\(...\\)`` for
Moodle's TeX filter. Anything that cannot be exported raises :class:`ExportError` naming
every item concerned; nothing is dropped silently.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from decimal import Decimal
from typing import Literal

from coursekit.quiz import markdown
from coursekit.quiz.bibliography import Bibliography
from coursekit.quiz.model import (
    Bank,
    ChoiceItem,
    Item,
    MatchItem,
    MultipleItem,
    NumericItem,
    OpenItem,
    OrderItem,
    count_of,
)
from coursekit.quiz.render import source_labels

__all__ = [
    "FORMATS",
    "ExportError",
    "export",
    "export_problems",
    "gift_escape",
    "open_feedback_html",
    "plain_number",
    "to_answer_key",
    "to_gift",
]

FORMATS = ("gift", "answer-key")
MIN_MATCH_PAIRS = 3
# The grade percentages Moodle accepts on import (question_bank::fraction_options_full).
_MOODLE_PERCENTS = (
    100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20,
    16.66667, 14.28571, 12.5, 11.11111, 10, 5,
)  # fmt: skip


class ExportError(ValueError):
    """The bank (or some items) cannot be written in the requested format."""


def gift_escape(text: str) -> str:
    """Escape GIFT's special characters ``~ = # { } :`` and the backslash; fold newlines."""
    out = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        out = out.replace(char, "\\" + char)
    return " ".join(out.replace("\r", " ").replace("\n", " ").split())


def _gift_html(text: str, *, block: bool = False) -> str:
    return gift_escape(markdown.to_html(text, math="tex", block=block))


def plain_number(value: float) -> str:
    """``value`` in plain decimal, never in exponent notation (``1e-07`` → ``0.0000001``).

    The shortest decimal that reads back as the same float, as ``repr`` gives it.
    """
    number = float(value)
    if number.is_integer():
        return str(int(number))
    return format(Decimal(repr(number)), "f")


_number = plain_number


def _percent(share: int) -> str | None:
    """The Moodle weight for one of ``share`` equal parts of 100 %, if Moodle accepts it."""
    value = round(100 / share, 5)
    for allowed in _MOODLE_PERCENTS:
        if abs(allowed - value) < 1e-4:
            return f"{allowed:g}" if float(allowed).is_integer() else f"{allowed:.5f}".rstrip("0")
    return None


def _general_feedback(item: Item, labels: dict[str, str], extra: list[str]) -> str:
    parts = [markdown.to_html(item.explanation, math="tex", block=True)]
    if extra:
        parts.append("<ul>" + "".join(f"<li>{x}</li>" for x in extra) + "</ul>")
    sources = "; ".join(labels.get(k, k) for k in item.sources)
    parts.append(f"<p>Sources: {html.escape(sources)}</p>")
    return "\t####" + gift_escape("".join(parts))


def open_feedback_html(
    item: OpenItem, labels: dict[str, str], *, math: markdown.MathStyle = "tex"
) -> str:
    """The model answer, rubric, explanation and sources of an open item as one HTML block
    (the general feedback of the GIFT and QTI essay questions)."""
    criteria = "".join(f"<li>{markdown.to_html(c, math=math)}</li>" for c in item.rubric)
    sources = "; ".join(labels.get(k, k) for k in item.sources)
    return (
        "<p><strong>Model answer.</strong></p>"
        + markdown.to_html(item.model_answer, math=math, block=True)
        + f"<p><strong>Checklist.</strong> A good answer:</p><ul>{criteria}</ul>"
        + "<p><strong>Explanation.</strong></p>"
        + markdown.to_html(item.explanation, math=math, block=True)
        + f"<p>Sources: {html.escape(sources)}</p>"
    )


def _gift_item(item: Item, labels: dict[str, str]) -> list[str]:
    """GIFT lines for one item; raises ExportError when the item cannot be expressed."""
    prompt = markdown.to_html(item.prompt, math="tex", block=True)
    extra: list[str] = []
    body: list[str] = []
    if isinstance(item, OpenItem):
        head = f"::{gift_escape(item.id)}::[html]{gift_escape(prompt)}{{"
        return [head, "\t####" + gift_escape(open_feedback_html(item, labels)), "}"]
    if isinstance(item, MultipleItem):
        right = [o for o in item.options if o.correct]
        wrong = [o for o in item.options if not o.correct]
        plus = _percent(len(right))
        minus = _percent(len(wrong)) if wrong else "0"
        if plus is None or minus is None:
            raise ExportError(
                f"item {item.id!r}: Moodle cannot weight {len(right)} correct and "
                f"{len(wrong)} wrong options equally (allowed shares: 1–10 or 20 options)"
            )
        for option in item.options:
            weight = f"%{plus}%" if option.correct else f"%-{minus}%"
            body.append(f"\t~{weight}{_gift_html(option.text)}#{_gift_html(option.feedback)}")
    elif isinstance(item, ChoiceItem):
        for option in item.options:
            mark = "=" if option.correct else "~"
            body.append(f"\t{mark}{_gift_html(option.text)}#{_gift_html(option.feedback)}")
    elif isinstance(item, NumericItem):
        if item.unit:
            prompt += f"<p>Give the answer in {html.escape(item.unit)}.</p>"
        body.append(
            f"\t={_number(item.answer)}:{_number(item.tolerance)}"
            f"#{_gift_html(item.feedback_correct)}"
        )
        body.append(f"\t~#{_gift_html(item.feedback_incorrect)}")
    elif isinstance(item, MatchItem):
        if len(item.pairs) < MIN_MATCH_PAIRS:
            raise ExportError(
                f"item {item.id!r}: GIFT matching needs at least {MIN_MATCH_PAIRS} pairs; "
                f"this match item has {len(item.pairs)}"
            )
        for pair in item.pairs:
            answer = gift_escape(markdown.to_text(pair.category))
            body.append(f"\t={_gift_html(pair.text)} -> {answer}")
            extra.append(
                f"{markdown.to_html(pair.text, math='tex')} → "
                f"{html.escape(markdown.to_text(pair.category))}: "
                f"{markdown.to_html(pair.feedback, math='tex')}"
            )
        used = {p.category for p in item.pairs}
        for category in item.categories:
            if category not in used:
                body.append(f"\t= -> {gift_escape(markdown.to_text(category))}")
    elif isinstance(item, OrderItem):
        if len(item.sequence) < MIN_MATCH_PAIRS:
            raise ExportError(
                f"item {item.id!r}: order items are exported as GIFT matching to positions, "
                f"which needs at least {MIN_MATCH_PAIRS} elements; this one has "
                f"{len(item.sequence)}"
            )
        prompt += "<p>Match each element to its position (1 = first).</p>"
        for step in item.display_order():
            body.append(f"\t={_gift_html(item.sequence[step].text)} -> {step + 1}")
        for position, step in enumerate(item.sequence, start=1):
            extra.append(
                f"{position}. {markdown.to_html(step.text, math='tex')}: "
                f"{markdown.to_html(step.feedback, math='tex')}"
            )
    else:
        raise ExportError(f"item {item.id!r}: type {item.type!r} cannot be exported to GIFT")
    opening = "{#" if isinstance(item, NumericItem) else "{"
    head = f"::{gift_escape(item.id)}::[html]{gift_escape(prompt)}{opening}"
    return [head, *body, _general_feedback(item, labels, extra), "}"]


def export_problems(item: Item) -> list[str]:
    """What stops ``item`` from being written in any export format (empty when nothing).

    :mod:`coursekit.quiz.validate` calls this for every item, so a bank that passes
    ``coursekit check`` exports in every format.
    """
    found = []
    prefix = f"item {item.id!r}: "
    for convert in (lambda: _gift_item(item, {}), lambda: _answer_lines(item)):
        try:
            convert()
        except ExportError as exc:
            message = str(exc)
            found.append(message[len(prefix) :] if message.startswith(prefix) else message)
    return found


def to_gift(bank: Bank, *, bibliography: Bibliography | None = None) -> str:
    """Return the bank as Moodle GIFT text; raise :class:`ExportError` listing every item
    that GIFT cannot express (no partial file is produced)."""
    labels = source_labels(bank, bibliography)
    blocks: list[str] = []
    errors: list[str] = []
    for item in bank.items:
        try:
            blocks.append("\n".join(_gift_item(item, labels)))
        except ExportError as exc:
            errors.append(str(exc))
    if errors:
        raise ExportError(
            f"bank {bank.id!r} cannot be exported to GIFT:\n" + "\n".join(f"- {e}" for e in errors)
        )
    header = [
        f"// Quiz bank {bank.id!r}: {markdown.to_text(bank.title)}",
        f"// {count_of(len(bank), 'question')} in Moodle GIFT format; every grade is one "
        "Moodle accepts.",
        "// Order items are matching questions: each element is matched to its position.",
        f"$CATEGORY: $course$/top/{gift_escape(bank.id)}",
        "",
    ]
    return "\n".join(header) + "\n" + "\n\n".join(blocks) + "\n"


def _md(text: str) -> str:
    """Bank text for the Markdown answer key: kept as Markdown, with raw HTML neutralised."""
    return " ".join(html.escape(text, quote=False).split())


def _answer_lines(item: Item) -> list[str]:
    if isinstance(item, ChoiceItem):
        lines = []
        for option in item.options:
            mark = "**Correct**" if option.correct else "Wrong"
            lines.append(f"- {mark}: {_md(option.text)}  \n  *Feedback:* {_md(option.feedback)}")
        return lines
    if isinstance(item, NumericItem):
        unit = f" {_md(item.unit)}" if item.unit else ""
        low, high = item.answer - item.tolerance, item.answer + item.tolerance
        return [
            f"- **Answer:** {_number(item.answer)}{unit} (accepted from {_number(low)} "
            f"to {_number(high)}{unit}; tolerance ±{_number(item.tolerance)})",
            f"- *Feedback if correct:* {_md(item.feedback_correct)}",
            f"- *Feedback if not:* {_md(item.feedback_incorrect)}",
        ]
    if isinstance(item, MatchItem):
        lines = [f"Categories: {'; '.join(_md(c) for c in item.categories)}", ""]
        for pair in item.pairs:
            lines.append(
                f"- {_md(pair.text)} → **{_md(pair.category)}**  \n"
                f"  *Feedback:* {_md(pair.feedback)}"
            )
        return lines
    if isinstance(item, OrderItem):
        return [
            f"{n}. {_md(step.text)}  \n   *Feedback:* {_md(step.feedback)}"
            for n, step in enumerate(item.sequence, start=1)
        ]
    if isinstance(item, OpenItem):
        return [
            "Self-assessed by the reader; not counted in the quiz score.",
            "",
            f"**Model answer.** {_md(item.model_answer)}",
            "",
            "**Rubric** (the reader ticks the points their answer covers, then rates it "
            "*not yet*, *partly* or *fully*):",
            "",
            *(f"- [ ] {_md(c)}" for c in item.rubric),
        ]
    raise ExportError(f"item {item.id!r}: type {item.type!r} has no answer-key layout")


_TYPE_NAMES = {
    "single": "single answer",
    "multiple": "multiple answers",
    "numeric": "numeric",
    "match": "match (categorise)",
    "order": "order",
    "open": "open response, self-assessed",
}


def to_answer_key(
    bank: Bank,
    *,
    bibliography: Bibliography | None = None,
    objectives: Mapping[str, str] | None = None,
) -> str:
    """Return a Markdown answer key: every item with its learning objective (id, and its
    text when ``objectives`` maps ids to texts), answers, feedback, explanation and sources
    (short labels from ``references.bib`` plus the bib keys)."""
    objectives = objectives or {}
    labels = source_labels(bank, bibliography)
    lines = [
        f"# Answer key: {_md(bank.title)}",
        "",
        f"Bank `{bank.id}`, {count_of(len(bank), 'question')}. For instructors; the answers "
        "below are "
        "what the self-check quiz accepts.",
        "",
    ]
    for number, item in enumerate(bank.items, start=1):
        lines += [
            f"## {number}. `{item.id}` ({_TYPE_NAMES[item.type]})",
            "",
            f"**Objective:** `{item.objective}`"
            + (f": {_md(objectives[item.objective])}" if item.objective in objectives else ""),
            "",
            f"**Question.** {_md(item.prompt)}",
            "",
            *_answer_lines(item),
            "",
            f"**Explanation.** {_md(item.explanation)}",
            "",
            "**Sources:** " + "; ".join(f"{_md(labels.get(k, k))} (`{k}`)" for k in item.sources),
            "",
        ]
    return "\n".join(lines)


def export(
    bank: Bank,
    fmt: Literal["gift", "answer-key"],
    *,
    bibliography: Bibliography | None = None,
    objectives: Mapping[str, str] | None = None,
) -> str:
    """Export ``bank`` as ``"gift"`` or ``"answer-key"`` (``objectives``: id → text, for
    the answer key)."""
    if fmt == "gift":
        return to_gift(bank, bibliography=bibliography)
    if fmt == "answer-key":
        return to_answer_key(bank, bibliography=bibliography, objectives=objectives)
    raise ExportError(f"format must be one of {', '.join(FORMATS)}; got {fmt!r}")
