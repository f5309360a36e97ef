"""Chapter 1 (PTSD) explorers: the PCL-5 scorer (section 3) and fear learning (section 4)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from coursekit.explore.chartkit import (
    PALETTE,
    TEXT,
    WIDTH,
    altair,
    chart_title,
    require_frame,
    text_panel,
    wrap_lines,
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
    "CLUSTER_NAMES",
    "LEARNING_DESIGNS",
    "LEARNING_MODELS",
    "LEARNING_RATES",
    "LEARNING_TRIALS",
    "learning_chart",
    "learning_explorer",
    "learning_frame",
    "learning_parts",
    "pcl5_chart",
    "pcl5_explorer",
    "pcl5_frame",
    "pcl5_parts",
]


#: Short names of the DSM-5 symptom clusters (PCL-5 / CAPS-5), used as chart labels.
CLUSTER_NAMES: dict[str, str] = {
    "B": "B: intrusion",
    "C": "C: avoidance",
    "D": "D: cognitions and mood",
    "E": "E: arousal and reactivity",
}

#: Characters per line of the explorers' summary text (the text panels cannot wrap by
#: themselves, so a longer line would be cut off at the chart's edge).
_LEARNING_WRAP, _PCL5_WRAP = 72, 86


def _wrapped(lines: Sequence[str], width: int) -> str:
    """``lines`` joined by line breaks, each wrapped at ``width`` characters.

    Wrapping only replaces single spaces by line breaks, so the text alternative (the
    summary with breaks read as spaces) is the same sentences as before.
    """
    return "\n".join(part for line in lines for part in wrap_lines(line, width))


# ---------------------------------------------------------------- fear learning
LEARNING_RATES: tuple[float, ...] = (0.1, 0.3, 0.5, 0.7, 0.9)
LEARNING_MODELS: tuple[str, ...] = ("Rescorla–Wagner", "context model")
LEARNING_DESIGNS: tuple[str, ...] = ("ABA", "AAA")
LEARNING_TRIALS = (20, 20, 8)


def learning_frame(
    alpha: float = 0.3,
    beta: float = 0.3,
    model: str = "Rescorla–Wagner",
    design: str = "ABA",
) -> pd.DataFrame:
    """Trial-by-trial response of :func:`coursekit.models.learning.rescorla_wagner` or
    :func:`coursekit.models.learning.context_model` through acquisition (20 trials),
    extinction (20) and a test (8) in the contexts of ``design`` ("ABA", "ABC",
    "AAB" or "AAA"), with :func:`coursekit.models.learning.renewal_score` in the summary."""

    from coursekit._checks import require_choice
    from coursekit.models import learning

    require_choice("model", model, LEARNING_MODELS)
    phases = learning.renewal_design(design, *LEARNING_TRIALS)
    run = learning.rescorla_wagner if model == LEARNING_MODELS[0] else learning.context_model
    trace = run(phases, alpha=alpha, beta=beta)
    score = learning.renewal_score(trace)
    acq = trace.phase_response("acquisition")
    ext = trace.phase_response("extinction")
    test = trace.phase_response("test")
    contexts = ", ".join(f"{p.name} in {p.context}" for p in phases)
    if score > 0.005:
        verdict = f"Renewal: responding comes back at test (up {score:.2f})."
    elif model == LEARNING_MODELS[0]:
        verdict = "No renewal: plain Rescorla–Wagner treats extinction as unlearning."
    else:
        verdict = "No renewal: the test is in the context where extinction was learned."
    lines = [
        f"{model}, α = {float(alpha):.2f}, β = {float(beta):.2f}; design {design} ({contexts}).",
        f"Last acquisition trial {acq[-1]:.2f}, last extinction trial {ext[-1]:.2f}, "
        f"first test trial {test[0]:.2f}.",
        verdict,
    ]
    return tidy_frame(
        {
            "trial": trace.trial,
            "response": trace.response,
            "phase": trace.phase.astype(object),
            "context": trace.context.astype(object),
            "renewal": score,
            "summary": _wrapped(lines, _LEARNING_WRAP),
        }
    )


def learning_parts() -> ExplorerParts:
    controls = (
        Control(
            "alpha", "Salience α", LEARNING_RATES, 0.3, live_min=0.01, live_max=1.0, live_step=0.05
        ),
        Control(
            "beta",
            "Learning rate β",
            LEARNING_RATES,
            0.3,
            live_min=0.01,
            live_max=1.0,
            live_step=0.05,
        ),
        Control("model", "Model", LEARNING_MODELS, LEARNING_MODELS[0], kind="radio"),
        Control(
            "design",
            "Contexts (acquisition, extinction, test)",
            LEARNING_DESIGNS,
            "ABA",
            kind="radio",
        ),
    )
    description = (
        "Line chart of a modelled fear response over 48 trials: 20 acquisition trials in which "
        "the cue is followed by the aversive outcome, 20 extinction trials without it, and 8 "
        "test trials; shaded bands label each phase and its context. Sliders set the salience "
        "α and learning rate β; buttons choose plain Rescorla–Wagner or the course's context "
        "model, and the design ABA (test back in the acquisition context) or AAA (one context "
        "throughout). Text below gives the response at the end of each phase and whether it "
        "returns at test (renewal)."
    )
    return ExplorerParts(
        learning_frame,
        controls,
        learning_chart,
        description,
        decimals=3,
        live_description=summary_description("Fear learning teaching model."),
    )


def learning_explorer() -> Exercise:
    """Rescorla–Wagner and the context model through acquisition → extinction → test.

    Controls: α and β (book: 0.1–0.9 in steps of 0.2; live: any value in (0, 1]),
    the model, and the design (ABA renewal or the AAA control)."""
    return learning_parts().exercise()


def learning_chart(frame: pd.DataFrame) -> Any:
    """Modelled response trial by trial through acquisition, extinction and test, with
    the phases shaded and labelled (frame from :func:`learning_frame`)."""
    alt = altair()
    frame = require_frame(frame, "frame", ["trial", "response", "phase", "context", "summary"])
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
    labels = spans.mark_text(baseline="top", fontSize=12, lineBreak="\n", color=TEXT).encode(
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
    plot = alt.layer(shading, labels, line, dots).properties(width=WIDTH, height=280)
    return alt.vconcat(
        plot,
        text_panel(base, "summary", lines=5),
        title=chart_title("Fear learning, extinction and renewal: a teaching model"),
    )


# ---------------------------------------------------------------- PCL-5
def _respondent(name: str) -> Any:
    from coursekit.models import scales

    for r in scales.EXAMPLE_RESPONDENTS:
        if name in (r.label, r.id):
            return r
    options = ", ".join(repr(r.label) for r in scales.EXAMPLE_RESPONDENTS)
    raise ValueError(f"respondent must be one of {options}; got {name!r}")


def pcl5_frame(respondent: str, cutpoint: int = 33) -> pd.DataFrame:
    """A fictional respondent's PCL-5 scored by :func:`coursekit.models.scales.score_pcl5`.

    ``respondent`` is a label or id from :data:`coursekit.models.scales.EXAMPLE_RESPONDENTS`.
    Rows ``part == 'item'`` (``item``, ``rating``, ``cluster``) and ``part == 'cluster'``
    (``subtotal``, ``endorsed``); every row carries the total, the cut-point, both
    verdicts and a ``summary`` in words.
    """

    import numpy as np

    from coursekit.models import scales

    person = _respondent(respondent)
    result = scales.score_pcl5(person.items, cutpoint)
    cluster_of = {i: k for k, items in scales.PCL5_CLUSTERS.items() for i in items}
    keys = list(scales.PCL5_CLUSTERS)
    n, m = len(person.items), len(keys)
    letters = [cluster_of[i] for i in range(1, n + 1)] + keys
    nan_items, nan_clusters = [math.nan] * m, [math.nan] * n
    columns = {
        "part": ["item"] * n + ["cluster"] * m,
        "item": np.array([*range(1, n + 1), *nan_items], dtype=float),
        "rating": np.array([*person.items, *nan_items], dtype=float),
        "cluster": letters,
        "cluster_name": [CLUSTER_NAMES[k] for k in letters],
        "subtotal": np.array([*nan_clusters, *(result.clusters[k] for k in keys)], dtype=float),
        "endorsed": np.array([*nan_clusters, *(result.endorsed[k] for k in keys)], dtype=float),
    }
    subtotals = ", ".join(f"{k} {v}" for k, v in result.clusters.items())
    endorsed = ", ".join(f"{k} {v}" for k, v in result.endorsed.items())
    rule = ", ".join(f"{n} {k}" for k, n in scales.PCL5_RULE.items())
    side = "at or above" if result.above_cutpoint else "below"
    lines = [
        f"{person.label}: total {result.total} of 80 (clusters {subtotals}).",
        f"Cut-point {result.cutpoint}: the total is {side} it.",
        f"Cluster rule (items rated 2 or more, needed: {rule}; here: {endorsed}): "
        f"{'met' if result.provisional_diagnosis else 'not met'}.",
        f"Provisional PTSD diagnosis by the cluster rule: "
        f"{'yes' if result.provisional_diagnosis else 'no'}. A screening result, not a diagnosis.",
    ]
    return tidy_frame(
        {
            **columns,
            "respondent": person.label,
            "total": result.total,
            "cutpoint": result.cutpoint,
            "above_cutpoint": result.above_cutpoint,
            "provisional_diagnosis": result.provisional_diagnosis,
            "summary": _wrapped(lines, _PCL5_WRAP),
        }
    )


def pcl5_parts() -> ExplorerParts:
    from coursekit.models import scales

    labels = tuple(r.label for r in scales.EXAMPLE_RESPONDENTS)
    low, high = scales.PCL5_CUTPOINT_RANGE
    controls = (
        Control("respondent", "Fictional respondent", labels, labels[0], kind="select"),
        Control(
            "cutpoint",
            "Cut-point",
            tuple(range(low, high + 1)),
            scales.PCL5_CUTPOINT,
            live_min=0,
            live_max=80,
        ),
    )
    description = (
        "Bar chart of the 20 PCL-5 item ratings (0 to 4) of a fictional respondent chosen "
        "from a list, coloured by symptom cluster (B intrusion, C avoidance, D cognition and "
        "mood, E arousal and reactivity), with a dashed line at 2, the rating from which an "
        "item counts as endorsed. Below, one bar splits the total (0 to 80) into the cluster "
        "subtotals, with a line at the chosen cut-point (31 to 33). Text gives the total, "
        "the subtotals, whether the total reaches the cut-point and whether the cluster rule "
        "for a provisional diagnosis is met."
    )
    return ExplorerParts(
        pcl5_frame,
        controls,
        pcl5_chart,
        description,
        decimals=2,
        live_description=summary_description("PCL-5 item profile."),
    )


def pcl5_explorer() -> Exercise:
    """Pick a fictional respondent (and a cut-point from 31 to 33) and see the PCL-5
    item profile, cluster subtotals, total against the cut-point and the provisional
    diagnosis by the cluster rule (:func:`coursekit.models.scales.score_pcl5`)."""
    return pcl5_parts().exercise()


def pcl5_chart(frame: pd.DataFrame) -> Any:
    """PCL-5 item profile coloured by cluster, the total split into cluster subtotals
    against the cut-point, and the verdicts in words (frame from
    :func:`pcl5_frame`)."""
    alt = altair()
    frame = require_frame(
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
        .mark_rule(color=TEXT, strokeDash=[5, 4], aria=False)
        .encode(y=alt.datum(2)),
        items.transform_filter("datum.item == 20")
        .mark_text(align="left", baseline="middle", lineBreak="\n", fontSize=12, color=TEXT)
        .encode(x=alt.value(WIDTH + 6), y=alt.datum(2), text=alt.value("2 or more:\nendorsed")),
    ).properties(width=WIDTH, height=200)
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
        .mark_rule(color=TEXT, strokeWidth=2.5)
        .encode(x="cutpoint:Q"),
        clusters.transform_aggregate(groupby=["cutpoint"])
        .transform_calculate(label="'cut-point ' + datum.cutpoint")
        .mark_text(align="left", baseline="top", dx=4, dy=-24, fontSize=12, color=TEXT)
        .encode(x="cutpoint:Q", text="label:N"),
    ).properties(width=WIDTH, height=34)
    return alt.vconcat(
        profile,
        totals,
        text_panel(base, "summary", lines=6, width=WIDTH + 100),
        title=chart_title("Scoring a PCL-5 (fictional respondents)"),
    )
