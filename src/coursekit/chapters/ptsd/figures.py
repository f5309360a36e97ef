"""Chapter 1 (PTSD) page figures: every glued number, computed from the datasets.

Each function returns a page's ``{glue name: value}`` mapping; the page's hidden cell is
``glue_all(ptsd.epidemiology_figures())`` (:func:`coursekit.evidence.glue.glue_all`), and the
prose shows a value with ``{glue:text}`name:format```. Never type a figure here: add it to a
dataset and read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from coursekit.explore.chartkit import require_frame

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Figures", "brain_figures", "epidemiology_figures", "treatment_figures"]


#: A page's figures: glue name → value, for :func:`coursekit.evidence.glue.glue_all`.
Figures = dict[str, float | int | str]

_PUBLISHABLE = frozenset({"H", "V", "M", "P"})
_DATE_FORMATS = {"year": "%Y", "month": "%B %Y", "day": "{day} %B %Y"}


def _dataset(name: str, frame: pd.DataFrame | None) -> pd.DataFrame:
    from coursekit.evidence import datasets

    return datasets.load(name) if frame is None else frame


def _cells(
    frame: pd.DataFrame, dataset: str, wanted: Mapping[str, tuple[str, str]], id_column: str
) -> dict[str, Any]:
    """``{name: value}`` for ``wanted`` (``name → (row id, column)``) read from ``frame``.

    Integer columns give ``int``, number columns ``float``; dates stay timestamps. Raises
    ``ValueError`` naming the row for a missing row or column, an empty value or a row whose
    confidence is not publishable (H, V, M or P).
    """
    import pandas as pd

    columns = sorted({column for _, column in wanted.values()})
    frame = require_frame(frame, dataset, [id_column, "confidence", *columns])
    rows = frame.set_index(frame[id_column].astype(str))
    out: dict[str, Any] = {}
    for name, (row_id, column) in wanted.items():
        where = f"{dataset}/{row_id}/{column} (glue name {name!r})"
        if row_id not in rows.index:
            raise ValueError(f"{where}: {dataset} has no row {row_id!r}")
        if rows.loc[[row_id], "confidence"].iloc[0] not in _PUBLISHABLE:
            raise ValueError(f"{where}: the row's confidence is not H, V, M or P")
        raw = rows.loc[[row_id], column].iloc[0]
        if raw is None or bool(pd.isna(raw)):
            raise ValueError(f"{where}: the value is empty")
        if pd.api.types.is_integer_dtype(frame[column]):
            out[name] = int(raw)
        elif pd.api.types.is_numeric_dtype(frame[column]):
            out[name] = float(raw)
        else:
            out[name] = raw
    return out


_EPI_PREVALENCE = {
    "wmh_life": "wmh-lifetime-all",
    "wmh_exposed": "wmh-lifetime-trauma-exposed",
    "ncs_all": "ncs-lifetime-all",
    "ncs_w": "ncs-lifetime-female",
    "ncs_m": "ncs-lifetime-male",
    "ncsr_all": "ncsr-lifetime-all",
    "nesarc_life": "nesarc3-lifetime-all",
    "nesarc_year": "nesarc3-pastyear-all",
    "panel_life": "us-online-panel-lifetime",
    "lehavot_w": "nesarc3-civilian-female",
    "lehavot_m": "nesarc3-civilian-male",
    "lassemo_life_w": "norway-lifetime-female",
    "lassemo_life_m": "norway-lifetime-male",
    "lassemo_12m_w": "norway-12month-female",
    "lassemo_12m_m": "norway-12month-male",
    "heir_w": "norway-pcl5-point-female",
    "heir_m": "norway-pcl5-point-male",
}
_EPI_INCIDENCE = {
    "lassemo_inc_w": "norway-incidence-female",
    "lassemo_inc_m": "norway-incidence-male",
    "lassemo_trauma_w": "norway-trauma-incidence-female",
    "lassemo_trauma_m": "norway-trauma-incidence-male",
}
_EPI_N = {
    "wmh_n": "wmh-lifetime-all",
    "ncs_n": "ncs-lifetime-all",
    "nesarc_n": "nesarc3-lifetime-all",
    "lassemo_n": "norway-lifetime-female",
    "heir_n": "norway-pcl5-point-female",
}


def epidemiology_figures(epi: pd.DataFrame | None = None) -> Figures:
    """Every figure glued in section 2 (epidemiology), from the ``epidemiology`` dataset.

    Prevalences in % (``wmh_life``, ``ncs_w`` ...), Norwegian incidences per 100,000
    person-years (``lassemo_inc_w`` ...), sample sizes as ``int`` (``wmh_n`` ...) and
    ``lassemo_ratio``, the women-to-men ratio of lifetime prevalence in Norway. ``epi``
    replaces the dataset (for tests); a missing row or empty value raises ``ValueError``.
    """
    wanted = {
        **{name: (row, "prevalence_pct") for name, row in _EPI_PREVALENCE.items()},
        **{name: (row, "incidence_per_100k") for name, row in _EPI_INCIDENCE.items()},
        **{name: (row, "n") for name, row in _EPI_N.items()},
    }
    figures: Figures = _cells(_dataset("epidemiology", epi), "epidemiology", wanted, "row_id")
    women, men = figures["lassemo_life_w"], figures["lassemo_life_m"]
    if not men:
        raise ValueError("epidemiology/norway-lifetime-male/prevalence_pct must not be 0")
    figures["lassemo_ratio"] = float(women) / float(men)
    return figures


def brain_figures(facts: pd.DataFrame | None = None) -> Figures:
    """Figures glued in section 5 (brain and body), from the ``facts`` dataset.

    The hippocampal-volume effect of Logue et al. (2018), current PTSD against
    trauma-exposed controls (``d`` read from the fact ``logue2018-hippocampus-d``), as the
    overlap of the two distributions (``hippo_overlap``, %) and the chance that a randomly
    chosen person with PTSD has the smaller hippocampus of a random pair
    (``hippo_superiority``, %), by :func:`coursekit.models.stats.d_to_overlap`.
    """
    from coursekit.models import stats

    wanted = {"d": ("logue2018-hippocampus-d", "value")}
    text = str(_cells(_dataset("facts", facts), "facts", wanted, "fact_id")["d"])
    try:
        d = float(text.replace("−", "-"))
    except ValueError:
        raise ValueError(f"facts/logue2018-hippocampus-d/value is not a number: {text!r}") from None
    overlap = stats.d_to_overlap(d)
    return {
        "hippo_overlap": 100 * overlap.overlap,
        "hippo_superiority": 100 * (1 - overlap.prob_superiority),
    }


_TREATMENT_VALUES = {
    "dropout_pooled": ("dropout-pooled", "dropout_pct"),
    "dropout_low": ("dropout-pooled", "dropout_ci_low"),
    "dropout_high": ("dropout-pooled", "dropout_ci_high"),
    "dropout_ct": ("dropout-ct", "dropout_pct"),
    "dropout_cbtt": ("dropout-cbt-t", "dropout_pct"),
    "dropout_emdr": ("dropout-emdr", "dropout_pct"),
    "dropout_pe": ("dropout-pe", "dropout_pct"),
    "dropout_cpt": ("dropout-cpt", "dropout_pct"),
    "dropout_waitlist": ("dropout-waitlist", "dropout_pct"),
    "ipd_all": ("dropout-ipd-tfcbt-all", "dropout_pct"),
    "ipd_military": ("dropout-ipd-tfcbt-military", "dropout_pct"),
    "cochrane_smd": ("es-tfcbt-cochrane", "effect_size"),
    "cochrane_k": ("es-tfcbt-cochrane", "k_studies"),
    "sert_1": ("es-sertraline-1", "effect_size"),
    "sert_2": ("es-sertraline-2", "effect_size"),
    "parox_1": ("es-paroxetine-1", "effect_size"),
    "parox_2": ("es-paroxetine-2", "effect_size"),
    "parox_3": ("es-paroxetine-3", "effect_size"),
    "retained_cpt": ("retained-civilian-cpt", "value_pct"),
    "retained_pe": ("retained-civilian-pe", "value_pct"),
}
_APPROVALS = {"approval_sert": "approval-sertraline", "approval_parox": "approval-paroxetine"}


def treatment_figures(tx: pd.DataFrame | None = None) -> Figures:
    """Every figure glued in section 6 (treatments), from the ``treatments`` dataset.

    Dropout in % (``dropout_pooled`` with ``dropout_low``/``dropout_high``, ``dropout_ct``
    ...), effect sizes (``cochrane_smd``, ``sert_1`` ...), the number of studies
    ``cochrane_k`` (``int``), diagnosis retained in % (``retained_cpt``, ``retained_pe``) and
    the FDA approval dates as text, written as precisely as they are known
    (``approval_sert``: "December 1999"). ``tx`` replaces the dataset (for tests).
    """
    frame = _dataset("treatments", tx)
    figures: Figures = _cells(frame, "treatments", _TREATMENT_VALUES, "row_id")
    dates = _cells(
        frame, "treatments", {k: (r, "approval_date") for k, r in _APPROVALS.items()}, "row_id"
    )
    precision = _cells(
        frame, "treatments", {k: (r, "date_precision") for k, r in _APPROVALS.items()}, "row_id"
    )
    for name, when in dates.items():
        fmt = _DATE_FORMATS.get(str(precision[name]))
        if fmt is None:
            raise ValueError(f"{name}: date_precision must be one of {', '.join(_DATE_FORMATS)}")
        figures[name] = when.strftime(fmt.format(day=when.day))
    return figures
