"""Static HTML for a quiz bank (checked in the browser by ``static/quiz.js``).

The markup follows the DOM contract documented in ``book/about/instructors.md``. It holds
no script and no style: the book loads ``quiz.js`` and ``quiz.css`` once per page. The
answers, feedback and explanation of each item travel in ``data-quiz-payload``: UTF-8
JSON in base64. That keeps the answers and explanations out of the readable markup (quiz.js
reveals them only after an answer is checked or the explanation is asked for); it is not
security. Element ids derive from the bank id and item ids only, so rendering is
deterministic.

Every piece of bank text passes through :mod:`coursekit.quiz.markdown` (or
:func:`html.escape`), including the HTML inside the encoded payload, so ``quiz.js`` can
insert it as markup without running anything from the bank.
"""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path
from typing import Any, Literal

from coursekit.quiz import markdown
from coursekit.quiz.bibliography import Bibliography, read_bibliography
from coursekit.quiz.model import (
    Bank,
    ChoiceItem,
    Item,
    MatchItem,
    MultipleItem,
    NumericItem,
    OpenItem,
    OrderItem,
    Outcome,
    count_of,
)

__all__ = [
    "RATING_LABELS",
    "decode_payload",
    "element_prefix",
    "encode_payload",
    "inline_assets",
    "item_payload",
    "outcome_html",
    "render_document",
    "render_static",
    "source_labels",
    "static_assets",
    "storage_key",
]

_HINTS = {
    "single": "Choose one answer.",
    "multiple": "Choose every answer that applies.",
    "numeric": "Enter a number.",
    "match": "Choose a category for each statement.",
    "order": "Put the elements in order, first at the top, with the Move up and Move down buttons.",
    "open": "Write your answer, then show the model answer and rate your answer against its "
    "checklist. Self-assessed: this question does not count toward the score.",
}
#: The wording of the self-ratings of an open item (value → label), worst first.
RATING_LABELS = {"not-yet": "Not yet", "partly": "Partly", "fully": "Fully"}


def encode_payload(data: Any) -> str:
    """Encode JSON-able ``data`` for a ``data-quiz-payload`` attribute: base64 of UTF-8 JSON.

    That keeps answers and explanations out of the readable markup (and out of a search of
    the page); it is not security. quiz.js decodes it with ``atob`` and ``TextDecoder``.
    """
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return base64.b64encode(raw.encode("utf-8")).decode("ascii")


def decode_payload(token: str) -> Any:
    """Invert :func:`encode_payload` (what quiz.js does in the browser)."""
    return json.loads(base64.b64decode(token, validate=True).decode("utf-8"))


def element_prefix(bank: Bank, instance: str = "") -> str:
    """The prefix of every element id of a rendered bank: ``ckq-<bank id>[-<instance>]``."""
    return f"ckq-{bank.id}-{instance}" if instance else f"ckq-{bank.id}"


def storage_key(bank: Bank) -> str:
    """The ``localStorage`` key under which quiz.js keeps progress on ``bank``."""
    return f"coursekit-quiz:{bank.id}:{bank.digest}"


def source_labels(bank: Bank, bib: Bibliography | None = None) -> dict[str, str]:
    """Short author-year labels of the bank's sources, falling back to the bib keys.

    Without ``bib``, ``references.bib`` beside the bank's folder is read if it exists.
    """
    if bib is None and bank.path is not None:
        candidate = bank.path.resolve().parent.parent / "references.bib"
        if candidate.is_file():
            try:
                bib = read_bibliography(candidate)
            except ValueError:
                bib = None
    labels = {key: (bib.label(key) if bib else key) for key in bank.sources}
    counts: dict[str, int] = {}
    for label in labels.values():
        counts[label] = counts.get(label, 0) + 1
    for key, label in labels.items():
        if counts[label] > 1 and bib is not None:
            title = bib.titles.get(key, "")
            short = (
                title if len(title) <= 60 else title[:57].rsplit(" ", 1)[0].rstrip(" :;,.") + "…"
            )
            labels[key] = f"{label}, {short}" if short else f"{label} ({key})"
    return labels


