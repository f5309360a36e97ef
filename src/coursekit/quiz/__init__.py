"""Self-check quizzes from YAML banks: static in the book, live in JupyterLab.

In a notebook, one line shows a bank::

    from coursekit import quiz
    quiz.show("demo")

The object returned carries two renderings. JupyterLab shows the live ipywidgets quiz
(checked in Python; ``.results`` and ``.reset()`` for the instructor). The built book shows
the static HTML quiz, checked in the browser by the shared ``quiz.js``. ``mode="static"``
previews the book version inside JupyterLab (quiz.js and quiz.css inlined, no network);
``mode="live"`` returns the widget alone.

Banks live in ``book/quizzes/<bank-id>.yml``; the schema, the DOM contract and the
exports are documented in ``book/about/instructors.md``. The structure of a bank is also
published as a JSON Schema (draft 2020-12), ``coursekit/quiz/bank.schema.json``, for
editors; ``coursekit check``, ``coursekit quiz export`` and :func:`show` all validate a
bank the same way (:mod:`coursekit.quiz.validate`).

Open-response items (``type: open``) are self-assessed: the reader writes an answer, then
compares it with a model answer and a rubric checklist and rates it; they never count toward
the score. :func:`progress_page` shows a reader's results across every quiz in the book
(:mod:`coursekit.quiz.progress`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from coursekit.quiz.bank import (
    ITEM_TYPES,
    Bank,
    BankError,
    Choice,
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
    ValidationReport,
    bank_path,
    load_bank,
    read_bibliography,
    validate,
)
from coursekit.quiz.export import ExportError, export, to_answer_key, to_gift
from coursekit.quiz.markdown import to_html as markdown_to_html
from coursekit.quiz.progress import progress_page
from coursekit.quiz.render import inline_assets, render_document, render_static

if TYPE_CHECKING:  # pragma: no cover
    from coursekit.quiz.live import LiveQuiz, QuizResults

__all__ = [
    "ITEM_TYPES",
    "Bank",
    "BankError",
    "Choice",
    "ExportError",
    "Item",
    "MatchItem",
    "MultipleItem",
    "NumericItem",
    "OpenItem",
    "OrderItem",
    "Outcome",
    "Pair",
    "Problem",
    "QuizDisplay",
    "SingleItem",
    "StaticQuiz",
    "Step",
    "ValidationReport",
    "bank_path",
    "export",
    "load_bank",
    "markdown_to_html",
    "progress_page",
    "read_bibliography",
    "render_document",
    "render_static",
    "show",
    "to_answer_key",
    "to_gift",
    "validate",
]

Mode = Literal["auto", "static", "live"]


class StaticQuiz:
    """The static HTML quiz; displays as ``text/html``.

    With ``inline=True`` the HTML carries quiz.js and quiz.css itself (for JupyterLab
    previews); otherwise it relies on the book loading them on every page.
    """

    def __init__(self, bank: Bank, *, inline: bool = False) -> None:
        self.bank = bank
        markup = render_static(bank)
        self.html = inline_assets(markup) if inline else markup

    def _repr_html_(self) -> str:
        return self.html

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        return {"text/html": self.html, "text/plain": _plain(self.bank)}

    def __repr__(self) -> str:
        return f"StaticQuiz({self.bank.id!r}, {len(self.bank)} items)"


class QuizDisplay:
    """Both renderings of a bank: the live widget for JupyterLab, static HTML for the book.

    ``results`` and ``reset()`` act on the live quiz.
    """

    def __init__(self, bank: Bank) -> None:
        from coursekit.quiz.live import LiveQuiz

        self.bank = bank
        self.static = StaticQuiz(bank)
        self.live: LiveQuiz = LiveQuiz(bank)

    @property
    def results(self) -> QuizResults:
        """Per-item results of the live quiz."""
        return self.live.results

    def reset(self) -> None:
        """Reset the live quiz."""
        self.live.reset()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle: dict[str, Any] = dict(self.live.widget._repr_mimebundle_(**kwargs) or {})
        bundle["text/html"] = self.static.html
        bundle["text/plain"] = _plain(self.bank)
        return bundle

    def __repr__(self) -> str:
        return f"QuizDisplay({self.bank.id!r}, {len(self.bank)} items)"


def _plain(bank: Bank) -> str:
    return (
        f"Quiz {bank.id!r}: {len(bank)} questions. Open the notebook in JupyterLab or the "
        "built book to answer them."
    )


def show(bank: str | Path | Bank, mode: Mode = "auto") -> QuizDisplay | StaticQuiz | LiveQuiz:
    """Display a quiz bank in a notebook: ``quiz.show("demo")``.

    ``bank`` is an id (looked up in ``book/quizzes/``), a path to a ``.yml`` file or a
    loaded :class:`Bank`. ``mode``:

    - ``"auto"`` (default): a :class:`QuizDisplay` whose display bundle holds the live
      widget (JupyterLab shows it) and the static HTML (the book shows it);
    - ``"static"``: the static quiz with quiz.js and quiz.css inlined, for previews;
    - ``"live"``: the live widget alone (a :class:`~coursekit.quiz.live.LiveQuiz`).

    A mistake in the bank raises :class:`BankError` listing every problem.
    """
    if mode not in ("auto", "static", "live"):
        raise ValueError(f"mode must be one of 'auto', 'static', 'live'; got {mode!r}")
    loaded = bank if isinstance(bank, Bank) else load_bank(bank)
    if mode == "static":
        return StaticQuiz(loaded, inline=True)
    if mode == "live":
        from coursekit.quiz.live import LiveQuiz

        return LiveQuiz(loaded)
    return QuizDisplay(loaded)
