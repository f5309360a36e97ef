"""Chapter 1 (PTSD) page charts, drawn from the datasets with the generic bar builder."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from coursekit.chapters.ptsd.figures import _dataset
from coursekit.explore.chartkit import plain_frame, require_frame

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from coursekit.explore.render import StaticChart

__all__ = ["dropout_chart", "norway_incidence_chart", "norway_prevalence_chart"]


_NORWAY_STUDY = "lassemo2017"
_SEXES = {"female": "Women", "male": "Men"}
_PERIODS = {"lifetime": "Lifetime", "12 months": "Past 12 months"}
_EVENTS = {"PTSD": "New cases of PTSD", "trauma exposure": "New traumatic events"}


def _bars_description(lead: str, frame: pd.DataFrame, x: str, y: str, fmt: str) -> str:
    """``lead`` then every bar's value, grouped by ``x`` (one bar per ``Sex``)."""
    groups = []
    for key in dict.fromkeys(frame[x]):
        sub = frame[frame[x] == key]
        bars = ", ".join(
            f"{sex.lower()} {format(float(v), fmt)}"
            for sex, v in zip(sub["Sex"], sub[y], strict=True)
        )
        groups.append(f"{key}: {bars}")
    return f"{lead} " + "; ".join(groups) + "."


def _norway(
    epi: pd.DataFrame | None, column: str, key: str, labels: Mapping[str, str]
) -> pd.DataFrame:
    """Lassemo et al. (2017) rows of the epidemiology dataset whose ``key`` is in ``labels``,
    with ``Sex`` and ``Group`` labels for the chart; ``ValueError`` if none has a value."""
    frame = require_frame(
        _dataset("epidemiology", epi), "epi", ["citation_key", "sex", key, column]
    )
    rows = frame[(frame["citation_key"] == _NORWAY_STUDY) & frame[key].isin(list(labels))]
    rows = rows[rows["sex"].isin(list(_SEXES)) & rows[column].notna()]
    if rows.empty:
        raise ValueError(f"epi has no {_NORWAY_STUDY} rows with a value in {column!r}")
    return rows.assign(Sex=rows["sex"].map(_SEXES), Group=rows[key].map(labels)).reset_index(
        drop=True
    )


def norway_prevalence_chart(epi: pd.DataFrame | None = None) -> StaticChart:
    """Bars of lifetime and past-12-month PTSD prevalence for women and men in two
    Norwegian regions (Lassemo et al. 2017), from the ``epidemiology`` dataset."""
    from coursekit.explore.charts import grouped_bars

    rows = _norway(epi, "prevalence_pct", "period", _PERIODS)
    lead = (
        "Grouped bar chart of PTSD prevalence (%) in two Norwegian regions "
        "(Lassemo et al. 2017), women and men side by side."
    )
    return grouped_bars(
        rows.rename(columns={"Group": "Period"}),
        x="Period",
        y="prevalence_pct",
        color="Sex",
        title="PTSD prevalence in two Norwegian regions (Lassemo et al. 2017)",
        y_title="Prevalence (%)",
        description=_bars_description(lead, rows, "Group", "prevalence_pct", ".1f"),
    )


def norway_incidence_chart(epi: pd.DataFrame | None = None) -> StaticChart:
    """Bars of new PTSD cases and new traumatic events per 100,000 person-years for women
    and men in two Norwegian regions (Lassemo et al. 2017)."""
    from coursekit.explore.charts import grouped_bars

    rows = _norway(epi, "incidence_per_100k", "outcome", _EVENTS)
    lead = (
        "Grouped bar chart of incidence per 100,000 person-years in two Norwegian regions "
        "(Lassemo et al. 2017), women and men side by side."
    )
    return grouped_bars(
        rows.rename(columns={"Group": "Event"}),
        x="Event",
        y="incidence_per_100k",
        color="Sex",
        title="Incidence per 100,000 person-years (Lassemo et al. 2017)",
        y_title="Per 100,000 person-years",
        value_format=".0f",
        description=_bars_description(lead, rows, "Group", "incidence_per_100k", ".0f"),
    )


_DROPOUT_STUDY = ("lewis2020dropout", "Lewis et al. (2020)")
_THERAPY_SHORT = {
    "Cognitive therapy (CT)": "CT",
    "Trauma-focused CBT (CBT-T)": "CBT-T",
    "Prolonged exposure (PE)": "PE",
    "Cognitive processing therapy (CPT)": "CPT",
    "All psychological therapies (pooled)": "All (pooled)",
}


def dropout_chart(tx: pd.DataFrame | None = None) -> StaticChart:
    """Bars of dropout (%) from PTSD therapies and waitlist in randomised trials (Lewis et
    al. 2020), with the 95% confidence interval where published, from ``treatments``."""
    from coursekit.explore.charts import grouped_bars

    columns = ["measure", "citation_key", "therapy", "dropout_pct"]
    frame = require_frame(
        _dataset("treatments", tx), "tx", [*columns, "dropout_ci_low", "dropout_ci_high"]
    )
    key, source = _DROPOUT_STUDY
    rows = frame[(frame["measure"] == "dropout") & (frame["citation_key"] == key)]
    rows = rows[rows["dropout_pct"].notna()].reset_index(drop=True)
    if rows.empty:
        raise ValueError(f"tx has no dropout rows from {key} with a value")
    rows = rows.assign(Condition=rows["therapy"].replace(_THERAPY_SHORT), Source=source)
    cis = plain_frame(rows[["dropout_ci_low", "dropout_ci_high"]])
    bars = [
        f"{name} {pct:.0f}%"
        + ("" if low != low or high != high else f" (95% CI {low:.0f}–{high:.0f}%)")
        for name, pct, low, high in zip(
            rows["Condition"],
            rows["dropout_pct"],
            cis["dropout_ci_low"],
            cis["dropout_ci_high"],
            strict=True,
        )
    ]
    description = (
        f"Bar chart of dropout (%) from PTSD therapies in randomised trials, from {source}; "
        "a line shows the 95% confidence interval where one was published. " + "; ".join(bars) + "."
    )
    return grouped_bars(
        rows,
        x="Condition",
        y="dropout_pct",
        color="Source",
        y_low="dropout_ci_low",
        y_high="dropout_ci_high",
        title="Dropout from PTSD therapies in randomised trials",
        y_title="Dropout (%)",
        value_format=".0f",
        description=description,
    )
