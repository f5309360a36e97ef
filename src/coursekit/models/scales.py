"""Scoring the PCL-5 self-report and banding CAPS-5 totals (for teaching).

Both instruments rate the 20 DSM-5 PTSD symptoms from 0 to 4, so totals run from 0
to 80. The symptoms fall into four clusters: B intrusion (items 1–5), C avoidance
(6–7), D negative changes in cognition and mood (8–14) and E arousal and reactivity
(15–20).

A provisional PCL-5 diagnosis, or a score above a cut-point, is a screening result
and not a diagnosis; a diagnosis needs a clinical assessment. All respondents in
:data:`EXAMPLE_RESPONDENTS` are fictional.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Integral

from coursekit._checks import require_text

__all__ = [
    "CAPS5_BANDS",
    "EXAMPLE_RESPONDENTS",
    "PCL5_CLUSTERS",
    "PCL5_CUTPOINT",
    "PCL5_CUTPOINT_RANGE",
    "PCL5_RULE",
    "PCL5Result",
    "Respondent",
    "caps5_band",
    "score_pcl5",
]

N_ITEMS = 20
ENDORSED_AT = 2  # an item rated 2 ("moderately") or higher counts as endorsed / present
_MAX_RATING = 4
_MAX_TOTAL = N_ITEMS * _MAX_RATING

PCL5_CLUSTERS: dict[str, tuple[int, ...]] = {
    "B": (1, 2, 3, 4, 5),
    "C": (6, 7),
    "D": (8, 9, 10, 11, 12, 13, 14),
    "E": (15, 16, 17, 18, 19, 20),
}
"""Item numbers (1-based) in each DSM-5 symptom cluster."""

PCL5_RULE: dict[str, int] = {"B": 1, "C": 1, "D": 2, "E": 2}
"""Endorsed items needed in each cluster for a provisional DSM-5 diagnosis."""

PCL5_CUTPOINT = 33
"""Default cut-point for probable PTSD (first proposed by the VA)."""

PCL5_CUTPOINT_RANGE = (31, 33)
"""Range of cut-points supported by a systematic review (Forkus et al. 2022)."""

CAPS5_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 10, "asymptomatic"),
    (11, 22, "mild"),
    (23, 34, "moderate"),
    (35, 46, "severe"),
    (47, 80, "extreme"),
)
"""CAPS-5 total-severity bands as summarised for recent PTSD drug trials (secondary, M)."""


def _check_items(items: object) -> tuple[int, ...]:
    """Return 20 item ratings as ints, or raise ValueError naming the bad item."""
    if not isinstance(items, Sequence) and hasattr(items, "tolist"):
        items = items.tolist()  # numpy arrays and pandas Series
    if isinstance(items, str | bytes | dict) or not isinstance(items, Sequence):
        raise ValueError(f"items must be a sequence of {N_ITEMS} ratings, got {items!r}")
    if len(items) != N_ITEMS:
        raise ValueError(f"items must contain exactly {N_ITEMS} ratings, got {len(items)}")
    return tuple(
        _check_score(f"items: item {n}", value, _MAX_RATING)
        for n, value in enumerate(items, start=1)
    )


def _check_score(name: str, value: object, high: int) -> int:
    """Return ``value`` as an int if it is an integer from 0 to ``high``."""
    if isinstance(value, bool) or not isinstance(value, Integral) or not 0 <= value <= high:
        raise ValueError(f"{name} must be an integer from 0 to {high}, got {value!r}")
    return int(value)


@dataclass(frozen=True)
class PCL5Result:
    """A scored PCL-5: total, cluster subtotals, endorsed counts and screening results."""

    total: int
    clusters: dict[str, int]
    endorsed: dict[str, int]
    provisional_diagnosis: bool
    cutpoint: int
    above_cutpoint: bool

    def __str__(self) -> str:
        subtotals = ", ".join(f"{k} {v}" for k, v in self.clusters.items())
        counts = ", ".join(f"{k} {v}" for k, v in self.endorsed.items())
        rule = "met" if self.provisional_diagnosis else "not met"
        side = "at or above" if self.above_cutpoint else "below"
        return (
            f"PCL-5 total {self.total}/80 ({subtotals}); endorsed items {counts}; "
            f"cluster rule {rule}; {side} cut-point {self.cutpoint}"
        )


def score_pcl5(items: Sequence[int], cutpoint: int = PCL5_CUTPOINT) -> PCL5Result:
    """Score a PCL-5 from 20 item ratings (integers 0–4, in item order).

    * ``total``: sum of all items (0–80); ``clusters``: subtotals for B, C, D and E.
    * ``endorsed``: items rated 2 or more in each cluster.
    * ``provisional_diagnosis``: at least 1 B, 1 C, 2 D and 2 E items endorsed.
    * ``above_cutpoint``: ``total >= cutpoint``. The default 33 is the VA's first
      proposal; a systematic review supports 31–33 (lower for screening, higher to avoid
      false positives). Any integer 0–80 is accepted for teaching comparisons.

    Floats (even 2.0), booleans and None are rejected, so data-entry errors surface.
    """
    values = _check_items(items)
    cut = _check_score("cutpoint", cutpoint, _MAX_TOTAL)
    clusters = {k: sum(values[i - 1] for i in idx) for k, idx in PCL5_CLUSTERS.items()}
    endorsed = {
        k: sum(values[i - 1] >= ENDORSED_AT for i in idx) for k, idx in PCL5_CLUSTERS.items()
    }
    diagnosis = all(endorsed[k] >= need for k, need in PCL5_RULE.items())
    total = sum(values)
    return PCL5Result(total, clusters, endorsed, diagnosis, cut, total >= cut)


def caps5_band(total: int) -> str:
    """Severity band for a CAPS-5 total (0–80).

    0–10 asymptomatic, 11–22 mild, 23–34 moderate, 35–46 severe, 47 or more extreme.
    These bands come from a secondary summary of recent PTSD drug trials (confidence M):
    flag them as such when citing.
    """
    value = _check_score("total", total, _MAX_TOTAL)
    return next(label for low, high, label in CAPS5_BANDS if low <= value <= high)


@dataclass(frozen=True)
class Respondent:
    """A fictional PCL-5 respondent used in examples and exercises.

    ``id`` and ``label`` are non-empty strings, ``items`` the 20 ratings (stored as a tuple
    of ints) and ``teaching_point`` a string (may be empty).
    """

    id: str
    label: str
    items: tuple[int, ...]
    teaching_point: str = ""

    def __post_init__(self) -> None:
        require_text("id", self.id)
        require_text("label", self.label)
        object.__setattr__(self, "items", _check_items(self.items))
        if not isinstance(self.teaching_point, str):
            raise ValueError(f"teaching_point must be a string, got {self.teaching_point!r}")


EXAMPLE_RESPONDENTS: tuple[Respondent, ...] = (
    Respondent(
        "resp-a",
        "Respondent A (fictional)",
        (3, 3, 2, 3, 2, 3, 3, 2, 3, 2, 3, 2, 2, 3, 3, 2, 3, 2, 3, 2),
        "Clear positive: high total and every cluster well above the rule.",
    ),
    Respondent(
        "resp-b",
        "Respondent B (fictional)",
        (1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 0, 0),
        "Clear negative: low total and no item endorsed.",
    ),
    Respondent(
        "resp-c",
        "Respondent C (fictional)",
        (4, 4, 3, 3, 3, 1, 1, 3, 3, 2, 2, 1, 1, 1, 2, 2, 1, 1, 1, 1),
        "Above the cut-point but no avoidance item endorsed, so the cluster rule is not met.",
    ),
    Respondent(
        "resp-d",
        "Respondent D (fictional)",
        (3, 0, 0, 0, 0, 0, 3, 3, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0, 2, 0),
        "Low total (well below the cut-point), yet the cluster rule is met.",
    ),
    Respondent(
        "resp-e",
        "Respondent E (fictional)",
        (2, 1, 1, 1, 1, 2, 1, 2, 2, 1, 1, 1, 1, 1, 2, 2, 1, 1, 1, 1),
        "Edge case: exactly the minimum endorsed items in each cluster, each rated exactly 2.",
    ),
    Respondent(
        "resp-f",
        "Respondent F (fictional)",
        (2, 1, 1, 1, 1, 2, 1, 2, 1, 1, 1, 1, 1, 1, 2, 2, 1, 1, 1, 1),
        "Like E but one fewer D item at 2: one point lower and the cluster rule fails.",
    ),
    Respondent(
        "resp-g",
        "Respondent G (fictional)",
        (3, 2, 2, 1, 1, 2, 1, 2, 2, 1, 1, 2, 1, 1, 2, 2, 2, 2, 1, 1),
        "Total 32: above a cut-point of 31 but below 33, so the chosen cut-point matters.",
    ),
)
"""Fictional respondents chosen to teach how the total and the cluster rule can disagree."""
