"""Integrity of the evidence base: schemas, value ranges, sources and recomputed effect sizes.

Expected values here come from the checked fact tables (shared/reference/*.md), not from the
datasets themselves, so a wrong edit to a dataset makes a test fail.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pybtex.database
import pytest
from scipy import stats as sps

from coursekit.evidence import datasets as data

ROOT = Path(__file__).resolve().parents[1]
BIB = pybtex.database.parse_file(str(ROOT / "book" / "references.bib"))

# Recomputed and published effect sizes must agree within this many units of d. Published d's
# are rounded (MAPP2 reports one decimal), and SDs rebuilt from confidence intervals of
# model-based means are approximate, so exact agreement is not expected.
D_TOLERANCE = 0.1


def _present(value: object) -> bool:
    return not pd.isna(value)


def _keys(value: object) -> list[str]:
    return [k.strip() for k in str(value).split(";") if k.strip()]


# ---------------------------------------------------------------------------
# Every dataset
# ---------------------------------------------------------------------------


def test_all_datasets_pass_their_checks() -> None:
    assert data.check_datasets() == []


@pytest.mark.parametrize("name", data.names())
def test_every_row_has_a_source_and_a_stored_confidence(name: str) -> None:
    spec = data.schema(name)
    df = data.load(name)
    for _, row in df.iterrows():
        keys = _keys(row[spec["source_column"]])
        assert keys, row[spec["id_column"]]
        assert all(k in BIB.entries for k in keys), keys
        assert row[spec["confidence_column"]] in {"H", "V", "M", "P"}


@pytest.mark.parametrize("name", data.names())
def test_ids_are_unique(name: str) -> None:
    spec = data.schema(name)
    ids = data.load(name)[spec["id_column"]]
    assert ids.is_unique
    assert ids.notna().all()


@pytest.mark.parametrize("name", data.names())
def test_no_cell_records_an_unconfirmed_value(name: str) -> None:
    df = data.load(name)
    text_cols = [c for c in df.columns if str(df[c].dtype) == "string"]
    for col in text_cols:
        assert not df[col].fillna("").str.fullmatch(r"U").any(), col


# ---------------------------------------------------------------------------
# Trials
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trials() -> pd.DataFrame:
    return data.load("trials").set_index("trial_id", drop=False)


def test_arm_sizes_are_consistent(trials: pd.DataFrame) -> None:
    for tid, t in trials.iterrows():
        if _present(t.n_active) and _present(t.n_control) and _present(t.n_total):
            assert t.n_active + t.n_control <= t.n_total, tid
        if _present(t.n_analysed_active):
            assert _present(t.n_active) and t.n_analysed_active <= t.n_active, tid
        if _present(t.n_analysed_control):
            assert _present(t.n_control) and t.n_analysed_control <= t.n_control, tid
        if _present(t.dropout_active):
            assert _present(t.n_active) and t.dropout_active <= t.n_active, tid
        if _present(t.dropout_control):
            assert _present(t.n_control) and t.dropout_control <= t.n_control, tid


def test_intervals_contain_their_estimates(trials: pd.DataFrame) -> None:
    triples = [
        ("diff", "diff_ci_low", "diff_ci_high"),
        ("effect_size", "es_ci_low", "es_ci_high"),
        ("change_active", "change_active_ci_low", "change_active_ci_high"),
        ("change_control", "change_control_ci_low", "change_control_ci_high"),
    ]
    for tid, t in trials.iterrows():
        for est, low, high in triples:
            if _present(t[low]) or _present(t[high]):
                assert _present(t[low]) and _present(t[high]), (tid, est)
                assert t[low] < t[high], (tid, est)
                if _present(t[est]):
                    assert t[low] <= t[est] <= t[high], (tid, est)
        if _present(t.diff_ci_low):
            assert _present(t.diff_interval), tid


def test_spreads_declare_their_type(trials: pd.DataFrame) -> None:
    for tid, t in trials.iterrows():
        has_spread = _present(t.spread_active) or _present(t.spread_control)
        has_ci = _present(t.change_active_ci_low) or _present(t.change_control_ci_low)
        if has_spread:
            assert t.spread_type in {"SD", "SE"}, tid
        if has_ci:
            assert t.spread_type == "CI95", tid
        if _present(t.spread_type):
            assert has_spread or has_ci, tid


def test_effect_size_type_matches_presence(trials: pd.DataFrame) -> None:
    for tid, t in trials.iterrows():
        assert (t.effect_size_type == "none") == (not _present(t.effect_size)), tid
        if _present(t.effect_size):
            assert _present(t.effect_size_basis), tid


def test_flagged_fields_name_filled_columns(trials: pd.DataFrame) -> None:
    for tid, t in trials.iterrows():
        for col in _keys(t.flagged_fields) if _present(t.flagged_fields) else []:
            assert col in trials.columns, (tid, col)
            assert _present(t[col]), (tid, col)
        if t.confidence in {"M", "P"}:
            assert _present(t.flagged_fields) or _present(t.notes), tid


def test_dois_match_the_bibliography(trials: pd.DataFrame) -> None:
    for tid, t in trials.iterrows():
        bib_doi = BIB.entries[t.citation_key].fields.get("doi")
        if _present(t.doi) and bib_doi:
            assert t.doi.lower() == bib_doi.lower(), tid


def test_retraction_status_agrees_with_the_bibliography(trials: pd.DataFrame) -> None:
    for tid, t in trials.iterrows():
        note = BIB.entries[t.citation_key].fields.get("note", "")
        if t.status == "retracted":
            assert note.startswith("RETRACTED"), tid
            assert _present(t.status_date) and _present(t.status_reason), tid
            assert "retract" in t.label.lower(), tid
        else:
            assert not note.startswith("RETRACTED"), tid


def test_retractions_of_2024(trials: pd.DataFrame) -> None:
    for tid in ("mithoefer2019", "jerome2020", "feduccia2021"):
        assert trials.loc[tid, "status"] == "retracted"
        assert trials.loc[tid, "status_date"] == pd.Timestamp("2024-08-10")
        assert "MP4" in trials.loc[tid, "status_reason"]


def test_confirmed_trial_figures(trials: pd.DataFrame) -> None:
    """Spot checks against the fact tables (mdma.md, ketamine.md)."""
    m1 = trials.loc["mapp1"]
    assert (m1.n_total, m1.n_active, m1.n_control) == (90, 46, 44)
    assert (m1.change_active, m1.spread_active, m1.n_analysed_active) == (-24.4, 11.6, 42)
    assert (m1.change_control, m1.spread_control, m1.n_analysed_control) == (-13.9, 11.5, 37)
    assert (m1.responders_active_pct, m1.responders_control_pct) == (67, 32)
    m2 = trials.loc["mapp2"]
    assert (m2.n_total, m2.n_active, m2.n_control) == (104, 53, 51)
    assert (m2.change_active, m2.change_control, m2.effect_size) == (-23.7, -14.8, 0.7)
    p = trials.loc["mithoefer2019"]
    assert (p.n_active, p.n_control, p["diff"], p.diff_se, p.effect_size) == (
        72,
        31,
        -22.0,
        5.17,
        0.8,
    )
    f = trials.loc["feder2021"]
    assert (f.effect_size, f.es_ci_low, f.es_ci_high, f.confidence) == (1.13, 0.36, 1.91, "M")
    assert (f.responders_active_pct, f.responders_control_pct) == (67, 20)
    a = trials.loc[["abdallah2022_dose05", "abdallah2022_dose02"]]
    assert a.n_total.tolist() == [158, 158]
    assert a.n_active.tolist() == [51, 53] and a.n_control.tolist() == [54, 54]
    b = trials.loc["borgogna2024"]
    assert (b.effect_size, b.es_ci_low, b.es_ci_high, b.n_total) == (0.27, 0.03, 0.51, 221)
    assert trials.loc["borgogna2024_adjusted", "effect_size"] == 0.20
    assert trials.loc["dadabayev2020", "comparator"].startswith("ketorolac")


def test_unconfirmed_figures_are_not_stored(trials: pd.DataFrame) -> None:
    """Figures marked U in the fact tables must stay empty."""
    assert pd.isna(trials.loc["mapp2", "responders_control_pct"])  # placebo 47.6% is U
    for col in ("change_active", "change_control", "spread_active", "spread_control"):
        assert pd.isna(trials.loc["mithoefer2019", col]), col  # per-arm CAPS-IV is U
    assert pd.isna(trials.loc["mithoefer2019", "dropout_active"])  # 7.6% dropout is U
    assert trials.loc["mithoefer2019", "n_total"] != 105  # 105 is U
    assert pd.isna(trials.loc["mithoefer2011", "responders_active_pct"])  # 10/12 vs 2/8 is U
    for col in ("diff", "effect_size", "responders_active_pct"):
        assert pd.isna(trials.loc["shiroma2020", col]), col  # results are U
    assert pd.isna(trials.loc["almeida2024", "es_ci_low"])  # published CI is inconsistent
    assert "remission" in trials.loc["mapp1", "notes"].lower()


def _summary_d(t: pd.Series) -> float | None:
    """Cohen's d (active minus control) from stored summaries, by textbook formulas."""
    if not (_present(t.change_active) and _present(t.change_control)):
        return None
    n1 = t.n_analysed_active if _present(t.n_analysed_active) else t.n_active
    n2 = t.n_analysed_control if _present(t.n_analysed_control) else t.n_control
    if not (_present(n1) and _present(n2)):
        return None
    n1, n2 = int(n1), int(n2)
    if t.spread_type == "SD":
        s1, s2 = t.spread_active, t.spread_control
    elif t.spread_type == "SE":
        s1, s2 = t.spread_active * math.sqrt(n1), t.spread_control * math.sqrt(n2)
    elif t.spread_type == "CI95":
        crit1, crit2 = sps.t.ppf(0.975, n1 - 1), sps.t.ppf(0.975, n2 - 1)
        s1 = math.sqrt(n1) * (t.change_active_ci_high - t.change_active_ci_low) / (2 * crit1)
        s2 = math.sqrt(n2) * (t.change_control_ci_high - t.change_control_ci_low) / (2 * crit2)
    else:
        return None
    pooled = math.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / (n1 + n2 - 2))
    return float((t.change_active - t.change_control) / pooled)


