"""Chapter 3 (ketamine), page 07-synthesis: the course's closing figures and the chart that
compares MDMA, classic psychedelics, ketamine and esketamine on one measure at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt
    import pandas as pd

    from coursekit.explore.engine import Exercise, ExplorerParts

__all__ = [
    "SYNTHESIS_DEFAULT_MEASURE",
    "SYNTHESIS_MEASURES",
    "SYNTHESIS_TREATMENTS",
    "synthesis_chart",
    "synthesis_description",
    "synthesis_figures",
    "synthesis_frame",
    "synthesis_parts",
]


# ---------------------------------------------------------------- figures for the prose
def synthesis_figures() -> dict[str, int | float | str]:
    """Figures for page 07-synthesis, glue name -> value, read from the ``trials``,
    ``synthesis_comparison`` and ``timeline`` datasets.

    Effect sizes (``s_mapp1_es``, ``s_mapp2_es``, ``s_f21_es``, ``s_bg_es``, ``s_bg_adj_es``)
    are floats; trial sizes (``s_*_n``) and session counts (``s_mdma_drug``, ``s_mdma_other``,
    ``s_ket_f21_sessions``, ``s_ket_ab_sessions``) ints; ``s_mdma_hours`` a float; the dates
    ``s_crl_month``, ``s_aus_day`` and ``s_crl_public_year`` text.
    """
    from coursekit.chapters.ketamine.history import event_date
    from coursekit.evidence import datasets

    t = datasets.trial
    figures: dict[str, int | float | str] = {}
    for trial_id, key in [
        ("mapp1", "s_mapp1"),
        ("mapp2", "s_mapp2"),
        ("feder2021", "s_f21"),
        ("borgogna2024", "s_bg"),
        ("borgogna2024_adjusted", "s_bg_adj"),
    ]:
        figures[f"{key}_es"] = float(t(trial_id).effect_size)
    for trial_id, key in [
        ("mapp1", "s_mapp1_n"),
        ("mapp2", "s_mapp2_n"),
        ("abdallah2022_dose05", "s_ab_n"),
        ("feder2021", "s_f21_n"),
    ]:
        figures[key] = int(t(trial_id).n_total)
    proto = datasets.load("synthesis_comparison").set_index("row_id")["value"]
    for row_id, key in [
        ("mdma_drug_sessions", "s_mdma_drug"),
        ("mdma_other_sessions", "s_mdma_other"),
        ("ketamine_feder_drug_sessions", "s_ket_f21_sessions"),
        ("ketamine_abdallah_drug_sessions", "s_ket_ab_sessions"),
    ]:
        figures[key] = int(proto[row_id])
    figures["s_mdma_hours"] = float(proto["mdma_acute_hours"])
    figures["s_crl_month"] = event_date("mdma-2024-crl", "month")
    figures["s_aus_day"] = event_date("mdma-2023-australia-effective", "day")
    figures["s_crl_public_year"] = event_date("mdma-2025-crl-public", "year")
    return figures


# ---------------------------------------------------------------- comparison chart
SYNTHESIS_TREATMENTS: tuple[str, ...] = (
    "MDMA-assisted therapy",
    "Psilocybin",
    "Mescaline",
    "Ketamine (IV, racemic)",
    "Esketamine (nasal)",
)
#: Menu label -> measure code (a ``measure`` of ``synthesis_comparison``, or a trial figure).
SYNTHESIS_MEASURES: dict[str, str] = {
    "Drug sessions in the PTSD trial protocol": "drug_sessions",
    "Other therapy sessions in the protocol": "other_sessions",
    "Hours of acute effect or required monitoring": "hours",
    "Participants in the largest PTSD RCT": "largest_rct",
    "Between-group effect size in PTSD RCTs": "effect_size",
}
SYNTHESIS_DEFAULT_MEASURE = "Drug sessions in the PTSD trial protocol"

_TRIAL_MEASURES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "largest_rct": (
        ("mapp2", "MDMA-assisted therapy", "MAPP2"),
        ("abdallah2022_dose05", "Ketamine (IV, racemic)", "Abdallah 2022"),
    ),
    "effect_size": (
        ("mapp1", "MDMA-assisted therapy", "MAPP1"),
        ("mapp2", "MDMA-assisted therapy", "MAPP2"),
        ("feder2021", "Ketamine (IV, racemic)", "Feder 2021"),
        ("borgogna2024", "Ketamine (IV, racemic)", "pooled RCTs"),
        ("borgogna2024_adjusted", "Ketamine (IV, racemic)", "pooled, bias-corrected"),
    ),
}
_NOT_COVERED = "not covered"
_NO_PTSD = "no PTSD indication"
_SHORT = {
    "MDMA-assisted therapy": "MDMA",
    "Psilocybin": "Psilocybin",
    "Mescaline": "Mescaline",
    "Ketamine (IV, racemic)": "Ketamine IV",
    "Esketamine (nasal)": "Esketamine",
}
_CONTEXT = {
    "MAPP1 Phase 3 protocol": "MAPP1",
    "Feder 2021 RCT protocol": "Feder 2021",
    "Abdallah 2022 RCT protocol": "Abdallah 2022",
}
_COLUMNS = ["treatment", "item", "value", "text", "detail", "order"]


def _trial_rows(code: str) -> list[dict[str, Any]]:
    from coursekit.evidence import datasets

    rows = []
    for trial_id, treatment, short in _TRIAL_MEASURES[code]:
        t = datasets.trial(trial_id)
        if code == "largest_rct":
            value, text = float(t.n_total), f"{int(t.n_total)} randomised"
        else:
            value = float(t.effect_size)
            text = f"{t.effect_size_type} = {value:.2f}"
        item = f"{_SHORT[treatment]} ({short})"
        rows.append({"treatment": treatment, "item": item, "value": value, "text": text})
        rows[-1]["detail"] = str(t.label)
    return rows


def _protocol_rows(code: str) -> list[dict[str, Any]]:
    from coursekit.evidence import datasets

    proto = datasets.load("synthesis_comparison")
    wanted = ["acute_hours", "monitoring_hours"] if code == "hours" else [code]
    rows = []
    for r in proto[proto["measure"].isin(wanted)].itertuples():
        context = _CONTEXT.get(str(r.context), "")
        short = _SHORT[str(r.treatment)]
        rows.append(
            {
                "treatment": str(r.treatment),
                "item": f"{short} ({context})" if context else short,
                "value": float(r.value),
                "text": str(r.display),
                "detail": str(r.context),
            }
        )
    return rows


def _items(rows: list[dict[str, Any]]) -> str:
    return "; ".join(f"{r['item']}: {r['text']}" for r in rows)


def synthesis_frame(measure: str = SYNTHESIS_DEFAULT_MEASURE) -> pd.DataFrame:
    """Rows of the comparison chart for one ``measure`` (a key of :data:`SYNTHESIS_MEASURES`).

    Confirmed figures come from ``synthesis_comparison`` (protocol features) or ``trials``
    (trial sizes, effect sizes); every treatment without one gets a row of value 0 labelled
    "not covered" (esketamine: "no PTSD indication"). Columns ``treatment``, ``item``,
    ``value``, ``text``, ``detail``, ``order`` and ``summary`` (:func:`synthesis_description`,
    repeated on every row).
    """
    import pandas as pd

    from coursekit._checks import require_choice

    code = SYNTHESIS_MEASURES[require_choice("measure", measure, SYNTHESIS_MEASURES)]
    rows = _trial_rows(code) if code in _TRIAL_MEASURES else _protocol_rows(code)
    covered = {r["treatment"] for r in rows}
    for treatment in SYNTHESIS_TREATMENTS:
        if treatment not in covered:
            text = _NO_PTSD if treatment == "Esketamine (nasal)" else _NOT_COVERED
            short = _SHORT[treatment]
            rows.append(
                {"treatment": treatment, "item": short, "value": 0.0, "text": text, "detail": short}
            )
    for i, row in enumerate(rows):
        row["order"] = float(SYNTHESIS_TREATMENTS.index(row["treatment"]) * 10 + i)
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    frame["summary"] = (
        f"Horizontal bar chart comparing the treatments on “{measure}”. {_items(rows)}."
    )
    return frame


def synthesis_description(measure: str = SYNTHESIS_DEFAULT_MEASURE) -> str:
    """The text alternative for one ``measure``: every bar's item and its label in words."""
    return str(synthesis_frame(measure)["summary"].iloc[0])


