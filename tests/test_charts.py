"""Chart builders: spec structure, colours, descriptions, sizes and the rows they embed.

Expected numbers come from independent formulas (scipy, statsmodels, plain arithmetic)
or from the course's pure modules, never from the chart code itself.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm
from scipy.stats import t as student_t
from statsmodels.stats.meta_analysis import combine_effects

from coursekit.evidence import datasets as data
from coursekit.explore import charts, meta_charts, render
from coursekit.models import stats

Z95 = norm.ppf(0.975)
EFFECTS = [0.62, 0.35, 0.91, 0.18, 0.55, 0.74, 1.20]
SES = [0.21, 0.17, 0.28, 0.16, 0.24, 0.22, 0.40]
VARIANCES = [s * s for s in SES]
LABELS = [f"Fictional study {c}" for c in "ABCDEFG"]
MAX_BYTES = 150_000
NEUTRALS = {"#1a1a1a", "#6b6b6b", "#8c8c8c", "#9a9a9a", "#eef2f6", "white", "#000000"}


# ---------------------------------------------------------------- helpers
def rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of the chart's (single) inline dataset."""
    datasets = spec["datasets"]
    assert len(datasets) == 1, list(datasets)
    return next(iter(datasets.values()))


def walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every dict inside a spec."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def marks(spec: dict[str, Any]) -> list[str]:
    out = []
    for node in walk({k: v for k, v in spec.items() if k != "config"}):
        mark = node.get("mark")
        if isinstance(mark, str):
            out.append(mark)
        elif isinstance(mark, dict):
            out.append(mark["type"])
    return out


def colours(spec: dict[str, Any]) -> set[str]:
    """Every literal colour used by marks, conditions and scale ranges (config excluded)."""
    body = {k: v for k, v in spec.items() if k != "config"}
    found: set[str] = set()
    for node in walk(body):
        for key in ("color", "fill", "stroke"):
            if isinstance(node.get(key), str) and node[key].startswith("#"):
                found.add(node[key])
        if "value" in node and isinstance(node["value"], str) and node["value"].startswith("#"):
            found.add(node["value"])
        scale_range = node.get("range")
        if isinstance(scale_range, list):
            found.update(v for v in scale_range if isinstance(v, str) and v.startswith("#"))
    return found


def check_common(chart: render.StaticChart) -> dict[str, Any]:
    """Assertions every builder must satisfy; returns the spec."""
    spec = chart.spec
    assert chart.description.strip()
    assert spec["description"] == chart.description
    assert chart.data_bytes < MAX_BYTES
    assert spec["config"]["range"]["category"] == list(render.PALETTE)
    assert colours(spec) <= set(render.PALETTE) | NEUTRALS, colours(spec)
    page = chart.to_html()
    assert 'class="ck-chart"' in page and "ck-chart-desc" in page
    json.dumps(spec, allow_nan=False)  # strict JSON: no NaN or Infinity
    return spec


@pytest.fixture
def example() -> pd.DataFrame:
    return pd.DataFrame({"label": LABELS, "effect": EFFECTS, "variance": VARIANCES})


def forest_static(meta: stats.MetaResult, effects: list[float], variances: list[float]):
    """The static forest plot the forest explorer draws for one method."""
    frame = meta_charts.forest_frame(meta, effects, variances)
    return render.show(
        meta_charts.forest_chart(frame), "Forest plot of the test studies with a pooled estimate."
    )


# ---------------------------------------------------------------- forest
def test_forest_rows_match_independent_inverse_variance_pooling() -> None:
    meta = stats.meta_analysis(EFFECTS, VARIANCES, LABELS, method="FE")
    spec = check_common(forest_static(meta, EFFECTS, VARIANCES))
    data_rows = rows(spec)
    studies = [r for r in data_rows if r["part"] == "study"]
    assert [r["label"] for r in studies] == LABELS
    w = 1 / np.array(VARIANCES)
    for r, e, s, wi in zip(studies, EFFECTS, SES, w / w.sum() * 100, strict=True):
        assert r["effect"] == pytest.approx(e)
        assert r["ci_low"] == pytest.approx(e - Z95 * s)
        assert r["ci_high"] == pytest.approx(e + Z95 * s)
        assert r["weight"] == pytest.approx(wi)
    fixed = float((w * np.array(EFFECTS)).sum() / w.sum())
    half = Z95 / math.sqrt(w.sum())
    diamond = sorted(r["x"] for r in data_rows if r["part"] == "diamond")
    assert diamond == pytest.approx([fixed - half, fixed, fixed + half])
    pi = next(r for r in data_rows if r["part"] == "pi")
    assert pi["ci_low"] is None and pi["ci_high"] is None  # no PI under a fixed effect
    kinds = marks(spec)
    assert {"square", "rule", "area", "text"} <= set(kinds)


