"""Static rendering: DOM contract, sanitising, answer encoding, display bundles."""

from __future__ import annotations

import base64
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

from coursekit import quiz
from coursekit._paths import static_dir
from coursekit.quiz import markdown
from coursekit.quiz.render import (
    decode_payload,
    encode_payload,
    render_document,
    render_static,
)

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "book" / "quizzes" / "demo.yml"

XSS = "<script>alert(1)</script> and <img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def demo() -> quiz.Bank:
    return quiz.load_bank(DEMO)


@pytest.fixture(scope="module")
def raw_demo() -> dict[str, Any]:
    """The demo bank as plain YAML data: the reference for expected answers."""
    return yaml.safe_load(DEMO.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def soup(demo: quiz.Bank) -> BeautifulSoup:
    return BeautifulSoup(render_static(demo), "html.parser")


def _items(soup: BeautifulSoup) -> list[Any]:
    return soup.select("[data-item-id]")


# --------------------------------------------------------------------------- DOM contract


def test_root_carries_quiz_id_version_and_score(soup: BeautifulSoup, demo: quiz.Bank) -> None:
    roots = soup.select("[data-quiz-id]")
    assert len(roots) == 1
    root = roots[0]
    assert root["data-quiz-id"] == "demo"
    assert root["data-quiz-version"] == demo.digest
    score = root.select("[data-quiz-score]")
    assert len(score) == 1
    assert score[0]["aria-live"] == "polite"
    assert score[0].get_text(strip=True) == f"0 of {len(demo)} correct"
    resets = root.select('button[data-action="reset"]')
    assert len(resets) == 1 and resets[0]["type"] == "button"


def test_every_item_follows_the_contract(soup: BeautifulSoup, raw_demo: dict[str, Any]) -> None:
    items = _items(soup)
    assert [(i["data-item-id"], i["data-item-type"]) for i in items] == [
        (it["id"], it["type"]) for it in raw_demo["items"]
    ]
    for node, raw in zip(items, raw_demo["items"], strict=True):
        fieldset = node.find("fieldset")
        legend = fieldset.find("legend", recursive=False)
        assert legend is not None
        # the prompt's words are in the legend (markup removed)
        first_words = markdown.to_plain(raw["prompt"]).split()[:3]
        assert " ".join(first_words) in " ".join(legend.get_text(" ").split())
        actions = [b["data-action"] for b in node.select("button[data-action]")]
        assert actions == ["check", "retry", "reveal"]
        assert node.select_one('button[data-action="retry"]').has_attr("hidden")
        reveal = node.select_one('button[data-action="reveal"]')
        assert reveal["aria-expanded"] == "false"
        assert node.find(id=reveal["aria-controls"]).has_attr("hidden")
        feedback = node.select("[data-quiz-feedback]")
        assert len(feedback) == 1 and feedback[0]["aria-live"] == "polite"


def _labelled(node: Any, control: Any) -> str:
    label = node.find("label", attrs={"for": control["id"]})
    assert label is not None, f"no label for {control}"
    return " ".join(label.get_text(" ").split())


def test_choice_items_use_real_radio_and_checkbox_inputs(
    soup: BeautifulSoup, raw_demo: dict[str, Any]
) -> None:
    for node, raw in zip(_items(soup), raw_demo["items"], strict=True):
        if raw["type"] not in ("single", "multiple"):
            continue
        kind = "radio" if raw["type"] == "single" else "checkbox"
        inputs = node.select("fieldset input")
        assert [i["type"] for i in inputs] == [kind] * len(raw["options"])
        assert len({i["name"] for i in inputs}) == 1
        assert [int(i["value"]) for i in inputs] == list(range(len(raw["options"])))
        for control in inputs:
            assert _labelled(node, control)


def test_numeric_item_has_a_labelled_number_input_with_unit(
    soup: BeautifulSoup, raw_demo: dict[str, Any]
) -> None:
    raw = next(it for it in raw_demo["items"] if it["type"] == "numeric")
    node = soup.select_one(f'[data-item-id="{raw["id"]}"]')
    (field,) = node.select("fieldset input")
    assert field["type"] == "number" and field["step"] == "any"
    assert raw["unit"] in _labelled(node, field)
    assert node.select_one(".ck-quiz-unit").get_text() == raw["unit"]


def test_match_item_has_one_select_per_statement(
    soup: BeautifulSoup, raw_demo: dict[str, Any]
) -> None:
    raw = next(it for it in raw_demo["items"] if it["type"] == "match")
    node = soup.select_one(f'[data-item-id="{raw["id"]}"]')
    selects = node.select("fieldset select")
    assert len(selects) == len(raw["pairs"])
    for select, pair in zip(selects, raw["pairs"], strict=True):
        assert _labelled(node, select) == pair["text"]
        options = select.find_all("option")
        assert options[0]["value"] == ""
        assert [o.get_text() for o in options[1:]] == raw["categories"]


def test_order_item_is_shuffled_and_has_move_buttons(
    soup: BeautifulSoup, raw_demo: dict[str, Any]
) -> None:
    raw = next(it for it in raw_demo["items"] if it["type"] == "order")
    node = soup.select_one(f'[data-item-id="{raw["id"]}"]')
    steps = node.select("[data-step]")
    shown = [" ".join(s.select_one(".ck-quiz-step-text").get_text().split()) for s in steps]
    correct = [s["text"] for s in raw["sequence"]]
    assert sorted(shown) == sorted(correct)
    assert shown != correct
    assert sorted(int(s["data-step"]) for s in steps) == list(range(len(correct)))
    for step in steps:
        moves = step.select("button[data-move]")
        assert [b["data-move"] for b in moves] == ["up", "down"]
        assert all(b["type"] == "button" for b in moves)
    assert node.select_one("[data-quiz-status]")["aria-live"] == "polite"


def test_static_markup_has_no_script_style_or_stylesheet(demo: quiz.Bank) -> None:
    html = render_static(demo)
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find_all(["script", "style", "link"])


def test_rendering_is_deterministic(demo: quiz.Bank) -> None:
    first = render_static(demo)
    assert render_static(demo) == first  # no counter of earlier renders
    ids = [tag["id"] for tag in BeautifulSoup(first, "html.parser").find_all(id=True)]
    assert all(i.startswith("ckq-demo") for i in ids)
    item_ids = {
        tag["data-item-id"]
        for tag in BeautifulSoup(first, "html.parser").select("li")
        if tag.has_attr("data-item-id")
    }
    for item_id in item_ids:
        assert f'id="ckq-demo-{item_id}"' in first


def test_element_ids_are_unique_when_shown_twice_with_an_instance(demo: quiz.Bank) -> None:
    page = render_static(demo) + render_static(demo, instance="again")
    ids = [tag["id"] for tag in BeautifulSoup(page, "html.parser").find_all(id=True)]
    assert len(ids) == len(set(ids))
    names = {tag["name"] for tag in BeautifulSoup(page, "html.parser").select("input[name]")}
    assert len(names) == 2 * 3  # three choice items, two copies


def test_heading_level_is_configurable(demo: quiz.Bank) -> None:
    soup = BeautifulSoup(render_static(demo, heading_level=3), "html.parser")
    assert soup.find("h3", class_="ck-quiz-title").get_text() == demo.title
    with pytest.raises(ValueError, match="heading_level"):
        render_static(demo, heading_level=7)


# --------------------------------------------------------------------------- hidden answers


def test_answers_are_not_readable_in_the_markup(demo: quiz.Bank, raw_demo: dict) -> None:
    html = render_static(demo)
    for raw in raw_demo["items"]:
        hidden = [raw["explanation"]]
        hidden += [o["feedback"] for o in raw.get("options", [])]
        hidden += [p["feedback"] for p in raw.get("pairs", []) + raw.get("sequence", [])]
        hidden += list(raw.get("feedback", {}).values()) if raw["type"] == "numeric" else []
        for text in hidden:
            words = markdown.to_plain(text)
            assert words not in html, f"{raw['id']}: {words!r} is visible in the page source"
    assert "correct" not in re.sub(r"\d+ correct</p>|ck-quiz-\w+|>[^<]*<", "", html).lower()


def test_payload_decodes_to_the_answers_in_the_yaml(demo: quiz.Bank, raw_demo: dict) -> None:
    soup = BeautifulSoup(render_static(demo), "html.parser")
    for node, raw in zip(_items(soup), raw_demo["items"], strict=True):
        data = decode_payload(node["data-quiz-payload"])
        kind = raw["type"]
        if kind in ("single", "multiple"):
            assert data["correct"] == [i for i, o in enumerate(raw["options"]) if o["correct"]]
        elif kind == "numeric":
            assert (data["answer"], data["tolerance"]) == (raw["answer"], raw["tolerance"])
        elif kind == "match":
            expected = [raw["categories"].index(p["category"]) for p in raw["pairs"]]
            assert data["answer"] == expected
        else:
            # answer lists data-step values in the correct order
            texts = {
                int(s["data-step"]): " ".join(s.select_one(".ck-quiz-step-text").get_text().split())
                for s in node.select("[data-step]")
            }
            assert [texts[s] for s in data["answer"]] == [s["text"] for s in raw["sequence"]]
        assert markdown.text_content(data["explanation"]).endswith(
            markdown.to_plain(raw["explanation"])[-12:]
        )


def test_payload_round_trip_keeps_non_ascii_text() -> None:
    data = {"text": "Benzenhöfer – ✓ 日本語 😀", "n": [1, 2.5, None]}
    token = encode_payload(data)
    assert re.fullmatch(r"[A-Za-z0-9+/=]+", token)
    assert "Benzenh" not in token
    assert decode_payload(token) == data
    # plain base64 of UTF-8 JSON: what quiz.js decodes with atob + TextDecoder
    assert json.loads(base64.b64decode(token).decode("utf-8")) == data
    with pytest.raises(ValueError):
        decode_payload("not base64!")


# --------------------------------------------------------------------------- sanitising


class _Elements(HTMLParser):
    """Every element and attribute the browser's parser would create."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _assert_inert(fragment: str) -> str:
    parser = _Elements()
    parser.feed(fragment)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag not in {"script", "img", "iframe", "object", "embed"}, (tag, fragment[:200])
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in {"href", "src", "action", "formaction"}:
                assert not (value or "").strip().lower().startswith("javascript:"), value
    return "".join(parser.text)


def _xss_bank(tmp_path: Path) -> quiz.Bank:
    common = {"objective": "x", "sources": ["k2020"], "explanation": f"Explained {XSS}"}
    data = {
        "id": "xss",
        "title": f"Title {XSS}",
        "items": [
            {
                "id": "xss-single",
                "type": "single",
                "prompt": f"Prompt {XSS} $\\text{{<script>alert(2)</script>}}$",
                **common,
                "options": [
                    {"text": f"Right {XSS}", "correct": True, "feedback": f"Yes {XSS}"},
                    {"text": f"Wrong {XSS}", "correct": False, "feedback": f"No {XSS}"},
                ],
            },
            {
                "id": "xss-multiple",
                "type": "multiple",
                "prompt": f"P {XSS}",
                **common,
                "options": [
                    {"text": f"A {XSS}", "correct": True, "feedback": f"fa {XSS}"},
                    {"text": f"B {XSS}", "correct": False, "feedback": f"fb {XSS}"},
                ],
            },
            {
                "id": "xss-numeric",
                "type": "numeric",
                "prompt": f"N {XSS}",
                **common,
                "answer": 1,
                "tolerance": 0,
                "unit": "<img src=x onerror=alert(1)>",
                "feedback": {"correct": f"c {XSS}", "incorrect": f"i {XSS}"},
            },
            {
                "id": "xss-match",
                "type": "match",
                "prompt": f"M {XSS}",
                **common,
                "categories": [f"K1 {XSS}", "K2 <b onmouseover=alert(1)>"],
                "pairs": [
                    {"text": f"s1 {XSS}", "category": f"K1 {XSS}", "feedback": f"f1 {XSS}"},
                    {
                        "text": f"s2 {XSS}",
                        "category": "K2 <b onmouseover=alert(1)>",
                        "feedback": f"f2 {XSS}",
                    },
                    {"text": f"s3 {XSS}", "category": f"K1 {XSS}", "feedback": f"f3 {XSS}"},
                ],
            },
            {
                "id": "xss-order",
                "type": "order",
                "prompt": f"O {XSS}",
                **common,
                "sequence": [
                    {"text": f"one {XSS}", "feedback": f"1 {XSS}"},
                    {"text": f"two {XSS}", "feedback": f"2 {XSS}"},
                    {"text": f"three {XSS}", "feedback": f"3 {XSS}"},
                ],
            },
        ],
    }
    path = tmp_path / "xss.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return quiz.load_bank(path)


def test_hostile_bank_text_renders_as_inert_text(tmp_path: Path) -> None:
    bank = _xss_bank(tmp_path)
    html = render_static(bank)
    text = _assert_inert(html)
    # the hostile strings are shown literally, as text
    assert text.count("<script>alert(1)</script>") >= 10
    assert "<img src=x onerror=alert(1)>" in text
    assert "&lt;script&gt;" in html
    # ... and the pre-rendered HTML inside every encoded payload is inert too
    soup = BeautifulSoup(html, "html.parser")
    checked = 0
    for node in soup.select("[data-item-id]"):
        data = decode_payload(node["data-quiz-payload"])
        fragments = [data["explanation"]]
        for key in ("feedback", "correct", "incorrect"):
            value = data.get(key)
            if isinstance(value, str):
                fragments.append(value)
            elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                fragments.extend(value)
        for fragment in fragments:
            assert "<script>alert(1)</script>" in _assert_inert(fragment)
            checked += 1
    assert checked >= 15


def test_hostile_text_is_inert_in_the_live_feedback_and_document(tmp_path: Path) -> None:
    bank = _xss_bank(tmp_path)
    item = bank.item("xss-single")
    from coursekit.quiz.render import outcome_html

    _assert_inert(outcome_html(item.check(1)))
    page = render_document(bank)
    assert page.count("<script") == 1  # only the page's own quiz.js reference
    _assert_inert(page.split("</head>", 1)[1])


def test_markdown_subset() -> None:
    html = markdown.to_html("**b** *i* _u_ `a<b` [site](https://example.org/?a=1&b=2) \\$5")
    assert "<strong>b</strong>" in html and "<em>i</em>" in html and "<em>u</em>" in html
    assert "<code>a&lt;b</code>" in html
    assert '<a href="https://example.org/?a=1&amp;b=2">site</a>' in html
    assert html.endswith("$5")
    assert markdown.to_html("one\n\ntwo", block=True) == "<p>one</p><p>two</p>"
    assert markdown.to_plain("**b** $x^2$ [t](https://e.org)") == "b x^2 t"


def test_math_becomes_sanitised_mathml() -> None:
    html = markdown.to_html(r"effect $d = 0.8$ here")
    soup = BeautifulSoup(html, "html.parser")
    math = soup.find("math")
    assert math is not None and math["display"] == "inline"
    assert [t.get_text() for t in math.find_all(["mi", "mo", "mn"])] == ["d", "=", "0.8"]
    hostile = markdown.to_html(r"$\text{<script>x</script>}$ $\href{javascript:alert(1)}{y}$")
    _assert_inert(hostile)
    assert "href" not in hostile
    # dollar amounts are not math
    assert "<math" not in markdown.to_html("costs $30M or $70M")


@pytest.mark.parametrize(
    "source",
    ["[x](javascript:alert(1))", "[x](data:text/html,hi)", "<a href=javascript:alert(1)>x</a>"],
)
def test_links_other_than_http_are_not_links(source: str) -> None:
    html = markdown.to_html(source)
    _assert_inert(html)
    assert "<a " not in html


# --------------------------------------------------------------------------- display bundles


def test_show_bundles_static_html_and_the_live_widget(demo: quiz.Bank) -> None:
    shown = quiz.show(DEMO)
    bundle = shown._repr_mimebundle_()
    assert set(bundle) >= {"text/html", "text/plain", "application/vnd.jupyter.widget-view+json"}
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"]
    soup = BeautifulSoup(bundle["text/html"], "html.parser")
    assert soup.select_one("[data-quiz-id]")["data-quiz-id"] == "demo"
    assert not soup.find_all(["script", "style"])
    assert "demo" in bundle["text/plain"]


def test_show_static_mode_inlines_quiz_js_and_css(demo: quiz.Bank) -> None:
    shown = quiz.show(demo, mode="static")
    bundle = shown._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" not in bundle
    soup = BeautifulSoup(bundle["text/html"], "html.parser")
    scripts = soup.find_all("script")
    assert len(scripts) == 1 and not scripts[0].has_attr("src")
    js = (static_dir() / "quiz.js").read_text(encoding="utf-8")
    assert scripts[0].get_text().strip() == js.strip()
    assert len(soup.find_all("style")) == 1
    assert not soup.find_all("link")


def test_show_live_mode_is_the_widget_alone(demo: quiz.Bank) -> None:
    shown = quiz.show(demo, mode="live")
    bundle = shown._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "text/html" not in bundle
    with pytest.raises(ValueError, match="mode must be one of"):
        quiz.show(demo, mode="book")


def test_render_document_links_the_shared_assets(demo: quiz.Bank) -> None:
    page = render_document(demo, asset_url="../_static")
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("link", rel="stylesheet")["href"] == "../_static/quiz.css"
    script = soup.find("script")
    assert script["src"] == "../_static/quiz.js" and script.has_attr("defer")
    assert soup.html["lang"] == "en"


# --------------------------------------------------------------------------- quiz.js constraints


def test_quiz_js_is_small_classic_and_offline() -> None:
    js = (static_dir() / "quiz.js").read_text(encoding="utf-8")
    # 13 KB before open-response items (textarea, model answer, rubric, self-rating).
    assert len(js.encode("utf-8")) < 20 * 1024
    assert not re.search(r"^\s*(import|export)\b", js, re.MULTILINE)
    for word in ("http://", "https://", "fetch(", "XMLHttpRequest", "eval(", "document.write"):
        assert word not in js
    # innerHTML only ever receives the HTML pre-sanitised in Python (payload fields)
    sinks = re.findall(r"\.innerHTML\s*=\s*([^;]+);", js)
    assert sinks and all(s.strip() in {"html", "it.data.explanation"} for s in sinks), sinks
    assert "window.CourseQuiz" in js and "DOMContentLoaded" in js
