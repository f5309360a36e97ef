"""Every explorer's static version in real headless Chromium, offline from disk.

One standalone page holds all explorers with the shared local Vega files. Each
figure must render, each control must move its chart, nothing may leave the
machine, nothing may log an error, and axe-core must find no serious problems.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from coursekit.chapters import explorer_parts
from coursekit.evidence import datasets as data
from coursekit.explore import charts, engine, meta_charts, render
from coursekit.models import stats

from .conftest import ROOT

pytestmark = pytest.mark.browser

STATIC = ROOT / "src" / "coursekit" / "static"
SCRIPTS = ["vega.min.js", "vega-lite.min.js", "vega-embed.min.js"]


def _empty_timeline_filter() -> tuple[str, str]:
    """An era and a category with no event in common (the chart must say so)."""
    events = data.load("timeline")
    pairs = set(zip(events["era"], events["category"], strict=True))
    return next(
        (era, cat)
        for era, cat in itertools.product(events["era"].unique(), events["category"].unique())
        if (era, cat) not in pairs
    )


def _explorers() -> dict[str, engine.Exercise]:
    with contextlib.redirect_stdout(io.StringIO()):
        return {name: parts.exercise() for name, parts in explorer_parts().items()}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A standalone page with every explorer's static HTML and the local scripts.

    Built once per test run: the parallel workers share one folder (the first to take the
    lock builds it), since computing every explorer's grid takes seconds."""
    import fcntl
    import os

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # this run's folder, above each worker's own
    out = shared / "explorers"
    with (shared / "explorers.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / "index.html").is_file():
            _build_site(out)
    return out


def _build_site(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name in SCRIPTS:
        shutil.copy(STATIC / "vendor" / name, out / name)
    shutil.copy(STATIC / "coursekit-charts.js", out / "coursekit-charts.js")
    shutil.copy(STATIC / "coursekit.css", out / "coursekit.css")
    figures = "\n".join(
        f'<section id="{key}"><h2>{key} explorer</h2>{render.static_html(ex.static.spec)}</section>'
        for key, ex in _explorers().items()
    )
    scripts = "".join(
        f'<script src="{name}"></script>' for name in [*SCRIPTS, "coursekit-charts.js"]
    )
    (out / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Course explorers</title>"
        '<link rel="stylesheet" href="coursekit.css"></head>'
        f"<body><main><h1>Course explorers</h1>{figures}</main>{scripts}</body></html>",
        encoding="utf-8",
    )


def _open(new_page: Callable, site: Path) -> tuple[object, object]:
    page, log = new_page(allow=())  # only file:// may load; everything else is aborted
    page.goto((site / "index.html").as_uri(), wait_until="load")
    page.wait_for_function(
        """(n) => { const f = [...document.querySelectorAll('figure.ck-chart')];
                   return f.length === n &&
                          f.every(x => ['rendered', 'error'].includes(x.dataset.ckState)); }""",
        arg=len(explorer_parts()),
        timeout=30_000,
    )
    return page, log


def _svg(page: object, key: str) -> str:
    return page.locator(f"#{key} figure.ck-chart svg").first.inner_html()


def _wait_for_change(page: object, key: str, before: str) -> str:
    for _ in range(40):
        page.wait_for_timeout(100)
        after = _svg(page, key)
        if after != before:
            return after
    pytest.fail(f"the {key} chart did not change after its control moved")


def test_every_explorer_renders_offline(site: Path, new_page: Callable) -> None:
    page, log = _open(new_page, site)
    figures = page.locator("figure.ck-chart")
    assert figures.count() == len(explorer_parts())
    for i in range(figures.count()):
        fig = figures.nth(i)
        assert fig.get_attribute("data-ck-state") == "rendered"
        assert fig.locator(".ck-chart-view svg").count() >= 1
        assert fig.locator("figcaption.ck-chart-desc").inner_text().strip()
        bindings = fig.locator(".vega-bindings input, .vega-bindings select")
        assert bindings.count() >= 1
        for j in range(bindings.count()):
            control = bindings.nth(j)
            if control.get_attribute("type") == "radio":
                group = control.locator("xpath=ancestor::*[@role='radiogroup'][1]")
                assert group.get_attribute("aria-labelledby")
            else:
                assert control.get_attribute("aria-labelledby")
    assert log.blocked == []
    assert log.console_errors == [] and log.page_errors == []


def test_every_control_moves_its_chart(site: Path, new_page: Callable) -> None:
    page, log = _open(new_page, site)

    # Effect size: keyboard on the range input.
    before = _svg(page, "effect")
    slider = page.locator("#effect input[type=range]")
    slider.focus()
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    assert slider.input_value() != "0.8"
    after = _wait_for_change(page, "effect", before)
    assert "d = 1.10" in after

    # MDMA split dose: pick the 80 mg protocol dose, then switch the supplement off.
    before = _svg(page, "pk")
    page.locator("#pk input[type=radio][value='80']").check()
    after = _wait_for_change(page, "pk", before)
    assert "80 mg at 0 h" in after
    page.locator("#pk input[type=radio][value='no']").check()
    after = _wait_for_change(page, "pk", after)
    assert "Initial dose alone" not in after

    # Ketamine routes: choose oral in the list.
    before = _svg(page, "route")
    page.locator("#route select").select_option("oral")
    assert "Oral: bioavailability" in _wait_for_change(page, "route", before)

    # Fear learning: switch to the context model (ABA) and see renewal.
    before = _svg(page, "learning")
    page.locator("#learning input[type=radio][value='context model']").check()
    assert "Renewal" in _wait_for_change(page, "learning", before)

    # PCL-5: pick respondent C with the keyboard-operable list.
    before = _svg(page, "pcl5")
    page.locator("#pcl5 select").select_option(label="Respondent C (fictional)")
    assert "Respondent C" in _wait_for_change(page, "pcl5", before)

    # Forest plot: fixed effect.
    before = _svg(page, "forest")
    page.locator("#forest select").select_option("FE")
    assert "Fixed effect" in _wait_for_change(page, "forest", before)

    # Timeline: a category, then a combination with no events.
    before = _svg(page, "timeline")
    selects = page.locator("#timeline select")
    selects.nth(1).select_option("science")
    after = _wait_for_change(page, "timeline", before)
    era, category = _empty_timeline_filter()
    selects.nth(1).select_option(category)
    selects.nth(0).select_option(era)
    for _ in range(40):
        page.wait_for_timeout(100)
        if "No events" in _svg(page, "timeline"):
            break
    final = _svg(page, "timeline")
    assert final != after and "No events" in final

    assert log.blocked == []
    assert log.console_errors == [] and log.page_errors == []


def test_no_serious_accessibility_violations(site: Path, new_page: Callable) -> None:
    import axe_playwright_python

    page, _log = _open(new_page, site)
    page.add_script_tag(path=str(Path(axe_playwright_python.__file__).parent / "axe.min.js"))
    violations = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )
    serious = [v for v in violations if v["impact"] in {"serious", "critical"}]
    assert serious == [], serious


def _builder_charts() -> dict[str, render.StaticChart]:
    """Every chart builder, on small test frames."""
    import pandas as pd

    trials = pd.DataFrame(
        {
            "label": ["Trial A", "Trial B", "Trial C"],
            "effect": [0.4, 0.8, 0.2],
            "variance": [0.04, 0.06, 0.09],
        }
    )
    events = data.load("timeline")
    comparison = pd.DataFrame(
        {
            "treatment": ["A", "A", "B", "B"],
            "dimension": ["sessions", "hours"] * 2,
            "value": ["3", "8", "6", "2"],
        }
    )
    bars = pd.DataFrame(
        {
            "group": ["women", "men", "women", "men"],
            "measure": ["lifetime"] * 2 + ["year"] * 2,
            "pct": [4.3, 1.4, 1.7, 1.0],
        }
    )
    return {
        "b-forest": render.show(
            meta_charts.forest_chart(
                meta_charts.forest_frame(
                    stats.meta_analysis(trials.effect, trials.variance, list(trials.label), "DL"),
                    trials.effect,
                    trials.variance,
                )
            ),
            "Forest plot of three studies with a pooled diamond.",
        ),
        "b-funnel": meta_charts.funnel([0.4, 0.8, 0.2], [0.2, 0.25, 0.3], ["A", "B", "C"]),
        "b-bars": charts.grouped_bars(bars, x="measure", y="pct", color="group"),
        "b-timeline": render.show(
            charts.timeline_chart(charts.timeline_frame(events)), "Timeline of the events."
        ),
        "b-estimates": render.show(
            charts.estimates_chart(
                trials.assign(low=[0.0, 0.3, -0.4], high=[0.8, 1.3, 0.8], text=["a", "b", "c"]),
                value="effect",
            ),
            "Three published estimates with their intervals.",
        ),
        "b-labelled": render.show(
            charts.labelled_bars_chart(
                comparison.assign(
                    item=lambda f: f["treatment"] + " " + f["dimension"],
                    value=lambda f: f["value"].astype(float),
                    text=lambda f: f["value"],
                ),
                color="treatment",
                legend_title="Treatment",
            ),
            "Four labelled bars for two treatments.",
        ),
    }


def test_every_chart_builder_renders_offline_and_accessibly(
    tmp_path: Path, new_page: Callable
) -> None:
    import axe_playwright_python

    for name in SCRIPTS:
        shutil.copy(STATIC / "vendor" / name, tmp_path / name)
    shutil.copy(STATIC / "coursekit-charts.js", tmp_path / "coursekit-charts.js")
    built = _builder_charts()
    figures = "\n".join(
        f'<section id="{key}"><h2>{key}</h2>{chart.to_html()}</section>'
        for key, chart in built.items()
    )
    scripts = "".join(f'<script src="{n}"></script>' for n in [*SCRIPTS, "coursekit-charts.js"])
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Builders</title>'
        f"</head><body><main><h1>Chart builders</h1>{figures}</main>{scripts}</body></html>",
        encoding="utf-8",
    )
    page, log = new_page(allow=())
    page.goto((tmp_path / "index.html").as_uri(), wait_until="load")
    page.wait_for_function(
        f"""() => {{ const f = [...document.querySelectorAll('figure.ck-chart')];
                   return f.length === {len(built)} &&
                          f.every(x => ['rendered', 'error'].includes(x.dataset.ckState)); }}""",
        timeout=30_000,
    )
    for key in built:
        fig = page.locator(f"#{key} figure.ck-chart")
        assert fig.get_attribute("data-ck-state") == "rendered", key
        assert fig.locator("svg").count() >= 1, key

    page.add_script_tag(path=str(Path(axe_playwright_python.__file__).parent / "axe.min.js"))
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']}))
            .violations.map(v => ({id: v.id, impact: v.impact}))"""
    )
    assert [v for v in violations if v["impact"] in {"serious", "critical"}] == []
    assert log.blocked == []
    assert log.console_errors == [] and log.page_errors == []


def test_radio_options_are_spaced_and_show_focus(site: Path, new_page: Callable) -> None:
    """Each radio label keeps a gap before the next option, and a focused option is ringed."""
    page, log = _open(new_page, site)
    group = page.locator("#learning .vega-bind-radio").first
    radios = group.locator("input[type=radio]")
    assert radios.count() >= 2
    first = group.locator("label").nth(0).bounding_box()
    second = group.locator("label").nth(1).bounding_box()
    assert second["x"] - (first["x"] + first["width"]) >= 12, "options run into each other"
    radios.first.focus()
    page.keyboard.press("ArrowRight")  # keyboard focus, so :focus-visible applies
    focused_label = page.evaluate(
        """() => { const a = document.activeElement;
                   const l = a && a.closest('label');
                   return l ? getComputedStyle(l).outlineStyle : 'none'; }"""
    )
    assert focused_label == "solid"
    assert log.console_errors == [] and log.page_errors == []