def test_forest_from_dataframe_uses_dersimonian_laird(example: pd.DataFrame) -> None:
    meta = stats.meta_analysis(example.effect, example.variance, list(example.label), "DL")
    data_rows = rows(check_common(forest_static(meta, EFFECTS, VARIANCES)))
    reference = combine_effects(np.array(EFFECTS), np.array(VARIANCES), method_re="chi2")
    pooled = next(r for r in data_rows if r["part"] == "pooled")
    assert pooled["effect"] == pytest.approx(reference.mean_effect_re, rel=1e-9)
    summary = data_rows[0]["summary"]
    assert "Random effects (DL)" in summary and "prediction interval" in summary
    pi = next(r for r in data_rows if r["part"] == "pi")
    tau2, se = reference.tau2, reference.sd_eff_w_re
    t = student_t.ppf(0.975, len(EFFECTS) - 2)
    assert pi["ci_low"] == pytest.approx(pooled["effect"] - t * math.sqrt(tau2 + se**2), rel=1e-6)


def test_forest_with_two_studies_says_it_is_fragile() -> None:
    meta = stats.meta_analysis(EFFECTS[:2], VARIANCES[:2], LABELS[:2], method="DL")
    data_rows = rows(check_common(forest_static(meta, EFFECTS[:2], VARIANCES[:2])))
    assert "fragile" in data_rows[0]["summary"]
    assert "at least 3 studies" in data_rows[0]["summary"]


def test_forest_needs_the_study_values() -> None:
    meta = stats.meta_analysis(EFFECTS, VARIANCES, method="DL")
    with pytest.raises(ValueError, match="effects and variances"):
        meta_charts.forest_frame(meta, EFFECTS[:3], VARIANCES[:3])


# ---------------------------------------------------------------- funnel
def test_funnel_centres_on_the_fixed_effect_with_pseudo_limits() -> None:
    spec = check_common(meta_charts.funnel(EFFECTS, SES, LABELS))
    data_rows = rows(spec)
    w = 1 / np.array(VARIANCES)
    centre = float((w * np.array(EFFECTS)).sum() / w.sum())
    limits = [r for r in data_rows if r["part"] == "limit"]
    top = max(SES) * 1.1
    lower_top = next(r for r in limits if r["label"] == "lower limit" and r["se"] > 0)
    upper_top = next(r for r in limits if r["label"] == "upper limit" and r["se"] > 0)
    assert lower_top["se"] == pytest.approx(top)
    assert lower_top["effect"] == pytest.approx(centre - Z95 * top)
    assert upper_top["effect"] == pytest.approx(centre + Z95 * top)
    assert len([r for r in data_rows if r["part"] == "study"]) == len(EFFECTS)
    yscale = next(n["scale"] for n in walk(spec) if n.get("field") == "se" and "scale" in n)
    assert yscale["reverse"] is True
    assert "fewer than 10 studies" in spec["description"]


def test_funnel_rejects_bad_standard_errors() -> None:
    with pytest.raises(ValueError, match="ses"):
        meta_charts.funnel([0.1, 0.2], [0.1, 0.0])
    with pytest.raises(ValueError, match="same length"):
        meta_charts.funnel([0.1, 0.2], [0.1])


# ---------------------------------------------------------------- grouped bars
def test_grouped_bars_one_bar_per_row_with_palette_colours() -> None:
    df = pd.DataFrame(
        {
            "trial": ["T1", "T1", "T2", "T2"],
            "arm": ["drug", "placebo", "drug", "placebo"],
            "responders": [67.0, 32.0, 71.2, 47.6],
            "low": [55.0, 20.0, 60.0, 35.0],
            "high": [78.0, 45.0, 81.0, 60.0],
        }
    )
    chart = charts.grouped_bars(df, "trial", "responders", "arm", y_low="low", y_high="high")
    spec = check_common(chart)
    assert rows(spec) == df.to_dict(orient="records")
    assert {"bar", "text", "rule"} <= set(marks(spec))
    scale = next(n["scale"] for n in walk(spec) if n.get("field") == "arm" and "scale" in n)
    assert scale["range"] == list(render.PALETTE[:2])
    assert any("xOffset" in n for n in walk(spec))
    assert "T2: drug 71.2, placebo 47.6" in chart.description


def test_grouped_bars_checks_columns() -> None:
    with pytest.raises(ValueError, match="'arm'"):
        charts.grouped_bars(pd.DataFrame({"x": ["a"], "y": [1.0]}), "x", "y", "arm")


# ---------------------------------------------------------------- timeline
def test_timeline_frame_orders_events_and_writes_dates_as_known() -> None:
    events = data.load("timeline")
    frame = charts.timeline_frame(events)
    assert len(frame) == len(events)
    assert frame["date"].is_monotonic_increasing
    by_title = dict(zip(frame["title"], frame["when"], strict=True))
    source = events.set_index("title")
    for title, when in by_title.items():
        date, precision = source.loc[title, "date"], source.loc[title, "date_precision"]
        if precision == "year":
            assert when == str(date.year)
        elif precision == "month":
            assert when == f"{date:%B} {date.year}"
        else:
            assert when == f"{date.day} {date:%B} {date.year}"


