"""The teaching kit in a real (tiny) Sphinx build: objectives, exercises, the map, time.

One small book with ``coursekit.sphinxext`` (which loads sphinx-exercise): an index with a
toctree, a page with objectives, an exercise with a hidden solution and some prose, an
objectives data file and a quiz bank. The tests read the HTML the build wrote.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.application import Sphinx

from coursekit.teaching import Rates

CONF = """
extensions = ["myst_nb", "coursekit.sphinxext"]
nb_execution_mode = "off"
html_theme = "sphinx_book_theme"
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
root_doc = "index"
coursekit_reading_wpm = 100
coursekit_minutes_per_exercise = 7
"""

INDEX = """# Demo course

```{toctree}
book/demo/page
book/demo/map
```
"""

PROSE = " ".join(["word"] * 450)

PAGE = f"""# A page

## Learning objectives

```{{objectives}}
```

## Text

{PROSE}

```{{exercise}} Predict the outcome
:label: ex-demo-one

Predict what happens to the outcome when the input doubles, then check with the explorer.

:::{{hint}}
:class: dropdown
Think about whether the model is linear.
:::
```

```{{solution}} ex-demo-one
:class: dropdown

It doubles too, because the model is linear in the input; a student who expects a curve has
mixed up the model with the data.
```
"""

MAP = """# Map

```{objective-table}
```
"""

OBJECTIVES = """chapter: demo
title: "Demo chapter"
pages:
  - page: book/demo/page
    objectives:
      - id: demo-one
        text: "Explain the *first* idea in your own words."
        exercises: [ex-demo-one]
      - id: demo-two
        text: "Compute the second thing from a table."
"""

BANK = """id: demo
title: Demo quiz
items:
  - id: demo-q1
    type: single
    prompt: "Which is right?"
    objective: demo-two
    sources: [demo2020]
    explanation: "Because."
    options:
      - text: "This"
        correct: true
        feedback: "Yes."
      - text: "That"
        correct: false
        feedback: "No."
"""


def _build(root: Path, objectives: str = OBJECTIVES) -> tuple[Path, str]:
    src = root / "src"
    (src / "book" / "demo").mkdir(parents=True)
    (src / "book" / "objectives").mkdir()
    (src / "book" / "quizzes").mkdir()
    (src / "conf.py").write_text(CONF)
    (src / "index.md").write_text(INDEX)
    (src / "book" / "demo" / "page.md").write_text(PAGE)
    (src / "book" / "demo" / "map.md").write_text(MAP)
    (src / "book" / "objectives" / "demo.yml").write_text(objectives)
    (src / "book" / "quizzes" / "demo.yml").write_text(BANK)
    (src / "book" / "references.bib").write_text(
        "@book{demo2020, author = {Demo, Ann}, title = {A demo}, year = {2020}, "
        "publisher = {Press}}\n"
    )
    warnings = io.StringIO()
    app = Sphinx(
        str(src),
        str(src),
        str(root / "html"),
        str(root / "html" / ".doctrees"),
        "html",
        status=io.StringIO(),
        warning=warnings,
        freshenv=True,
    )
    app.build()
    return root / "html", warnings.getvalue()


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return _build(tmp_path_factory.mktemp("teaching-book"))


def _soup(html: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((html / name).read_text(), "html.parser")


def test_objectives_render_from_data(book: tuple[Path, str]) -> None:
    html, warnings = book
    page = _soup(html, "book/demo/page.html")
    items = page.select("ul.ck-objectives > li")
    assert [li.get_text(" ", strip=True) for li in items] == [
        "Explain the first idea in your own words.",
        "Compute the second thing from a table.",
    ]
    assert items[0].find("em").get_text() == "first"
    assert items[0]["id"] == "objective-demo-one"
    assert "no objectives for page" not in warnings and "objectives data" not in warnings


def test_exercise_and_collapsed_solution(book: tuple[Path, str]) -> None:
    html, _ = book
    page = _soup(html, "book/demo/page.html")
    exercise = page.select_one("#ex-demo-one")
    assert exercise is not None and "Predict the outcome" in exercise.get_text()
    solution = page.select_one(".solution")
    assert solution is not None and "dropdown" in solution["class"]
    assert "It doubles too" in solution.get_text()
    assert page.select_one(".hint.dropdown") is not None


def test_time_estimate_is_computed_from_the_page(book: tuple[Path, str]) -> None:
    html, _ = book
    line = _soup(html, "book/demo/page.html").select_one("p.ck-time")
    assert line is not None
    text = line.get_text(" ", strip=True)
    # 450 filler words plus the objectives, the exercise and its answer at 100 words a
    # minute, plus one exercise at 7 minutes (the config above), rounded up.
    assert "reading at 100 words a minute" in text and "1 exercise at 7 minutes" in text
    minutes = int(text.split("about ")[1].split(" minute")[0])
    low = math.ceil(450 / 100 + 7)
    assert low <= minutes <= low + 2, text


def test_index_shows_the_total_of_its_pages(book: tuple[Path, str]) -> None:
    html, _ = book
    page = _soup(html, "book/demo/page.html").select_one("p.ck-time").get_text()
    index = _soup(html, "index.html").select_one("p.ck-time").get_text()
    assert index.startswith("The whole course: about")
    page_minutes = int(page.split("about ")[1].split(" minute")[0])
    total = int(index.split("about ")[1].split(" minute")[0])
    assert total >= page_minutes


def test_the_map_links_objective_exercise_and_item(book: tuple[Path, str]) -> None:
    html, warnings = book
    soup = _soup(html, "book/demo/map.html")
    rows = {tr["id"]: tr for tr in soup.select("table.ck-objective-table tbody tr")}
    assert set(rows) == {"map-demo-one", "map-demo-two"}
    one = rows["map-demo-one"].find_all("td")
    assert "Explain the first idea" in one[0].get_text()
    assert one[1].find("a")["href"].endswith("page.html")
    assert one[2].find("a")["href"].endswith("page.html#ex-demo-one")
    assert rows["map-demo-two"].find_all("td")[3].get_text(strip=True) == "demo: demo-q1"
    assert "course map" not in warnings


def test_a_gap_in_the_map_is_a_build_warning(tmp_path: Path) -> None:
    _, warnings = _build(tmp_path, OBJECTIVES.replace("demo-two", "demo-three"))
    assert "course map: quiz demo, item demo-q1: unknown objective 'demo-two'" in warnings
    assert "objective demo-three (book/demo/page) has no exercise and no quiz item" in warnings


def test_rates_reject_nonsense() -> None:
    with pytest.raises(ValueError, match="words_per_minute"):
        Rates(words_per_minute=0)
