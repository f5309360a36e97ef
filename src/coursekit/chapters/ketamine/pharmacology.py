"""Chapter 3 (ketamine), page 02-pharmacology: the routes-of-administration explorer and the
page's figures (bioavailability by route, half-life, example exposures)."""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Any

from coursekit.explore.chartkit import (
    PALETTE,
    TEXT,
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
    import pandas as pd

__all__ = [
    "EXAMPLE_DOSE_MG",
    "PARAMETER_SET",
    "ROUTE_NAMES",
    "half_life_h",
    "pharmacology_figures",
    "route_chart",
    "route_explorer",
    "route_frame",
    "route_parts",
    "routes",
]


# ---------------------------------------------------------------- ketamine routes
ROUTE_NAMES: dict[str, str] = {
    "intravenous": "iv",
    "intramuscular": "im",
    "intranasal": "intranasal",
    "sublingual": "sublingual",
    "oral": "oral",
}


PARAMETER_SET = "ketamine_elimination"

#: The dose the page's worked example and the routes explorer use (a teaching example, not a
#: dose for real use); the glue names ``ket_*_exposure_50`` refer to it.
EXAMPLE_DOSE_MG = 50.0


@functools.cache
def routes() -> dict[str, Any]:
    """The teaching routes (short key -> :class:`coursekit.models.pk.Route`), from ``pk_routes``."""
    from coursekit.evidence.lookup import pk_routes

    return pk_routes(PARAMETER_SET)


@functools.cache
def half_life_h() -> float:
    """The single decay half-life the route curves use, from ``pk_parameters``."""
    from coursekit.evidence.lookup import pk_parameters

    return pk_parameters(PARAMETER_SET).half_life_h


def pharmacology_figures() -> dict[str, float]:
    """Figures for page 02-pharmacology, glue name -> value, all read from the datasets.

    ``ket_f_<route>``, ``ket_f_<route>_low`` and ``ket_f_<route>_high``: bioavailability in
    percent for each route of :func:`routes` (``iv``, ``im``, ``intranasal``, ``sublingual``,
    ``oral``); ``ket_half_life``: the teaching model's half-life in hours;
    ``ket_oral_exposure_50`` and ``ket_iv_exposure_50``: relative exposure in mg for
    :data:`EXAMPLE_DOSE_MG` by mouth and intravenously (teaching model).
    """
    from coursekit.models import pk

    table = routes()
    figures: dict[str, float] = {}
    for key, route in table.items():
        figures[f"ket_f_{key}"] = 100 * float(route.bioavailability)
        figures[f"ket_f_{key}_low"] = 100 * float(route.low)
        figures[f"ket_f_{key}_high"] = 100 * float(route.high)
    figures["ket_half_life"] = float(half_life_h())
    for key in ("oral", "iv"):
        exposure = pk.route_exposure(EXAMPLE_DOSE_MG, table[key])
        figures[f"ket_{key}_exposure_50"] = float(exposure)
    return figures


def _percent_range(route: Any) -> str:
    if route.low == route.high:
        return f"{route.bioavailability:.0%}"
    return f"{route.bioavailability:.0%} ({route.low:.0%}–{route.high:.0%})"


def route_frame(route: str = "intranasal", dose_mg: float = EXAMPLE_DOSE_MG) -> pd.DataFrame:
    """Teaching curves and relative exposure for ketamine by ``route`` (a name in
    :data:`ROUTE_NAMES`) at ``dose_mg``; teaching model only, not a dosing tool.

    ``part == 'curve'`` rows hold :func:`coursekit.models.pk.route_curve` for the
    route and for the intravenous reference; ``part == 'bar'`` rows hold
    :func:`coursekit.models.pk.route_exposure` for every route, with the exposure
    at the low and high ends of the reported bioavailability range.
    """
    import dataclasses

    import numpy as np

    from coursekit._checks import require_choice
    from coursekit.models import pk

    require_choice("route", route, tuple(ROUTE_NAMES))
    key = ROUTE_NAMES[route]
    table, t_half = routes(), half_life_h()
    chosen = table[key]
    t = np.round(np.linspace(0.0, 8.0, 97), 4)
    curve = pk.route_curve(t, dose_mg, chosen, t_half)
    dose = float(dose_mg)
    series = f"{route.capitalize()} ({chosen.bioavailability:.0%} bioavailability)"
    lines_ = [(series, "selected", 0, curve)]
    if key != "iv":
        reference = pk.route_curve(t, dose_mg, table["iv"], t_half)
        lines_.append(("Intravenous reference (100%)", "reference", 1, reference))
    bars = []
    for name, k in ROUTE_NAMES.items():
        r = table[k]
        spread = r.low != r.high
        low = dataclasses.replace(r, bioavailability=r.low)
        high = dataclasses.replace(r, bioavailability=r.high)
        bars.append(
            (
                name,
                pk.route_exposure(dose_mg, r),
                pk.route_exposure(dose_mg, low) if spread else math.nan,
                pk.route_exposure(dose_mg, high),
                _percent_range(r),
            )
        )
    n, m, nan = len(t), len(bars), [math.nan] * len(bars)
    curve_rows = n * len(lines_)
    frame = tidy_frame(
        {
            "part": ["curve"] * curve_rows + ["bar"] * m,
            "series": [c[0] for c in lines_ for _ in range(n)] + [None] * m,
            "role": [c[1] for c in lines_ for _ in range(n)] + [None] * m,
            "order": np.array([c[2] for c in lines_ for _ in range(n)] + nan, dtype=float),
            "time_h": np.concatenate([*(t for _ in lines_), nan]),
            "amount": np.concatenate([*(c[3] for c in lines_), nan]),
            "route": [None] * curve_rows + [b[0] for b in bars],
            "exposure": np.array([math.nan] * curve_rows + [b[1] for b in bars]),
            "exposure_low": np.array([math.nan] * curve_rows + [b[2] for b in bars]),
            "exposure_high": np.array([math.nan] * curve_rows + [b[3] for b in bars]),
            "f_text": [None] * curve_rows + [b[4] for b in bars],
            "selected": np.array([False] * curve_rows + [b[0] == route for b in bars]),
        }
    )
    peak_i = int(np.argmax(curve))
    exposure = pk.route_exposure(dose_mg, chosen)
    source = chosen.source
    flag = " (secondary source)" if source.confidence in {"M", "P"} else ""
    lines = [
        f"{route.capitalize()}: bioavailability {_percent_range(chosen)}{flag}.",
        f"Of {dose:g} mg, about {exposure:.1f} mg reaches the circulation "
        f"(intravenously: {dose:g} mg).",
        f"Model peak: {curve[peak_i]:.1f} mg in the body at {t[peak_i]:.2f} h.",
        "Absorption speeds are assumptions of this teaching model; it is not a dosing tool.",
    ]
    frame["summary"] = np.full(len(frame), "\n".join(lines), dtype=object)
    return frame


def route_parts(dose_mg: float = EXAMPLE_DOSE_MG) -> ExplorerParts:
    """The parts of :func:`route_explorer` (for the explorer registry and the benchmark)."""
    from coursekit._checks import require_positive
    from coursekit.models import pk

    dose = require_positive("dose_mg", dose_mg)
    control = Control("route", "Route", tuple(ROUTE_NAMES), "intranasal", kind="select")

    def compute(route: str) -> pd.DataFrame:
        return route_frame(route, dose)

    description = (
        f"Two panels for the same ketamine dose of {dose:g} mg in a teaching model. Top: the "
        "amount in the body over 8 hours for the chosen route (solid) and for intravenous "
        "injection (dashed). Bottom: bars of the relative exposure (mg reaching the "
        "circulation) for every route, with lines for the reported range of bioavailability; "
        "the chosen route is highlighted. " + pk.TEACHING_NOTICE
    )
    return ExplorerParts(
        compute,
        (control,),
        route_chart,
        description,
        decimals=3,
        live_description=summary_description(f"Ketamine routes, {dose:g} mg, teaching model."),
    )


def route_explorer(dose_mg: float = EXAMPLE_DOSE_MG) -> Exercise:
    """Ketamine by route (intravenous, intramuscular, intranasal, sublingual, oral) for
    the same ``dose_mg``: teaching curves and relative exposure (dose × bioavailability).
    Teaching model only; not a dosing tool."""
    return route_parts(dose_mg).exercise()


def route_chart(frame: pd.DataFrame) -> Any:
    """Ketamine route curves (selected route against intravenous) and the relative
    exposure of every route for the same dose (frame from
    :func:`route_frame`)."""
    from coursekit.models.pk import TEACHING_NOTICE

    alt = altair()
    frame = require_frame(
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
                scale=alt.Scale(range=[PALETTE[1], TEXT]),
                legend=alt.Legend(orient="top", labelLimit=400),
            ),
            strokeDash=alt.StrokeDash(
                "role:N",
                scale=alt.Scale(domain=["selected", "reference"], range=[[1, 0], [6, 4]]),
                legend=None,
            ),
        )
        .properties(width=WIDTH, height=240)
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
        .mark_rule(color=TEXT, strokeWidth=1.5)
        .encode(x="exposure_low:Q", x2="exposure_high:Q", y=yb),
        bars.mark_text(align="left", dx=6, fontSize=12, color=TEXT).encode(
            x="exposure_high:Q", y=yb, text="f_text:N"
        ),
    ).properties(width=WIDTH, height=alt.Step(26))
    return alt.vconcat(
        curves,
        exposure,
        text_panel(base, "summary", lines=4),
        title=chart_title(
            "Ketamine: the same dose by different routes (teaching model)", TEACHING_NOTICE
        ),
    )