def test_every_effect_size_is_recomputable_or_explained(trials: pd.DataFrame) -> None:
    for tid, t in trials.iterrows():
        if not _present(t.effect_size):
            continue
        d = _summary_d(t)
        if d is None:
            assert _present(t.recompute_note) and t.recompute_note.strip(), (
                f"{tid}: effect size cannot be recomputed and has no recompute_note"
            )
        else:
            # Stored effect sizes are positive when they favour the active arm; on symptom
            # scales that means a negative (active minus control) difference.
            assert -d == pytest.approx(t.effect_size, abs=D_TOLERANCE), tid


def test_mapp1_d_matches_the_published_value(trials: pd.DataFrame) -> None:
    d = _summary_d(trials.loc["mapp1"])
    assert d is not None
    assert -d == pytest.approx(0.91, abs=0.01)


def test_effect_sizes_agree_with_coursekit_stats(trials: pd.DataFrame) -> None:
    stats = pytest.importorskip("coursekit.models.stats")
    checked = 0
    for tid, t in trials.iterrows():
        if not _present(t.effect_size) or (_present(t.recompute_note) and t.recompute_note):
            continue
        n1 = int(t.n_analysed_active if _present(t.n_analysed_active) else t.n_active)
        n2 = int(t.n_analysed_control if _present(t.n_analysed_control) else t.n_control)
        if t.spread_type == "SD":
            s1, s2 = float(t.spread_active), float(t.spread_control)
        elif t.spread_type == "SE":
            s1 = stats.sd_from_se(float(t.spread_active), n1)
            s2 = stats.sd_from_se(float(t.spread_control), n2)
        else:
            s1 = stats.sd_from_ci(float(t.change_active_ci_low), float(t.change_active_ci_high), n1)
            s2 = stats.sd_from_ci(
                float(t.change_control_ci_low), float(t.change_control_ci_high), n2
            )
        es = stats.cohens_d_from_change(
            float(t.change_active), s1, n1, float(t.change_control), s2, n2
        )
        assert -es.value == pytest.approx(float(t.effect_size), abs=D_TOLERANCE), tid
        checked += 1
    assert checked >= 2  # MAPP1 and MAPP2


