"""Chapter 3 (ketamine), page 04-trials: the trial figures, Borgogna's published estimates, the
fictional small-study demonstration and the controlled-versus-uncontrolled comparison."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt
    import pandas as pd

    from coursekit.explore.engine import Exercise, ExplorerParts
    from coursekit.explore.render import StaticChart

__all__ = [
    "BORGOGNA_DEFAULT_VIEW",
    "BORGOGNA_VIEWS",
    "CONTRAST_KINDS",
    "FICTIONAL_SMALL_STUDIES",
    "before_after_explorer",
    "borgogna_description",
    "borgogna_forest_explorer",
    "borgogna_frame",
    "borgogna_parts",
    "controlled_vs_uncontrolled_chart",
    "controlled_vs_uncontrolled_frame",
    "small_study_forest_explorer",
    "small_study_frame",
    "small_study_funnel",
    "trial_figures",
]


# ---------------------------------------------------------------- figures for the prose
def _plain(name: str, value: Any) -> int | float:
    """A dataset number as a plain Python int (when whole) or float, for glue."""
    import pandas as pd

    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        raise ValueError(f"figure {name!r} has no value in the dataset")
    number = float(value)
    return int(number) if number.is_integer() else number


#: Glue-name prefix on page 04-trials -> ``trial_id`` of a Borgogna 2024 estimate.
_BORGOGNA_GLUE = {
    "bg_all": "borgogna2024",
    "bg_adj": "borgogna2024_adjusted",
    "bg_24": "borgogna2024_24h",
    "bg_pas": "borgogna2024_24h_passive",
    "bg_act": "borgogna2024_24h_active",
    "bg_1w": "borgogna2024_1wk",
}


def trial_figures() -> dict[str, int | float]:
    """Figures for page 04-trials, glue name -> number, all read from the ``trials`` and
    ``ketamine_realworld`` datasets (counts are ints, other values floats).

    Differences stored as active minus control are negated where the prose reports a
    reduction (Feder 2014 and 2021). ``ew_d_check`` recomputes the real-world series' pre-post
    d from its published means and SDs with :func:`coursekit.models.stats.cohens_d`.
    """
    from coursekit.evidence import datasets
    from coursekit.models import stats

    t = datasets.trial
    f14, f21 = t("feder2014"), t("feder2021")
    a05, a02 = t("abdallah2022_dose05"), t("abdallah2022_dose02")
    p17, p18, d23, alb = t("pradhan2017"), t("pradhan2018"), t("duek2023"), t("albott2018")
    raw: dict[str, Any] = {
        "f14_n": f14.n_total,
        "f14_diff": -f14["diff"],  # stored as active minus control; the paper reports a reduction
        "f14_lo": -f14.diff_ci_high,
        "f14_hi": -f14.diff_ci_low,
        "f21_n": f21.n_total,
        "f21_diff": -f21["diff"],
        "f21_d": f21.effect_size,
        "f21_lo": f21.es_ci_low,
        "f21_hi": f21.es_ci_high,
        "f21_resp_k": f21.responders_active_pct,
        "f21_resp_m": f21.responders_control_pct,
        "ab_n": a05.n_total,
        "ab_n05": a05.n_active,
        "ab_n02": a02.n_active,
        "ab_npl": a05.n_control,
        "p17_n": p17.n_total,
        "p18_n": p18.n_total,
        "p18_k": p18.mean_active,
        "p18_p": p18.mean_control,
        "d23_n": d23.n_total,
        "d23_nk": d23.n_active,
        "d23_nm": d23.n_control,
        "d23_diff": d23["diff"],
        "d23_lo": d23.diff_ci_low,
        "d23_hi": d23.diff_ci_high,
        "alb_n": alb.n_total,
        "alb_rem": alb.responders_active_pct,
    }
    for short, trial_id in _BORGOGNA_GLUE.items():
        row = t(trial_id)
        raw.update(
            {short: row.effect_size, f"{short}_lo": row.es_ci_low, f"{short}_hi": row.es_ci_high}
        )
    raw["bg_n"] = t("borgogna2024").n_total
    raw["alm_es"] = t("almeida2024").effect_size
    rw = datasets.load("ketamine_realworld").set_index("row_id")
    ew = rw.loc["earleywine"]
    raw.update(
        {
            "ew_n": ew.n,
            "ew_pre": ew.pre_mean,
            "ew_pre_sd": ew.pre_sd,
            "ew_post": ew.post_mean,
            "ew_post_sd": ew.post_sd,
            "ew_d": ew.effect_size,
        }
    )
    n = int(ew.n)
    check = stats.cohens_d(
        float(ew.pre_mean), float(ew.pre_sd), n, float(ew.post_mean), float(ew.post_sd), n
    )
    raw["ew_d_check"] = check.value
    raw["mapp1_within_mdma"] = rw.loc["mapp1_mdma_arm"].effect_size
    raw["mapp1_within_pbo"] = rw.loc["mapp1_placebo_arm"].effect_size
    raw["mapp1_between"] = t("mapp1").effect_size
    return {name: _plain(name, value) for name, value in raw.items()}


# ---------------------------------------------------------------- Borgogna 2024 estimates
BORGOGNA_VIEWS: dict[str, tuple[str, ...]] = {
    "Overall, before and after bias correction": ("borgogna2024", "borgogna2024_adjusted"),
    "By time point": ("borgogna2024_24h", "borgogna2024_1wk"),
    "At 24 hours, by type of control": ("borgogna2024_24h_passive", "borgogna2024_24h_active"),
    "All published estimates": tuple(_BORGOGNA_GLUE.values()),
}
BORGOGNA_DEFAULT_VIEW = "All published estimates"

_BORGOGNA_PREFIX = "Borgogna 2024 meta-analysis: "
_BORGOGNA_LEAD = (
    "Forest-style chart of pooled Hedges' g estimates published by Borgogna and colleagues "
    "(2024) for ketamine versus control in PTSD, shown as published (not pooled again), each "
    "with its 95% confidence interval, and a dashed line at zero (no effect)."
)


def _borgogna_rows(trial_ids: tuple[str, ...]) -> list[dict[str, Any]]:
    from coursekit.evidence import datasets

    rows = []
    for trial_id in trial_ids:
        t = datasets.trial(trial_id)
        g, low, high = float(t.effect_size), float(t.es_ci_low), float(t.es_ci_high)
        rows.append(
            {
                "estimate": str(t.label).removeprefix(_BORGOGNA_PREFIX),
                "g": g,
                "low": low,
                "high": high,
                "text": f"g = {g:.2f} ({low:.2f} to {high:.2f})",
            }
        )
    return rows


def _estimates_text(rows: list[dict[str, Any]]) -> str:
    return "; ".join(f"{r['estimate']}: {r['text']}" for r in rows)


def borgogna_description(view: str = BORGOGNA_DEFAULT_VIEW) -> str:
    """The text alternative of the Borgogna chart for one ``view`` of :data:`BORGOGNA_VIEWS`:
    exactly the estimates that view shows, with their values."""
    from coursekit._checks import require_choice

    view = require_choice("view", view, BORGOGNA_VIEWS)
    rows = _borgogna_rows(BORGOGNA_VIEWS[view])
    total = len(BORGOGNA_VIEWS[BORGOGNA_DEFAULT_VIEW])
    count = f"all {total}" if len(rows) == total else f"{len(rows)} of the {total}"
    return f"{_BORGOGNA_LEAD} View “{view}”: {count} published estimates. {_estimates_text(rows)}."


def borgogna_frame(view: str = BORGOGNA_DEFAULT_VIEW) -> pd.DataFrame:
    """The published pooled estimates (Hedges' g, 95% CI) of one ``view`` of
    :data:`BORGOGNA_VIEWS`, read from the ``trials`` dataset; nothing is pooled again.

    Columns ``estimate``, ``g``, ``low``, ``high``, ``text``; ``shown`` (one line saying how
    many estimates are shown) and ``summary`` (:func:`borgogna_description`, the text
    alternative of exactly these estimates) repeat on every row.
    """
    import pandas as pd

    from coursekit._checks import require_choice

    view = require_choice("view", view, BORGOGNA_VIEWS)
    rows = _borgogna_rows(BORGOGNA_VIEWS[view])
    total = len(BORGOGNA_VIEWS[BORGOGNA_DEFAULT_VIEW])
    shown = (
        f"Shown: all {total} published estimates."
        if len(rows) == total
        else f"Shown: {len(rows)} of the {total} published estimates (“{view}”)."
    )
    frame = pd.DataFrame(rows, columns=["estimate", "g", "low", "high", "text"])
    frame["shown"] = shown
    frame["summary"] = borgogna_description(view)
    return frame


def _borgogna_domain() -> tuple[float, float]:
    rows = _borgogna_rows(BORGOGNA_VIEWS[BORGOGNA_DEFAULT_VIEW])
    low = math.floor(min(0.0, *(r["low"] for r in rows)) * 5) / 5
    high = math.ceil(max(r["high"] for r in rows) * 5) / 5 + 0.6  # room for the labels
    return low, high


def borgogna_parts() -> ExplorerParts:
    """The parts of :func:`borgogna_forest_explorer` (for the explorer registry and tests)."""
    from coursekit.explore.chartkit import altair
    from coursekit.explore.charts import estimates_chart
    from coursekit.explore.engine import Control, ExplorerParts

    domain = _borgogna_domain()

    def build(frame: pd.DataFrame) -> alt.TopLevelMixin:
        alt = altair()
        chart = estimates_chart(
            frame,
            label="estimate",
            value="g",
            x_title="Hedges' g (positive favours ketamine)",
            domain=domain,
            title="Borgogna 2024: published pooled estimates (not re-pooled)",
        )
        shown = (
            alt.Chart(frame)
            .transform_aggregate(groupby=["shown", "summary"])
            .mark_text(align="left", baseline="top", fontSize=14)
            .encode(
                text="shown:N",
                description="summary:N",
                x=alt.value(0),
                y=alt.value(2),
            )
            .properties(width=560, height=24)
        )
        return alt.vconcat(chart, shown)

    every = _borgogna_rows(BORGOGNA_VIEWS[BORGOGNA_DEFAULT_VIEW])
    views = "; ".join(
        f"“{view}” shows {' and '.join(r['estimate'] for r in _borgogna_rows(ids))}"
        for view, ids in BORGOGNA_VIEWS.items()
        if view != BORGOGNA_DEFAULT_VIEW
    )
    description = (
        f"{_BORGOGNA_LEAD} A menu chooses which estimates are shown, and a line below the "
        f"chart says how many. The chart opens on “{BORGOGNA_DEFAULT_VIEW}”: "
        f"{_estimates_text(every)}. The other views: {views}."
    )
    control = Control("view", "Show", tuple(BORGOGNA_VIEWS), BORGOGNA_DEFAULT_VIEW, kind="select")
    return ExplorerParts(
        borgogna_frame,
        (control,),
        build,
        description,
        decimals=4,
        live_description=lambda frame: str(frame["summary"].iloc[0]),
    )


def borgogna_forest_explorer() -> Exercise:
    """Borgogna 2024's published pooled estimates with a menu of views (overall and
    bias-corrected, by time point, by type of control, all). The live text alternative names
    exactly the estimates of the chosen view (:func:`borgogna_description`)."""
    return borgogna_parts().exercise()


# ---------------------------------------------------------------- small-study effects
#: FICTIONAL teaching data, not real trials: (label, Hedges' g, standard error) for eight
#: invented trials, chosen so that the smaller ones (larger SE) report larger effects — the
#: pattern called small-study effects. Used only to show the mechanism on page 04-trials.
FICTIONAL_SMALL_STUDIES: tuple[tuple[str, float, float], ...] = (
    ("Fictional trial A", 0.05, 0.10),
    ("Fictional trial B", 0.12, 0.12),
    ("Fictional trial C", 0.10, 0.15),
    ("Fictional trial D", 0.30, 0.20),
    ("Fictional trial E", 0.45, 0.25),
    ("Fictional trial F", 0.62, 0.30),
    ("Fictional trial G", 0.80, 0.35),
    ("Fictional trial H", 0.95, 0.40),
)


def small_study_frame() -> pd.DataFrame:
    """:data:`FICTIONAL_SMALL_STUDIES` as a frame: ``label``, ``g``, ``se``, ``variance``."""
    import pandas as pd

    frame = pd.DataFrame(FICTIONAL_SMALL_STUDIES, columns=["label", "g", "se"])
    frame["variance"] = frame["se"] ** 2
    return frame


def _fictional_values() -> str:
    return "; ".join(f"{lab}: g {g:.2f}, SE {se:.2f}" for lab, g, se in FICTIONAL_SMALL_STUDIES)


def small_study_forest_explorer() -> Exercise:
    """Forest plot of the FICTIONAL small-study data with a pooling-method menu (FE, DL,
    REML); the text alternative lists every fictional trial's g and standard error."""
    import dataclasses

    from coursekit.explore import explorers

    parts = explorers.forest_parts(
        small_study_frame(),
        "label",
        "g",
        "variance",
        "Fictional teaching data: eight invented trials",
        "Hedges' g (fictional)",
    )
    description = (
        f"{parts.description} The data are FICTIONAL teaching data, eight invented trials in "
        f"which the smaller ones report larger effects: {_fictional_values()}."
    )
    return dataclasses.replace(parts, description=description).exercise()


