"""Accessible Altair charts that render the same way live and in the static book.

A chart is always shown through :func:`show`, which attaches a text description
for screen readers and returns a :class:`StaticChart`. Its display bundle holds
only the Vega-Lite specification:

* in JupyterLab the built-in Vega-Lite renderer draws it;
* in the built book the myst-nb plugin :class:`VegaLiteMimeRenderer` turns it
  into a ``<figure class="ck-chart">`` that the shared local script
  ``coursekit-charts.js`` draws with the shared local Vega files.

No chart ever loads anything from the network.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt
    import pandas as pd

    from coursekit import stats

__all__ = [
    "CLUSTER_NAMES",
    "PALETTE",
    "VEGALITE_MIME",
    "StaticChart",
    "VegaLiteMimeRenderer",
    "comparison",
    "dropout_effect",
    "effect_size_chart",
    "enable_theme",
    "estimates_chart",
    "forest",
    "forest_chart",
    "forest_frame",
    "funnel",
    "grouped_bars",
    "labelled_bars_chart",
    "learning_chart",
    "pcl5_chart",
    "pk_chart",
    "route_chart",
    "show",
    "static_html",
    "theme",
    "timeline",
    "timeline_chart",
    "timeline_frame",
]

VEGALITE_MIME = "application/vnd.vegalite.v5+json"

#: Okabe–Ito palette: distinguishable with the common forms of colour-vision deficiency.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow (use for fills only, never for text)
)

_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def theme() -> dict[str, Any]:
    """Return the course's Vega-Lite config: colour-blind-safe palette, readable sizes."""
    text = "#1a1a1a"
    return {
        "config": {
            "font": _FONT,
            "background": "white",
            "view": {"stroke": None, "continuousWidth": 520, "continuousHeight": 300},
            "range": {"category": list(PALETTE)},
            "mark": {"color": PALETTE[0]},
            "axis": {
                "labelFontSize": 13,
                "titleFontSize": 14,
                "labelColor": text,
                "titleColor": text,
                "gridColor": "#e3e3e3",
                "domainColor": "#6b6b6b",
                "tickColor": "#6b6b6b",
            },
            "legend": {
                "labelFontSize": 13,
                "titleFontSize": 14,
                "labelColor": text,
                "titleColor": text,
                "symbolSize": 120,
            },
            "header": {"labelFontSize": 13, "titleFontSize": 14},
            "title": {"fontSize": 16, "color": text, "anchor": "start", "subtitleColor": text},
            "text": {"fontSize": 13, "color": text},
        }
    }


_THEME_NAME = "coursekit"
_theme_enabled = False


def enable_theme() -> None:
    """Register and enable the course theme in Altair (idempotent)."""
    global _theme_enabled
    if _theme_enabled:
        return
    import altair as alt

    alt.theme.register(_THEME_NAME, enable=True)(theme)
    _theme_enabled = True


