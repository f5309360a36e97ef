"""Explorers: live callbacks, bad input, the packed static grid and its size.

Each live test moves a control the way a reader would and checks the new frame
against the course's pure modules or an independent formula.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm
from statsmodels.stats.meta_analysis import combine_effects

from coursekit.chapters import explorer_parts, ketamine, mdma, ptsd
from coursekit.evidence import datasets as data
from coursekit.explore import engine, explorers, render
from coursekit.explore.engine import Control
from coursekit.models import learning, pk, scales, stats

MAX_BYTES = 150_000
META = pd.DataFrame(
    {
        "label": [f"Fictional study {c}" for c in "ABCDE"],
        "effect": [0.62, 0.35, 0.91, 0.18, 0.55],
        "variance": [0.045, 0.030, 0.080, 0.025, 0.060],
    }
)
# DSM-5 clusters of the 20 PCL-5 items, written out independently of coursekit.
DSM5_CLUSTERS = {"B": range(1, 6), "C": range(6, 8), "D": range(8, 15), "E": range(15, 21)}
DSM5_RULE = {"B": 1, "C": 1, "D": 2, "E": 2}


def build_all() -> dict[str, engine.Exercise]:
    return {
        "effect": explorers.effect_size_explorer(),
        "pk": mdma.pk_explorer(),
        "route": ketamine.route_explorer(dose_mg=50.0),
        "learning": ptsd.learning_explorer(),
        "pcl5": ptsd.pcl5_explorer(),
        "forest": explorers.forest_explorer(META),
        "timeline": explorers.timeline_explorer(data.load("timeline")),
    }


@pytest.fixture(scope="module")
def ex() -> dict[str, engine.Exercise]:
    return build_all()


def walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def unpack(spec: dict[str, Any], **values: Any) -> pd.DataFrame:
    """Rebuild one combination's frame from a packed static spec, as the browser does."""
    params = {p["name"]: p.get("value") for p in spec["params"]}
    pool, strings = params["ck_pool"], params["ck_strings"]
    view = next(n for n in walk(spec) if n.get("data") == {"name": "ck-grid"})
    steps = view["transform"]
    for name in values:
        assert name in steps[0]["filter"], f"the filter must test control {name!r}"
    ref_of, decode = {}, {}
    for step in steps:
        expr = step.get("calculate", "")
        if expr.startswith("ck_pool["):
            ref_of[step["as"]] = re.search(r"datum\.(\w+)", expr).group(1)
        elif "ck_strings[" in expr:
            decode[re.search(r"datum\.(ck_code_\d+)", expr).group(1)] = step["as"]
    matches = [
        r
        for r in spec["datasets"]["ck-grid"]
        if all(
            (abs(r[f"ck_ctl_{k}"] - v) < 1e-9) if isinstance(v, float) else r[f"ck_ctl_{k}"] == v
            for k, v in values.items()
        )
    ]
    assert len(matches) == 1, f"{len(matches)} grid rows match {values}"
    row = matches[0]
    columns: dict[str, list[Any]] = {}
    flatten = next((s for s in steps if "flatten" in s), {"flatten": [], "as": []})
    for field, name in zip(flatten["flatten"], flatten["as"], strict=True):
        vals = pool[row[ref_of[field]]]
        if name in decode:
            vals = [None if c is None else strings[c] for c in vals]
            name = decode[name]
        columns[name] = vals
    n = len(next(iter(columns.values()))) if columns else 1
    scalars = {k: [v] * n for k, v in row.items() if not k.startswith("ck_")}
    return pd.DataFrame({**columns, **scalars})