def small_study_funnel() -> StaticChart:
    """Funnel plot of the FICTIONAL small-study data (:func:`coursekit.explore.meta_charts.funnel`)
    with a text alternative that lists every fictional trial."""
    from coursekit.explore.meta_charts import funnel
    from coursekit.models import stats

    frame = small_study_frame()
    centre = stats.meta_analysis(
        frame["g"].tolist(), frame["variance"].tolist(), frame["label"].tolist(), method="FE"
    ).fixed
    description = (
        "Funnel plot of eight FICTIONAL teaching trials: each dot is a trial's Hedges' g "
        "(across) against its standard error (down, so small imprecise trials sit low). The "
        f"solid line marks the fixed-effect estimate {centre:.2f}; the dashed lines show where "
        "95% of trials would fall if only chance were at work. The small trials sit to the "
        f"right, on the favourable side: {_fictional_values()}."
    )
    return funnel(
        frame["g"].tolist(),
        frame["se"].tolist(),
        frame["label"].tolist(),
        title="Fictional teaching data: funnel plot",
        x_title="Hedges' g (fictional)",
        description=description,
    )


# ---------------------------------------------------------------- controlled vs uncontrolled
CONTRAST_KINDS: tuple[str, ...] = (
    "within-group: uncontrolled series",
    "within-group: one arm of an RCT",
    "between-group: one RCT",
    "between-group: pooled RCTs",
)
_CONTRAST_LABELS = {
    "earleywine": "Ketamine clinic series (preprint)",
    "mapp1_mdma_arm": "MAPP1, MDMA arm only",
    "mapp1_placebo_arm": "MAPP1, placebo arm only",
    "mapp1": "MAPP1, MDMA vs placebo",
    "feder2021": "Feder 2021, ketamine vs midazolam",
    "borgogna2024": "Borgogna 2024, pooled RCTs",
    "borgogna2024_adjusted": "Borgogna 2024, bias-corrected",
}
_CONTRAST_TRIALS = (
    ("mapp1", CONTRAST_KINDS[2]),
    ("feder2021", CONTRAST_KINDS[2]),
    ("borgogna2024", CONTRAST_KINDS[3]),
    ("borgogna2024_adjusted", CONTRAST_KINDS[3]),
)


