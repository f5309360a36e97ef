"""Chapter 1 (PTSD): the page figures and charts of coursekit.chapters.ptsd, the explorers'
summary text, and the chapter's notebooks (thin, new API, hidden cells collapsed).

Expected figures are read here straight from the datasets, never copied from the functions.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from scipy.stats import norm

from coursekit.chapters import ptsd
from coursekit.evidence import datasets
from coursekit.explore.render import StaticChart

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book" / "ptsd").glob("*.ipynb"))

# Glue name → epidemiology row, written out from the page's prose independently of coursekit.
PREVALENCE_ROWS = {
    "wmh_life": "wmh-lifetime-all",
    "wmh_exposed": "wmh-lifetime-trauma-exposed",
    "ncs_all": "ncs-lifetime-all",
    "ncs_w": "ncs-lifetime-female",
    "ncs_m": "ncs-lifetime-male",
    "ncsr_all": "ncsr-lifetime-all",
    "nesarc_life": "nesarc3-lifetime-all",
    "nesarc_year": "nesarc3-pastyear-all",
    "panel_life": "us-online-panel-lifetime",
    "lehavot_w": "nesarc3-civilian-female",
    "lehavot_m": "nesarc3-civilian-male",
    "lassemo_life_w": "norway-lifetime-female",
    "lassemo_life_m": "norway-lifetime-male",
    "lassemo_12m_w": "norway-12month-female",
    "lassemo_12m_m": "norway-12month-male",
    "heir_w": "norway-pcl5-point-female",
    "heir_m": "norway-pcl5-point-male",
}
INCIDENCE_ROWS = {
    "lassemo_inc_w": "norway-incidence-female",
    "lassemo_inc_m": "norway-incidence-male",
    "lassemo_trauma_w": "norway-trauma-incidence-female",
    "lassemo_trauma_m": "norway-trauma-incidence-male",
}
SAMPLE_ROWS = {
    "wmh_n": "wmh-lifetime-all",
    "ncs_n": "ncs-lifetime-all",
    "nesarc_n": "nesarc3-lifetime-all",
    "lassemo_n": "norway-lifetime-female",
    "heir_n": "norway-pcl5-point-female",
}
TREATMENT_CELLS = {
    "dropout_pooled": ("dropout-pooled", "dropout_pct"),
    "dropout_low": ("dropout-pooled", "dropout_ci_low"),
    "dropout_high": ("dropout-pooled", "dropout_ci_high"),
    "dropout_ct": ("dropout-ct", "dropout_pct"),
    "dropout_cbtt": ("dropout-cbt-t", "dropout_pct"),
    "dropout_emdr": ("dropout-emdr", "dropout_pct"),
    "dropout_pe": ("dropout-pe", "dropout_pct"),
    "dropout_cpt": ("dropout-cpt", "dropout_pct"),
    "dropout_waitlist": ("dropout-waitlist", "dropout_pct"),
    "ipd_all": ("dropout-ipd-tfcbt-all", "dropout_pct"),
    "ipd_military": ("dropout-ipd-tfcbt-military", "dropout_pct"),
    "cochrane_smd": ("es-tfcbt-cochrane", "effect_size"),
    "sert_1": ("es-sertraline-1", "effect_size"),
    "sert_2": ("es-sertraline-2", "effect_size"),
    "parox_1": ("es-paroxetine-1", "effect_size"),
    "parox_2": ("es-paroxetine-2", "effect_size"),
    "parox_3": ("es-paroxetine-3", "effect_size"),
    "retained_cpt": ("retained-civilian-cpt", "value_pct"),
    "retained_pe": ("retained-civilian-pe", "value_pct"),
}


def _cell(frame: pd.DataFrame, row_id: str, column: str, id_column: str = "row_id") -> Any:
    match = frame.loc[frame[id_column] == row_id, column]
    assert len(match) == 1, f"{row_id} should be one row"
    return match.iloc[0]


def _records(node: Any) -> Iterator[dict[str, Any]]:
    """Every data record embedded anywhere in a Vega-Lite spec."""
    if isinstance(node, dict):
        for value in node.values():
            yield from _records(value)
    elif isinstance(node, list):
        for value in node:
            if isinstance(value, dict) and not any(
                isinstance(v, dict | list) for v in value.values()
            ):
                yield value
            else:
                yield from _records(value)


def _drawn(chart: StaticChart, column: str) -> list[float]:
    return sorted(float(r[column]) for r in _records(chart.spec) if r.get(column) is not None)


# ---------------------------------------------------------------- page figures
def test_epidemiology_figures_are_the_dataset_values() -> None:
    epi = datasets.load("epidemiology")
    figures = ptsd.epidemiology_figures()
    expected = {
        **{k: float(_cell(epi, r, "prevalence_pct")) for k, r in PREVALENCE_ROWS.items()},
        **{k: float(_cell(epi, r, "incidence_per_100k")) for k, r in INCIDENCE_ROWS.items()},
        **{k: int(_cell(epi, r, "n")) for k, r in SAMPLE_ROWS.items()},
    }
    women = float(_cell(epi, "norway-lifetime-female", "prevalence_pct"))
    men = float(_cell(epi, "norway-lifetime-male", "prevalence_pct"))
    expected["lassemo_ratio"] = women / men
    assert figures.keys() == expected.keys()
    for name, value in expected.items():
        assert figures[name] == pytest.approx(value), name
    assert all(type(figures[k]) is int for k in SAMPLE_ROWS)
    assert all(type(figures[k]) is float for k in (*PREVALENCE_ROWS, *INCIDENCE_ROWS))


def test_treatment_figures_are_the_dataset_values() -> None:
    tx = datasets.load("treatments")
    figures = ptsd.treatment_figures()
    for name, (row, column) in TREATMENT_CELLS.items():
        assert figures[name] == pytest.approx(float(_cell(tx, row, column))), name
        assert type(figures[name]) is float
    assert figures["cochrane_k"] == int(_cell(tx, "es-tfcbt-cochrane", "k_studies"))
    assert type(figures["cochrane_k"]) is int
    for name, row in {
        "approval_sert": "approval-sertraline",
        "approval_parox": "approval-paroxetine",
    }.items():
        assert _cell(tx, row, "date_precision") == "month"
        when = _cell(tx, row, "approval_date")
        assert figures[name] == f"{when:%B} {when.year}"
    assert len(figures) == len(TREATMENT_CELLS) + 3


def test_brain_figures_follow_the_logue_effect_size() -> None:
    facts = datasets.load("facts")
    d = float(str(_cell(facts, "logue2018-hippocampus-d", "value", "fact_id")).replace("−", "-"))
    assert d < 0
    figures = ptsd.brain_figures()
    assert figures == pytest.approx(
        {
            "hippo_overlap": 100 * 2 * norm.cdf(-abs(d) / 2),
            "hippo_superiority": 100 * norm.cdf(-d / math.sqrt(2)),  # PTSD has the smaller one
        }
    )


def test_figures_have_no_missing_values() -> None:
    for figures in (ptsd.epidemiology_figures(), ptsd.treatment_figures(), ptsd.brain_figures()):
        for name, value in figures.items():
            assert name.isidentifier()
            assert isinstance(value, int | float | str)
            assert not (isinstance(value, float) and math.isnan(value)), name


def test_figures_follow_their_input_frame() -> None:
    epi = datasets.load("epidemiology")
    epi.loc[epi["row_id"] == "norway-lifetime-male", "prevalence_pct"] = 2.0
    assert ptsd.epidemiology_figures(epi)["lassemo_ratio"] == pytest.approx(
        float(_cell(epi, "norway-lifetime-female", "prevalence_pct")) / 2.0
    )
    tx = datasets.load("treatments")
    tx.loc[tx["row_id"] == "approval-sertraline", "date_precision"] = "year"
    assert ptsd.treatment_figures(tx)["approval_sert"] == "1999"


@pytest.mark.parametrize(
    ("function", "dataset", "change", "message"),
    [
        (
            ptsd.epidemiology_figures,
            "epidemiology",
            ("drop", "wmh-lifetime-all"),
            "wmh-lifetime-all",
        ),
        (
            ptsd.epidemiology_figures,
            "epidemiology",
            ("empty", "ncs-lifetime-male", "prevalence_pct"),
            "empty",
        ),
        (
            ptsd.epidemiology_figures,
            "epidemiology",
            ("set", "heir2019", "confidence", "U"),
            "confidence",
        ),
        (
            ptsd.epidemiology_figures,
            "epidemiology",
            ("zero", "norway-lifetime-male"),
            "must not be 0",
        ),
        (ptsd.epidemiology_figures, "epidemiology", ("column", "n"), "'n'"),
        (
            ptsd.treatment_figures,
            "treatments",
            ("drop", "approval-paroxetine"),
            "approval-paroxetine",
        ),
        (
            ptsd.treatment_figures,
            "treatments",
            ("precision", "approval-sertraline"),
            "date_precision",
        ),
        (ptsd.brain_figures, "facts", ("text", "logue2018-hippocampus-d"), "not a number"),
    ],
)
def test_figures_refuse_bad_input(function: Any, dataset: str, change: tuple, message: str) -> None:
    frame = datasets.load(dataset)
    ids = frame.columns[0]
    kind, *args = change
    if kind == "drop":
        frame = frame[frame[ids] != args[0]]
    elif kind == "empty":
        frame.loc[frame[ids] == args[0], args[1]] = pd.NA
    elif kind == "set":
        frame.loc[frame["citation_key"] == args[0], args[1]] = args[2]
    elif kind == "zero":
        frame.loc[frame[ids] == args[0], "prevalence_pct"] = 0.0
    elif kind == "column":
        frame = frame.drop(columns=[args[0]])
    elif kind == "precision":
        frame.loc[frame[ids] == args[0], "date_precision"] = "decade"
    elif kind == "text":
        frame.loc[frame[ids] == args[0], "value"] = "about a fifth"
    with pytest.raises(ValueError, match=re.escape(message)):
        function(frame)


@pytest.mark.parametrize(
    "function", [ptsd.epidemiology_figures, ptsd.treatment_figures, ptsd.brain_figures]
)
def test_figures_refuse_what_is_not_a_frame(function: Any) -> None:
    with pytest.raises(ValueError, match="DataFrame"):
        function([1, 2, 3])


# ---------------------------------------------------------------- page charts
def _norway(epi: pd.DataFrame, column: str) -> pd.DataFrame:
    rows = epi[(epi["citation_key"] == "lassemo2017") & epi[column].notna()]
    return rows[rows["sex"].isin(["female", "male"])]


def test_norway_prevalence_chart_draws_and_describes_the_values() -> None:
    epi = datasets.load("epidemiology")
    rows = _norway(epi, "prevalence_pct")
    rows = rows[rows["period"].isin(["lifetime", "12 months"])]
    assert len(rows) == 4
    chart = ptsd.norway_prevalence_chart()
    assert isinstance(chart, StaticChart)
    assert chart.description.strip() and chart.spec["description"] == chart.description
    assert _drawn(chart, "prevalence_pct") == sorted(float(v) for v in rows["prevalence_pct"])
    for _, row in rows.iterrows():
        sex = {"female": "women", "male": "men"}[row["sex"]]
        assert f"{sex} {float(row['prevalence_pct']):.1f}" in chart.description
    assert "Lifetime:" in chart.description and "Past 12 months:" in chart.description
    assert "Lassemo" in chart.description


def test_norway_incidence_chart_draws_and_describes_the_values() -> None:
    epi = datasets.load("epidemiology")
    rows = _norway(epi, "incidence_per_100k")
    assert len(rows) == 4
    chart = ptsd.norway_incidence_chart()
    assert isinstance(chart, StaticChart)
    assert _drawn(chart, "incidence_per_100k") == sorted(
        float(v) for v in rows["incidence_per_100k"]
    )
    for _, row in rows.iterrows():
        sex = {"female": "women", "male": "men"}[row["sex"]]
        assert f"{sex} {float(row['incidence_per_100k']):.0f}" in chart.description
    assert (
        "New cases of PTSD:" in chart.description and "New traumatic events:" in chart.description
    )


def test_dropout_chart_draws_and_describes_the_values() -> None:
    tx = datasets.load("treatments")
    rows = tx[(tx["measure"] == "dropout") & (tx["citation_key"] == "lewis2020dropout")]
    assert len(rows) >= 5
    chart = ptsd.dropout_chart()
    assert isinstance(chart, StaticChart)
    assert _drawn(chart, "dropout_pct") == sorted(float(v) for v in rows["dropout_pct"])
    for value in rows["dropout_pct"]:
        assert f"{float(value):.0f}%" in chart.description
    pooled = rows[rows["row_id"] == "dropout-pooled"].iloc[0]
    low, high = float(pooled["dropout_ci_low"]), float(pooled["dropout_ci_high"])
    assert f"All (pooled) {float(pooled['dropout_pct']):.0f}% (95% CI {low:.0f}–{high:.0f}%)" in (
        chart.description
    )
    assert "Lewis et al. (2020)" in chart.description


def test_charts_follow_their_input_frame() -> None:
    epi = datasets.load("epidemiology")
    epi.loc[epi["row_id"] == "norway-lifetime-female", "prevalence_pct"] = 9.9
    chart = ptsd.norway_prevalence_chart(epi)
    assert 9.9 in _drawn(chart, "prevalence_pct")
    assert "Lifetime: women 9.9" in chart.description


@pytest.mark.parametrize(
    ("function", "dataset", "keep"),
    [
        (ptsd.norway_prevalence_chart, "epidemiology", "citation_key != 'lassemo2017'"),
        (
            ptsd.norway_incidence_chart,
            "epidemiology",
            "outcome != 'trauma exposure' and period != 'incidence'",
        ),
        (ptsd.dropout_chart, "treatments", "measure != 'dropout'"),
    ],
)
def test_charts_refuse_data_without_their_rows(function: Any, dataset: str, keep: str) -> None:
    frame = datasets.load(dataset).query(keep)
    with pytest.raises(ValueError, match="has no"):
        function(frame)


@pytest.mark.parametrize(
    "function", [ptsd.norway_prevalence_chart, ptsd.norway_incidence_chart, ptsd.dropout_chart]
)
def test_charts_refuse_bad_frames(function: Any) -> None:
    with pytest.raises(ValueError, match="DataFrame"):
        function("epidemiology")
    with pytest.raises(ValueError, match="missing column"):
        function(pd.DataFrame({"x": [1]}))


# ---------------------------------------------------------------- explorers' summary text
def _panel_height(chart: Any) -> int:
    """Height of the chart's last view (the summary text panel)."""
    return int(chart.to_dict(validate=False)["vconcat"][-1]["height"])


