"""Chapter 2 (MDMA): the trial figures, tables and explorers its pages call.

Expected values are read here from the datasets independently of the functions under test.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from coursekit.chapters import mdma
from coursekit.evidence import datasets
from coursekit.explore.engine import Exercise
from coursekit.models import stats

ROOT = Path(__file__).resolve().parents[1]
TRIALS_PAGE = ROOT / "book" / "mdma" / "05-trials.ipynb"


@pytest.fixture(scope="module")
def trials() -> pd.DataFrame:
    return datasets.load("trials").set_index("trial_id")


def _glue_names_in_prose(path: Path) -> set[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    text = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return set(re.findall(r"\{glue:[a-z]+\}`([A-Za-z0-9_]+)", text))


# ---------------------------------------------------------------- trial figures
def test_trial_figures_cover_every_glue_name_of_the_trials_page() -> None:
    used = _glue_names_in_prose(TRIALS_PAGE)
    assert len(used) > 20
    assert used <= set(mdma.trial_figures())


@pytest.mark.parametrize(
    ("name", "trial_id", "column"),
    [
        ("phase2_n_mdma", "mithoefer2019", "n_active"),
        ("phase2_n_placebo", "mithoefer2019", "n_control"),
        ("phase2_d", "mithoefer2019", "effect_size"),
        ("phase2_lod_mdma", "mithoefer2019", "responders_active_pct"),
        ("phase2_lod_placebo", "mithoefer2019", "responders_control_pct"),
        ("mapp1_n_total", "mapp1", "n_total"),
        ("mapp1_na_mdma", "mapp1", "n_analysed_active"),
        ("mapp1_na_placebo", "mapp1", "n_analysed_control"),
        ("mapp1_d", "mapp1", "effect_size"),
        ("mapp1_change_mdma", "mapp1", "change_active"),
        ("mapp1_change_placebo", "mapp1", "change_control"),
        ("mapp1_sd_mdma", "mapp1", "spread_active"),
        ("mapp1_sd_placebo", "mapp1", "spread_control"),
        ("mapp1_lod_mdma", "mapp1", "responders_active_pct"),
        ("mapp1_lod_placebo", "mapp1", "responders_control_pct"),
        ("mapp1_drop_mdma", "mapp1", "dropout_active"),
        ("mapp1_drop_placebo", "mapp1", "dropout_control"),
        ("mapp2_n_total", "mapp2", "n_total"),
        ("mapp2_n_mdma", "mapp2", "n_active"),
        ("mapp2_n_placebo", "mapp2", "n_control"),
        ("mapp2_d", "mapp2", "effect_size"),
        ("mapp2_change_mdma", "mapp2", "change_active"),
        ("mapp2_change_placebo", "mapp2", "change_control"),
        ("mapp2_lod_mdma", "mapp2", "responders_active_pct"),
        ("mapp2_drop_mdma", "mapp2", "dropout_active"),
        ("mapp2_drop_placebo", "mapp2", "dropout_control"),
    ],
)
def test_each_trial_figure_is_the_dataset_value(
    trials: pd.DataFrame, name: str, trial_id: str, column: str
) -> None:
    figures = mdma.trial_figures()
    expected = trials.loc[trial_id, column]
    assert not pd.isna(expected)
    assert figures[name] == pytest.approx(float(expected))
    counts = column.startswith(("n_", "dropout_"))
    assert isinstance(figures[name], int if counts else float)
    assert not isinstance(figures[name], bool)


def test_trial_figures_are_plain_finite_numbers() -> None:
    figures = mdma.trial_figures()
    assert all(name.isidentifier() for name in figures)
    assert all(type(v) in (int, float) and math.isfinite(v) for v in figures.values())


def test_mapp1_sd_figures_are_standard_deviations(trials: pd.DataFrame) -> None:
    assert trials.loc["mapp1", "spread_type"] == "SD"
    assert mdma.trial_figure("mapp1", "sd_mdma") == pytest.approx(
        float(trials.loc["mapp1", "spread_active"])
    )


@pytest.mark.parametrize(
    ("trial_id", "figure", "message"),
    [
        ("mapp1", "no_such_figure", "figure"),
        ("mapp3", "d", "mapp3"),
        ("mapp2", "lod_placebo", "not confirmed"),  # the MAPP2 placebo figure is not stored
        ("mapp2", "sd_mdma", "not an SD"),  # MAPP2 reports 95% intervals, not SDs
        ("mithoefer2019", "change_mdma", "not confirmed"),
    ],
)
def test_trial_figure_refuses_bad_or_missing_figures(
    trials: pd.DataFrame, trial_id: str, figure: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        mdma.trial_figure(trial_id, figure)


def test_the_refused_figures_really_are_missing(trials: pd.DataFrame) -> None:
    assert pd.isna(trials.loc["mapp2", "responders_control_pct"])
    assert trials.loc["mapp2", "spread_type"] != "SD"


# ---------------------------------------------------------------- Phase 3 forest table
def _expected_row(trials: pd.DataFrame, trial_id: str) -> tuple[str, float, float]:
    row = trials.loc[trial_id]
    n1 = row["n_analysed_active"] if not pd.isna(row["n_analysed_active"]) else row["n_active"]
    n2 = row["n_analysed_control"] if not pd.isna(row["n_analysed_control"]) else row["n_control"]
    d = float(row["effect_size"])
    n1, n2 = float(n1), float(n2)
    variance = (n1 + n2) / (n1 * n2) + d * d / (2 * (n1 + n2))
    return f"{trial_id.upper()} ({int(row['year'])})", d, variance


def test_phase3_forest_table_is_computed_from_the_trials(trials: pd.DataFrame) -> None:
    table = mdma.phase3_forest_table()
    assert list(table.columns) == ["label", "d", "variance"]
    assert len(table) == 2
    for got, trial_id in zip(table.itertuples(), ("mapp1", "mapp2"), strict=True):
        label, d, variance = _expected_row(trials, trial_id)
        assert got.label == label
        assert got.d == pytest.approx(d)
        assert got.variance == pytest.approx(variance, rel=1e-12)


def test_phase3_variance_uses_the_analysed_mapp1_sample(trials: pd.DataFrame) -> None:
    # MAPP1 reports fewer participants analysed than randomised; the analysed n is used, so the
    # variance is the square of the SE that stats gives for d recomputed from the same groups.
    m1 = trials.loc["mapp1"]
    assert m1["n_analysed_active"] < m1["n_active"]
    recomputed = stats.cohens_d_from_change(
        float(m1["change_active"]),
        float(m1["spread_active"]),
        int(m1["n_analysed_active"]),
        float(m1["change_control"]),
        float(m1["spread_control"]),
        int(m1["n_analysed_control"]),
    )
    assert abs(recomputed.value) == pytest.approx(float(m1["effect_size"]), abs=0.01)
    table = mdma.phase3_forest_table(["mapp1"])
    assert table.loc[0, "variance"] == pytest.approx(recomputed.se**2, rel=0.001)


@pytest.mark.parametrize(
    ("trial_ids", "message"),
    [
        ((), "non-empty"),
        ("mapp1", "non-empty list"),
        (("mapp1", "mapp1"), "repeat"),
        (("mapp1", "mapp9"), "mapp9"),
        (("mithoefer2019",), "retracted"),
        (("mithoefer2011",), "between-group Cohen's d"),
        (("jerome2020",), "retracted"),
    ],
)
def test_phase3_forest_table_refuses_bad_trial_lists(trial_ids: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        mdma.phase3_forest_table(trial_ids)  # type: ignore[arg-type]


# ---------------------------------------------------------------- explorers and tables
@pytest.fixture(scope="module")
def forest() -> Exercise:
    return mdma.phase3_forest_explorer()


def test_phase3_forest_explorer_describes_the_trials_drawn(
    forest: Exercise, trials: pd.DataFrame
) -> None:
    description = forest.static.description
    assert description.strip()
    for trial_id in ("mapp1", "mapp2"):
        label, d, variance = _expected_row(trials, trial_id)
        assert f"{label}: d = {d:.2f}, variance {variance:.3f}" in description
    assert forest.static.spec["description"] == description


def test_phase3_forest_explorer_pools_live(forest: Exercise, trials: pd.DataFrame) -> None:
    forest.controls["method"].value = "FE"
    assert forest.message == ""
    rows = [_expected_row(trials, t) for t in ("mapp1", "mapp2")]
    meta = stats.meta_analysis([r[1] for r in rows], [r[2] for r in rows], None, "FE")
    summary = str(forest.current["summary"].iloc[0])
    assert "Fixed effect" in summary and f"{meta.fixed:.2f}" in summary
    assert forest.update(method="no such method") is False
    assert "method" in forest.message


def test_phase3_forest_explorer_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="retracted"):
        mdma.phase3_forest_explorer(["mapp1", "mithoefer2019"])


def test_timeline_explorer_shows_the_mdma_events() -> None:
    events = datasets.load("timeline")
    mdma_events = events[events["drug"] == "mdma"]
    exercise = mdma.timeline_explorer()
    description = exercise.static.description
    first, last = mdma_events["date"].min().year, mdma_events["date"].max().year
    assert f"Timeline of {len(mdma_events)} dated events from {first} to {last}" in description
    assert "mdma" in description.lower() and "ketamine" not in description.lower()
    assert len(exercise.current) == len(mdma_events)


def test_mechanism_table_is_the_dataset() -> None:
    raw = datasets.load("mdma_mechanisms")
    table = mdma.mechanism_table()
    assert list(table.columns) == ["level", "mechanism", "n", "finding", "citation_key"]
    pd.testing.assert_frame_equal(
        table, raw[["level", "mechanism", "n", "finding", "citation_key"]].reset_index(drop=True)
    )