def test_timeline_chart_has_every_event() -> None:
    events = data.load("timeline")
    frame = charts.timeline_frame(events)
    chart = render.show(charts.timeline_chart(frame), f"Timeline of {len(events)} events.")
    spec = check_common(chart)
    assert len(rows(spec)) == len(events)
    assert "point" in marks(spec)
    shape = next(n for n in walk(spec) if n.get("field") == "category" and "legend" in n)
    assert shape["type"] == "nominal"
    assert f"Timeline of {len(events)} events" in chart.description


# ---------------------------------------------------------------- shared
def test_every_builder_has_an_accessible_description() -> None:
    built = [
        meta_charts.funnel(EFFECTS, SES),
        charts.grouped_bars(
            pd.DataFrame({"x": ["a", "b"], "y": [1.0, 2.0], "c": ["p", "q"]}), "x", "y", "c"
        ),
    ]
    for chart in built:
        assert len(chart.description.split()) >= 8, chart.description
        assert chart.data_bytes < MAX_BYTES


def test_builders_reject_non_frames_and_empty_frames() -> None:
    with pytest.raises(ValueError, match="DataFrame"):
        charts.grouped_bars([{"x": "a"}], "x", "y", "c")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least one row"):
        charts.timeline_frame(data.load("timeline").iloc[:0])


def test_builders_keep_text_labels_of_filtered_frames() -> None:
    """A filtered frame keeps its original index; labels must survive it."""
    import pandas as pd

    frame = pd.DataFrame(
        {
            "therapy": ["CT", "PE", "CPT", "EMDR"],
            "dropout": [9.0, 22.0, 30.0, 18.0],
            "kind": ["cognitive", "exposure", "cognitive", "other"],
        }
    )
    subset = frame[frame["dropout"] > 10]  # index 1, 2, 3
    chart = charts.grouped_bars(subset, x="therapy", y="dropout", color="kind")
    rows = next(iter(chart.spec["datasets"].values()))
    assert [r["therapy"] for r in rows] == ["PE", "CPT", "EMDR"]


def _layer_marks(spec: dict) -> list[str]:
    return [
        layer["mark"] if isinstance(layer["mark"], str) else layer["mark"]["type"]
        for layer in spec["layer"]
    ]


def test_estimates_chart_draws_each_published_estimate_without_pooling() -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {
            "estimate": ["Overall", "Bias-corrected"],
            "g": [0.27, 0.20],
            "low": [0.03, -0.08],
            "high": [0.51, 0.48],
            "text": ["g = 0.27", "g = 0.20"],
        }
    )
    spec = charts.estimates_chart(frame, label="estimate", value="g", domain=(-0.4, 1.6)).to_dict()
    assert _layer_marks(spec) == ["rule", "rule", "square", "text"]
    rows = [r for rows in spec["datasets"].values() for r in rows if "estimate" in r]
    assert [(r["estimate"], r["g"], r["low"], r["high"]) for r in rows] == [
        ("Overall", 0.27, 0.03, 0.51),
        ("Bias-corrected", 0.20, -0.08, 0.48),
    ]
    assert spec["layer"][1]["encoding"]["x"]["scale"]["domain"] == [-0.4, 1.6]


def test_labelled_bars_chart_labels_every_bar_and_uses_the_palette() -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {
            "item": ["MDMA", "Ketamine", "Psilocybin"],
            "value": [3.0, 6.0, 0.0],
            "text": ["3 sessions", "6 infusions", "not covered"],
            "group": ["b", "a", "c"],
        }
    )
    chart = charts.labelled_bars_chart(frame, color_order=["a", "b", "c"])
    spec = chart.to_dict()
    assert _layer_marks(spec) == ["bar", "text"]
    colour = spec["layer"][0]["encoding"]["color"]
    assert colour["scale"] == {"domain": ["a", "b", "c"], "range": list(render.PALETTE[:3])}
    assert colour["legend"] is None
    assert spec["layer"][1]["encoding"]["text"]["field"] == "text"
    keyed = charts.labelled_bars_chart(frame, legend_title="Kind").to_dict()
    assert keyed["layer"][0]["encoding"]["color"]["title"] == "Kind"
    assert keyed["layer"][0]["encoding"]["color"]["legend"]["orient"] == "bottom"


def test_new_builders_name_a_missing_column() -> None:
    import pandas as pd

    with pytest.raises(ValueError, match="'high'"):
        charts.estimates_chart(pd.DataFrame({"label": ["a"], "value": [1.0], "low": [0.5]}))
    with pytest.raises(ValueError, match="'text'"):
        charts.labelled_bars_chart(pd.DataFrame({"item": ["a"], "value": [1.0], "group": ["g"]}))
