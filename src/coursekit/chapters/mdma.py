"""Chapter 2 (MDMA): the split-dose teaching-model explorer and the chapter's evidence.

* History: :func:`timeline_explorer` (the MDMA rows of the ``timeline`` dataset).
* Pharmacology: :func:`pk_explorer`, the split-dose teaching model.
* The therapy: :func:`mechanism_table` (the ``mdma_mechanisms`` dataset).
* The trial evidence: :func:`trial_figures` (every figure the page glues into its prose),
  :func:`phase3_forest_table` and :func:`phase3_forest_explorer`.

Every figure is read from the course's datasets; none is typed here.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from coursekit.explore.chartkit import (
    MUTED,
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
    import altair as alt
    import pandas as pd

__all__ = [
    "FIGURE_TRIALS",
    "FOREST_X_TITLE",
    "MECHANISM_COLUMNS",
    "PARAMETER_SET",
    "PHASE3_TRIALS",
    "PK_DELAYS",
    "PK_DOSES",
    "mechanism_table",
    "phase3_forest_explorer",
    "phase3_forest_parts",
    "phase3_forest_table",
    "pk_chart",
    "pk_explorer",
    "pk_frame",
    "pk_parts",
    "teaching_parameters",
    "timeline_explorer",
    "trial_figure",
    "trial_figures",
]


# ---------------------------------------------------------------- MDMA split dose
PARAMETER_SET = "mdma_teaching"


@functools.cache
def teaching_parameters() -> Any:
    """The MDMA teaching parameter set (:class:`coursekit.models.pk.PKParameters`),
    read from the ``pk_parameters`` dataset with its source."""
    from coursekit.evidence.lookup import pk_parameters

    return pk_parameters(PARAMETER_SET)


PK_DOSES: tuple[int, ...] = (80, 120)
PK_DELAYS: tuple[float, ...] = (1.5, 2.0)
_PK_SERIES = ("Initial dose + supplement", "Initial dose only")


def pk_frame(
    initial_mg: float = 120, supplement: str = "yes", delay_h: float = 1.5
) -> pd.DataFrame:
    """Teaching-model concentration curves for an MDMA split-dose session.

    Teaching model only; not a dosing tool. ``initial_mg`` is one of the Phase 3
    protocol doses (80 or 120 mg); ``supplement`` ("yes"/"no") adds half the initial
    dose ``delay_h`` hours later (:func:`coursekit.models.pk.split_dose_regimen`).
    Rows: ``part == 'curve'`` (``series``, ``time_h``, ``concentration``) and
    ``part == 'dose'`` (one per dose, with ``dose_label``).
    """
    import numpy as np

    from coursekit._checks import require_choice
    from coursekit.models import pk

    if initial_mg not in PK_DOSES or isinstance(initial_mg, bool):
        raise ValueError(
            f"initial_mg must be one of the protocol doses 80 or 120 (mg), got {initial_mg!r}"
        )
    require_choice("supplement", supplement, ("yes", "no"))
    regimen = pk.split_dose_regimen(float(initial_mg), 0.5, delay_h)
    doses = regimen if supplement == "yes" else regimen[:1]
    t = np.round(np.linspace(0.0, 12.0, 121), 2)
    curves = [(_PK_SERIES[1], pk.simulate(t, regimen[:1], teaching_parameters()))]
    if supplement == "yes":
        curves.insert(0, (_PK_SERIES[0], pk.simulate(t, regimen, teaching_parameters())))
    labels = [f"{dose.amount_mg:g} mg at {dose.time_h:g} h" for dose in doses]
    n = len(t)
    columns = {
        "part": ["curve"] * (n * len(curves)) + ["dose"] * len(doses),
        "series": [name for name, _ in curves for _ in range(n)] + [None] * len(doses),
        "time_h": np.concatenate([*(t for _ in curves), [d.time_h for d in doses]]),
        "concentration": np.concatenate([*(c.values for _, c in curves), np.zeros(len(doses))]),
        "dose_label": [None] * (n * len(curves)) + labels,
    }
    main = curves[0][1]
    at6 = [
        float(pk.concentration([6.0], d, teaching_parameters())[0]) for d in (regimen, regimen[:1])
    ]
    lines = [
        f"Doses: {', '.join(labels)}. Model peak {main.peak:.0f} ng/mL at "
        f"{main.time_of_peak_h:.1f} h."
    ]
    if supplement == "yes":
        alone = curves[1][1]
        lines.append(
            f"Initial dose alone: peak {alone.peak:.0f} ng/mL at {alone.time_of_peak_h:.1f} h. "
            f"At 6 h: {at6[0]:.0f} ng/mL with the supplement, {at6[1]:.0f} without."
        )
    else:
        lines.append(f"At 6 h the model gives {at6[1]:.0f} ng/mL.")
    lines.append(
        "Doses as in the Phase 3 protocols (80 or 120 mg, then half that dose 1.5–2 h later)."
    )
    lines.append(
        "MDMA slows its own breakdown at higher doses, so this linear model under-states "
        "real exposure."
    )
    return tidy_frame({**columns, "summary": "\n".join(lines)})


def pk_parts() -> ExplorerParts:
    from coursekit.models import pk

    controls = (
        Control("initial_mg", "Initial dose (mg, protocol)", PK_DOSES, 120, kind="radio"),
        Control("supplement", "Supplemental half dose", ("yes", "no"), "yes", kind="radio"),
        Control(
            "delay_h",
            "Supplement after (hours)",
            PK_DELAYS,
            1.5,
            live_min=0.5,
            live_max=4.0,
            live_step=0.25,
        ),
    )
    # One fixed y-axis for every choice, so that curves can be compared by eye.
    import numpy as np

    t = np.linspace(0.0, 12.0, 241)
    top = max(
        pk.concentration(
            t, pk.split_dose_regimen(float(max(PK_DOSES)), 0.5, delay), teaching_parameters()
        ).max()
        for delay in (0.5, *PK_DELAYS)
    )
    y_max = float(math.ceil(top * 1.1 / 50.0) * 50.0)
    description = (
        "Line chart of a teaching model's MDMA concentration over 12 hours after an initial "
        "dose of 80 or 120 mg, with and without a supplemental half dose 1.5 or 2 hours later "
        "(as in the Phase 3 protocols); triangles mark the doses. Text below gives the model's "
        "peak and its value at 6 hours. " + pk.TEACHING_NOTICE
    )

    def build(frame: pd.DataFrame) -> alt.TopLevelMixin:
        return pk_chart(frame, y_max=y_max)

    return ExplorerParts(
        pk_frame,
        controls,
        build,
        description,
        decimals=2,
        live_description=summary_description("MDMA split-dose teaching model."),
    )


def pk_explorer() -> Exercise:
    """MDMA split-dose regimen in the teaching model: initial dose (80 or 120 mg, as in
    the Phase 3 protocols), supplemental half dose on or off, and its delay (1.5 or 2 h;
    live: 0.5–4 h). Teaching model only; not a dosing tool."""
    return pk_parts().exercise()


def pk_chart(frame: pd.DataFrame, *, y_max: float | None = None) -> Any:
    """Teaching concentration–time curves for the MDMA split-dose regimen (frame from
    :func:`pk_frame`); the teaching notice is the subtitle."""
    from coursekit.models.pk import TEACHING_NOTICE

    alt = altair()
    frame = require_frame(frame, "frame", ["part", "series", "time_h", "concentration", "summary"])
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
        doses.mark_rule(color=MUTED, strokeDash=[2, 3]).encode(x="time_h:Q"),
        doses.mark_point(shape="triangle-up", filled=True, size=140, color=TEXT).encode(
            x="time_h:Q",
            y=alt.datum(0),
            tooltip=[alt.Tooltip("dose_label:N", title="Dose")],
        ),
    )
    plot = alt.layer(curves, markers).properties(width=WIDTH, height=280)
    return alt.vconcat(
        plot,
        text_panel(base, "summary", lines=4),
        title=chart_title("MDMA split-dose regimen: a teaching model", TEACHING_NOTICE),
    )


# ---------------------------------------------------------------- history and therapy
def timeline_explorer() -> Exercise:
    """The MDMA events of the ``timeline`` dataset, filtered by era and category
    (:func:`coursekit.explore.explorers.timeline_explorer`)."""
    from coursekit.evidence import datasets
    from coursekit.explore import explorers

    events = datasets.load("timeline")
    return explorers.timeline_explorer(
        events[events["drug"] == "mdma"], title="MDMA timeline", group_labels={"mdma": "MDMA"}
    )


MECHANISM_COLUMNS: tuple[str, ...] = ("level", "mechanism", "n", "finding", "citation_key")


def mechanism_table() -> pd.DataFrame:
    """The studies behind the proposed mechanisms (``mdma_mechanisms`` dataset), with the
    columns the therapy page shows: level of evidence, mechanism, n, finding, citation key."""
    from coursekit.evidence import datasets

    return datasets.load("mdma_mechanisms")[list(MECHANISM_COLUMNS)].reset_index(drop=True)


# ---------------------------------------------------------------- trial evidence
#: Glue-name prefix -> ``trials`` row, for the figures of the trial-evidence page.
FIGURE_TRIALS: dict[str, str] = {"phase2": "mithoefer2019", "mapp1": "mapp1", "mapp2": "mapp2"}

#: Figure name (the glue-name suffix) -> (``trials`` column, type it is glued as).
_FIGURE_COLUMNS: dict[str, tuple[str, type[int] | type[float]]] = {
    "n_total": ("n_total", int),
    "n_mdma": ("n_active", int),
    "n_placebo": ("n_control", int),
    "na_mdma": ("n_analysed_active", int),
    "na_placebo": ("n_analysed_control", int),
    "d": ("effect_size", float),
    "change_mdma": ("change_active", float),
    "change_placebo": ("change_control", float),
    "sd_mdma": ("spread_active", float),
    "sd_placebo": ("spread_control", float),
    "lod_mdma": ("responders_active_pct", float),
    "lod_placebo": ("responders_control_pct", float),
    "drop_mdma": ("dropout_active", int),
    "drop_placebo": ("dropout_control", int),
}

#: The figures of each trial that the page's prose quotes.
_PAGE_FIGURES: dict[str, tuple[str, ...]] = {
    "phase2": ("n_total", "n_mdma", "n_placebo", "d", "lod_mdma", "lod_placebo"),
    "mapp1": tuple(_FIGURE_COLUMNS),
    "mapp2": (
        *("n_total", "n_mdma", "n_placebo", "d", "lod_mdma"),
        *("change_mdma", "change_placebo", "drop_mdma", "drop_placebo"),
    ),
}


def trial_figure(trial_id: str, figure: str) -> int | float:
    """One figure of the ``trials`` row ``trial_id``, by its page name (e.g. ``"n_mdma"``,
    ``"d"``, ``"lod_placebo"``; see ``_FIGURE_COLUMNS``): counts as ``int``, others as ``float``.

    Raises ``ValueError`` for an unknown trial or figure, for an empty (unconfirmed) value,
    and for ``sd_*`` figures when the row's spread is not a standard deviation.
    """
    import pandas as pd

    from coursekit._checks import require_choice
    from coursekit.evidence import datasets

    require_choice("figure", figure, tuple(_FIGURE_COLUMNS))
    row = datasets.trial(trial_id)
    column, kind = _FIGURE_COLUMNS[figure]
    if figure.startswith("sd_") and row["spread_type"] != "SD":
        raise ValueError(f"trials/{trial_id}: the spread is {row['spread_type']!r}, not an SD")
    value = row[column]
    if pd.isna(value):
        raise ValueError(f"trials/{trial_id}/{column} is empty (not confirmed); cannot show it")
    return kind(value)


def trial_figures() -> dict[str, int | float]:
    """Every figure the trial-evidence page glues, ``{"mapp1_d": 0.91, ...}``.

    Names are ``<prefix>_<figure>`` with the prefixes of :data:`FIGURE_TRIALS` (``phase2``
    is the retracted pooled Phase 2 analysis, quoted only as retracted work); values come from
    the ``trials`` dataset through :func:`trial_figure`.
    """
    return {
        f"{prefix}_{figure}": trial_figure(FIGURE_TRIALS[prefix], figure)
        for prefix, figures in _PAGE_FIGURES.items()
        for figure in figures
    }


PHASE3_TRIALS: tuple[str, ...] = ("mapp1", "mapp2")
FOREST_X_TITLE = "Cohen's d (positive favours MDMA)"


def _group_size(row: pd.Series, analysed: str, randomised: str) -> int:
    import pandas as pd

    value = row[analysed] if not pd.isna(row[analysed]) else row[randomised]
    if pd.isna(value):
        raise ValueError(f"trials/{row.name}: no group size in {analysed!r} or {randomised!r}")
    return int(value)


def phase3_forest_table(trial_ids: Sequence[str] = PHASE3_TRIALS) -> pd.DataFrame:
    """The trials to pool, one row each: ``label`` ("MAPP1 (2021)"), published ``d`` and its
    approximate ``variance``, v = (n1 + n2) / (n1 n2) + d² / (2 (n1 + n2)).

    The group sizes are those analysed when the trial reports them, otherwise those
    randomised. Raises ``ValueError`` for an empty or repeated list, an unknown trial, a
    retracted one, or a trial without a published between-group Cohen's d.
    """
    import pandas as pd

    from coursekit.evidence import datasets

    if isinstance(trial_ids, str) or not isinstance(trial_ids, Sequence) or not trial_ids:
        raise ValueError(f"trial_ids must be a non-empty list of trial ids, got {trial_ids!r}")
    if len(set(trial_ids)) != len(trial_ids):
        raise ValueError(f"trial_ids must not repeat a trial, got {list(trial_ids)!r}")
    rows = []
    for trial_id in trial_ids:
        row = datasets.trial(trial_id)
        if row["status"] == "retracted":
            raise ValueError(f"trial {trial_id!r} is retracted; retracted work is never pooled")
        if (
            row["effect_size_type"] != "d"
            or row["effect_size_basis"] != "between-group"
            or pd.isna(row["effect_size"])
        ):
            raise ValueError(f"trial {trial_id!r} has no published between-group Cohen's d")
        n1 = _group_size(row, "n_analysed_active", "n_active")
        n2 = _group_size(row, "n_analysed_control", "n_control")
        d = float(row["effect_size"])
        variance = (n1 + n2) / (n1 * n2) + d**2 / (2 * (n1 + n2))
        label = f"{trial_id.upper()} ({int(row['year'])})"
        rows.append({"label": label, "d": d, "variance": variance})
    return pd.DataFrame(rows, columns=["label", "d", "variance"])


def phase3_forest_parts(trial_ids: Sequence[str] = PHASE3_TRIALS) -> ExplorerParts:
    """Parts of :func:`phase3_forest_explorer`; the description names every trial drawn."""
    from coursekit.explore import explorers

    table = phase3_forest_table(trial_ids)
    parts = explorers.forest_parts(
        table, "label", "d", "variance", "Phase 3 trials of MDMA-assisted therapy", FOREST_X_TITLE
    )
    drawn = "; ".join(
        f"{r.label}: d = {r.d:.2f}, variance {r.variance:.3f}" for r in table.itertuples()
    )
    return dataclasses.replace(parts, description=f"{parts.description} Trials drawn: {drawn}.")


def phase3_forest_explorer(trial_ids: Sequence[str] = PHASE3_TRIALS) -> Exercise:
    """Forest plot of the Phase 3 trials (:func:`phase3_forest_table`) with a pooling-method
    selector: fixed effect, or random effects by DerSimonian–Laird or REML."""
    return phase3_forest_parts(trial_ids).exercise()