def same_frame(packed: pd.DataFrame, live: pd.DataFrame, tol: float) -> None:
    assert sorted(packed.columns) == sorted(live.columns)
    assert len(packed) == len(live)
    for col in live.columns:
        want, got = live[col].tolist(), packed[col].tolist()
        for w, g in zip(want, got, strict=True):
            if w is None or (isinstance(w, float) and not math.isfinite(w)) or w is pd.NaT:
                assert g is None or (isinstance(g, float) and math.isnan(g)), (col, w, g)
            elif isinstance(w, bool | np.bool_):
                assert g == bool(w), (col, w, g)
            elif isinstance(w, int | float | np.number):
                assert g == pytest.approx(float(w), abs=tol), (col, w, g)
            elif isinstance(w, pd.Timestamp):
                assert g == w.strftime("%Y-%m-%dT%H:%M:%S")
            else:
                assert g == str(w), (col, w, g)


# ---------------------------------------------------------------- effect size
def test_effect_size_slider_recomputes_overlap_statistics(ex: dict) -> None:
    e = ex["effect"]
    e.controls["d"].value = 1.25
    f = e.current
    assert e.message == ""
    assert f["d"].iloc[0] == 1.25
    assert f["u3"].iloc[0] == pytest.approx(norm.cdf(1.25), rel=1e-12)
    assert f["overlap"].iloc[0] == pytest.approx(2 * norm.cdf(-1.25 / 2), rel=1e-12)
    assert f["prob_superiority"].iloc[0] == pytest.approx(norm.cdf(1.25 / math.sqrt(2)))
    assert f["nnt"].iloc[0] == pytest.approx(1 / (2 * norm.cdf(1.25 / math.sqrt(2)) - 1))
    np.testing.assert_allclose(f["control"], norm.pdf(f["x"]), rtol=1e-12)
    np.testing.assert_allclose(f["treatment"], norm.pdf(f["x"], loc=1.25), rtol=1e-12)
    np.testing.assert_allclose(f["overlap_density"], np.minimum(f["control"], f["treatment"]))
    assert "d = 1.25" in f["summary"].iloc[0]


def test_effect_size_start_value_between_grid_steps() -> None:
    e = explorers.effect_size_explorer(d=0.83)
    assert e.controls["d"].value == pytest.approx(0.83)
    assert e.current["d"].iloc[0] == pytest.approx(0.83)
    param = next(p for p in e.static.spec["params"] if p["name"] == "d")
    assert param["value"] == pytest.approx(0.85)  # nearest step of the book's slider
    with pytest.raises(ValueError, match="d must be between"):
        explorers.effect_size_explorer(d=9.0)


# ---------------------------------------------------------------- MDMA split dose
def test_pk_controls_follow_the_teaching_model(ex: dict) -> None:
    e = ex["pk"]
    e.controls["supplement"].value = "yes"
    e.controls["initial_mg"].value = 80
    e.controls["delay_h"].value = 2.0
    f = e.current
    curve = f[f["series"] == "Initial dose + supplement"]
    regimen = pk.split_dose_regimen(80.0, 0.5, 2.0)
    expected = pk.concentration(curve["time_h"].to_numpy(), regimen, mdma.teaching_parameters())
    np.testing.assert_allclose(curve["concentration"], expected, rtol=1e-12)
    doses = f[f["part"] == "dose"]
    assert doses["time_h"].tolist() == [0.0, 2.0]
    assert doses["dose_label"].tolist() == ["80 mg at 0 h", "40 mg at 2 h"]
    # One dose, checked against the Bateman equation written out here.
    p = mdma.teaching_parameters()
    ke = math.log(2) / p.half_life_h
    alone = f[(f["series"] == "Initial dose only") & (f["time_h"] == 1.0)]["concentration"]
    bateman = (
        1000
        * p.bioavailability
        * 80
        * p.ka_per_h
        / (p.volume_l * (p.ka_per_h - ke))
        * (math.exp(-ke) - math.exp(-p.ka_per_h))
    )
    assert float(alone.iloc[0]) == pytest.approx(bateman, rel=1e-9)

    e.controls["supplement"].value = "no"
    f = e.current
    assert set(f["series"].dropna()) == {"Initial dose only"}
    assert f[f["part"] == "dose"]["time_h"].tolist() == [0.0]


