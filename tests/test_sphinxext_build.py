"""The Sphinx extension in a real (tiny) Sphinx build, not against fakes.

One small book is built once per module with myst-nb, sphinx-book-theme and
``coursekit.sphinxext``: a Markdown page using the ``{ck}`` role and a notebook that
displays an ipywidget. The tests read the HTML it wrote.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

pytest.importorskip("myst_nb")
from sphinx.application import Sphinx

from coursekit.evidence import lookup

CONF = """
extensions = ["myst_nb", "coursekit.sphinxext"]
html_theme = "sphinx_book_theme"
nb_execution_mode = "force"
nb_ipywidgets_js = {}
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
"""

INDEX = """# Tiny book

The teaching half-life is {ck}`pk_parameters/mdma_teaching/half_life_h:.1f` hours.

```{toctree}
widget
```
"""

BAD = """# Broken page

Missing: {ck}`pk_parameters/no_such_row/half_life_h`.
"""


def _notebook() -> str:
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": [
            "import ipywidgets\n",
            "ipywidgets.IntSlider(description='-'.join(['Secret', 'label']))",
        ],
    }
    return json.dumps(
        {
            "cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# Widget page"]}, cell],
            "metadata": {
                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
            },
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def _build(src: Path, out: Path, pages: dict[str, str], conf: str = CONF) -> tuple[Sphinx, str]:
    src.mkdir(parents=True, exist_ok=True)
    (src / "conf.py").write_text(conf)
    for name, text in pages.items():
        (src / name).write_text(text)
    warnings = io.StringIO()
    app = Sphinx(
        str(src),
        str(src),
        str(out),
        str(out / ".doctrees"),
        "html",
        status=io.StringIO(),
        warning=warnings,
        freshenv=True,
    )
    app.build()
    return app, warnings.getvalue()


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("tiny-book")
    pages = {"index.md": INDEX, "widget.ipynb": _notebook()}
    _, warnings = _build(root / "src", root / "html", pages)
    return root / "html", warnings


def test_ck_role_renders_the_dataset_value(book: tuple[Path, str]) -> None:
    html, warnings = book
    expected = lookup.format_value("pk_parameters/mdma_teaching/half_life_h:.1f")
    page = (html / "index.html").read_text()
    assert f'<span class="ck-value">{expected}</span>' in page
    assert "{ck}" not in page
    assert "ck}" not in warnings


def test_ck_role_reports_a_missing_value(tmp_path: Path) -> None:
    _, warnings = _build(tmp_path / "src", tmp_path / "html", {"index.md": BAD})
    assert "no_such_row" in warnings and "has no row" in warnings


def test_static_assets_are_registered_and_copied(book: tuple[Path, str]) -> None:
    html, _ = book
    page = (html / "index.html").read_text()
    for asset in ("vendor/vega.min.js", "coursekit-charts.js", "quiz.js", "quiz.css"):
        assert f"_static/{asset}" in page, asset
        assert (html / "_static" / asset).is_file(), asset
    assert "vendor/tex-svg.js" in page or "tex-svg" not in page  # local MathJax when used
    assert not re.search(r'src="(https?:)?//', page), "no asset may come from another host"


def test_widget_state_is_not_embedded(book: tuple[Path, str]) -> None:
    html, _ = book
    page = (html / "widget.html").read_text()
    assert "application/vnd.jupyter.widget-state+json" not in page
    assert "Secret-label" not in page


def test_without_the_extension_myst_nb_would_embed_the_state(tmp_path: Path) -> None:
    """The control case: the state really is there to drop (so the test above can fail)."""
    conf = CONF.replace('"coursekit.sphinxext"', "")
    _build(
        tmp_path / "src", tmp_path / "html", {"index.md": "# Plain\n", "w.ipynb": _notebook()}, conf
    )
    page = (tmp_path / "html" / "w.html").read_text()
    assert "application/vnd.jupyter.widget-state+json" in page
    assert "Secret-label" in page


def test_sidebar_toggles_are_named_in_a_real_theme(book: tuple[Path, str]) -> None:
    html, _ = book
    page = (html / "index.html").read_text()
    assert "thebe" not in page.lower() or "THEBE_JS_URL" not in page
    if "<summary" in page:
        assert "Show or hide the pages in" in page
