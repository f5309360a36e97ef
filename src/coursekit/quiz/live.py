"""The live quiz: the same items as ipywidgets, checked in Python (JupyterLab).

``LiveQuiz(bank)`` builds one panel per item. An instructor can read
``quiz.results`` (per item: answered, correct, attempts) and call ``quiz.reset()``.
Tests and scripts can drive it without a browser: set the input widgets' values (or call
:meth:`LiveItem.set_response`) and press ``item.check_button.click()``.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from coursekit.quiz import markdown
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
)
from coursekit.quiz.render import RATING_LABELS, outcome_html, source_labels

__all__ = ["ItemResult", "LiveItem", "LiveQuiz", "QuizResults"]

_HIDDEN = "none"
_SHOWN = ""


@dataclass(frozen=True)
class ItemResult:
    """How one item stands: whether its last check was correct, and how many attempts."""

    item_id: str
    type: str
    answered: bool
    correct: bool
    attempts: int


@dataclass(frozen=True)
class QuizResults:
    """Results of a live quiz, one :class:`ItemResult` per item in bank order."""

    bank_id: str
    items: tuple[ItemResult, ...]

    @property
    def score(self) -> int:
        """Number of scored items whose last check was correct (open items never count)."""
        return sum(r.correct for r in self.items if r.type != "open")

    @property
    def total(self) -> int:
        """Number of scored items (every type except ``open``)."""
        return sum(r.type != "open" for r in self.items)

    @property
    def self_assessed(self) -> tuple[int, int]:
        """(open items the reader has rated, open items)."""
        open_items = [r for r in self.items if r.type == "open"]
        return sum(r.answered for r in open_items), len(open_items)

    def __getitem__(self, item_id: str) -> ItemResult:
        for result in self.items:
            if result.item_id == item_id:
                return result
        raise KeyError(f"quiz {self.bank_id!r} has no item {item_id!r}")

    def __iter__(self) -> Iterator[ItemResult]:
        return iter(self.items)

    def as_records(self) -> list[dict[str, Any]]:
        """The results as a list of dicts (``pandas.DataFrame(results.as_records())``)."""
        return [
            {
                "item_id": r.item_id,
                "type": r.type,
                "answered": r.answered,
                "correct": r.correct,
                "attempts": r.attempts,
            }
            for r in self.items
        ]

    def __str__(self) -> str:
        lines = [f"{self.bank_id}: {self.score} of {self.total} correct"]
        for r in self.items:
            state = "correct" if r.correct else ("not quite" if r.answered else "not answered")
            if r.type == "open":
                state = "self-assessed" if r.answered else "not rated"
            lines.append(f"  {r.item_id}: {state}, {r.attempts} attempt(s)")
        return "\n".join(lines)


def _html(fragment: str) -> widgets.HTML:
    return widgets.HTML(value=fragment, layout=widgets.Layout(width="auto"))


class LiveItem:
    """The widgets of one item and its state (attempts, last outcome)."""

    def __init__(self, item: Item, number: int, total: int, labels: dict[str, str]) -> None:
        self.item = item
        self.attempts = 0
        self.outcome: Outcome | None = None
        self.revealed = False
        self._on_change: list[Any] = []
        self.prompt = _html(
            f"<p><strong>Question {number} of {total}.</strong> {markdown.to_html(item.prompt)}</p>"
        )
        self.inputs: list[widgets.Widget] = []
        rows = self._build_inputs()
        self.check_button = widgets.Button(description="Check", button_style="primary")
        self.retry_button = widgets.Button(
            description="Try again", layout=widgets.Layout(display=_HIDDEN)
        )
        self.reveal_button = widgets.Button(description="Show explanation")
        self.feedback = _html("")
        sources = [labels.get(k, k) for k in item.sources]
        source_line = (
            f'<p class="ck-quiz-sources">{"Sources" if len(sources) > 1 else "Source"}: '
            f"{html.escape('; '.join(sources))}</p>"
        )
        self.explanation = _html(
            "<p><strong>Explanation</strong></p>"
            + markdown.to_html(item.explanation, block=True)
            + source_line
        )
        self.explanation.layout.display = _HIDDEN
        self.check_button.on_click(lambda _b: self.check())
        self.retry_button.on_click(lambda _b: self.retry())
        self.reveal_button.on_click(lambda _b: self.reveal())
        if isinstance(item, OpenItem):
            self._build_open(source_line)
        self.widget = widgets.VBox(
            [
                self.prompt,
                *rows,
                widgets.HBox([self.check_button, self.retry_button, self.reveal_button]),
                self.feedback,
                self.explanation,
            ],
            layout=widgets.Layout(border="1px solid #8a8f98", padding="0.5em", margin="0 0 1em 0"),
        )

    # ----------------------------------------------------------------- building
    def _build_open(self, source_line: str) -> None:
        """Open items: no Check button; the reveal shows the model answer, the rubric
        checklist and the self-rating, which grade the item (self-assessed)."""
        item = self.item
        assert isinstance(item, OpenItem)
        self.check_button.layout.display = _HIDDEN
        self.reveal_button.description = "Show model answer"
        self.criteria = [
            widgets.Checkbox(
                value=False,
                description=markdown.to_text(c),
                indent=False,
                layout=widgets.Layout(width="auto"),
            )
            for c in item.rubric
        ]
        self.rating = widgets.RadioButtons(
            options=[(label, value) for value, label in RATING_LABELS.items()],
            value=None,
            description="Your rating",
            style={"description_width": "initial"},
        )
        for widget in (*self.criteria, self.rating):
            widget.observe(lambda _change: self._rated(), names="value")
        self.explanation = widgets.VBox(
            [
                _html(
                    "<p><strong>Model answer</strong></p>"
                    + markdown.to_html(item.model_answer, block=True)
                    + "<p><strong>Checklist: tick each point your answer covers</strong></p>"
                ),
                *self.criteria,
                self.rating,
                _html(
                    "<p><strong>Explanation</strong></p>"
                    + markdown.to_html(item.explanation, block=True)
                    + source_line
                ),
            ]
        )
        self.explanation.layout.display = _HIDDEN

    def _rated(self) -> None:
        outcome = self.item.check(self.response())
        self.outcome = outcome if outcome.answered else None
        self.feedback.value = f"<p>{html.escape(outcome.note)} Not counted in the score.</p>"
        self._changed()

    def _build_inputs(self) -> list[widgets.Widget]:
        item = self.item
        if isinstance(item, MultipleItem):
            self.inputs = [
                widgets.Checkbox(
                    value=False,
                    description=markdown.to_text(o.text),
                    indent=False,
                    layout=widgets.Layout(width="auto"),
                )
                for o in item.options
            ]
            return list(self.inputs)
        if isinstance(item, ChoiceItem):
            radio = widgets.RadioButtons(
                options=[(markdown.to_text(o.text), n) for n, o in enumerate(item.options)],
                value=None,
                layout=widgets.Layout(width="auto"),
            )
            self.inputs = [radio]
            return [radio]
        if isinstance(item, NumericItem):
            box = widgets.FloatText(value=0.0, description="Your answer")
            self.inputs = [box]
            unit = widgets.Label(item.unit) if item.unit else None
            return [widgets.HBox([box, unit] if unit else [box])]
        if isinstance(item, MatchItem):
            rows = []
            for pair in item.pairs:
                dropdown = widgets.Dropdown(
                    options=[(markdown.to_text(c), c) for c in item.categories], value=None
                )
                self.inputs.append(dropdown)
                rows.append(widgets.HBox([_html(markdown.to_html(pair.text)), dropdown]))
            return rows
        if isinstance(item, OrderItem):
            shown = item.display_order()
            choices = [(markdown.to_text(item.sequence[s].text), s) for s in shown]
            rows = []
            for position in range(len(item.sequence)):
                dropdown = widgets.Dropdown(
                    options=choices,
                    value=None,
                    description=f"Position {position + 1}",
                    layout=widgets.Layout(width="auto"),
                    style={"description_width": "initial"},
                )
                self.inputs.append(dropdown)
                rows.append(dropdown)
            return rows
        if isinstance(item, OpenItem):
            box = widgets.Textarea(
                value="",
                placeholder="Write your answer here",
                description="Your answer",
                rows=6,
                layout=widgets.Layout(width="95%"),
                style={"description_width": "initial"},
            )
            self.inputs = [box]
            return [box]
        raise TypeError(f"cannot build widgets for {type(item).__name__}")

    # ----------------------------------------------------------------- responses
    def response(self) -> Any:
        """The current answer in the format :meth:`coursekit.quiz.bank.Item.check` takes."""
        item = self.item
        if isinstance(item, OpenItem):
            return {
                "text": self.inputs[0].value,
                "met": [n for n, box in enumerate(self.criteria) if box.value],
                "rating": self.rating.value or "",
            }
        if isinstance(item, MultipleItem):
            return [n for n, box in enumerate(self.inputs) if box.value]
        if isinstance(item, ChoiceItem):
            return self.inputs[0].value
        if isinstance(item, NumericItem):
            return self.inputs[0].value
        return [w.value for w in self.inputs]

    def set_response(self, response: Any) -> None:
        """Set the widgets to ``response`` (same format as :meth:`response`)."""
        item = self.item
        if isinstance(item, OpenItem):
            data = response if isinstance(response, dict) else {"text": response or ""}
            self.inputs[0].value = str(data.get("text") or "")
            met = set(data.get("met") or ())
            for n, box in enumerate(self.criteria):
                box.value = n in met
            self.rating.value = data.get("rating") or None
            return
        if isinstance(item, MultipleItem):
            chosen = set(response or ())
            for n, box in enumerate(self.inputs):
                box.value = n in chosen
        elif isinstance(item, ChoiceItem | NumericItem):
            self.inputs[0].value = response
        else:
            values: Sequence[Any] = list(response)
            if len(values) != len(self.inputs):
                raise ValueError(f"response needs {len(self.inputs)} values, got {len(values)}")
            for widget, value in zip(self.inputs, values, strict=True):
                widget.value = value

    # ----------------------------------------------------------------- actions
    def _set_locked(self, locked: bool) -> None:
        if isinstance(self.item, OpenItem):
            return
        for widget in self.inputs:
            widget.disabled = locked
        self.check_button.layout.display = _HIDDEN if locked else _SHOWN
        self.retry_button.layout.display = _SHOWN if locked else _HIDDEN

    def check(self) -> Outcome:
        """Check the current answer; an incomplete answer is not counted as an attempt.

        For an open item this records the self-assessment (it has no Check button)."""
        if isinstance(self.item, OpenItem):
            self._rated()
            return self.item.check(self.response())
        outcome = self.item.check(self.response())
        self.feedback.value = outcome_html(outcome)
        if outcome.answered:
            self.attempts += 1
            self.outcome = outcome
            self._set_locked(True)
        self._changed()
        return outcome

    def retry(self) -> None:
        """Unlock the inputs for another attempt (the answer given stays filled in)."""
        self.outcome = None
        self.feedback.value = ""
        self._set_locked(False)
        self._changed()

    def reveal(self, show: bool | None = None) -> None:
        """Show or hide the explanation (toggle when ``show`` is None)."""
        if isinstance(self.item, OpenItem):
            opening = (not self.revealed) if show is None else bool(show)
            if opening and show is None and not str(self.inputs[0].value).strip():
                self.feedback.value = (
                    "<p>Write your answer first; then compare it with the model answer.</p>"
                )
                return
            self.revealed = opening
            self.explanation.layout.display = _SHOWN if self.revealed else _HIDDEN
            self.reveal_button.description = (
                "Hide model answer" if self.revealed else "Show model answer"
            )
            return
        self.revealed = (not self.revealed) if show is None else bool(show)
        self.explanation.layout.display = _SHOWN if self.revealed else _HIDDEN
        self.reveal_button.description = "Hide explanation" if self.revealed else "Show explanation"

    def reset(self) -> None:
        """Clear the answer, the feedback and the attempt count."""
        item = self.item
        if isinstance(item, OpenItem):
            self.set_response({"text": ""})
        elif isinstance(item, MultipleItem):
            self.set_response([])
        elif isinstance(item, ChoiceItem):
            self.inputs[0].value = None
        elif isinstance(item, NumericItem):
            self.inputs[0].value = 0.0
        else:
            for widget in self.inputs:
                widget.value = None
        self.attempts = 0
        self.retry()
        self.reveal(False)

    def result(self) -> ItemResult:
        """This item's :class:`ItemResult`."""
        return ItemResult(
            self.item.id,
            self.item.type,
            self.outcome is not None,
            bool(self.outcome and self.outcome.correct),
            self.attempts,
        )

    def _changed(self) -> None:
        for callback in self._on_change:
            callback()