def test_pk_static_chart_carries_the_teaching_notice(ex: dict) -> None:
    titles = [n for n in walk(ex["pk"].static.spec) if "subtitle" in n]
    text = " ".join(" ".join(t["subtitle"]) for t in titles)
    assert " ".join(pk.TEACHING_NOTICE.split()) in " ".join(text.split())
    assert "not a dosing tool" in ex["pk"].static.description


# ---------------------------------------------------------------- ketamine routes
def test_route_selection_changes_curve_and_highlight(ex: dict) -> None:
    e = ex["route"]
    e.controls["route"].value = "oral"
    f = e.current
    oral = f[f["role"] == "selected"]
    expected = pk.route_curve(
        oral["time_h"].to_numpy(), 50.0, ketamine.routes()["oral"], ketamine.half_life_h()
    )
    np.testing.assert_allclose(oral["amount"], expected, rtol=1e-12)
    reference = f[f["role"] == "reference"]
    np.testing.assert_allclose(
        reference["amount"], 50.0 * np.exp(-math.log(2) / 2.5 * reference["time_h"])
    )
    bars = f[f["part"] == "bar"].set_index("route")
    routes = ketamine.routes()
    for name, key in ketamine.ROUTE_NAMES.items():
        assert bars.loc[name, "exposure"] == pytest.approx(50.0 * routes[key].bioavailability)
        assert bars.loc[name, "exposure_high"] == pytest.approx(50.0 * routes[key].high)
    assert bars.loc["oral", "exposure_low"] == pytest.approx(50.0 * routes["oral"].low)
    assert bars["selected"].tolist().count(True) == 1 and bool(bars.loc["oral", "selected"])

    e.controls["route"].value = "intravenous"
    assert set(e.current["role"].dropna()) == {"selected"}  # no separate reference line


# ---------------------------------------------------------------- fear learning
def test_learning_plain_model_matches_the_closed_form(ex: dict) -> None:
    e = ex["learning"]
    e.update(alpha=0.5, beta=0.4, model="Rescorla–Wagner", design="ABA")
    f = e.current
    rate = 0.5 * 0.4
    acq = f[f["phase"] == "acquisition"]["response"].to_numpy()
    n = np.arange(len(acq))
    np.testing.assert_allclose(acq, 1 - (1 - rate) ** n, rtol=1e-12)
    ext = f[f["phase"] == "extinction"]["response"].to_numpy()
    start = 1 - (1 - rate) ** len(acq)
    np.testing.assert_allclose(ext, start * (1 - rate) ** np.arange(len(ext)), rtol=1e-12)
    assert "No renewal" in f["summary"].iloc[0]


def test_learning_context_model_shows_renewal_only_in_aba(ex: dict) -> None:
    e = ex["learning"]
    e.controls["alpha"].value = 0.5
    e.controls["beta"].value = 0.3
    e.controls["model"].value = "context model"
    e.controls["design"].value = "ABA"
    f = e.current
    trace = learning.context_model(learning.renewal_design("ABA", 20, 20, 8), 0.5, 0.3)
    np.testing.assert_allclose(f["response"], trace.response)
    assert f["context"].tolist() == trace.context.tolist()
    test = f[f["phase"] == "test"]["response"].to_numpy()
    ext = f[f["phase"] == "extinction"]["response"].to_numpy()
    assert test[0] > ext[-1] + 0.1
    assert f["summary"].iloc[0].splitlines()[-1].startswith("Renewal")
    e.controls["design"].value = "AAA"
    assert "No renewal" in e.current["summary"].iloc[0]