def controlled_vs_uncontrolled_frame() -> pd.DataFrame:
    """Within-group (before–after) effect sizes from ``ketamine_realworld`` next to
    between-group ones from ``trials``: columns ``estimate``, ``effect_size``, ``kind`` (one of
    :data:`CONTRAST_KINDS`) and ``text``."""
    import pandas as pd

    from coursekit.evidence import datasets

    rows = [
        {
            "estimate": _CONTRAST_LABELS[str(r.row_id)],
            "effect_size": float(r.effect_size),
            "kind": CONTRAST_KINDS[0] if r.context == "uncontrolled series" else CONTRAST_KINDS[1],
        }
        for r in datasets.load("ketamine_realworld").itertuples()
    ]
    rows += [
        {
            "estimate": _CONTRAST_LABELS[trial_id],
            "effect_size": float(datasets.trial(trial_id).effect_size),
            "kind": kind,
        }
        for trial_id, kind in _CONTRAST_TRIALS
    ]
    frame = pd.DataFrame(rows, columns=["estimate", "effect_size", "kind"])
    frame["text"] = [f"{v:.2f}" for v in frame["effect_size"]]
    return frame


def controlled_vs_uncontrolled_chart() -> StaticChart:
    """Bars of within-group against between-group effect sizes, coloured by the kind of
    comparison, with a text alternative that lists every value."""
    from coursekit.explore.charts import labelled_bars_chart
    from coursekit.explore.render import show

    frame = controlled_vs_uncontrolled_frame()
    chart = labelled_bars_chart(
        frame,
        item="estimate",
        value="effect_size",
        color="kind",
        color_order=CONTRAST_KINDS,
        x_title="Effect size (d or g)",
        title="Within-group versus between-group effect sizes",
        legend_title="What is compared",
    )

    def listed(prefix: str) -> str:
        part = frame[frame["kind"].str.startswith(prefix)]
        return "; ".join(f"{e} {t}" for e, t in zip(part["estimate"], part["text"], strict=True))

    description = (
        f"Horizontal bar chart of {len(frame)} effect sizes. Within-group (before-after) "
        f"values: {listed('within')}. Between-group values: {listed('between')}. Colours mark "
        "the kind of comparison."
    )
    return show(chart, description)


def before_after_explorer() -> Exercise:
    """The effect-size explorer (:func:`coursekit.explore.explorers.effect_size_explorer`)
    opened at the before–after d of the uncontrolled ketamine series in
    ``ketamine_realworld``."""
    from coursekit.evidence import datasets
    from coursekit.explore import explorers

    rw = datasets.load("ketamine_realworld").set_index("row_id")
    return explorers.effect_size_explorer(d=float(rw.loc["earleywine", "effect_size"]))