class LiveQuiz:
    """A quiz bank as ipywidgets; displays as the widget itself."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        labels = source_labels(bank)
        self.items: dict[str, LiveItem] = {}
        for number, item in enumerate(bank.items, start=1):
            live = LiveItem(item, number, len(bank), labels)
            live._on_change.append(self._update_score)
            self.items[item.id] = live
        self.score = _html("")
        self.reset_button = widgets.Button(description="Reset quiz")
        self.reset_button.on_click(lambda _b: self.reset())
        title = _html(f"<h3>{markdown.to_html(bank.title)}</h3>")
        self.widget = widgets.VBox(
            [
                title,
                *(live.widget for live in self.items.values()),
                widgets.HBox([self.score, self.reset_button]),
            ]
        )
        self._update_score()

    @property
    def results(self) -> QuizResults:
        """Per-item results (answered, correct, attempts) for the instructor."""
        return QuizResults(self.bank.id, tuple(live.result() for live in self.items.values()))

    def reset(self) -> None:
        """Clear every answer, feedback, explanation and attempt count."""
        for live in self.items.values():
            live.reset()
        self._update_score()

    def _update_score(self) -> None:
        r = self.results
        rated, n_open = r.self_assessed
        extra = (
            f"<br>{rated} of {n_open} open answers self-assessed (not counted in the score)"
            if n_open
            else ""
        )
        self.score.value = f"<p><strong>{r.score} of {r.total} correct</strong>{extra}</p>"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return f"LiveQuiz({self.bank.id!r}, {len(self.bank)} items)"