# ---------------------------------------------------------------- PCL-5
def test_pcl5_respondent_profile_and_verdicts(ex: dict) -> None:
    e = ex["pcl5"]
    person = next(r for r in scales.EXAMPLE_RESPONDENTS if r.id == "resp-c")
    e.controls["cutpoint"].value = 33
    e.controls["respondent"].value = person.label
    f = e.current
    items = f[f["part"] == "item"].sort_values("item")
    assert items["rating"].tolist() == list(person.items)
    clusters = f[f["part"] == "cluster"].set_index("cluster")
    for k, numbers in DSM5_CLUSTERS.items():
        ratings = [person.items[i - 1] for i in numbers]
        assert clusters.loc[k, "subtotal"] == sum(ratings)
        assert clusters.loc[k, "endorsed"] == sum(r >= 2 for r in ratings)
        assert set(items[items["cluster"] == k]["item"]) == set(numbers)
    total = sum(person.items)
    assert f["total"].iloc[0] == total
    met = all(
        sum(person.items[i - 1] >= 2 for i in DSM5_CLUSTERS[k]) >= n for k, n in DSM5_RULE.items()
    )
    assert bool(f["provisional_diagnosis"].iloc[0]) is met is False
    assert bool(f["above_cutpoint"].iloc[0]) is (total >= 33)


def test_pcl5_cutpoint_changes_the_screening_result(ex: dict) -> None:
    e = ex["pcl5"]
    person = next(r for r in scales.EXAMPLE_RESPONDENTS if r.id == "resp-g")
    e.controls["respondent"].value = person.label
    total = sum(person.items)
    assert 31 <= total < 33
    e.controls["cutpoint"].value = 31
    assert bool(e.current["above_cutpoint"].iloc[0]) is True
    e.controls["cutpoint"].value = 33
    assert bool(e.current["above_cutpoint"].iloc[0]) is False
    assert "below" in e.current["summary"].iloc[0]


# ---------------------------------------------------------------- meta-analysis
def test_forest_method_selector_repools(ex: dict) -> None:
    e = ex["forest"]
    y, v = META["effect"].to_numpy(), META["variance"].to_numpy()
    e.controls["method"].value = "FE"
    pooled = e.current[e.current["part"] == "pooled"].iloc[0]
    assert pooled["effect"] == pytest.approx((y / v).sum() / (1 / v).sum())
    assert "No prediction interval" in pooled["summary"]
    e.controls["method"].value = "DL"
    pooled = e.current[e.current["part"] == "pooled"].iloc[0]
    reference = combine_effects(y, v, method_re="chi2")
    assert pooled["effect"] == pytest.approx(reference.mean_effect_re, rel=1e-9)
    e.controls["method"].value = "REML"
    f = e.current
    meta = stats.meta_analysis(y, v, META["label"], method="REML")
    assert f[f["part"] == "pooled"]["effect"].iloc[0] == pytest.approx(meta.random)
    diamond = sorted(f[f["part"] == "diamond"]["x"])
    assert diamond == pytest.approx([meta.random_ci[0], meta.random, meta.random_ci[1]])
    studies = f[f["part"] == "study"]
    assert studies["weight"].tolist() == pytest.approx(list(meta.weights_random))


def test_forest_explorer_notes_fragility_of_two_studies() -> None:
    e = explorers.forest_explorer(META.iloc[:2])
    assert "fragile" in e.static.description
    assert "fragile" in e.current["summary"].iloc[0]
    with pytest.raises(ValueError, match="at least 2 studies"):
        explorers.forest_explorer(META.iloc[:1])
    with pytest.raises(ValueError, match="'variance'"):
        explorers.forest_explorer(META.drop(columns="variance"))