# ---------------------------------------------------------------------------
# Timeline
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def timeline() -> pd.DataFrame:
    return data.load("timeline")


def _era(year: int) -> str:
    if year <= 1975:
        return "discovery"
    if year <= 1988:
        return "rediscovery-and-scheduling"
    if year <= 2016:
        return "early-research"
    return "late-stage-and-review"


def test_timeline_dates_respect_their_precision(timeline: pd.DataFrame) -> None:
    for _, e in timeline.iterrows():
        if e.date_precision in {"month", "year"}:
            assert e.date.day == 1, e.event_id
        if e.date_precision == "year":
            assert e.date.month == 1, e.event_id
        assert e.era == _era(e.date.year), e.event_id
        assert e.event_id.startswith(e.drug), e.event_id


@pytest.mark.parametrize(
    ("date", "drug", "words"),
    [
        ("1984-07-27", "mdma", ["propos"]),
        ("1985-07-01", "mdma", ["emergency"]),
        ("1986-05-22", "mdma", ["schedule iii"]),
        ("1986-04-08", "mdma", ["maps"]),
        ("1988-03-23", "mdma", ["schedule i"]),
        ("2017-08-16", "mdma", ["breakthrough"]),
        ("2023-02-03", "mdma", ["australia"]),
        ("2023-07-01", "mdma", ["australia"]),
        ("2023-12-12", "mdma", ["application"]),
        ("2024-06-04", "mdma", ["2 to 9", "1 to 10"]),
        ("2024-08-09", "mdma", ["complete response"]),
        ("2024-08-10", "mdma", ["retract"]),
        ("2025-09-04", "mdma", ["letter"]),
        ("2019-03-05", "ketamine", ["esketamine"]),
        ("2020-08-03", "ketamine", ["suicidal"]),
        ("2025-01-21", "ketamine", ["monotherapy", "on its own"]),
    ],
)
def test_key_dates_are_recorded(timeline: pd.DataFrame, date: str, drug: str, words) -> None:
    rows = timeline[(timeline.date == pd.Timestamp(date)) & (timeline.drug == drug)]
    assert len(rows) >= 1, date
    text = " ".join((rows.title + " " + rows.description).str.lower())
    assert any(w in text for w in words), (date, text)