def test_learning_summary_wraps_inside_the_panel_and_reads_the_same() -> None:
    parts = ptsd.learning_parts()
    height = _panel_height(ptsd.learning_chart(ptsd.learning_frame()))
    grid = itertools.product(
        ptsd.LEARNING_RATES, ptsd.LEARNING_RATES, ptsd.LEARNING_MODELS, ptsd.LEARNING_DESIGNS
    )
    for alpha, beta, model, design in grid:
        frame = ptsd.learning_frame(alpha, beta, model, design)
        summary = frame["summary"].iloc[0]
        lines = summary.split("\n")
        assert max(map(len, lines)) <= 72, summary
        assert 20 * len(lines) + 6 <= height, summary  # every line fits in the panel
        assert "  " not in summary.replace("\n", " ")
        assert parts.live_description(frame) == (
            "Fear learning teaching model. " + summary.replace("\n", " ")
        )
    frame = ptsd.learning_frame(0.3, 0.3, "Rescorla–Wagner", "ABA")
    text = frame["summary"].iloc[0].replace("\n", " ")
    assert "design ABA (acquisition in A, extinction in B, test in A)." in text
    assert text.endswith("No renewal: plain Rescorla–Wagner treats extinction as unlearning.")


def test_pcl5_summary_wraps_inside_the_panel_and_reads_the_same() -> None:
    from coursekit.models import scales

    parts = ptsd.pcl5_parts()
    height = _panel_height(ptsd.pcl5_chart(ptsd.pcl5_frame(scales.EXAMPLE_RESPONDENTS[0].label)))
    for person in scales.EXAMPLE_RESPONDENTS:
        for cut in (31, 32, 33):
            frame = ptsd.pcl5_frame(person.label, cut)
            summary = frame["summary"].iloc[0]
            lines = summary.split("\n")
            assert max(map(len, lines)) <= 86, summary
            assert 20 * len(lines) + 6 <= height, summary
            text = summary.replace("\n", " ")
            assert text.startswith(f"{person.label}: total {sum(person.items)} of 80")
            assert text.endswith("A screening result, not a diagnosis.")
            assert parts.live_description(frame) == f"PCL-5 item profile. {text}"