# ---------------------------------------------------------------- timeline
def test_timeline_filters_and_says_when_nothing_matches(ex: dict) -> None:
    e = ex["timeline"]
    events = data.load("timeline")
    e.controls["era"].value = explorers.ALL_ERAS
    e.controls["category"].value = "regulation"
    assert len(e.current) == int((events["category"] == "regulation").sum())
    assert set(e.current["category"]) == {"regulation"}
    pairs = set(zip(events["era"], events["category"], strict=True))
    era, category = next(
        (a, c)
        for a, c in itertools.product(events["era"].unique(), events["category"].unique())
        if (a, c) not in pairs
    )
    e.controls["category"].value = category
    e.controls["era"].value = era
    f = e.current
    assert f["part"].tolist() == ["message"]
    assert "No events" in f["message"].iloc[0] and era in f["message"].iloc[0]
    assert e.message == ""


# ---------------------------------------------------------------- bad input
BAD_INPUTS = [
    ("effect", "d", float("nan"), "d"),
    ("effect", "d", 7.5, "d"),
    ("pk", "delay_h", -1.0, "delay_h"),
    ("pk", "initial_mg", 100, "initial_mg"),
    ("route", "route", "rectal", "route"),
    ("learning", "alpha", 0.0, "alpha"),
    ("learning", "beta", 1.5, "beta"),
    ("pcl5", "respondent", "Nobody", "respondent"),
    ("pcl5", "cutpoint", 90, "cutpoint"),
    ("forest", "method", "XYZ", "method"),
    ("timeline", "era", "the future", "era"),
]


@pytest.mark.parametrize(("key", "control", "value", "word"), BAD_INPUTS)
def test_bad_input_shows_a_message_and_keeps_the_chart(
    ex: dict, key: str, control: str, value: Any, word: str
) -> None:
    e = ex[key]
    before = e.current.copy()
    assert e.update(**{control: value}) is False
    assert word in e.message
    assert "Traceback" not in e.message
    assert e.current.equals(before)
    note = e.widget.children[-2]
    assert "ck-error" in note.value and 'role="alert"' in note.value
    assert e.update() is True  # the widgets' own values still work
    assert e.message == ""


# ---------------------------------------------------------------- static versions
@pytest.mark.parametrize("key", ["effect", "pk", "route", "learning", "pcl5", "forest", "timeline"])
def test_static_spec_binds_every_control_to_a_small_grid(ex: dict, key: str) -> None:
    e = ex[key]
    spec = e.static.spec
    assert e.static.description.strip() and spec["description"] == e.static.description
    assert e.static.data_bytes < MAX_BYTES
    bound = {p["name"]: p for p in spec["params"] if "bind" in p}
    assert set(bound) == set(e.controls)
    for param in bound.values():
        assert param["bind"]["name"].strip(), "every input needs a visible label"
    sizes = [len(p["bind"].get("options", [])) or None for p in bound.values()]
    grid = spec["datasets"]["ck-grid"]
    ranges = [
        round((p["bind"]["max"] - p["bind"]["min"]) / p["bind"]["step"]) + 1
        for p in bound.values()
        if p["bind"]["input"] == "range"
    ]
    assert len(grid) == math.prod([s for s in sizes if s] + ranges)
    page = e.static.to_html()
    assert page.startswith('<figure class="ck-chart"') and "ck-chart-desc" in page
    bundle = e._repr_mimebundle_()
    assert render.VEGALITE_MIME in bundle
    assert "application/vnd.jupyter.widget-view+json" in bundle


COMBINATIONS = {
    "effect": {"d": 1.35},
    "pk": {"initial_mg": 80, "supplement": "yes", "delay_h": 2.0},
    "route": {"route": "sublingual"},
    "learning": {"alpha": 0.7, "beta": 0.1, "model": "context model", "design": "AAA"},
    "pcl5": {"respondent": "Respondent D (fictional)", "cutpoint": 32},
    "forest": {"method": "REML"},
    "timeline": {"era": "early-research", "category": "science"},
}


@pytest.mark.parametrize("key", list(COMBINATIONS))
def test_packed_grid_unpacks_to_the_live_frame(ex: dict, key: str) -> None:
    e = ex[key]
    values = COMBINATIONS[key]
    assert e.update(**values), e.message
    packed = unpack(e.static.spec, **values)
    same_frame(packed, e.current, tol=0.006)