def synthesis_parts() -> ExplorerParts:
    """The parts of :func:`synthesis_chart` (for the explorer registry and tests)."""
    import pandas as pd

    from coursekit.explore.charts import labelled_bars_chart
    from coursekit.explore.engine import Control, ExplorerParts

    frames = {m: synthesis_frame(m) for m in SYNTHESIS_MEASURES}
    everything = pd.concat(frames.values(), ignore_index=True)
    item_order = list(dict.fromkeys(everything.sort_values("order", kind="stable")["item"]))

    def build(frame: pd.DataFrame) -> alt.TopLevelMixin:
        return labelled_bars_chart(
            frame,
            color="treatment",
            color_order=SYNTHESIS_TREATMENTS,
            item_order=item_order,
            detail="detail",
            x_title="Value (see label)",
            title="Comparing the treatments on one measure",
        )

    per_measure = " ".join(f"“{m}”: {_items(f.to_dict('records'))}." for m, f in frames.items())
    description = (
        "Horizontal bar chart comparing MDMA-assisted therapy, psilocybin, mescaline, IV racemic "
        "ketamine and esketamine on the measure chosen in the menu; it opens on "
        f"“{SYNTHESIS_DEFAULT_MEASURE}”. Bars show confirmed figures with their values; a "
        f"treatment without a confirmed figure is labelled “{_NOT_COVERED}” (esketamine: "
        f"“{_NO_PTSD}”). {per_measure}"
    )
    control = Control(
        "measure", "Measure", tuple(SYNTHESIS_MEASURES), SYNTHESIS_DEFAULT_MEASURE, kind="select"
    )
    return ExplorerParts(
        synthesis_frame,
        (control,),
        build,
        description,
        live_description=lambda frame: str(frame["summary"].iloc[0]),
    )


def synthesis_chart() -> Exercise:
    """Bars comparing MDMA-assisted therapy, psilocybin, mescaline, IV racemic ketamine and
    esketamine on the measure chosen in a menu, with "not covered" where the course's checked
    sources hold no figure."""
    return synthesis_parts().exercise()
