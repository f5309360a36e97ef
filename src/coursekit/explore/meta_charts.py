"""Forest and funnel plots for meta-analyses (chapter-free)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from coursekit.explore.chartkit import (
    MUTED,
    TEXT,
    WIDTH,
    altair,
    chart_title,
    plain_frame,
    require_frame,
    text_panel,
)
from coursekit.explore.render import PALETTE, StaticChart, show

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from coursekit.models import stats

__all__ = [
    "forest_chart",
    "forest_frame",
    "funnel",
]


# ---------------------------------------------------------------- forest plot
def forest_frame(
    meta: stats.MetaResult, effects: Sequence[float], variances: Sequence[float]
) -> pd.DataFrame:
    """Tidy rows for a forest plot of ``meta`` (from :func:`coursekit.stats.meta_analysis`).

    ``effects``/``variances`` are the per-study values the analysis pooled (a
    :class:`~coursekit.stats.MetaResult` keeps only the pooled results). ``part`` is
    ``study``, ``pooled``, ``diamond`` (the three x-vertices of the pooled diamond)
    or ``pi`` (prediction interval; empty when it is undefined). ``pos`` is the
    row position from the top (0, -1, ...). ``summary`` holds the pooled results
    in words, including the fragility of very small meta-analyses.
    """
    import math
    from statistics import NormalDist

    import pandas as pd

    from coursekit.models import stats

    if not isinstance(meta, stats.MetaResult):
        raise ValueError(f"meta must be a MetaResult, got {type(meta).__name__}")
    y = [float(e) for e in effects]
    v = [float(x) for x in variances]
    if len(y) != meta.k or len(v) != meta.k:
        raise ValueError(f"effects and variances must each hold the {meta.k} pooled studies")
    if not all(math.isfinite(e) for e in y) or not all(math.isfinite(x) and x > 0 for x in v):
        raise ValueError("effects must be finite and variances finite and greater than 0")
    z = NormalDist().inv_cdf(0.5 + meta.confidence / 2)
    pct = f"{meta.confidence * 100:g}%"
    weights = meta.weights_fixed if meta.method == "FE" else meta.weights_random
    rows: list[dict[str, Any]] = []
    for i, (label, e, var, w) in enumerate(zip(meta.labels, y, v, weights, strict=True)):
        lo, hi = e - z * math.sqrt(var), e + z * math.sqrt(var)
        rows.append(
            {
                "part": "study",
                "label": label,
                "pos": -i,
                "effect": e,
                "ci_low": lo,
                "ci_high": hi,
                "weight": w,
                "text": f"{e:.2f} [{lo:.2f}, {hi:.2f}]",
                "weight_text": f"{w:.1f}%",
            }
        )
    k = meta.k
    est, (lo, hi) = meta.pooled, meta.pooled_ci
    pooled_pos = -(k + 1)
    rows.append(
        {
            "part": "pooled",
            "label": "Pooled estimate",
            "pos": pooled_pos,
            "effect": est,
            "ci_low": lo,
            "ci_high": hi,
            "weight": 100.0,
            "text": f"{est:.2f} [{lo:.2f}, {hi:.2f}]",
            "weight_text": "100%",
        }
    )
    for x, half in ((lo, 0.0), (est, 0.38), (hi, 0.0)):
        rows.append(
            {
                "part": "diamond",
                "label": "Pooled estimate",
                "pos": pooled_pos,
                "x": x,
                "y": pooled_pos - half,
                "y2": pooled_pos + half,
            }
        )
    has_pi = meta.pi_low is not None and meta.pi_high is not None
    rows.append(
        {
            "part": "pi",
            "label": "Prediction interval",
            "pos": -(k + 2),
            "ci_low": meta.pi_low if has_pi else None,
            "ci_high": meta.pi_high if has_pi else None,
            "text": f"[{meta.pi_low:.2f}, {meta.pi_high:.2f}]" if has_pi else "not available",
            "weight_text": "",
        }
    )
    model = "Fixed effect" if meta.method == "FE" else f"Random effects ({meta.method})"
    i2 = "n/a" if meta.i2 is None else f"{meta.i2:.0f}%"
    lines = [
        f"{model}, {k} studies: pooled {est:.2f} ({pct} CI {lo:.2f} to {hi:.2f}).",
        f"Heterogeneity: tau² = {meta.tau2:.3f}, I² = {i2}, Q = {meta.q:.2f} (df {meta.q_df}).",
    ]
    if has_pi:
        lines.append(
            f"{pct} prediction interval for the effect in a new setting: "
            f"{meta.pi_low:.2f} to {meta.pi_high:.2f}."
        )
    elif meta.method == "FE":
        lines.append("No prediction interval: the fixed-effect model assumes one true effect.")
    else:
        lines.append("No prediction interval: it needs at least 3 studies.")
    if k < 3 and meta.method != "FE":
        lines.append(f"Only {k} studies: tau² is barely estimable, so this result is fragile.")
    frame = pd.DataFrame(
        rows,
        columns=[
            "part",
            "label",
            "pos",
            "effect",
            "ci_low",
            "ci_high",
            "weight",
            "text",
            "weight_text",
            "x",
            "y",
            "y2",
        ],
    )
    frame["summary"] = "\n".join(lines)
    return plain_frame(frame)


def forest_chart(
    frame: pd.DataFrame, *, title: str = "Forest plot", x_title: str = "Effect size"
) -> Any:
    """Altair forest plot for a :func:`forest_frame`: study labels, squares sized by
    weight with CI lines, the pooled diamond, a dashed prediction-interval line, the
    estimates as text and the results in words."""
    alt = altair()
    frame = require_frame(frame, "frame", ["part", "label", "pos", "summary"])
    labelled = frame[frame["part"].isin(["study", "pooled", "pi"])]
    depth = round(-float(labelled["pos"].min()))
    height = 26 * (depth + 1) + 10
    yscale = alt.Scale(domain=[-depth - 0.7, 0.7], nice=False, zero=False)
    y = alt.Y("pos:Q", scale=yscale, axis=None)
    base = alt.Chart(frame)
    studies = base.transform_filter("datum.part == 'study'")
    tooltip = [
        alt.Tooltip("label:N", title="Study"),
        alt.Tooltip("effect:Q", title="Estimate", format=".2f"),
        alt.Tooltip("ci_low:Q", title="CI low", format=".2f"),
        alt.Tooltip("ci_high:Q", title="CI high", format=".2f"),
        alt.Tooltip("weight:Q", title="Weight (%)", format=".1f"),
    ]
    zero = (
        base.transform_filter("datum.part == 'pooled'")
        .mark_rule(color=MUTED, strokeWidth=1, aria=False)
        .encode(x=alt.datum(0))
    )
    lines = studies.mark_rule(color=TEXT, strokeWidth=1.5).encode(
        x=alt.X("ci_low:Q", title=x_title), x2="ci_high:Q", y=y
    )
    squares = studies.mark_square(color=PALETTE[0], opacity=1).encode(
        x="effect:Q",
        y=y,
        size=alt.Size("weight:Q", scale=alt.Scale(domain=[0, 100], range=[20, 700]), legend=None),
        tooltip=tooltip,
    )
    diamond = (
        base.transform_filter("datum.part == 'diamond'")
        .mark_area(color=PALETTE[6])
        .encode(x="x:Q", y=alt.Y("y:Q", scale=yscale, axis=None), y2="y2:Q")
    )
    pi = (
        base.transform_filter("datum.part == 'pi' && isValid(datum.ci_low)")
        .mark_rule(color=PALETTE[1], strokeWidth=2.5, strokeDash=[6, 3])
        .encode(x="ci_low:Q", x2="ci_high:Q", y=y)
    )
    plot = alt.layer(zero, lines, squares, diamond, pi).properties(width=270, height=height)
    rows = base.transform_filter("datum.part != 'diamond'")
    names = (
        rows.mark_text(align="right", fontSize=13, limit=170)
        .encode(text="label:N", y=y, x=alt.value(170))
        .properties(width=170, height=height)
    )
    column = alt.layer(
        rows.mark_text(align="left", fontSize=13).encode(text="text:N", y=y, x=alt.value(0)),
        rows.mark_text(align="right", fontSize=13).encode(
            text="weight_text:N", y=y, x=alt.value(185)
        ),
    ).properties(
        width=185, height=height, title=alt.TitleParams("Estimate [CI]   weight", fontSize=13)
    )
    return alt.vconcat(
        alt.hconcat(names, plot, column, spacing=12),
        text_panel(base, "summary", lines=4, width=620),
        title=chart_title(title),
    )


# ---------------------------------------------------------------- funnel plot
def funnel(
    effects: Sequence[float],
    ses: Sequence[float],
    labels: Sequence[str] | None = None,
    *,
    title: str = "Funnel plot",
    x_title: str = "Effect size",
    confidence: float = 0.95,
    description: str | None = None,
) -> StaticChart:
    """Funnel plot: effect against standard error with pseudo-confidence limits.

    The centre line is the fixed-effect estimate (:func:`coursekit.stats.meta_analysis`);
    the dashed lines show where ``confidence`` of studies would fall around it if only
    sampling error were at work. Asymmetry can hint at small-study effects such as
    publication bias, but needs about 10 or more studies to judge.
    """
    from statistics import NormalDist

    import pandas as pd

    from coursekit._checks import require_confidence, require_positive
    from coursekit.models import stats

    confidence = require_confidence("confidence", confidence)
    se = [require_positive("ses", s) for s in ses]
    y = [float(e) for e in effects]
    if len(y) != len(se):
        raise ValueError(f"ses must have the same length as effects ({len(y)}), got {len(se)}")
    meta = stats.meta_analysis(y, [s * s for s in se], labels, method="FE")
    centre = meta.fixed
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    top = max(se) * 1.1
    rows = [
        {"part": "study", "label": lab, "effect": e, "se": s}
        for lab, e, s in zip(meta.labels, y, se, strict=True)
    ]
    for side, sign in (("lower limit", -1), ("upper limit", 1)):
        for s in (0.0, top):
            rows.append({"part": "limit", "label": side, "effect": centre + sign * z * s, "se": s})
    frame = plain_frame(pd.DataFrame(rows))
    alt = altair()
    base = alt.Chart(frame)
    yenc = alt.Y(
        "se:Q",
        title="Standard error (less precise studies lower down)",
        scale=alt.Scale(reverse=True, domain=[0, top], nice=False),
    )
    chart = alt.layer(
        base.transform_filter("datum.part == 'limit'")
        .mark_line(color=MUTED, strokeDash=[5, 4])
        .encode(x=alt.X("effect:Q", title=x_title), y=yenc, detail="label:N"),
        base.transform_filter(
            "datum.part == 'limit' && datum.se == 0 && datum.label == 'lower limit'"
        )
        .mark_rule(color=PALETTE[0], aria=False)
        .encode(x=alt.datum(centre)),
        base.transform_filter("datum.part == 'study'")
        .mark_point(filled=True, size=90, color=PALETTE[1], opacity=0.9)
        .encode(
            x="effect:Q",
            y=yenc,
            tooltip=[
                alt.Tooltip("label:N", title="Study"),
                alt.Tooltip("effect:Q", format=".2f", title="Estimate"),
                alt.Tooltip("se:Q", format=".3f", title="SE"),
            ],
        ),
    ).properties(title=chart_title(title), width=WIDTH, height=320)
    if description is None:
        k = len(y)
        caveat = (
            " With fewer than 10 studies a funnel plot cannot show small-study effects reliably."
            if k < 10
            else ""
        )
        description = (
            f"Funnel plot of {k} studies: each dot is a study's {x_title.lower()} (across) "
            f"against its standard error (down, so small imprecise studies sit low). The "
            f"solid line marks the fixed-effect estimate {centre:.2f}; the dashed lines show "
            f"where {confidence:.0%} of studies would fall if only chance were at work." + caveat
        )
    return show(chart, description)
