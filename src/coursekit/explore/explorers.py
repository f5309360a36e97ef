"""Chapter-free explorers: effect sizes, a meta-analysis forest plot, a timeline."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from coursekit.explore.chartkit import (
    PALETTE,
    WIDTH,
    altair,
    chart_title,
    require_frame,
    text_panel,
)
from coursekit.explore.engine import (
    Control,
    Exercise,
    ExplorerParts,
    summary_description,
    tidy_frame,
)

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt
    import pandas as pd

from coursekit.explore.charts import timeline_chart, timeline_frame
from coursekit.explore.meta_charts import forest_chart, forest_frame

__all__ = [
    "ALL_CATEGORIES",
    "ALL_ERAS",
    "EFFECT_GRID",
    "EFFECT_LIVE_RANGE",
    "FOREST_METHODS",
    "effect_size_chart",
    "effect_size_explorer",
    "effect_size_frame",
    "effect_size_parts",
    "example_forest_parts",
    "example_timeline_parts",
    "forest_explorer",
    "forest_parts",
    "timeline_explorer",
    "timeline_parts",
]

# ---------------------------------------------------------------- effect size
EFFECT_GRID: tuple[float, ...] = tuple(round(i * 0.05, 2) for i in range(41))
EFFECT_LIVE_RANGE = (-2.0, 3.0)


def _nnt_text(nnt: float) -> str:
    if math.isinf(nnt):
        return "not defined (no difference between the groups)"
    if nnt < 0:
        return f"{abs(nnt):.1f}, favouring the control group (a number needed to harm)"
    return f"{nnt:.1f}"


def effect_size_frame(d: float) -> pd.DataFrame:
    """Two unit-variance normal curves ``d`` apart, their overlap, and the overlap
    statistics of :func:`coursekit.stats.d_to_overlap` (columns ``u3``, ``overlap``,
    ``prob_superiority``, ``nnt`` and a ``summary`` in words)."""
    import numpy as np

    from coursekit._checks import require_finite
    from coursekit.models import stats

    d = require_finite("d", d)
    lo_d, hi_d = EFFECT_LIVE_RANGE
    if not lo_d <= d <= hi_d:
        raise ValueError(f"d must be between {lo_d:g} and {hi_d:g} in this explorer, got {d!r}")
    ov = stats.d_to_overlap(d)
    lo, hi = -3.5 + min(0.0, d), 3.5 + max(2.0, d)
    x = np.round(np.linspace(lo, hi, round((hi - lo) / 0.25) + 1), 6)
    scale = 1.0 / math.sqrt(2.0 * math.pi)
    control = scale * np.exp(-0.5 * x**2)
    treatment = scale * np.exp(-0.5 * (x - d) ** 2)
    direction = "above" if d >= 0 else "below"
    summary = "\n".join(
        [
            f"d = {d:.2f}: the treatment mean is {abs(d):.2f} standard deviations {direction} "
            "the control mean.",
            f"U3: {ov.u3:.1%} of the treatment group score above the control mean. "
            f"Overlap of the two distributions: {ov.overlap:.1%}.",
            f"Probability of superiority: {ov.prob_superiority:.1%} (a random treated person "
            "scores higher than a random control).",
            f"NNT ({ov.nnt_method}): {_nnt_text(ov.nnt)}.",
        ]
    )
    return tidy_frame(
        {
            "x": x,
            "control": control,
            "treatment": treatment,
            "overlap_density": np.minimum(control, treatment),
            "d": d,
            "u3": ov.u3,
            "overlap": ov.overlap,
            "prob_superiority": ov.prob_superiority,
            "nnt": ov.nnt,
            "summary": summary,
        }
    )


def effect_size_parts(d: float) -> tuple[ExplorerParts, float]:
    from coursekit._checks import require_finite

    d = require_finite("d", d)
    lo, hi = EFFECT_LIVE_RANGE
    if not lo <= d <= hi:
        raise ValueError(f"d must be between {lo:g} and {hi:g} in this explorer, got {d!r}")
    start = min(EFFECT_GRID, key=lambda g: abs(g - d))
    control = Control(
        "d", "Effect size d", EFFECT_GRID, start, live_min=lo, live_max=hi, live_step=0.05
    )
    description = (
        "Two bell-shaped curves show the scores of a control group (solid blue) and a treatment "
        "group (dashed orange) whose means are d standard deviations apart; the grey area is "
        "where they overlap. Move the slider to change d. Below the chart, Cohen's U3, the "
        "overlap, the probability of superiority and the number needed to treat are given in "
        "words for the chosen d."
    )
    parts = ExplorerParts(
        effect_size_frame,
        (control,),
        effect_size_chart,
        description,
        decimals=3,
        live_description=summary_description("Two normal curves d apart."),
    )
    return parts, d


def effect_size_explorer(d: float = 0.8) -> Exercise:
    """Picture an effect size: two normal curves ``d`` apart with U3, overlap,
    probability of superiority and NNT (all from :func:`coursekit.stats.d_to_overlap`).

    The book version offers d from 0 to 2 in steps of 0.05 (the nearest step to
    ``d`` is selected first); the live slider accepts any d from -2 to 3.
    """
    parts, d = effect_size_parts(d)
    exercise = parts.exercise()
    if exercise.controls["d"].value != d:
        exercise.controls["d"].value = d
    return exercise


# ---------------------------------------------------------------- explorer charts
def effect_size_chart(frame: pd.DataFrame) -> Any:
    """Two normal curves (control and treatment), their overlap shaded, the means
    marked, and the overlap statistics in words (frame from
    :func:`coursekit.widgets.effect_size_frame`)."""
    alt = altair()
    frame = require_frame(
        frame, "frame", ["x", "control", "treatment", "overlap_density", "d", "summary"]
    )
    lo, hi = float(frame["x"].min()), float(frame["x"].max())
    base = alt.Chart(frame)
    x = alt.X(
        "x:Q",
        title="Outcome, in standard deviations from the control mean",
        scale=alt.Scale(domain=[lo, hi], nice=False),
    )
    groups = ["Control group", "Treatment group"]
    area = base.mark_area(color="#9a9a9a", opacity=0.35, interpolate="monotone").encode(
        x=x, y=alt.Y("overlap_density:Q", title="Density")
    )
    curves = (
        base.transform_fold(["control", "treatment"], as_=["key", "density"])
        .transform_calculate(group="datum.key == 'control' ? 'Control group' : 'Treatment group'")
        .mark_line(strokeWidth=2.5, interpolate="monotone")
        .encode(
            x=x,
            y=alt.Y("density:Q", title="Density"),
            color=alt.Color(
                "group:N",
                title=None,
                scale=alt.Scale(domain=groups, range=[PALETTE[0], PALETTE[1]]),
                legend=alt.Legend(orient="top"),
            ),
            strokeDash=alt.StrokeDash(
                "group:N",
                title=None,
                scale=alt.Scale(domain=groups, range=[[1, 0], [7, 4]]),
                legend=alt.Legend(orient="top"),
            ),
        )
    )
    means = base.transform_aggregate(groupby=["d"])
    rules = alt.layer(
        means.mark_rule(color=PALETTE[0], strokeWidth=1.5, aria=False).encode(x=alt.datum(0)),
        means.mark_rule(color=PALETTE[1], strokeWidth=1.5, strokeDash=[7, 4]).encode(x="d:Q"),
    )
    plot = alt.layer(area, curves, rules).properties(width=WIDTH, height=260)
    return alt.vconcat(
        plot,
        text_panel(base, "summary", lines=4),
        title=chart_title("How far apart is an effect of size d?"),
    )


# ---------------------------------------------------------------- meta-analysis
FOREST_METHODS: tuple[str, ...] = ("FE", "DL", "REML")


def forest_parts(
    df: pd.DataFrame, label: str, effect: str, variance: str, title: str, x_title: str
) -> ExplorerParts:
    from coursekit.models import stats

    df = require_frame(df, "df", [label, effect, variance])
    labels = df[label].astype(str).tolist()
    effects = df[effect].tolist()
    variances = df[variance].tolist()
    stats.meta_analysis(effects, variances, labels, "DL")  # validate the data once

    def compute(method: str) -> pd.DataFrame:
        meta = stats.meta_analysis(effects, variances, labels, method)
        return forest_frame(meta, effects, variances)

    k = len(labels)
    description = (
        f"Forest plot of {k} studies ({x_title}): each study is a square sized by its weight "
        "with a line for its confidence interval, the pooled estimate is a black diamond and "
        "the dashed line is the prediction interval. A list chooses the pooling method: fixed "
        "effect (FE), or random effects estimated by DerSimonian–Laird (DL) or REML. Text "
        "below gives the pooled estimate, the heterogeneity and the prediction interval."
    )
    if k < 3:
        description += (
            f" With only {k} studies the between-study variance is barely estimable and no "
            "prediction interval can be given, so the random-effects result is fragile."
        )

    def build(frame: pd.DataFrame) -> alt.TopLevelMixin:
        return forest_chart(frame, title=title, x_title=x_title)

    return ExplorerParts(
        compute,
        (Control("method", "Pooling method", FOREST_METHODS, "DL", kind="select"),),
        build,
        description,
        decimals=4,
        live_description=summary_description(f"Forest plot of {k} studies."),
    )


def forest_explorer(
    df: pd.DataFrame,
    label: str = "label",
    effect: str = "effect",
    variance: str = "variance",
    *,
    title: str = "Forest plot",
    x_title: str = "Effect size",
) -> Exercise:
    """Forest plot with a pooling-method selector (FE, DL, REML) over the studies in
    ``df`` (columns ``label``, ``effect``, ``variance``), pooled by
    :func:`coursekit.stats.meta_analysis`."""
    return forest_parts(df, label, effect, variance, title, x_title).exercise()


# ---------------------------------------------------------------- timeline
ALL_ERAS = "all eras"
ALL_CATEGORIES = "all categories"


def timeline_parts(
    events_df: pd.DataFrame, title: str, group_labels: Mapping[str, str] | None = None
) -> ExplorerParts:
    import altair as alt
    import pandas as pd

    from coursekit._checks import require_choice

    events_df = require_frame(events_df, "events_df", ["era", "category"])
    full = timeline_frame(events_df, keep=("era",))
    full["era"] = full["era"].astype(str)
    eras = tuple(dict.fromkeys(full["era"]))
    categories = tuple(dict.fromkeys(sorted(full["category"])))
    groups = tuple(dict.fromkeys(full["group"]))
    era_of = full["era"].to_numpy()
    cat_of = full["category"].to_numpy()

    def compute(era: str, category: str) -> pd.DataFrame:
        require_choice("era", era, (ALL_ERAS, *eras))
        require_choice("category", category, (ALL_CATEGORIES, *categories))
        mask = (era_of == era) | (era == ALL_ERAS)
        mask &= (cat_of == category) | (category == ALL_CATEGORIES)
        if mask.any():
            return full[mask].reset_index(drop=True)
        row = dict.fromkeys(full.columns)
        row["part"] = "message"
        row["message"] = (
            f"No events for era “{era}” and category “{category}”.\nChoose another era or category."
        )
        return pd.DataFrame([row], columns=full.columns)

    start = int(full["date"].min().year) - 3
    end = int(full["date"].max().year) + 3
    domain = (alt.DateTime(year=start), alt.DateTime(year=end))
    labels = dict(group_labels or {})

    def build(frame: pd.DataFrame) -> alt.TopLevelMixin:
        return timeline_chart(
            frame,
            title=title,
            domain=domain,
            groups=groups,
            categories=categories,
            group_labels=labels,
        )

    description = (
        f"Timeline of {len(full)} dated events from {start + 3} to {end - 3}, one row per "
        f"group ({', '.join(labels.get(g, g) for g in groups)}), with colour and shape showing "
        f"the category ({', '.join(categories)}); hovering a point shows its details. Two lists "
        "filter the events by era and by category; when nothing matches, the chart says so."
    )

    def describe(frame: pd.DataFrame) -> str:
        if (frame["part"] == "message").all():
            return str(frame["message"].iloc[0]).replace("\n", " ")
        items = "; ".join(f"{w}: {t}" for w, t in zip(frame["when"], frame["title"], strict=True))
        return f"Timeline of {len(frame)} events. {items}."

    controls = (
        Control("era", "Era", (ALL_ERAS, *eras), ALL_ERAS, kind="select"),
        Control(
            "category", "Category", (ALL_CATEGORIES, *categories), ALL_CATEGORIES, kind="select"
        ),
    )
    return ExplorerParts(
        compute, controls, build, description, decimals=2, live_description=describe
    )


def timeline_explorer(
    events_df: pd.DataFrame,
    *,
    title: str = "Timeline",
    group_labels: Mapping[str, str] | None = None,
) -> Exercise:
    """Timeline of dated events (e.g. ``datasets.load("timeline")``: columns ``date``,
    ``title``, ``drug``, ``era``, ``category``, ...) filtered by era and category, one
    lane per group, named by ``group_labels`` (group value -> label; default: the value).
    An empty selection shows a clear "no events" message instead of a blank chart."""
    return timeline_parts(events_df, title, group_labels).exercise()


def example_forest_parts() -> ExplorerParts:
    """A forest explorer over six fictional studies (for the benchmark and tests)."""
    import pandas as pd

    example = pd.DataFrame(
        {
            "label": [f"Fictional study {c}" for c in "ABCDEF"],
            "effect": [0.62, 0.35, 0.91, 0.18, 0.55, 0.74],
            "variance": [0.045, 0.030, 0.080, 0.025, 0.060, 0.050],
        }
    )
    return forest_parts(example, "label", "effect", "variance", "Forest plot", "Effect size")


def example_timeline_parts() -> ExplorerParts:
    """A timeline explorer over the whole ``timeline`` dataset (for the benchmark and tests)."""
    from coursekit.evidence import datasets

    return timeline_parts(datasets.load("timeline"), "Timeline")
