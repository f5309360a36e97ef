"""Chapter 3 (ketamine): page figures, charts and explorers of ``coursekit.chapters.ketamine``.

Expected figures are read here straight from the dataset tables (``datasets.load``), never
copied from the functions under test; the notebooks' markdown is parsed to check that every
glue name the prose uses is produced.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from coursekit.chapters import ketamine
from coursekit.evidence import datasets
from coursekit.explore.render import VEGALITE_MIME, StaticChart

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "book" / "ketamine"
GLUE = re.compile(r"\{glue:text\}`([A-Za-z0-9_]+)(?::[^`]*)?`")
FIGURES = {
    "01-history": ketamine.history_figures,
    "02-pharmacology": ketamine.pharmacology_figures,
    "04-trials": ketamine.trial_figures,
    "07-synthesis": ketamine.synthesis_figures,
}


def trials() -> pd.DataFrame:
    return datasets.load("trials").set_index("trial_id")


def realworld() -> pd.DataFrame:
    return datasets.load("ketamine_realworld").set_index("row_id")


def cells(page: str) -> list[dict[str, Any]]:
    return json.loads((PAGES / f"{page}.ipynb").read_text())["cells"]


def live_description(exercise: Any) -> str:
    """The text alternative of the chart the live widget shows now."""
    output = exercise.widget.children[-1].outputs[-1]
    return output["data"][VEGALITE_MIME]["description"]


# ---------------------------------------------------------------- every page figure
@pytest.mark.parametrize("page", sorted(FIGURES))
def test_figures_cover_every_glue_name_of_the_page(page: str) -> None:
    prose = "".join("".join(c["source"]) for c in cells(page) if c["cell_type"] == "markdown")
    used = set(GLUE.findall(prose))
    assert used, f"{page} should use glued figures"
    missing = used - set(FIGURES[page]())
    assert not missing, f"{page}: no figure for glue name(s) {sorted(missing)}"


@pytest.mark.parametrize("page", sorted(FIGURES))
def test_figures_are_plain_python_values(page: str) -> None:
    for name, value in FIGURES[page]().items():
        assert name.isidentifier()
        # glue prints repr(): a numpy scalar would show as "np.float64(...)" in the prose
        assert type(value) in {int, float, str}, f"{name} is {type(value).__name__}"
        assert not (isinstance(value, float) and math.isnan(value)), name


# ---------------------------------------------------------------- 01-history
def written_date(event_id: str) -> str:
    row = datasets.load("timeline").set_index("event_id").loc[event_id]
    date = row["date"]
    return {
        "year": str(date.year),
        "month": f"{date.strftime('%B')} {date.year}",
        "day": f"{date.day} {date.strftime('%B')} {date.year}",
    }[row["date_precision"]]


def test_history_figures_are_the_timeline_dates() -> None:
    figures = ketamine.history_figures()
    expected = {
        "k_synth": "ketamine-1962-synthesis",
        "k_approval": "ketamine-1970-approval",
        "k_sched": "ketamine-1999-schedule3",
        "k_es2019": "ketamine-2019-spravato",
        "k_es2020": "ketamine-2020-spravato-msi",
        "k_es2025": "ketamine-2025-monotherapy",
    }
    assert figures == {name: written_date(event) for name, event in expected.items()}
    assert figures["k_synth"].isdigit()  # a year-precision date is written as the year only
    assert len(figures["k_es2019"].split()) == 3  # a day-precision date has day, month, year


def test_event_date_never_more_precise_than_the_data() -> None:
    assert ketamine.event_date("ketamine-2019-spravato", "year") == "2019"
    assert ketamine.event_date("ketamine-2019-spravato", "month") == "March 2019"
    with pytest.raises(ValueError, match="finer"):
        ketamine.event_date("ketamine-1962-synthesis", "day")
    with pytest.raises(ValueError, match="event_id"):
        ketamine.event_date("ketamine-1800-nothing")
    with pytest.raises(ValueError, match="precision"):
        ketamine.event_date("ketamine-2019-spravato", "week")


def test_history_timeline_shows_only_ketamine_events() -> None:
    events = datasets.load("timeline")
    n = int((events["drug"] == "ketamine").sum())
    exercise = ketamine.history_timeline()
    assert f"Timeline of {n} dated events" in exercise.static.description
    exercise.controls["category"].value = "regulation"
    assert set(exercise.current["group"]) == {"ketamine"}
    assert set(exercise.current["category"]) == {"regulation"}


# ---------------------------------------------------------------- 02-pharmacology
def test_pharmacology_figures_come_from_the_route_tables() -> None:
    figures = ketamine.pharmacology_figures()
    rows = datasets.load("pk_routes")
    rows = rows[rows["param_set_id"] == ketamine.PARAMETER_SET].set_index("route")
    assert set(rows.index) == {"iv", "im", "intranasal", "sublingual", "oral"}
    for route, row in rows.iterrows():
        assert figures[f"ket_f_{route}"] == pytest.approx(100 * row["bioavailability"])
        assert figures[f"ket_f_{route}_low"] == pytest.approx(100 * row["low"])
        assert figures[f"ket_f_{route}_high"] == pytest.approx(100 * row["high"])
    params = datasets.load("pk_parameters").set_index("param_set_id")
    assert figures["ket_half_life"] == pytest.approx(
        params.loc[ketamine.PARAMETER_SET, "half_life_h"]
    )
    # relative exposure = dose x bioavailability, for the page's 50 mg example
    assert ketamine.EXAMPLE_DOSE_MG == 50.0
    oral = rows.loc["oral", "bioavailability"]
    assert figures["ket_oral_exposure_50"] == pytest.approx(50.0 * oral)
    assert figures["ket_iv_exposure_50"] == pytest.approx(50.0)


def test_route_explorer_defaults_to_the_example_dose() -> None:
    assert "dose of 50 mg" in ketamine.route_parts().description
    with pytest.raises(ValueError, match="dose_mg"):
        ketamine.route_parts(-5.0)


# ---------------------------------------------------------------- 04-trials
def test_trial_figures_come_from_the_trials_table() -> None:
    f = ketamine.trial_figures()
    t = trials()
    assert f["f14_n"] == t.loc["feder2014", "n_total"]
    # stored as active minus control; the prose reports the reduction, so signs flip
    assert f["f14_diff"] == pytest.approx(-t.loc["feder2014", "diff"])
    assert f["f14_lo"] == pytest.approx(-t.loc["feder2014", "diff_ci_high"])
    assert f["f14_hi"] == pytest.approx(-t.loc["feder2014", "diff_ci_low"])
    assert f["f14_lo"] < f["f14_diff"] < f["f14_hi"]
    assert f["f21_diff"] == pytest.approx(-t.loc["feder2021", "diff"])
    assert f["f21_d"] == pytest.approx(t.loc["feder2021", "effect_size"])
    assert f["f21_resp_k"] == pytest.approx(t.loc["feder2021", "responders_active_pct"])
    a05 = t.loc["abdallah2022_dose05"]
    assert (f["ab_n"], f["ab_n05"], f["ab_npl"]) == (
        a05["n_total"],
        a05["n_active"],
        a05["n_control"],
    )
    assert f["ab_n02"] == t.loc["abdallah2022_dose02", "n_active"]
    assert f["p18_k"] == pytest.approx(t.loc["pradhan2018", "mean_active"])
    assert f["d23_nk"] + f["d23_nm"] == f["d23_n"] == t.loc["duek2023", "n_total"]
    assert f["d23_diff"] == pytest.approx(t.loc["duek2023", "diff"])
    assert f["alb_rem"] == pytest.approx(t.loc["albott2018", "responders_active_pct"])
    for short, trial_id in {
        "bg_all": "borgogna2024",
        "bg_adj": "borgogna2024_adjusted",
        "bg_24": "borgogna2024_24h",
        "bg_pas": "borgogna2024_24h_passive",
        "bg_act": "borgogna2024_24h_active",
        "bg_1w": "borgogna2024_1wk",
    }.items():
        row = t.loc[trial_id]
        assert f[short] == pytest.approx(row["effect_size"])
        assert f[f"{short}_lo"] == pytest.approx(row["es_ci_low"])
        assert f[f"{short}_hi"] == pytest.approx(row["es_ci_high"])
    assert f["bg_n"] == t.loc["borgogna2024", "n_total"]
    assert f["alm_es"] == pytest.approx(t.loc["almeida2024", "effect_size"])
    assert f["mapp1_between"] == pytest.approx(t.loc["mapp1", "effect_size"])
    for name in ("f14_n", "f21_n", "ab_n", "p17_n", "p18_n", "d23_n", "alb_n", "bg_n", "ew_n"):
        assert isinstance(f[name], int), f"{name} is shown without a format, so must be an int"


def test_real_world_figures_and_the_recomputed_d() -> None:
    f = ketamine.trial_figures()
    rw = realworld()
    ew = rw.loc["earleywine"]
    assert f["ew_n"] == ew["n"]
    assert (f["ew_pre"], f["ew_post"]) == pytest.approx((ew["pre_mean"], ew["post_mean"]))
    assert f["ew_d"] == pytest.approx(ew["effect_size"])
    # Cohen's d with the pooled SD of two equal-sized groups, written out independently
    pooled = math.sqrt((ew["pre_sd"] ** 2 + ew["post_sd"] ** 2) / 2)
    assert f["ew_d_check"] == pytest.approx((ew["pre_mean"] - ew["post_mean"]) / pooled, rel=1e-3)
    assert f["ew_d_check"] == pytest.approx(f["ew_d"], abs=0.01)  # the published d reproduces
    assert f["mapp1_within_pbo"] == pytest.approx(rw.loc["mapp1_placebo_arm", "effect_size"])
    assert f["mapp1_within_mdma"] == pytest.approx(rw.loc["mapp1_mdma_arm", "effect_size"])


def published(trial_id: str) -> str:
    row = trials().loc[trial_id]
    return f"g = {row['effect_size']:.2f} ({row['es_ci_low']:.2f} to {row['es_ci_high']:.2f})"


@pytest.mark.parametrize("view", list(ketamine.BORGOGNA_VIEWS))
def test_borgogna_view_holds_exactly_its_published_estimates(view: str) -> None:
    ids = ketamine.BORGOGNA_VIEWS[view]
    frame = ketamine.borgogna_frame(view)
    t = trials()
    assert frame["g"].tolist() == pytest.approx([t.loc[i, "effect_size"] for i in ids])
    assert frame["low"].tolist() == pytest.approx([t.loc[i, "es_ci_low"] for i in ids])
    assert frame["high"].tolist() == pytest.approx([t.loc[i, "es_ci_high"] for i in ids])
    description = ketamine.borgogna_description(view)
    assert frame["summary"].iloc[0] == description
    for trial_id in ketamine.BORGOGNA_VIEWS[ketamine.BORGOGNA_DEFAULT_VIEW]:
        shown = published(trial_id) in description
        assert shown == (trial_id in ids), f"{trial_id} in the description of {view!r}"


def test_borgogna_descriptions_differ_per_view() -> None:
    texts = {ketamine.borgogna_description(v) for v in ketamine.BORGOGNA_VIEWS}
    assert len(texts) == len(ketamine.BORGOGNA_VIEWS)
    with pytest.raises(ValueError, match="view"):
        ketamine.borgogna_frame("Everything at once")
    with pytest.raises(ValueError, match="view"):
        ketamine.borgogna_description("Everything at once")


def test_borgogna_explorer_describes_the_chosen_view_live_and_static() -> None:
    exercise = ketamine.borgogna_forest_explorer()
    static = exercise.static
    assert isinstance(static, StaticChart)
    for trial_id in ketamine.BORGOGNA_VIEWS[ketamine.BORGOGNA_DEFAULT_VIEW]:
        assert published(trial_id) in static.description
    for view in ketamine.BORGOGNA_VIEWS:
        assert f"“{view}”" in static.description
    assert live_description(exercise) == ketamine.borgogna_description(
        ketamine.BORGOGNA_DEFAULT_VIEW
    )
    exercise.controls["view"].value = "By time point"
    assert len(exercise.current) == 2
    live = live_description(exercise)
    assert live == ketamine.borgogna_description("By time point")
    assert published("borgogna2024_24h") in live and published("borgogna2024_1wk") in live
    assert published("borgogna2024_24h_passive") not in live
    # the static chart carries the per-view text with the data, as the marks' description
    spec = json.dumps(static.spec)
    assert '"description": {"field": "summary"' in spec
    assert not exercise.update(view="Everything at once")
    assert "view" in exercise.message


def test_small_study_data_is_fictional_and_complete() -> None:
    frame = ketamine.small_study_frame()
    assert frame["label"].str.startswith("Fictional trial").all()
    assert frame["variance"].tolist() == pytest.approx((frame["se"] ** 2).tolist())
    assert len(frame) == len(ketamine.FICTIONAL_SMALL_STUDIES) == 8
    # the point of the demonstration: smaller trials (larger SE) report larger effects
    assert frame["g"].corr(frame["se"]) > 0.9


def test_small_study_funnel_and_forest_list_every_fictional_trial() -> None:
    frame = ketamine.small_study_frame()
    weights = 1 / frame["variance"]
    centre = float((weights * frame["g"]).sum() / weights.sum())  # fixed-effect estimate
    funnel = ketamine.small_study_funnel()
    assert "FICTIONAL" in funnel.description
    assert f"fixed-effect estimate {centre:.2f}" in funnel.description
    forest = ketamine.small_study_forest_explorer()
    assert "FICTIONAL" in forest.static.description
    for label, g, se in ketamine.FICTIONAL_SMALL_STUDIES:
        for text in (funnel.description, forest.static.description):
            assert f"{label}: g {g:.2f}, SE {se:.2f}" in text
    forest.controls["method"].value = "FE"
    pooled = forest.current[forest.current["part"] == "pooled"]["effect"].iloc[0]
    assert pooled == pytest.approx(centre)


def test_controlled_vs_uncontrolled_uses_both_tables() -> None:
    frame = ketamine.controlled_vs_uncontrolled_frame().set_index("estimate")
    rw, t = realworld(), trials()
    within = frame[frame["kind"].str.startswith("within")]["effect_size"]
    between = frame[frame["kind"].str.startswith("between")]["effect_size"]
    assert sorted(within) == pytest.approx(sorted(rw["effect_size"]))
    expected = [t.loc[i, "effect_size"] for i in ("mapp1", "feder2021", "borgogna2024")]
    expected.append(t.loc["borgogna2024_adjusted", "effect_size"])
    assert sorted(between) == pytest.approx(sorted(expected))
    assert min(within) > max(between)  # the lesson of the chart
    assert set(frame["kind"]) == set(ketamine.CONTRAST_KINDS)
    chart = ketamine.controlled_vs_uncontrolled_chart()
    assert isinstance(chart, StaticChart)
    for estimate, row in frame.iterrows():
        assert f"{estimate} {row['effect_size']:.2f}" in chart.description


def test_before_after_explorer_opens_at_the_uncontrolled_d() -> None:
    d = float(realworld().loc["earleywine", "effect_size"])
    exercise = ketamine.before_after_explorer()
    assert exercise.controls["d"].value == pytest.approx(d)
    assert exercise.current["d"].iloc[0] == pytest.approx(d)


# ---------------------------------------------------------------- 07-synthesis
def test_synthesis_figures_come_from_the_datasets() -> None:
    f = ketamine.synthesis_figures()
    t = trials()
    proto = datasets.load("synthesis_comparison").set_index("row_id")["value"]
    assert f["s_mapp1_es"] == pytest.approx(t.loc["mapp1", "effect_size"])
    assert f["s_mapp2_es"] == pytest.approx(t.loc["mapp2", "effect_size"])
    assert f["s_bg_adj_es"] == pytest.approx(t.loc["borgogna2024_adjusted", "effect_size"])
    assert f["s_ab_n"] == t.loc["abdallah2022_dose05", "n_total"]
    assert f["s_f21_n"] == t.loc["feder2021", "n_total"]
    assert f["s_mdma_drug"] == proto["mdma_drug_sessions"]
    assert f["s_mdma_other"] == proto["mdma_other_sessions"]
    assert f["s_ket_f21_sessions"] == proto["ketamine_feder_drug_sessions"]
    assert f["s_ket_ab_sessions"] == proto["ketamine_abdallah_drug_sessions"]
    assert f["s_mdma_hours"] == pytest.approx(proto["mdma_acute_hours"])
    events = datasets.load("timeline").set_index("event_id")["date"]
    crl = events["mdma-2024-crl"]
    assert f["s_crl_month"] == f"{crl.strftime('%B')} {crl.year}"
    aus = events["mdma-2023-australia-effective"]
    assert f["s_aus_day"] == f"{aus.day} {aus.strftime('%B')} {aus.year}"
    assert f["s_crl_public_year"] == str(events["mdma-2025-crl-public"].year)


def test_synthesis_frame_marks_missing_figures() -> None:
    frame = ketamine.synthesis_frame("Participants in the largest PTSD RCT")
    t = trials()
    figures = frame[frame["value"] > 0].set_index("treatment")["value"]
    assert figures["MDMA-assisted therapy"] == t.loc["mapp2", "n_total"]
    assert figures["Ketamine (IV, racemic)"] == t.loc["abdallah2022_dose05", "n_total"]
    texts = frame.set_index("treatment")["text"]
    assert texts["Psilocybin"] == texts["Mescaline"] == "not covered"
    assert texts["Esketamine (nasal)"] == "no PTSD indication"
    sessions = ketamine.synthesis_frame("Drug sessions in the PTSD trial protocol")
    proto = datasets.load("synthesis_comparison")
    drug = proto[proto["measure"] == "drug_sessions"]
    assert sorted(sessions[sessions["value"] > 0]["value"]) == sorted(drug["value"])
    with pytest.raises(ValueError, match="measure"):
        ketamine.synthesis_frame("Price per session")


def test_synthesis_chart_describes_the_chosen_measure() -> None:
    exercise = ketamine.synthesis_chart()
    static = exercise.static.description
    for measure in ketamine.SYNTHESIS_MEASURES:
        assert f"“{measure}”" in static
    for trial_id in ("mapp1", "feder2021", "borgogna2024_adjusted"):
        row = trials().loc[trial_id]
        assert f"{row['effect_size_type']} = {row['effect_size']:.2f}" in static
    measure = "Between-group effect size in PTSD RCTs"
    exercise.controls["measure"].value = measure
    live = live_description(exercise)
    assert live == ketamine.synthesis_description(measure)
    assert "d = " in live and "drug sessions" not in live.lower()
    assert live != ketamine.synthesis_description(ketamine.SYNTHESIS_DEFAULT_MEASURE)


# ---------------------------------------------------------------- thin notebooks
@pytest.mark.parametrize("path", sorted(PAGES.glob("*.ipynb")), ids=lambda p: p.name)
def test_ketamine_notebooks_are_thin_and_hidden_cells_collapse(path: Path) -> None:
    for i, cell in enumerate(json.loads(path.read_text())["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        assert len(source.splitlines()) <= 15, f"{path.name} cell {i} is too long"
        assert not re.search(r"^\s*(def|class) ", source, re.M), f"{path.name} cell {i}"
        meta = cell.get("metadata", {})
        tags = set(meta.get("tags", []))
        hidden = meta.get("jupyter", {})
        if tags & {"remove-cell", "remove-input", "hide-input"}:
            assert hidden.get("source_hidden") is True, f"{path.name} cell {i}"
        if "remove-cell" in tags:
            assert hidden.get("outputs_hidden") is True, f"{path.name} cell {i}"