def test_packed_grid_stores_repeated_arrays_once() -> None:
    def compute(a: float, b: str) -> pd.DataFrame:
        return pd.DataFrame(
            {"x": [1.0, 2.0, 3.0], "y": [a * 10, a * 20, a * 30], "tag": b, "k": [b, "z", b]}
        )

    grid = engine.pack_grid(
        compute,
        [Control("a", "A", (1.0, 2.0), 1.0), Control("b", "B", ("p", "q"), "p", kind="select")],
    )
    assert len(grid.rows) == 4
    assert grid.array_columns == ("x", "y", "k")
    assert grid.text_columns == {"k"}
    # x is shared by all four rows; y by the two rows with the same a; k by the same b.
    assert len(grid.pool) == 1 + 2 + 2
    assert all(r["tag"] in {"p", "q"} for r in grid.rows)
    assert sorted(grid.strings) == ["p", "q", "z"]


def test_pack_grid_rejects_inconsistent_frames() -> None:
    control = [Control("a", "A", (1.0, 2.0), 1.0)]
    with pytest.raises(ValueError, match="same columns"):
        engine.pack_grid(lambda a: pd.DataFrame({"x" if a == 1.0 else "y": [a]}), control)
    with pytest.raises(ValueError, match="DataFrame"):
        engine.pack_grid(lambda a: [a], control)


def test_unpacked_explorer_still_filters_its_grid() -> None:
    import altair as alt

    def compute(d: float) -> pd.DataFrame:
        return pd.DataFrame({"x": [0.0, 1.0], "y": [d, d + 1]})

    e = engine.explorer(
        compute,
        [Control("d", "Shift", (0.0, 0.5, 1.0), 0.5)],
        lambda f: alt.Chart(f).mark_line().encode(x="x:Q", y="y:Q"),
        "A line shifted up by d.",
    )
    assert any("abs(datum.d - d)" in t.get("filter", "") for t in e.static.spec["transform"])
    assert len(next(iter(e.static.spec["datasets"].values()))) == 6
    assert e.update(d=0.25) and e.current["y"].tolist() == [0.25, 1.25]


def test_integer_grids_get_integer_sliders() -> None:
    import ipywidgets as w

    assert isinstance(Control("n", "N", (1, 2, 3), 2).live_widget(), w.IntSlider)
    assert isinstance(Control("x", "X", (0.1, 0.2), 0.1).live_widget(), w.FloatSlider)


def test_benchmark_reports_every_explorer() -> None:
    parts = explorer_parts()
    results = engine.benchmark_explorers(parts, repeat=1)
    assert {"effect", "pk", "route", "learning", "pcl5", "forest", "timeline"} <= set(parts)
    for name, part in itertools.product(parts, ["grid", "static", "update"]):
        value = results[f"{name} {part}"]
        assert value > 0 and math.isfinite(value)


def test_menu_controls_reject_values_they_do_not_offer() -> None:
    """A select or radio control only takes its listed values; others get a message."""
    calls: list[str] = []

    def compute(view: str) -> pd.DataFrame:
        calls.append(view)
        return pd.DataFrame({"x": [1.0, 2.0], "y": [len(view), 1.0]})

    ex = engine.explorer(
        compute,
        [engine.Control("view", "Show", ("first", "second"), "first", kind="select")],
        lambda f: alt.Chart(f).mark_line().encode(x="x:Q", y="y:Q"),
        "A line whose height depends on the chosen view.",
    )
    good = ex.current.copy()
    calls.clear()
    assert ex.update(view="third") is False
    assert "view" in ex.message and "'first'" in ex.message
    assert calls == []  # the compute function never saw the bad value
    assert ex.current.equals(good)
    assert ex.update(view="second") is True
    assert calls == ["second"]