def item_payload(item: Item, labels: dict[str, str] | None = None) -> dict[str, Any]:
    """The answer data quiz.js needs for ``item``; all text is pre-sanitised HTML."""
    labels = labels or {}
    data: dict[str, Any] = {
        "explanation": markdown.to_html(item.explanation, block=True),
        "sources": [labels.get(k, k) for k in item.sources],
    }
    if isinstance(item, ChoiceItem):
        data["correct"] = list(item.correct_indices)
        data["feedback"] = [markdown.to_html(o.feedback) for o in item.options]
    elif isinstance(item, NumericItem):
        data.update(
            answer=item.answer,
            tolerance=item.tolerance,
            correct=markdown.to_html(item.feedback_correct),
            incorrect=markdown.to_html(item.feedback_incorrect),
        )
    elif isinstance(item, MatchItem):
        data["answer"] = [item.categories.index(p.category) for p in item.pairs]
        data["feedback"] = [markdown.to_html(p.feedback) for p in item.pairs]
    elif isinstance(item, OpenItem):
        data["model"] = markdown.to_html(item.model_answer, block=True)
        data["rubric"] = [markdown.to_html(c) for c in item.rubric]
        data["ratings"] = [[value, label] for value, label in RATING_LABELS.items()]
    elif isinstance(item, OrderItem):
        shown = item.display_order()
        data["answer"] = [shown.index(step) for step in range(len(item.sequence))]
        data["feedback"] = [markdown.to_html(item.sequence[s].feedback) for s in shown]
    return data


def _attr(value: object) -> str:
    return html.escape(str(value), quote=True)


def _controls(item: Item, base: str) -> list[str]:
    if isinstance(item, ChoiceItem):
        kind = "checkbox" if isinstance(item, MultipleItem) else "radio"
        rows = ['<ul class="ck-quiz-options">']
        for n, option in enumerate(item.options):
            oid = f"{base}-o{n}"
            rows.append(
                f'<li class="ck-quiz-option"><input type="{kind}" id="{oid}" '
                f'name="{base}-choice" value="{n}"> <label for="{oid}">'
                f"{markdown.to_html(option.text)}</label></li>"
            )
        rows.append("</ul>")
        return rows
    if isinstance(item, NumericItem):
        unit = item.unit.strip()
        hidden_unit = f'<span class="ck-vh"> (in {_attr(unit)})</span>' if unit else ""
        shown_unit = (
            f' <span class="ck-quiz-unit" aria-hidden="true">{_attr(unit)}</span>' if unit else ""
        )
        return [
            '<div class="ck-quiz-numeric">'
            f'<label for="{base}-value">Your answer{hidden_unit}</label> '
            f'<input type="number" step="any" inputmode="decimal" id="{base}-value" '
            f'class="ck-quiz-number" autocomplete="off">{shown_unit}</div>'
        ]
    if isinstance(item, MatchItem):
        choices = "".join(
            f'<option value="{n}">{_attr(markdown.to_text(c))}</option>'
            for n, c in enumerate(item.categories)
        )
        rows = ['<ul class="ck-quiz-pairs">']
        for n, pair in enumerate(item.pairs):
            sid = f"{base}-p{n}"
            rows.append(
                f'<li class="ck-quiz-pair"><label for="{sid}">{markdown.to_html(pair.text)}'
                f'</label> <select id="{sid}" data-pair="{n}">'
                f'<option value="">Choose a category</option>{choices}</select></li>'
            )
        rows.append("</ul>")
        return rows
    if isinstance(item, OrderItem):
        rows = ['<ol class="ck-quiz-sequence">']
        for position, step in enumerate(item.display_order()):
            text = item.sequence[step].text
            plain = _attr(markdown.to_text(text))
            rows.append(
                f'<li class="ck-quiz-step" data-step="{position}">'
                f'<span class="ck-quiz-step-text">{markdown.to_html(text)}</span> '
                '<span class="ck-quiz-step-buttons">'
                f'<button type="button" class="ck-quiz-move" data-move="up">Move up'
                f'<span class="ck-vh">: {plain}</span></button> '
                f'<button type="button" class="ck-quiz-move" data-move="down">Move down'
                f'<span class="ck-vh">: {plain}</span></button></span></li>'
            )
        rows.append("</ol>")
        rows.append('<p class="ck-vh" aria-live="polite" data-quiz-status></p>')
        return rows
    if isinstance(item, OpenItem):
        return [
            f'<label class="ck-quiz-text-label" for="{base}-text">Your answer</label>',
            f'<textarea id="{base}-text" class="ck-quiz-text" rows="6" spellcheck="true" '
            'autocomplete="off"></textarea>',
        ]
    raise TypeError(f"cannot render item of type {type(item).__name__}")


