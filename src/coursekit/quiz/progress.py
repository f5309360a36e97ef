"""The progress page: a reader's results across every quiz in the book, in their browser.

``book/progress.ipynb`` shows it with one ``remove-input`` cell::

    from coursekit.quiz import progress_page
    progress_page()

The page holds no results itself. It carries, compressed, the static markup of every bank
shown in the book (answers and model answers stay encoded, as on the quiz pages) and the
script ``static/progress.js``, inlined so the page needs no extra asset. In the built book
the script reads the progress that ``quiz.js`` keeps in ``localStorage`` (one key per bank,
``coursekit-quiz:<bank id>:<version>``), counts it per quiz (chapter) and per learning
objective, and builds a "review what I missed" quiz from the items answered wrongly and the
open answers rated "not yet" or "partly". Answering a review item updates the same saved
progress. Nothing is sent anywhere.

In JupyterLab the quizzes are live widgets checked in Python and keep nothing in the
browser, so the page only explains where progress is kept.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from coursekit._paths import toc_pages
from coursekit.quiz.bank import Bank, load_bank
from coursekit.quiz.markdown import to_text
from coursekit.quiz.model import count_of
from coursekit.quiz.render import item_payload, render_static, source_labels

__all__ = [
    "ProgressPage",
    "decode_progress",
    "progress_data",
    "progress_page",
    "quiz_pages",
    "render_progress",
]

_SHOW = re.compile(r"""quiz\.show\(\s*["']([a-z0-9]+(?:-[a-z0-9]+)*)["']\s*\)""")
_PAYLOAD = re.compile(r' data-quiz-payload="[^"]*"')
#: The element-id instance of the banks' copies on the progress page.
INSTANCE = "review"


def _book_dir() -> Path:
    from coursekit import _paths

    return _paths.book_dir()


def quiz_pages(book: Path | None = None) -> dict[str, str]:
    """Bank id → the page (path below ``book/``, no extension) whose notebook shows it with
    ``quiz.show("<id>")``, in the order of the table of contents."""
    book = Path(book) if book else _book_dir()
    notebooks = sorted(p for p in book.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    rank = {name: n for n, name in enumerate(toc_pages(book.parent))}
    root = book.parent

    def key(path: Path) -> tuple[int, str]:
        name = path.relative_to(root).with_suffix("").as_posix()
        return (rank.get(name, len(rank)), name)

    pages: dict[str, str] = {}
    for path in sorted(notebooks, key=key):
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            continue
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else str(source)
            for bank_id in _SHOW.findall(text):
                pages.setdefault(bank_id, path.relative_to(book).with_suffix("").as_posix())
    return pages


def _objective_texts(book: Path) -> dict[str, str]:
    """Objective id → text (the progress table names objectives by their text)."""
    from coursekit.teaching.objectives import ObjectiveError, load_objectives

    try:
        return {o.id: o.text for o in load_objectives(book)}
    except ObjectiveError:
        return {}


def _bank_entry(bank: Bank, page: str, texts: Mapping[str, str]) -> dict[str, Any]:
    labels = source_labels(bank)
    markup = render_static(bank, heading_level=3, instance=INSTANCE)
    return {
        "id": bank.id,
        "version": bank.digest,
        "title": " ".join(to_text(bank.title).split()),
        "page": f"{page}.html" if page else "",
        "items": [
            {
                "id": it.id,
                "type": it.type,
                "objective": it.objective,
                "objective_text": texts.get(it.objective, it.objective),
            }
            for it in bank
        ],
        "markup": _PAYLOAD.sub("", markup),
        "payloads": {it.id: item_payload(it, labels) for it in bank},
    }


def progress_data(book: Path | None = None) -> list[dict[str, Any]]:
    """What the progress page carries for each bank shown in the book: id, version, plain
    title, page link, items (id, type, objective), the static markup without payloads and
    the payloads (answers, model answers) as data."""
    book = Path(book) if book else _book_dir()
    texts = _objective_texts(book)
    return [
        _bank_entry(load_bank(bank_id, book=book), page, texts)
        for bank_id, page in quiz_pages(book).items()
    ]


def _encode(data: Any) -> str:
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return base64.b64encode(gzip.compress(raw.encode("utf-8"), 9, mtime=0)).decode("ascii")


def decode_progress(token: str) -> Any:
    """Invert the page's ``data-progress-banks`` (gzip, base64): what progress.js reads."""
    return json.loads(gzip.decompress(base64.b64decode(token, validate=True)).decode("utf-8"))


def _script() -> str:
    folder = Path(__file__).resolve().parent.parent / "static"
    return (folder / "progress.js").read_text(encoding="utf-8")


_FALLBACK = (
    "Your progress appears here in the built book, which keeps your quiz answers in your "
    "browser. In JupyterLab the quizzes are live widgets checked in Python: their results "
    "stay in the notebook (<code>q.results</code>) and are not shown on this page."
)


def render_progress(book: Path | None = None, *, script: bool = True) -> str:
    """The progress page's HTML: a privacy statement, empty tables and review area that
    progress.js fills in, the compressed banks, and (``script=True``) progress.js inlined."""
    banks = progress_data(book)
    count = sum(len(b["items"]) for b in banks)
    parts = [
        f'<section class="ck-progress" data-progress data-progress-banks="{_encode(banks)}" '
        'aria-label="Your quiz progress">',
        '<p class="ck-progress-privacy"><strong>Private to this browser.</strong> Your answers '
        "and ratings are read from this browser's local storage and shown only here. Nothing "
        "is sent anywhere, and another browser or device has its own, separate progress.</p>",
        f'<p class="ck-progress-fallback" data-progress-fallback>{_FALLBACK}</p>',
        '<div class="ck-progress-ui" data-progress-ui hidden>',
        '<p class="ck-progress-status" role="status" data-progress-status></p>',
        '<h2 id="ck-progress-chapters">By quiz</h2>',
        f"<p>{count_of(len(banks), 'quiz', 'quizzes')}, {count_of(count, 'question')}. Open "
        "questions are self-assessed: they "
        "count as done once you rate your answer, and are not part of the score.</p>",
        '<table class="ck-progress-table" data-progress-table="banks" '
        'aria-labelledby="ck-progress-chapters"><thead><tr><th scope="col">Quiz</th>'
        '<th scope="col">Answered</th><th scope="col">Correct</th>'
        '<th scope="col">Open answers rated</th></tr></thead><tbody></tbody></table>',
        '<h2 id="ck-progress-objectives">By learning objective</h2>',
        '<table class="ck-progress-table" data-progress-table="objectives" '
        'aria-labelledby="ck-progress-objectives"><thead><tr>'
        '<th scope="col">Objective</th><th scope="col">Answered</th>'
        '<th scope="col">Correct</th><th scope="col">Open answers rated</th></tr></thead>'
        "<tbody></tbody></table>",
        '<h2 id="ck-progress-review">Review what I missed</h2>',
        "<p data-progress-review-intro></p>",
        '<div class="ck-progress-review" data-progress-review></div>',
        '<h2 id="ck-progress-reset">Start again</h2>',
        "<p>This deletes the answers, ratings and scores of every quiz in the book from this "
        "browser. It cannot be undone.</p>",
        '<p><button type="button" class="ck-quiz-button ck-quiz-button-secondary" '
        'data-progress-action="reset" aria-controls="ck-progress-confirm" '
        'aria-expanded="false">Delete all my quiz progress</button></p>',
        '<div id="ck-progress-confirm" class="ck-progress-confirm" data-progress-confirm hidden>',
        "<p>Delete all quiz progress saved in this browser?</p>",
        '<button type="button" class="ck-quiz-button" data-progress-action="confirm">'
        "Yes, delete all</button> ",
        '<button type="button" class="ck-quiz-button ck-quiz-button-secondary" '
        'data-progress-action="cancel">Cancel</button>',
        "</div>",
        "</div>",
        "</section>",
    ]
    markup = "\n".join(parts)
    return f"{markup}\n<script>\n{_script()}\n</script>" if script else markup


class ProgressPage:
    """The progress page as a displayable object (``text/html``)."""

    def __init__(self, book: Path | None = None) -> None:
        self.html = render_progress(book)

    def _repr_html_(self) -> str:
        return self.html

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        plain = (
            "Quiz progress: open the built book to see it (answers are kept in the browser). "
            "In JupyterLab, read a live quiz's results with q.results."
        )
        return {"text/html": self.html, "text/plain": plain}

    def __repr__(self) -> str:
        return "ProgressPage()"


def progress_page(book: Path | None = None) -> ProgressPage:
    """The progress page of the book (see the module docstring); display it in a notebook."""
    return ProgressPage(book)