@pytest.mark.parametrize(
    ("year", "drug", "word"),
    [
        (1912, "mdma", "merck"),
        (1914, "mdma", "patent"),
        (1953, "mdma", "animal"),
        (1976, "mdma", "shulgin"),
        (1978, "mdma", "shulgin"),
        (1988, "mdma", "switzerland"),
        (1993, "mdma", "swiss"),
        (2000, "mdma", "spain"),
        (2002, "mdma", "spanish"),
        (1962, "ketamine", "ketamine"),
        (1970, "ketamine", "anaesthetic"),
    ],
)
def test_key_years_are_recorded(timeline: pd.DataFrame, year: int, drug: str, word: str) -> None:
    rows = timeline[(timeline.date.dt.year == year) & (timeline.drug == drug)]
    text = " ".join((rows.title + " " + rows.description).str.lower())
    assert word in text, (year, text)


def test_timeline_corrects_popular_errors(timeline: pd.DataFrame) -> None:
    text = " ".join((timeline.title + " " + timeline.description).str.lower())
    assert "not an appetite suppressant" in text or "not developed as an appetite" in text
    assert "no soldiers" in text
    assert "not a ban" in text
    assert not re.search(r"\b8[-– ]to[-– ]1\b", text)


# ---------------------------------------------------------------------------
# Epidemiology and treatments
# ---------------------------------------------------------------------------