def _json_for_script(spec: dict[str, Any]) -> str:
    """Serialise ``spec`` so it cannot close or confuse the surrounding ``<script>`` element."""
    text = json.dumps(spec, separators=(",", ":"), sort_keys=True, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def static_html(spec: dict[str, Any]) -> str:
    """Return the static-book markup for a Vega-Lite ``spec``.

    The figure carries the specification as inert JSON and a visible text
    description; ``coursekit-charts.js`` (shipped once per site) draws it.
    """
    description = str(spec.get("description") or "").strip()
    if not description:
        raise ValueError("chart spec needs a non-empty 'description' for screen readers")
    payload = _json_for_script(spec)
    ident = "ck-chart-" + hashlib.sha1(payload.encode()).hexdigest()[:10]
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    label = html.escape(str(title or "Interactive chart"))
    return (
        f'<figure class="ck-chart" id="{ident}" data-ck-chart="vega-lite">'
        f'<div class="ck-chart-view" aria-describedby="{ident}-desc">'
        f'<p class="ck-chart-fallback">{label}: the interactive chart needs JavaScript. '
        "Its description follows.</p></div>"
        f'<figcaption class="ck-chart-desc" id="{ident}-desc">'
        f'<span class="ck-chart-desc-label">Chart description: </span>{html.escape(description)}'
        "</figcaption>"
        f'<script type="application/json" class="ck-chart-spec">{payload}</script>'
        "</figure>"
    )


@dataclass(frozen=True)
class StaticChart:
    """A Vega-Lite chart with its text description, displayable live and statically."""

    spec: dict[str, Any] = field(repr=False)
    description: str

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {VEGALITE_MIME: self.spec, "text/plain": f"Chart: {self.description}"}

    def to_html(self) -> str:
        """Return the static-book markup (see :func:`static_html`)."""
        return static_html(self.spec)

    @property
    def data_bytes(self) -> int:
        """Size in bytes of the serialised specification, embedded data included."""
        return len(json.dumps(self.spec, separators=(",", ":")).encode())


def show(
    chart: alt.TopLevelMixin | dict[str, Any], description: str, *, validate: bool = True
) -> StaticChart:
    """Attach ``description`` to ``chart`` and return it ready for display.

    ``description`` is required and becomes the chart's text alternative: it is
    the Vega ``description`` (read by screen readers from the SVG) and a visible
    caption in the static book. ``validate=False`` skips Altair's schema check;
    live redraws use it because the same builder was validated when the static
    version was made.
    """
    if not isinstance(description, str) or not description.strip():
        raise ValueError("description must be a non-empty sentence describing the chart")
    if isinstance(chart, dict):
        spec = dict(chart)
    else:
        enable_theme()
        spec = chart.to_dict(validate=validate)
    spec["description"] = description.strip()
    return StaticChart(spec=spec, description=description.strip())


class VegaLiteMimeRenderer:
    """myst-nb plugin: render Vega-Lite outputs as static-book figures.

    Registered through the ``myst_nb.mime_renderers`` entry point. Chart outputs
    have no ``text/html`` of their own, so JupyterLab shows them with its native
    Vega-Lite renderer while the book gets markup for the shared local script.
    """

    mime_priority_overrides: ClassVar[list[tuple[str, str, int | None]]] = [
        ("html", VEGALITE_MIME, 5),
        ("dirhtml", VEGALITE_MIME, 5),
        ("singlehtml", VEGALITE_MIME, 5),
    ]

    @staticmethod
    def handle_mime(renderer: Any, data: Any, inline: bool) -> list[Any] | None:
        """Return a raw-HTML docutils node for a Vega-Lite output, else ``None``."""
        if inline or data.mime_type != VEGALITE_MIME:
            return None
        from docutils import nodes

        spec = data.content if isinstance(data.content, dict) else json.loads(data.content)
        return [nodes.raw("", static_html(spec), format="html", classes=["output", "ck-output"])]


# ================================================================ chart builders
# Each public builder takes plain data (a DataFrame or a result object), returns a
# :class:`StaticChart` with a text description written from the data, and embeds
# only the rows it draws. The ``*_chart`` functions return the Altair chart for a
# tidy frame; the explorers in :mod:`coursekit.widgets` use them for both the
# static and the live version.

#: Colours of the DSM-5 symptom clusters (PCL-5 / CAPS-5).
CLUSTER_NAMES: dict[str, str] = {
    "B": "B: intrusion",
    "C": "C: avoidance",
    "D": "D: cognition and mood",
    "E": "E: arousal and reactivity",
}
_TEXT = "#1a1a1a"
_MUTED = "#6b6b6b"
_WIDTH = 520


def _alt() -> Any:
    import altair as alt

    enable_theme()
    return alt


def _wrap(text: str, width: int = 92) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=width) or [text]


def _title(text: str, subtitle: str | Sequence[str] | None = None) -> Any:
    alt = _alt()
    if subtitle is None:
        return alt.TitleParams(text)
    lines = _wrap(subtitle) if isinstance(subtitle, str) else list(subtitle)
    return alt.TitleParams(text, subtitle=lines, subtitleFontSize=13)