def _actions(item: Item, base: str) -> list[str]:
    if isinstance(item, OpenItem):
        return [
            '<div class="ck-quiz-actions">',
            '<button type="button" class="ck-quiz-button" data-action="reveal" '
            f'aria-expanded="false" aria-controls="{base}-explanation">'
            "Show model answer</button>",
            "</div>",
        ]
    return [
        '<div class="ck-quiz-actions">',
        '<button type="button" class="ck-quiz-button" data-action="check">Check</button>',
        '<button type="button" class="ck-quiz-button" data-action="retry" hidden>'
        "Try again</button>",
        '<button type="button" class="ck-quiz-button ck-quiz-button-secondary" '
        f'data-action="reveal" aria-expanded="false" aria-controls="{base}-explanation">'
        "Show explanation</button>",
        "</div>",
    ]


def _item_html(
    bank: Bank, item: Item, number: int, prefix: str, labels: dict[str, str]
) -> list[str]:
    base = f"{prefix}-{item.id}"
    token = encode_payload(item_payload(item, labels))
    return [
        f'<li class="ck-quiz-item" id="{base}" data-item-id="{_attr(item.id)}" '
        f'data-item-type="{item.type}" data-item-objective="{_attr(item.objective)}" '
        f'data-quiz-payload="{token}">',
        f'<fieldset class="ck-quiz-fieldset" aria-describedby="{base}-hint">',
        f'<legend class="ck-quiz-prompt"><span class="ck-quiz-number">Question {number} '
        f"of {len(bank)}.</span> {markdown.to_html(item.prompt)}</legend>",
        f'<p class="ck-quiz-hint" id="{base}-hint">{_HINTS[item.type]}</p>',
        *_controls(item, base),
        "</fieldset>",
        *_actions(item, base),
        '<div class="ck-quiz-feedback" data-quiz-feedback aria-live="polite"></div>',
        f'<div class="ck-quiz-explanation" id="{base}-explanation" data-quiz-explanation '
        "hidden></div>",
        "</li>",
    ]


def render_static(
    bank: Bank,
    *,
    bibliography: Bibliography | None = None,
    heading_level: int = 2,
    instance: str = "",
) -> str:
    """Return the quiz as static HTML (no script, no style) following the DOM contract.

    ``heading_level`` (1–6) is the level of the quiz title's heading. Element ids are
    ``ckq-<bank id>-<item id>...``: the same bank always renders to the same bytes. To show
    one bank twice on a page, give the second copy an ``instance`` name (a slug) so its
    element ids differ.
    """
    if heading_level not in range(1, 7):
        raise ValueError(f"heading_level must be between 1 and 6, got {heading_level!r}")
    if instance and not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", instance):
        raise ValueError(f"instance must be a slug (a-z, 0-9, -), got {instance!r}")
    prefix = element_prefix(bank, instance)
    labels = source_labels(bank, bibliography)
    h = f"h{heading_level}"
    count = count_of(len(bank), "question")
    graded = len(bank.graded)
    n_open = len(bank) - graded
    if n_open:
        count += (
            f", {n_open} of them open (you rate your own answer; these are not counted in "
            "the score)"
        )
    parts = [
        f'<section class="ck-quiz" data-quiz-id="{_attr(bank.id)}" '
        f'data-quiz-version="{_attr(bank.digest)}" aria-labelledby="{prefix}-title">',
        f'<{h} class="ck-quiz-title" id="{prefix}-title">{markdown.to_html(bank.title)}</{h}>',
        f'<p class="ck-quiz-intro">{count}. Check each answer as you go. Your answers are '
        "kept in this browser only, and nothing is sent anywhere.</p>",
        '<noscript><p class="ck-quiz-noscript">This self-check quiz needs JavaScript to check '
        "answers.</p></noscript>",
        '<ol class="ck-quiz-items">',
    ]
    for number, item in enumerate(bank.items, start=1):
        parts.extend(_item_html(bank, item, number, prefix, labels))
    parts += [
        "</ol>",
        '<div class="ck-quiz-footer">',
        f'<p class="ck-quiz-score" data-quiz-score aria-live="polite">0 of {graded} correct</p>',
        *(
            [
                f'<p class="ck-quiz-selfscore" data-quiz-self aria-live="polite">0 of {n_open} '
                "open answers self-assessed (not counted in the score)</p>"
            ]
            if n_open
            else []
        ),
        '<button type="button" class="ck-quiz-button ck-quiz-button-secondary" '
        'data-action="reset">Reset quiz</button>',
        "</div>",
        "</section>",
    ]
    return "\n".join(parts)