def test_epidemiology_values(tmp_path: Path) -> None:
    epi = data.load("epidemiology").set_index("row_id")
    assert epi.loc["norway-incidence-female", "incidence_per_100k"] == 88
    assert epi.loc["norway-incidence-male", "incidence_per_100k"] == 31
    # Trauma exposure runs the other way (men 641 > women 466); the figures are not swapped.
    assert epi.loc["norway-trauma-incidence-male", "incidence_per_100k"] == 641
    assert epi.loc["norway-trauma-incidence-female", "incidence_per_100k"] == 466
    assert epi.loc["ncs-lifetime-all", "prevalence_pct"] == 7.8
    assert epi.loc["ncs-lifetime-all", "criteria"] == "DSM-III-R"
    assert epi.loc["ncsr-lifetime-all", "prevalence_pct"] == 6.8
    assert epi.loc["ncsr-lifetime-all", "confidence"] == "M"
    assert epi.loc["wmh-lifetime-all", "prevalence_pct"] == 3.9
    assert epi.loc["norway-pcl5-point-female", "prevalence_pct"] == 8.5
    rates = epi[epi.prevalence_pct.notna()]
    assert rates.incidence_per_100k.isna().all()


def test_treatment_dropout_matches_lewis_2020() -> None:
    tr = data.load("treatments").set_index("row_id")
    expected = {"ct": 9, "cbt-t": 13, "emdr": 18, "pe": 22, "cpt": 30, "waitlist": 11}
    for suffix, pct in expected.items():
        row = tr.loc[f"dropout-{suffix}"]
        assert row.dropout_pct == pct and row.citation_key == "lewis2020dropout"
    pooled = tr.loc["dropout-pooled"]
    assert (pooled.dropout_pct, pooled.dropout_ci_low, pooled.dropout_ci_high) == (16, 14, 18)


def test_treatment_rows_fill_the_column_their_measure_names() -> None:
    tr = data.load("treatments")
    column = {
        "dropout": "dropout_pct",
        "effect_size": "effect_size",
        "diagnosis_retained": "value_pct",
        "fda_approval": "approval_date",
    }
    # Rows whose source gives only a range or a paraphrase keep the figure in their notes.
    text_only = {"es-psychotherapies-cusack", "retained-military"}
    for _, row in tr.iterrows():
        col = column.get(row.measure)
        if col and row.row_id not in text_only:
            assert _present(row[col]), row.row_id
        if row.row_id in text_only:
            assert _present(row.notes), row.row_id
    approvals = tr[tr.measure == "fda_approval"].set_index("therapy")
    assert approvals.loc["Sertraline", "approval_date"] == pd.Timestamp("1999-12-01")
    assert approvals.loc["Paroxetine", "approval_date"] == pd.Timestamp("2001-12-01")


def test_glossary_cross_references_resolve() -> None:
    g = data.load("glossary")
    names: set[str] = set()
    for _, row in g.iterrows():
        names.add(row.term.casefold())
        if _present(row.aliases):
            names.update(a.casefold() for a in _keys(row.aliases))
    all_labels = [row.term.casefold() for _, row in g.iterrows()]
    for _, row in g.iterrows():
        if _present(row.aliases):
            all_labels += [a.casefold() for a in _keys(row.aliases)]
    assert len(all_labels) == len(set(all_labels)), "terms and aliases must be unique"
    for _, row in g.iterrows():
        for ref in _keys(row.see_also) if _present(row.see_also) else []:
            assert ref.casefold() in names, (row.term, ref)
    required = {
        "ptsd",
        "cptsd",
        "dso",
        "pcl-5",
        "caps-5",
        "entactogen",
        "extinction",
        "renewal",
        "reconsolidation",
        "nnt",
        "cohen's d",
        "hedges' g",
        "random effects",
        "functional unblinding",
        "crl",
        "rems",
        "breakthrough therapy designation",
        "nmda receptor",
        "long-lasting ptsd",
        "window of tolerance",
        "kap",
    }
    assert required <= names
    norwegian = set(g.norwegian.dropna())
    assert {"langvarig PTSD", "toleransevindu", "kompleks PTSD"} <= norwegian
    assert "ketaminassisterad psykoterapi" in set(g.swedish.dropna())
