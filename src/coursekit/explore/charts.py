"""Generic chart builders: grouped and labelled bars, timelines, published estimates."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from coursekit.explore.chartkit import (
    TEXT,
    WIDTH,
    altair,
    chart_title,
    plain_frame,
    require_frame,
)
from coursekit.explore.render import PALETTE, StaticChart, show

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "estimates_chart",
    "grouped_bars",
    "labelled_bars_chart",
    "timeline_chart",
    "timeline_frame",
]


# ---------------------------------------------------------------- grouped bars
def grouped_bars(
    df: pd.DataFrame,
    x: str,
    y: str,
    color: str,
    *,
    y_low: str | None = None,
    y_high: str | None = None,
    title: str | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    color_title: str | None = None,
    value_format: str = ".1f",
    description: str | None = None,
) -> StaticChart:
    """Grouped bar chart (e.g. trial outcomes by arm): ``x`` groups, ``color`` bars within.

    Optional ``y_low``/``y_high`` columns add error bars. Bars carry their value as
    text, and the description lists every value.
    """
    cols = [x, y, color, *(c for c in (y_low, y_high) if c)]
    df = require_frame(df, "df", cols)
    frame = plain_frame(df[cols])
    if frame[y].isna().all():
        raise ValueError(f"column {y!r} has no numbers to draw")
    alt = altair()
    x_order = list(dict.fromkeys(frame[x].astype(str)))
    c_order = list(dict.fromkeys(frame[color].astype(str)))
    base = alt.Chart(frame).encode(
        x=alt.X(
            f"{x}:N", title=x_title or x, sort=x_order, axis=alt.Axis(labelAngle=0, labelLimit=160)
        ),
        xOffset=alt.XOffset(f"{color}:N", sort=c_order),
    )
    yenc = alt.Y(f"{y}:Q", title=y_title or y)
    layers = [
        base.mark_bar().encode(
            y=yenc,
            color=alt.Color(
                f"{color}:N",
                sort=c_order,
                title=color_title or color,
                scale=alt.Scale(domain=c_order, range=list(PALETTE[: len(c_order)])),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[f"{x}:N", f"{color}:N", alt.Tooltip(f"{y}:Q", format=value_format)],
        ),
        base.mark_text(dy=-7, fontSize=12, color=TEXT).encode(
            y=yenc, text=alt.Text(f"{y}:Q", format=value_format)
        ),
    ]
    if y_low and y_high:
        layers.append(base.mark_rule(color=TEXT).encode(y=f"{y_low}:Q", y2=f"{y_high}:Q"))
    chart = alt.layer(*layers).properties(width=WIDTH, height=300)
    if title:
        chart = chart.properties(title=chart_title(title))
    if description is None:
        parts = []
        for key in x_order:
            sub = frame[frame[x].astype(str) == key]
            vals = ", ".join(
                f"{c} {format(v, value_format) if v == v else 'no value'}"
                for c, v in zip(sub[color], sub[y], strict=True)
            )
            parts.append(f"{key}: {vals}")
        description = (
            f"Grouped bar chart of {y_title or y} for each {x_title or x}, one bar per "
            f"{color_title or color}. " + "; ".join(parts) + "."
        )
    return show(chart, description)


# ---------------------------------------------------------------- timeline
_PRECISION_FORMAT = {"year": "%Y", "month": "%B %Y", "day": "%-d %B %Y"}


def timeline_frame(
    df: pd.DataFrame,
    *,
    date: str = "date",
    title: str = "title",
    group: str = "drug",
    category: str = "category",
    detail: str | None = "description",
    precision: str | None = "date_precision",
    keep: Sequence[str] = (),
) -> pd.DataFrame:
    """Tidy rows for :func:`timeline_chart`: one per event, sorted by date.

    ``when`` is the date written only as precisely as it is known (year, month or
    day, from the ``precision`` column); ``lane`` spreads close events vertically.
    Columns named in ``keep`` are carried along unchanged.
    """
    import pandas as pd

    cols = [date, title, group, category]
    df = require_frame(df, "df", [*cols, *keep])
    dates = pd.to_datetime(df[date], errors="coerce")
    if dates.isna().any():
        raise ValueError(f"column {date!r} must hold valid dates")
    if precision and precision in df.columns:
        prec = df[precision].astype(str)
    else:
        prec = pd.Series(["day"] * len(df), index=df.index)
    when = [
        d.strftime(_PRECISION_FORMAT.get(p, "%-d %B %Y")) for d, p in zip(dates, prec, strict=True)
    ]
    frame = pd.DataFrame(
        {
            "part": "event",
            "date": dates.to_numpy(),
            "when": when,
            "title": df[title].astype(str).to_numpy(),
            "group": df[group].astype(str).to_numpy(),
            "category": df[category].astype(str).to_numpy(),
            "detail": df[detail].astype(str).to_numpy() if detail in df.columns else "",
        }
    )
    for col in keep:
        frame[col] = df[col].to_numpy()
    frame = frame.sort_values("date", kind="stable", ignore_index=True)
    frame["lane"] = frame.groupby("group").cumcount() % 3
    frame["message"] = None
    return plain_frame(frame)


def _js_str(text: str) -> str:
    return json.dumps(str(text))


def timeline_chart(
    frame: pd.DataFrame,
    *,
    title: str = "Timeline",
    domain: tuple[str, str] | None = None,
    groups: Sequence[str] | None = None,
    categories: Sequence[str] | None = None,
    group_labels: Mapping[str, str] | None = None,
) -> Any:
    """Altair timeline for a :func:`timeline_frame`: one lane per group, colour and shape
    by category, details in tooltips. Rows with ``part == 'message'`` are shown as a
    centred message (used when a filter leaves no events)."""
    alt = altair()
    frame = require_frame(frame, "frame", ["part", "date", "group", "category", "message"])
    events = frame[frame["part"] == "event"]
    groups = list(groups or dict.fromkeys(events["group"]))
    categories = list(categories or sorted(set(events["category"])))
    labels = dict(group_labels or {})
    label_expr = " : ".join(
        f"datum.value == {_js_str(g)} ? {_js_str(labels.get(g, g))}" for g in groups
    )
    label_expr = f"{label_expr} : datum.value" if groups else "datum.value"
    xscale = alt.Scale(domain=list(domain)) if domain else alt.Scale()
    base = alt.Chart(frame)
    height = 70 * max(len(groups), 1) + 20
    points = (
        base.transform_filter("datum.part == 'event'")
        .mark_point(filled=True, size=130, opacity=0.9, strokeWidth=1)
        .encode(
            x=alt.X("date:T", title="Year", scale=xscale, axis=alt.Axis(format="%Y")),
            y=alt.Y(
                "group:N",
                title=None,
                sort=groups,
                scale=alt.Scale(domain=groups),
                axis=alt.Axis(labelExpr=label_expr),
            ),
            yOffset=alt.YOffset("lane:N", scale=alt.Scale(domain=[0, 1, 2])),
            color=alt.Color(
                "category:N",
                title="Category",
                scale=alt.Scale(domain=categories, range=list(PALETTE[: len(categories)])),
                legend=alt.Legend(orient="top"),
            ),
            shape=alt.Shape(
                "category:N", scale=alt.Scale(domain=categories), legend=alt.Legend(orient="top")
            ),
            tooltip=[
                alt.Tooltip("when:N", title="When"),
                alt.Tooltip("title:N", title="Event"),
                alt.Tooltip("category:N", title="Category"),
                alt.Tooltip("detail:N", title="Detail"),
            ],
        )
    )
    message = (
        base.transform_filter("datum.part == 'message'")
        .mark_text(fontSize=16, color=TEXT, lineBreak="\n")
        .encode(text="message:N", x=alt.value((WIDTH - 40) / 2), y=alt.value(height / 2))
    )
    return alt.layer(points, message).properties(
        width=WIDTH - 40, height=height, title=chart_title(title)
    )


# ---------------------------------------------------------------- published estimates
def estimates_chart(
    frame: pd.DataFrame,
    *,
    label: str = "label",
    value: str = "value",
    low: str = "low",
    high: str = "high",
    text: str = "text",
    x_title: str = "Estimate",
    domain: tuple[float, float] | None = None,
    title: str = "Published estimates",
) -> Any:
    """Altair chart of estimates that are shown as published, not pooled again.

    One row per estimate: a square at ``value``, a line from ``low`` to ``high``,
    the ``text`` beside it, and a dashed rule at zero. Use :func:`forest` instead
    when the studies themselves should be pooled.
    """
    import pandas as pd

    alt = altair()
    frame = require_frame(frame, "frame", [label, value, low, high, text])
    x_scale = alt.Scale(domain=list(domain)) if domain else alt.Undefined
    base = alt.Chart(plain_frame(frame)).encode(
        y=alt.Y(f"{label}:N", sort=None, title=None, axis=alt.Axis(labelLimit=260))
    )
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(strokeDash=[4, 4]).encode(x="x:Q")
    interval = base.mark_rule(strokeWidth=2).encode(
        x=alt.X(f"{low}:Q", title=x_title, scale=x_scale), x2=f"{high}:Q"
    )
    point = base.mark_square(size=110).encode(x=f"{value}:Q", tooltip=[f"{label}:N", f"{text}:N"])
    labels = base.mark_text(align="left", dx=6).encode(x=f"{high}:Q", text=f"{text}:N")
    return alt.layer(zero, interval, point, labels).properties(width=380, title=chart_title(title))


# ---------------------------------------------------------------- labelled bars
def labelled_bars_chart(
    frame: pd.DataFrame,
    *,
    item: str = "item",
    value: str = "value",
    text: str = "text",
    color: str = "group",
    color_order: Sequence[str] | None = None,
    item_order: Sequence[str] | None = None,
    detail: str | None = None,
    x_title: str = "Value",
    title: str = "Comparison",
    legend_title: str | None = None,
) -> Any:
    """Altair horizontal bars, each labelled with its own ``text``.

    Bars in one chart may measure different things (sessions, hours, people), so
    every bar carries its value in words; a row whose ``value`` is 0 shows only its
    label, which suits "not covered" entries. ``legend_title`` adds a colour key
    below the chart.
    """
    alt = altair()
    frame = require_frame(frame, "frame", [item, value, text, color])
    groups = list(color_order) if color_order else sorted(frame[color].unique())
    tooltip = [f"{color}:N", *([f"{detail}:N"] if detail else []), f"{text}:N"]
    base = alt.Chart(plain_frame(frame)).encode(
        y=alt.Y(
            f"{item}:N",
            title=None,
            sort=list(item_order) if item_order else None,
            axis=alt.Axis(labelLimit=190),
        ),
        color=alt.Color(
            f"{color}:N",
            sort=groups,
            scale=alt.Scale(domain=groups, range=list(PALETTE[: len(groups)])),
            title=legend_title,
            legend=alt.Legend(orient="bottom", columns=2) if legend_title else None,
        ),
        tooltip=tooltip,
    )
    bars = base.mark_bar().encode(x=alt.X(f"{value}:Q", title=x_title))
    labels = base.mark_text(align="left", dx=4).encode(
        x=f"{value}:Q", text=f"{text}:N", color=alt.value(TEXT)
    )
    return alt.layer(bars, labels).properties(width=220, title=chart_title(title))