def static_assets() -> tuple[str, str]:
    """Return the text of ``quiz.js`` and ``quiz.css`` shipped with the package."""
    folder = Path(__file__).resolve().parent.parent / "static"
    return (
        (folder / "quiz.js").read_text(encoding="utf-8"),
        (folder / "quiz.css").read_text(encoding="utf-8"),
    )


def inline_assets(markup: str) -> str:
    """Wrap static quiz markup with quiz.css and quiz.js inlined (no files, no network)."""
    js, css = static_assets()
    return f"<style>\n{css}\n</style>\n{markup}\n<script>\n{js}\n</script>"


def render_document(
    bank: Bank,
    *,
    assets: Literal["link", "inline"] = "link",
    asset_url: str = "",
    bibliography: Bibliography | None = None,
) -> str:
    """Return a complete HTML page with the quiz: for previews, tests and sharing.

    ``assets="link"`` refers to ``quiz.css``/``quiz.js`` at ``asset_url`` (a folder URL,
    empty for the page's own folder); ``assets="inline"`` embeds them.
    """
    markup = render_static(bank, bibliography=bibliography, heading_level=1)
    if assets == "inline":
        head, body = "", inline_assets(markup)
    elif assets == "link":
        base = asset_url.rstrip("/") + "/" if asset_url else ""
        head = (
            f'<link rel="stylesheet" href="{_attr(base)}quiz.css">\n'
            f'<script defer src="{_attr(base)}quiz.js"></script>'
        )
        body = markup
    else:
        raise ValueError(f"assets must be 'link' or 'inline', got {assets!r}")
    title = _attr(markdown.to_text(bank.title))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n{head}\n</head>\n<body>\n<main>\n{body}\n</main>\n"
        "</body>\n</html>\n"
    )


def outcome_html(outcome: Outcome) -> str:
    """Feedback markup for a checked response (used by the live widgets).

    Mirrors what quiz.js shows: an icon and a word (never colour alone), a note, and
    the bank's feedback texts rendered through the safe Markdown subset.
    """
    if not outcome.answered:
        return f'<p class="ck-quiz-verdict">{html.escape(outcome.note)}</p>'
    icon, word, cls = (
        ("✓", "Correct", "correct") if outcome.correct else ("✗", "Not quite", "wrong")
    )
    note = f" {html.escape(outcome.note)}" if outcome.note else ""
    items = "".join(f"<li>{markdown.to_html(text)}</li>" for text in outcome.feedback if text)
    listing = f'<ul class="ck-quiz-feedback-list">{items}</ul>' if items else ""
    return (
        f'<div class="ck-quiz-result ck-quiz-{cls}"><p class="ck-quiz-verdict">'
        f'<span class="ck-quiz-icon" aria-hidden="true">{icon}</span> '
        f"<strong>{word}.</strong>{note}</p>{listing}</div>"
    )
