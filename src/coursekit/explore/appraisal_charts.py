"""Generic charts for critical appraisal: risk-of-bias traffic lights, blinding-index ranges and
the effect-size sensitivity of missing data.

Each builder takes a tidy DataFrame, returns a :class:`~coursekit.explore.render.StaticChart`
with a text description written from the data, and never encodes meaning by colour alone:
judgements also carry a letter, intervals carry their values as text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coursekit.explore.chartkit import TEXT, WIDTH, altair, chart_title, plain_frame, require_frame
from coursekit.explore.render import PALETTE, StaticChart, show

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["JUDGEMENT_STYLE", "blinding_ranges", "dropout_sensitivity", "traffic_light"]

#: Colour (Okabe-Ito) and letter for each judgement: the letter keeps the chart readable
#: without colour.
JUDGEMENT_STYLE: dict[str, tuple[str, str]] = {
    "low": (PALETTE[2], "L"),
    "some concerns": (PALETTE[4], "S"),
    "high": (PALETTE[1], "H"),
}


def traffic_light(
    df: pd.DataFrame,
    *,
    study: str = "study",
    domain: str = "domain",
    judgement: str = "judgement",
    domain_order: list[str] | None = None,
    title: str = "Risk of bias by domain",
    description: str | None = None,
) -> StaticChart:
    """A risk-of-bias "traffic light" grid: one row per study, one column per domain.

    Letters are dark on every colour (contrast above 4.5:1 on all three).

    Each cell is a coloured circle with a letter (L = low, S = some concerns, H = high).
    ``judgement`` values must be keys of :data:`JUDGEMENT_STYLE`.
    """
    df = require_frame(df, "df", [study, domain, judgement])
    frame = plain_frame(df[[study, domain, judgement]])
    bad = sorted({str(v) for v in frame[judgement]} - set(JUDGEMENT_STYLE))
    if bad:
        raise ValueError(f"judgement values must be one of {list(JUDGEMENT_STYLE)}; got {bad}")
    frame["letter"] = [JUDGEMENT_STYLE[str(v)][1] for v in frame[judgement]]
    alt = altair()
    domains = domain_order or list(dict.fromkeys(frame[domain].astype(str)))
    studies = list(dict.fromkeys(frame[study].astype(str)))
    names = list(JUDGEMENT_STYLE)
    base = alt.Chart(frame).encode(
        x=alt.X(
            f"{domain}:N",
            sort=domains,
            title=None,
            axis=alt.Axis(orient="top", labelAngle=0, labelLimit=140),
        ),
        y=alt.Y(f"{study}:N", sort=studies, title=None, axis=alt.Axis(labelLimit=260)),
    )
    dots = base.mark_circle(size=900, opacity=1).encode(
        color=alt.Color(
            f"{judgement}:N",
            scale=alt.Scale(domain=names, range=[JUDGEMENT_STYLE[n][0] for n in names]),
            legend=alt.Legend(orient="bottom", title="Judgement"),
        ),
        tooltip=[f"{study}:N", f"{domain}:N", f"{judgement}:N"],
    )
    letters = base.mark_text(fontSize=14, fontWeight="bold", color=TEXT).encode(text="letter:N")
    chart = alt.layer(dots, letters).properties(
        width=min(WIDTH, 90 * len(domains)), height=46 * len(studies), title=chart_title(title)
    )
    if description is None:
        parts = []
        for name in studies:
            sub = frame[frame[study].astype(str) == name]
            cells = ", ".join(f"{d} {j}" for d, j in zip(sub[domain], sub[judgement], strict=True))
            parts.append(f"{name}: {cells}")
        description = (
            "Risk-of-bias grid, one row per study and one column per domain; each circle shows "
            "the judgement by colour and letter (L low, S some concerns, H high). "
            + "; ".join(parts)
            + "."
        )
    return show(chart, description)


def blinding_ranges(
    df: pd.DataFrame,
    *,
    label: str = "label",
    low: str = "low",
    high: str = "high",
    group: str | None = None,
    title: str = "What the reported guesses allow for the blinding index",
    band: tuple[float, float] = (-0.2, 0.2),
    description: str | None = None,
) -> StaticChart:
    """Horizontal ranges of a blinding index, one per row, on the scale -1 to 1.

    A shaded band marks the rule-of-thumb zone of random guessing (``band``); a rule marks 0.
    Use it when a report allows only bounds (see
    :func:`coursekit.models.appraisal.bang_bounds_from_share`); a point estimate is a range
    whose ``low`` equals ``high``.
    """
    cols = [label, low, high, *([group] if group else [])]
    df = require_frame(df, "df", cols)
    frame = plain_frame(df[cols])
    for col in (low, high):
        if frame[col].isna().any() or ((frame[col] < -1) | (frame[col] > 1)).any():
            raise ValueError(f"column {col!r} must hold numbers between -1 and 1")
    if (frame[low] > frame[high]).any():
        raise ValueError(f"every {low!r} must be at most its {high!r}")
    alt = altair()
    frame["range_text"] = [
        f"{a:.2f} to {b:.2f}" for a, b in zip(frame[low], frame[high], strict=True)
    ]
    order = list(dict.fromkeys(frame[label].astype(str)))
    x = alt.X(f"{low}:Q", scale=alt.Scale(domain=[-1, 1]), title="Bang's blinding index")
    y = alt.Y(f"{label}:N", sort=order, title=None, axis=alt.Axis(labelLimit=280))
    shade = (
        alt.Chart(alt.Data(values=[{"a": band[0], "b": band[1]}]))
        .mark_rect(color="#e3e3e3")
        .encode(x=alt.X("a:Q", scale=alt.Scale(domain=[-1, 1])), x2="b:Q")
    )
    zero = alt.Chart(alt.Data(values=[{"z": 0}])).mark_rule(color=TEXT).encode(x="z:Q")
    enc = {"x": x, "x2": f"{high}:Q", "y": y}
    if group:
        groups = list(dict.fromkeys(frame[group].astype(str)))
        enc["color"] = alt.Color(
            f"{group}:N",
            scale=alt.Scale(domain=groups, range=list(PALETTE[: len(groups)])),
            legend=alt.Legend(orient="top", title=None),
        )
    bars = (
        alt.Chart(frame).mark_bar(height=16).encode(**enc, tooltip=[f"{label}:N", "range_text:N"])
    )
    text = (
        alt.Chart(frame)
        .mark_text(align="left", dx=6, color=TEXT, fontSize=13)
        .encode(x=f"{high}:Q", y=y, text="range_text:N")
    )
    chart = alt.layer(shade, zero, bars, text).properties(
        width=WIDTH, height=44 * len(order), title=chart_title(title)
    )
    if description is None:
        items = "; ".join(f"{r[label]}: {r['range_text']}" for _, r in frame.iterrows())
        description = (
            "Horizontal ranges of the blinding index on a scale from -1 (everyone guesses the "
            "opposite arm) through 0 (random guessing) to 1 (everyone guesses right); a grey "
            f"band marks {band[0]} to {band[1]}. {items}."
        )
    return show(chart, description)


def dropout_sensitivity(
    df: pd.DataFrame,
    *,
    label: str = "label",
    d: str = "d",
    published: float | None = None,
    title: str = "How the effect size moves with assumptions about missing participants",
    description: str | None = None,
) -> StaticChart:
    """Dot chart of Cohen's d under each missing-data scenario, one row per scenario.

    Values are shown as text beside each dot; ``published`` adds a labelled reference rule.
    """
    df = require_frame(df, "df", [label, d])
    frame = plain_frame(df[[label, d]])
    if frame[d].isna().any():
        raise ValueError(f"column {d!r} must hold a number in every row")
    alt = altair()
    order = list(dict.fromkeys(frame[label].astype(str)))
    frame["value_text"] = [f"{v:.2f}" for v in frame[d]]
    lo = min(0.0, float(frame[d].min()), published if published is not None else 0.0) - 0.2
    hi = max(0.0, float(frame[d].max()), published if published is not None else 0.0) + 0.2
    x = alt.X(f"{d}:Q", scale=alt.Scale(domain=[lo, hi]), title="Cohen's d (active minus control)")
    y = alt.Y(f"{label}:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    base = alt.Chart(frame)
    layers = [
        alt.Chart(alt.Data(values=[{"z": 0}])).mark_rule(color="#6b6b6b").encode(x="z:Q"),
        base.mark_point(filled=True, size=160, color=PALETTE[0]).encode(
            x=x, y=y, tooltip=[f"{label}:N", alt.Tooltip(f"{d}:Q", format=".2f")]
        ),
        base.mark_text(dy=-14, color=TEXT, fontSize=13).encode(x=x, y=y, text="value_text:N"),
    ]
    if published is not None:
        ref = alt.Chart(alt.Data(values=[{"p": published, "t": "published"}]))
        layers.append(ref.mark_rule(strokeDash=[4, 4], color=PALETTE[1]).encode(x="p:Q"))
        layers.append(
            ref.mark_text(align="left", dx=4, dy=-6, color=PALETTE[1], fontSize=12).encode(
                x="p:Q", y=alt.value(0), text="t:N"
            )
        )
    chart = alt.layer(*layers).properties(
        width=WIDTH, height=56 * len(order), title=chart_title(title)
    )
    if description is None:
        items = "; ".join(f"{r[label]}: d = {r['value_text']}" for _, r in frame.iterrows())
        extra = f" A dashed line marks the published value, {published:.2f}." if published else ""
        description = f"Dot chart of Cohen's d under each assumption. {items}.{extra}"
    return show(chart, description)