def _require_frame(df: object, name: str, columns: Sequence[str]) -> pd.DataFrame:
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{name} is missing column(s) {', '.join(map(repr, missing))}")
    if df.empty:
        raise ValueError(f"{name} must contain at least one row")
    return df


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Copy with numpy dtypes only (nullable pandas types become float/object with None)."""
    import numpy as np
    import pandas as pd

    df = df.loc[:, ~df.columns.duplicated()]  # a column may serve two channels
    out = {}
    for col in df.columns:
        s = df[col].reset_index(drop=True)
        if pd.api.types.is_bool_dtype(s.dtype) and s.isna().any():
            out[col] = s.astype(object).where(s.notna(), None)
        elif pd.api.types.is_bool_dtype(s.dtype):
            out[col] = s.astype(bool)
        elif pd.api.types.is_numeric_dtype(s.dtype):
            out[col] = s.to_numpy(dtype=float, na_value=np.nan)
        elif pd.api.types.is_datetime64_any_dtype(s.dtype):
            out[col] = s
        else:
            out[col] = s.astype(object).where(s.notna(), None)
    return pd.DataFrame(out, index=range(len(df)))


def _fmt(x: float | None, digits: int = 2) -> str:
    if x is None or x != x:
        return "n/a"
    return f"{x:.{digits}f}"


def _text_panel(base: Any, field: str, lines: int, width: int = _WIDTH) -> Any:
    """A text-only view showing the (single) value of ``field``, line breaks kept."""
    alt = _alt()
    return (
        base.transform_aggregate(groupby=[field])
        .mark_text(align="left", baseline="top", lineBreak="\n", fontSize=14, lineHeight=20)
        .encode(text=alt.Text(f"{field}:N"), x=alt.value(0), y=alt.value(2))
        .properties(width=width, height=lines * 20 + 6)
    )


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

    from coursekit import stats

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
    return _plain(frame)


def forest_chart(
    frame: pd.DataFrame, *, title: str = "Forest plot", x_title: str = "Effect size"
) -> Any:
    """Altair forest plot for a :func:`forest_frame`: study labels, squares sized by
    weight with CI lines, the pooled diamond, a dashed prediction-interval line, the
    estimates as text and the results in words."""
    alt = _alt()
    frame = _require_frame(frame, "frame", ["part", "label", "pos", "summary"])
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
        .mark_rule(color=_MUTED, strokeWidth=1, aria=False)
        .encode(x=alt.datum(0))
    )
    lines = studies.mark_rule(color=_TEXT, strokeWidth=1.5).encode(
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
        _text_panel(base, "summary", lines=4, width=620),
        title=_title(title),
    )


def forest(
    meta: stats.MetaResult | pd.DataFrame,
    effects: Sequence[float] | None = None,
    variances: Sequence[float] | None = None,
    *,
    label: str = "label",
    effect: str = "effect",
    variance: str = "variance",
    method: str = "DL",
    title: str = "Forest plot",
    x_title: str = "Effect size",
    description: str | None = None,
) -> StaticChart:
    """Forest plot: per-study squares and CIs, pooled diamond, prediction-interval line.

    Pass a :class:`~coursekit.stats.MetaResult` with the ``effects`` and
    ``variances`` it pooled, or a DataFrame with ``label``, ``effect`` and
    ``variance`` columns (pooled here with ``method``).
    """
    import pandas as pd

    from coursekit import stats

    if isinstance(meta, pd.DataFrame):
        df = _require_frame(meta, "meta", [label, effect, variance])
        effects, variances = df[effect].tolist(), df[variance].tolist()
        meta = stats.meta_analysis(effects, variances, df[label].astype(str).tolist(), method)
    elif effects is None or variances is None:
        raise ValueError("effects and variances are needed with a MetaResult")
    frame = forest_frame(meta, effects, variances)
    if description is None:
        summary = str(frame["summary"].iloc[0]).replace("\n", " ")
        studies = "; ".join(
            f"{r.label} {r.text}" for r in frame[frame["part"] == "study"].itertuples()
        )
        description = (
            f"Forest plot of {meta.k} studies ({x_title}): each study's estimate is a square "
            f"sized by its weight, with a line for its confidence interval; the pooled "
            f"estimate is a diamond. {studies}. {summary}"
        )
    return show(forest_chart(frame, title=title, x_title=x_title), description)


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

    from coursekit import stats
    from coursekit._checks import require_confidence, require_positive

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
    frame = _plain(pd.DataFrame(rows))
    alt = _alt()
    base = alt.Chart(frame)
    yenc = alt.Y(
        "se:Q",
        title="Standard error (less precise studies lower down)",
        scale=alt.Scale(reverse=True, domain=[0, top], nice=False),
    )
    chart = alt.layer(
        base.transform_filter("datum.part == 'limit'")
        .mark_line(color=_MUTED, strokeDash=[5, 4])
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
    ).properties(title=_title(title), width=_WIDTH, height=320)
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
    df = _require_frame(df, "df", cols)
    frame = _plain(df[cols])
    if frame[y].isna().all():
        raise ValueError(f"column {y!r} has no numbers to draw")
    alt = _alt()
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
        base.mark_text(dy=-7, fontSize=12, color=_TEXT).encode(
            y=yenc, text=alt.Text(f"{y}:Q", format=value_format)
        ),
    ]
    if y_low and y_high:
        layers.append(base.mark_rule(color=_TEXT).encode(y=f"{y_low}:Q", y2=f"{y_high}:Q"))
    chart = alt.layer(*layers).properties(width=_WIDTH, height=300)
    if title:
        chart = chart.properties(title=_title(title))
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
    df = _require_frame(df, "df", [*cols, *keep])
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
    return _plain(frame)


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
    alt = _alt()
    frame = _require_frame(frame, "frame", ["part", "date", "group", "category", "message"])
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
        .mark_text(fontSize=16, color=_TEXT, lineBreak="\n")
        .encode(text="message:N", x=alt.value((_WIDTH - 40) / 2), y=alt.value(height / 2))
    )
    return alt.layer(points, message).properties(
        width=_WIDTH - 40, height=height, title=_title(title)
    )


def _js_str(text: str) -> str:
    return json.dumps(str(text))


def timeline(
    df: pd.DataFrame,
    *,
    date: str = "date",
    label: str = "title",
    group: str = "drug",
    category: str = "category",
    detail: str | None = "description",
    precision: str | None = "date_precision",
    title: str = "Timeline",
    group_labels: Mapping[str, str] | None = None,
    description: str | None = None,
) -> StaticChart:
    """Timeline of dated events (e.g. ``data.load("timeline")``): one lane per ``group``,
    colour and shape by ``category``, details in tooltips."""
    frame = timeline_frame(
        df,
        date=date,
        title=label,
        group=group,
        category=category,
        detail=detail,
        precision=precision,
    )
    labels = group_labels or {"mdma": "MDMA", "ketamine": "Ketamine"}
    chart = timeline_chart(frame, title=title, group_labels=labels)
    if description is None:
        first, last = frame["when"].iloc[0], frame["when"].iloc[-1]
        counts = frame["category"].value_counts()
        cats = ", ".join(f"{n} {c}" for c, n in counts.items())
        items = "; ".join(f"{w}: {t}" for w, t in zip(frame["when"], frame["title"], strict=True))
        description = (
            f"Timeline of {len(frame)} events from {first} to {last} ({cats}), one row per "
            f"{group}. In date order: {items}."
        )
    return show(chart, description)


# ---------------------------------------------------------------- dropout vs effect
def dropout_effect(
    df: pd.DataFrame,
    *,
    label: str = "label",
    dropout: str = "dropout_pct",
    effect: str = "effect_size",
    group: str | None = None,
    title: str = "Dropout and effect size",
    x_title: str = "Dropout (%)",
    y_title: str = "Effect size",
    description: str | None = None,
) -> StaticChart:
    """Scatter of dropout against effect size, one point per treatment or trial.

    A drop-down (keyboard accessible) or a click highlights one point and shows its
    label; the others fade. Colour and shape show ``group`` when given.
    """
    cols = [label, dropout, effect, *([group] if group else [])]
    df = _require_frame(df, "df", cols)
    frame = _plain(df[cols]).dropna(subset=[dropout, effect]).reset_index(drop=True)
    if frame.empty:
        raise ValueError(f"df has no rows with both {dropout!r} and {effect!r}")
    alt = _alt()
    names = [str(v) for v in frame[label]]
    pick = alt.selection_point(
        name="highlight",
        fields=[label],
        on="click",
        clear="dblclick",
        bind=alt.binding_select(
            options=[None, *names], labels=["(none)", *names], name="Highlight "
        ),
    )
    enc: dict[str, Any] = {
        "x": alt.X(f"{dropout}:Q", title=x_title, scale=alt.Scale(zero=True)),
        "y": alt.Y(f"{effect}:Q", title=y_title),
        "tooltip": [
            f"{label}:N",
            alt.Tooltip(f"{dropout}:Q", format=".1f"),
            alt.Tooltip(f"{effect}:Q", format=".2f"),
        ],
        "opacity": alt.condition(pick, alt.value(1.0), alt.value(0.3)),
    }
    if group:
        order = list(dict.fromkeys(frame[group].astype(str)))
        enc["color"] = alt.Color(
            f"{group}:N",
            scale=alt.Scale(domain=order, range=list(PALETTE[: len(order)])),
            legend=alt.Legend(orient="top"),
        )
        enc["shape"] = alt.Shape(f"{group}:N", scale=alt.Scale(domain=order))
    base = alt.Chart(frame)
    points = base.mark_point(filled=True, size=160).encode(**enc).add_params(pick)
    names_layer = base.mark_text(align="left", dx=9, dy=-9, fontSize=13, color=_TEXT).encode(
        x=f"{dropout}:Q",
        y=f"{effect}:Q",
        text=f"{label}:N",
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.0), empty=False),
    )
    chart = alt.layer(points, names_layer).properties(width=_WIDTH, height=320, title=_title(title))
    if description is None:
        items = "; ".join(
            f"{r[label]}: dropout {r[dropout]:.1f}%, effect {r[effect]:.2f}"
            for _, r in frame.iterrows()
        )
        description = (
            f"Scatter plot of {x_title.lower()} (across) against {y_title.lower()} (up) for "
            f"{len(frame)} entries; choose one in the list to highlight it. {items}."
        )
    return show(chart, description)


# ---------------------------------------------------------------- comparison grid
def comparison(
    df: pd.DataFrame,
    *,
    treatment: str = "treatment",
    dimension: str = "dimension",
    value: str = "value",
    score: str | None = None,
    title: str = "Side-by-side comparison",
    description: str | None = None,
) -> StaticChart:
    """Side-by-side comparison of treatments on several dimensions.

    ``df`` is tidy (``treatment``, ``dimension``, ``value`` text and an optional
    numeric ``score`` that shades the cell) or wide (one row per treatment, one
    column per dimension, no ``dimension`` column). Long texts can use ``\\n``.
    """
    import pandas as pd

    df = _require_frame(df, "df", [treatment])
    if dimension not in df.columns:
        dims = [c for c in df.columns if c != treatment]
        if not dims:
            raise ValueError("df needs dimension columns besides the treatment column")
        df = df.melt(id_vars=[treatment], value_vars=dims, var_name=dimension, value_name=value)
    cols = [treatment, dimension, value, *([score] if score else [])]
    df = _require_frame(df, "df", cols)
    frame = _plain(df[cols])
    frame[value] = [("" if v is None else str(v)) for v in frame[value]]
    t_order = list(dict.fromkeys(frame[treatment].astype(str)))
    d_order = list(dict.fromkeys(frame[dimension].astype(str)))
    longest = max((len(line) for v in frame[value] for line in v.split("\n")), default=10)
    cell = max(120, min(240, 8 * longest))
    lines = max((v.count("\n") + 1 for v in frame[value]), default=1)
    alt = _alt()
    base = alt.Chart(frame).encode(
        x=alt.X(
            f"{treatment}:N",
            sort=t_order,
            title=None,
            axis=alt.Axis(orient="top", labelAngle=0, labelFontWeight="bold", labelLimit=cell),
        ),
        y=alt.Y(f"{dimension}:N", sort=d_order, title=None, axis=alt.Axis(labelLimit=220)),
    )
    if score:
        lo = float(pd.to_numeric(frame[score]).min())
        hi = float(pd.to_numeric(frame[score]).max())
        mid = lo + 0.45 * (hi - lo)
        rect = base.mark_rect(stroke="white", strokeWidth=2).encode(
            color=alt.Color(
                f"{score}:Q",
                scale=alt.Scale(scheme="blues", domain=[lo, hi]),
                legend=alt.Legend(title=score, orient="bottom"),
            ),
        )
        text_color = alt.condition(
            f"datum[{_js_str(score)}] > {mid}", alt.value("white"), alt.value(_TEXT)
        )
    else:
        rect = base.mark_rect(stroke="white", strokeWidth=2, color="#eef2f6")
        text_color = alt.value(_TEXT)
    text = base.mark_text(fontSize=13, lineBreak="\n", limit=cell - 8).encode(
        text=f"{value}:N",
        color=text_color,
        tooltip=[f"{treatment}:N", f"{dimension}:N", f"{value}:N"],
    )
    chart = alt.layer(rect, text).properties(
        width=alt.Step(cell), height=alt.Step(20 * lines + 18), title=_title(title)
    )
    if description is None:
        parts = []
        for t in t_order:
            sub = frame[frame[treatment].astype(str) == t]
            cells = ", ".join(
                f"{d}: {v.replace(chr(10), ' ')}"
                for d, v in zip(sub[dimension], sub[value], strict=True)
            )
            parts.append(f"{t} ({cells})")
        description = (
            f"Comparison table of {len(t_order)} treatments on {len(d_order)} dimensions. "
            + "; ".join(parts)
            + "."
        )
    return show(chart, description)


# ---------------------------------------------------------------- explorer charts
def effect_size_chart(frame: pd.DataFrame) -> Any:
    """Two normal curves (control and treatment), their overlap shaded, the means
    marked, and the overlap statistics in words (frame from
    :func:`coursekit.widgets.effect_size_frame`)."""
    alt = _alt()
    frame = _require_frame(
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
    area = base.mark_area(color="#9a9a9a", opacity=0.35).encode(
        x=x, y=alt.Y("overlap_density:Q", title="Density")
    )
    curves = (
        base.transform_fold(["control", "treatment"], as_=["key", "density"])
        .transform_calculate(group="datum.key == 'control' ? 'Control group' : 'Treatment group'")
        .mark_line(strokeWidth=2.5)
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
    plot = alt.layer(area, curves, rules).properties(width=_WIDTH, height=260)
    return alt.vconcat(
        plot,
        _text_panel(base, "summary", lines=4),
        title=_title("How far apart is an effect of size d?"),
    )


def pk_chart(frame: pd.DataFrame, *, y_max: float | None = None) -> Any:
    """Teaching concentration–time curves for the MDMA split-dose regimen (frame from
    :func:`coursekit.widgets.pk_frame`); the teaching notice is the subtitle."""
    from coursekit.pharmacology import TEACHING_NOTICE

    alt = _alt()
    frame = _require_frame(frame, "frame", ["part", "series", "time_h", "concentration", "summary"])
    series = ["Initial dose + supplement", "Initial dose only"]
    base = alt.Chart(frame)
    x = alt.X("time_h:Q", title="Hours after the first dose", scale=alt.Scale(nice=False))
    yscale = alt.Scale(domain=[0, y_max]) if y_max else alt.Scale()
    curves = (
        base.transform_filter("datum.part == 'curve'")
        .mark_line(strokeWidth=2.5)
        .encode(
            x=x,
            y=alt.Y("concentration:Q", title="Model concentration (ng/mL)", scale=yscale),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=series, range=[PALETTE[1], PALETTE[0]]),
                legend=alt.Legend(orient="top", labelLimit=320, symbolStrokeWidth=2.5),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                title=None,
                scale=alt.Scale(domain=series, range=[[1, 0], [6, 4]]),
                legend=alt.Legend(orient="top", labelLimit=320, symbolStrokeWidth=2.5),
            ),
        )
    )
    doses = base.transform_filter("datum.part == 'dose'")
    markers = alt.layer(
        doses.mark_rule(color=_MUTED, strokeDash=[2, 3]).encode(x="time_h:Q"),
        doses.mark_point(shape="triangle-up", filled=True, size=140, color=_TEXT).encode(
            x="time_h:Q",
            y=alt.datum(0),
            tooltip=[alt.Tooltip("dose_label:N", title="Dose")],
        ),
    )
    plot = alt.layer(curves, markers).properties(width=_WIDTH, height=280)
    return alt.vconcat(
        plot,
        _text_panel(base, "summary", lines=4),
        title=_title("MDMA split-dose regimen: a teaching model", TEACHING_NOTICE),
    )


def route_chart(frame: pd.DataFrame) -> Any:
    """Ketamine route curves (selected route against intravenous) and the relative
    exposure of every route for the same dose (frame from
    :func:`coursekit.widgets.route_frame`)."""
    from coursekit.pharmacology import TEACHING_NOTICE

    alt = _alt()
    frame = _require_frame(
        frame, "frame", ["part", "series", "role", "time_h", "amount", "route", "exposure"]
    )
    base = alt.Chart(frame)
    curves = (
        base.transform_filter("datum.part == 'curve'")
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X(
                "time_h:Q",
                title="Hours after the dose",
                scale=alt.Scale(nice=False),
                axis=alt.Axis(values=list(range(0, 9)), format="d"),
            ),
            y=alt.Y("amount:Q", title="Model amount in the body (mg)"),
            color=alt.Color(
                "series:N",
                title=None,
                sort=alt.EncodingSortField("order", op="min"),
                scale=alt.Scale(range=[PALETTE[1], _TEXT]),
                legend=alt.Legend(orient="top", labelLimit=400),
            ),
            strokeDash=alt.StrokeDash(
                "role:N",
                scale=alt.Scale(domain=["selected", "reference"], range=[[1, 0], [6, 4]]),
                legend=None,
            ),
        )
        .properties(width=_WIDTH, height=240)
    )
    bars = base.transform_filter("datum.part == 'bar'")
    route_order = ["intravenous", "intramuscular", "intranasal", "sublingual", "oral"]
    yb = alt.Y("route:N", title=None, sort=route_order)
    exposure = alt.layer(
        bars.mark_bar(height=18).encode(
            x=alt.X("exposure:Q", title="Relative exposure: mg reaching the circulation"),
            y=yb,
            color=alt.condition("datum.selected", alt.value(PALETTE[1]), alt.value("#8c8c8c")),
            tooltip=[
                alt.Tooltip("route:N", title="Route"),
                alt.Tooltip("f_text:N", title="Bioavailability"),
                alt.Tooltip("exposure:Q", title="Exposure (mg)", format=".1f"),
            ],
        ),
        bars.transform_filter("isValid(datum.exposure_low)")
        .mark_rule(color=_TEXT, strokeWidth=1.5)
        .encode(x="exposure_low:Q", x2="exposure_high:Q", y=yb),
        bars.mark_text(align="left", dx=6, fontSize=12, color=_TEXT).encode(
            x="exposure_high:Q", y=yb, text="f_text:N"
        ),
    ).properties(width=_WIDTH, height=alt.Step(26))
    return alt.vconcat(
        curves,
        exposure,
        _text_panel(base, "summary", lines=4),
        title=_title(
            "Ketamine: the same dose by different routes (teaching model)", TEACHING_NOTICE
        ),
    )


def learning_chart(frame: pd.DataFrame) -> Any:
    """Modelled response trial by trial through acquisition, extinction and test, with
    the phases shaded and labelled (frame from :func:`coursekit.widgets.learning_frame`)."""
    alt = _alt()
    frame = _require_frame(frame, "frame", ["trial", "response", "phase", "context", "summary"])
    phases = ["acquisition", "extinction", "test"]
    base = alt.Chart(frame)
    spans = base.transform_aggregate(
        start="min(trial)", end="max(trial)", groupby=["phase", "context"]
    ).transform_calculate(
        x1="datum.start - 0.5",
        x2="datum.end + 0.5",
        mid="(datum.start + datum.end) / 2",
        label="upper(slice(datum.phase, 0, 1)) + slice(datum.phase, 1) + '\\ncontext ' "
        "+ datum.context",
    )
    x = alt.X("trial:Q", title="Trial", scale=alt.Scale(nice=False))
    shading = spans.mark_rect(opacity=0.14).encode(
        x=alt.X("x1:Q", title="Trial", scale=alt.Scale(nice=False)),
        x2="x2:Q",
        color=alt.Color(
            "phase:N",
            scale=alt.Scale(domain=phases, range=[PALETTE[4], PALETTE[5], PALETTE[2]]),
            legend=None,
        ),
    )
    labels = spans.mark_text(baseline="top", fontSize=12, lineBreak="\n", color=_TEXT).encode(
        x="mid:Q", y=alt.value(6), text="label:N"
    )
    y = alt.Y(
        "response:Q",
        title="Modelled fear response",
        scale=alt.Scale(domain=[0, 1.25], nice=False),
        axis=alt.Axis(values=[0, 0.2, 0.4, 0.6, 0.8, 1.0], format=".1f"),
    )
    line = base.mark_line(color=PALETTE[0], strokeWidth=2.5).encode(x=x, y=y)
    dots = base.mark_point(color=PALETTE[0], filled=True, size=28).encode(
        x=x,
        y=y,
        tooltip=[
            alt.Tooltip("trial:Q", title="Trial"),
            alt.Tooltip("phase:N", title="Phase"),
            alt.Tooltip("context:N", title="Context"),
            alt.Tooltip("response:Q", title="Response", format=".2f"),
        ],
    )
    plot = alt.layer(shading, labels, line, dots).properties(width=_WIDTH, height=280)
    return alt.vconcat(
        plot,
        _text_panel(base, "summary", lines=3),
        title=_title("Fear learning, extinction and renewal: a teaching model"),
    )


def pcl5_chart(frame: pd.DataFrame) -> Any:
    """PCL-5 item profile coloured by cluster, the total split into cluster subtotals
    against the cut-point, and the verdicts in words (frame from
    :func:`coursekit.widgets.pcl5_frame`)."""
    alt = _alt()
    frame = _require_frame(
        frame, "frame", ["part", "item", "rating", "cluster_name", "subtotal", "cutpoint"]
    )
    names = list(CLUSTER_NAMES.values())
    color = alt.Color(
        "cluster_name:N",
        title="Cluster",
        scale=alt.Scale(domain=names, range=list(PALETTE[:4])),
        legend=alt.Legend(orient="top", columns=2, labelLimit=260),
    )
    base = alt.Chart(frame)
    items = base.transform_filter("datum.part == 'item'")
    profile = alt.layer(
        items.mark_bar().encode(
            x=alt.X("item:O", title="PCL-5 item", axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "rating:Q",
                title="Rating (0 not at all to 4 extremely)",
                scale=alt.Scale(domain=[0, 4]),
                axis=alt.Axis(values=[0, 1, 2, 3, 4]),
            ),
            color=color,
            tooltip=[
                alt.Tooltip("item:O", title="Item"),
                alt.Tooltip("cluster_name:N", title="Cluster"),
                alt.Tooltip("rating:Q", title="Rating"),
            ],
        ),
        items.transform_filter("datum.item == 1")
        .mark_rule(color=_TEXT, strokeDash=[5, 4], aria=False)
        .encode(y=alt.datum(2)),
        items.transform_filter("datum.item == 20")
        .mark_text(align="left", baseline="middle", lineBreak="\n", fontSize=12, color=_TEXT)
        .encode(x=alt.value(_WIDTH + 6), y=alt.datum(2), text=alt.value("2 or more:\nendorsed")),
    ).properties(width=_WIDTH, height=200)
    clusters = base.transform_filter("datum.part == 'cluster'")
    xt = alt.X(
        "subtotal:Q",
        title="Total score (0 to 80), split by cluster",
        scale=alt.Scale(domain=[0, 80]),
    )
    totals = alt.layer(
        clusters.mark_bar(height=26).encode(
            x=xt,
            color=color,
            order=alt.Order("cluster:O"),
            tooltip=[
                alt.Tooltip("cluster_name:N", title="Cluster"),
                alt.Tooltip("subtotal:Q", title="Subtotal"),
            ],
        ),
        clusters.transform_aggregate(groupby=["cutpoint"])
        .mark_rule(color=_TEXT, strokeWidth=2.5)
        .encode(x="cutpoint:Q"),
        clusters.transform_aggregate(groupby=["cutpoint"])
        .transform_calculate(label="'cut-point ' + datum.cutpoint")
        .mark_text(align="left", baseline="top", dx=4, dy=-24, fontSize=12, color=_TEXT)
        .encode(x="cutpoint:Q", text="label:N"),
    ).properties(width=_WIDTH, height=34)
    return alt.vconcat(
        profile,
        totals,
        _text_panel(base, "summary", lines=4, width=_WIDTH + 100),
        title=_title("Scoring a PCL-5 (fictional respondents)"),
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

    alt = _alt()
    frame = _require_frame(frame, "frame", [label, value, low, high, text])
    x_scale = alt.Scale(domain=list(domain)) if domain else alt.Undefined
    base = alt.Chart(_plain(frame)).encode(
        y=alt.Y(f"{label}:N", sort=None, title=None, axis=alt.Axis(labelLimit=260))
    )
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(strokeDash=[4, 4]).encode(x="x:Q")
    interval = base.mark_rule(strokeWidth=2).encode(
        x=alt.X(f"{low}:Q", title=x_title, scale=x_scale), x2=f"{high}:Q"
    )
    point = base.mark_square(size=110).encode(x=f"{value}:Q", tooltip=[f"{label}:N", f"{text}:N"])
    labels = base.mark_text(align="left", dx=6).encode(x=f"{high}:Q", text=f"{text}:N")
    return alt.layer(zero, interval, point, labels).properties(width=380, title=_title(title))


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
    alt = _alt()
    frame = _require_frame(frame, "frame", [item, value, text, color])
    groups = list(color_order) if color_order else sorted(frame[color].unique())
    tooltip = [f"{color}:N", *([f"{detail}:N"] if detail else []), f"{text}:N"]
    base = alt.Chart(_plain(frame)).encode(
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
        x=f"{value}:Q", text=f"{text}:N", color=alt.value(_TEXT)
    )
    return alt.layer(bars, labels).properties(width=220, title=_title(title))