# ---------------------------------------------------------------- the chapter's notebooks
def _cells(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text())["cells"]


def _source(cell: dict[str, Any]) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_code_is_thin_and_uses_the_new_api(path: Path) -> None:
    for cell in _cells(path):
        if cell["cell_type"] != "code":
            continue
        source = _source(cell)
        assert len(source.splitlines()) <= 5, source
        assert not re.search(r"^\s*(def|class|for|while|lambda)\b", source, re.M), source
        assert not re.search(r"coursekit\.(widgets|charts|data|stats)\b", source), source
        assert not re.search(r"from coursekit import .*\b(widgets|charts|data|stats)\b", source)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_hidden_cells_collapse_in_jupyterlab(path: Path) -> None:
    for cell in _cells(path):
        tags = set(cell["metadata"].get("tags", []))
        jupyter = cell["metadata"].get("jupyter", {})
        if tags & {"remove-cell", "remove-input", "hide-input"}:
            assert jupyter.get("source_hidden") is True, _source(cell)
        if "remove-cell" in tags:
            assert jupyter.get("outputs_hidden") is True, _source(cell)


@pytest.mark.parametrize(
    ("stem", "function"),
    [
        ("02-epidemiology", ptsd.epidemiology_figures),
        ("05-brain-and-body", ptsd.brain_figures),
        ("06-treatments", ptsd.treatment_figures),
    ],
)
def test_every_glue_name_in_the_prose_is_computed(stem: str, function: Any) -> None:
    cells = _cells(ROOT / "book" / "ptsd" / f"{stem}.ipynb")
    prose = "\n".join(_source(c) for c in cells if c["cell_type"] == "markdown")
    used = set(re.findall(r"\{glue(?::\w+)?\}`([A-Za-z_]\w*)", prose))
    assert used, f"{stem} should glue figures"
    assert used <= set(function()), sorted(used - set(function()))
    glue_cells = [_source(c) for c in cells if f"ptsd.{function.__name__}()" in _source(c)]
    assert len(glue_cells) == 1 and "glue_all(" in glue_cells[0]
