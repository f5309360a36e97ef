"""Tools for appraising a randomised trial: blinding, missing data and risk of bias.

Three small, pure tools, each checked by ``tests/test_appraisal.py``:

* **Bang's blinding index** (Bang, Ni & Davis 2004, *Control Clin Trials* 25:143-156), one
  value per arm from the arm's guesses ("active", "control", "don't know"):
  ``BI = (correct - incorrect) / n``, where ``n`` counts every respondent in the arm, "don't
  know" included. BI is 1 when everyone guesses right, 0 when right and wrong guesses balance
  (as with coin-tossing), -1 when everyone guesses the opposite arm. Its standard error is
  ``sqrt((p_c (1 - p_c) + p_i (1 - p_i) + 2 p_c p_i) / n)`` with ``p_c``/``p_i`` the shares of
  correct and incorrect guesses, and the interval is the normal approximation (the same
  computation as the R package ``BI``; intervals are not clipped to [-1, 1]).
  :func:`bang_bounds_from_share` gives the range BI can take when a report gives only the
  percentage who guessed correctly.
* **Completers versus intention to treat**: :func:`dropout_scenarios` recomputes Cohen's d
  for a two-arm trial under simple, stated single-imputation rules for the participants who
  were randomised but have no outcome. Single imputation treats guessed values as observed,
  so it understates uncertainty: the scenarios show how far d *moves*, not a corrected d.
* **A risk-of-bias record** in the structure of RoB 2 (Sterne et al. 2019, *BMJ* 366:l4898):
  five domains with short paraphrased signalling questions, three judgements, and the
  overall-judgement rule (:func:`overall_judgement`).

Nothing here reads a dataset or names a study: course data arrive as arguments.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from coursekit._checks import (
    require_choice,
    require_confidence,
    require_finite,
    require_int_at_least,
    require_positive,
    require_probability,
    require_text,
)
from coursekit.models.stats.distributions import norm_ppf, z_critical

__all__ = [
    "DOMAINS",
    "JUDGEMENTS",
    "RANDOM_GUESS_BAND",
    "ArmOutcome",
    "BlindingIndex",
    "Domain",
    "DomainJudgement",
    "DropoutScenario",
    "OverallJudgement",
    "RiskOfBiasRecord",
    "bang_bounds_from_share",
    "bang_index",
    "bang_indices",
    "domain",
    "dropout_scenarios",
    "impute_arm",
    "interpret_bang",
    "overall_judgement",
]

Alternative = Literal["two-sided", "greater", "less"]

#: Rule-of-thumb band for Bang's index: values inside it are read as consistent with random
#: guessing, values at or above its upper edge as more correct guesses than chance.
RANDOM_GUESS_BAND: tuple[float, float] = (-0.2, 0.2)


# ================================================================ Bang's blinding index
@dataclass(frozen=True)
class BlindingIndex:
    """Bang's blinding index for one arm, with its standard error and confidence interval."""

    arm: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    n: int
    correct: int
    incorrect: int
    dont_know: int
    confidence: float = 0.95
    alternative: Alternative = "two-sided"

    @property
    def interpretation(self) -> str:
        """A plain-language reading of the estimate (see :func:`interpret_bang`)."""
        return interpret_bang(self.estimate)


def interpret_bang(value: float) -> str:
    """Read a Bang index with the common rule of thumb (:data:`RANDOM_GUESS_BAND`).

    Returns ``"more correct guesses than chance"`` (BI >= 0.2), ``"more opposite guesses than
    chance"`` (BI <= -0.2) or ``"consistent with random guessing"``. A rule of thumb, not a test:
    with few respondents the interval matters more than the point estimate.
    """
    value = require_finite("value", value)
    if not -1.0 - 1e-12 <= value <= 1.0 + 1e-12:
        raise ValueError(f"value must be between -1 and 1, got {value!r}")
    low, high = RANDOM_GUESS_BAND
    if value >= high:
        return "more correct guesses than chance"
    if value <= low:
        return "more opposite guesses than chance"
    return "consistent with random guessing"


def bang_index(
    correct: int,
    incorrect: int,
    dont_know: int = 0,
    *,
    arm: str = "arm",
    confidence: float = 0.95,
    alternative: Alternative = "two-sided",
) -> BlindingIndex:
    """Bang's blinding index for one arm from counts of correct, incorrect and "don't know" guesses.

    ``alternative="greater"`` gives the one-sided interval (lower limit, 1) that Bang et al.
    prefer for asking "is there unblinding?"; ``"less"`` gives (-1, upper limit). Counts must be
    whole numbers of at least 0, with at least one correct or incorrect guess (with only
    "don't know" answers the index is undefined).
    """
    c = require_int_at_least("correct", correct, 0)
    i = require_int_at_least("incorrect", incorrect, 0)
    k = require_int_at_least("dont_know", dont_know, 0)
    require_text("arm", arm)
    confidence = require_confidence("confidence", confidence)
    require_choice("alternative", alternative, ("two-sided", "greater", "less"))
    if c + i == 0:
        raise ValueError(
            "correct and incorrect are both 0: with only 'don't know' answers the index is "
            "undefined"
        )
    n = c + i + k
    pc, pi = c / n, i / n
    estimate = pc - pi
    se = math.sqrt((pc * (1 - pc) + pi * (1 - pi) + 2 * pc * pi) / n)
    if alternative == "two-sided":
        z = z_critical(confidence)
        low, high = estimate - z * se, estimate + z * se
    else:
        z = _norm_isf(1.0 - confidence)  # one-sided: all of alpha in one tail
        low, high = (
            (estimate - z * se, 1.0) if alternative == "greater" else (-1.0, estimate + z * se)
        )
    return BlindingIndex(arm, estimate, se, low, high, n, c, i, k, confidence, alternative)


def bang_indices(
    table: Sequence[Sequence[int]],
    *,
    arms: tuple[str, str] = ("active", "control"),
    confidence: float = 0.95,
    alternative: Alternative = "two-sided",
) -> dict[str, BlindingIndex]:
    """Both arms' indices from a 3 x 2 table laid out as in the R package ``BI``.

    Rows are the guesses (active, control, don't know); columns are the arms actually assigned
    (active, control)::

        [[guessed active & was active,     guessed active & was control],
         [guessed control & was active,    guessed control & was control],
         ["don't know" & was active,       "don't know" & was control]]

    A 2 x 2 table (no "don't know" option) is accepted too.
    """
    rows = (
        [list(r) for r in table]
        if isinstance(table, Sequence)
        and not isinstance(table, str)
        and all(isinstance(r, Sequence) and not isinstance(r, str) for r in table)
        else None
    )
    if rows is None or len(rows) not in (2, 3) or any(len(r) != 2 for r in rows):
        raise ValueError("table must have 3 rows (active, control, don't know) of 2 counts each")
    if len(rows) == 2:
        rows.append([0, 0])
    (a_a, a_c), (c_a, c_c), (k_a, k_c) = rows
    first, second = arms
    return {
        first: bang_index(a_a, c_a, k_a, arm=first, confidence=confidence, alternative=alternative),
        second: bang_index(
            c_c, a_c, k_c, arm=second, confidence=confidence, alternative=alternative
        ),
    }


def bang_bounds_from_share(
    correct_share: float, basis: Literal["all", "guessers"] = "all"
) -> tuple[float, float]:
    """The range of Bang's index that a reported share of correct guesses allows.

    Reports often say only "x% guessed correctly". What BI that implies depends on who the
    percentage counts and on the unknown share who answered "don't know":

    * ``basis="all"``: the share is of everyone in the arm. The rest guessed wrongly or said
      "don't know", so BI = x - (wrong share) lies between ``2x - 1`` (nobody said "don't
      know") and ``x`` (everyone else said "don't know").
    * ``basis="guessers"``: the share is of those who made a guess. BI = (2x - 1) g, where g,
      the unknown share who guessed at all, lies in (0, 1]; BI lies between 0 and ``2x - 1``.

    Returns ``(low, high)``.
    """
    x = require_probability("correct_share", correct_share)
    require_choice("basis", basis, ("all", "guessers"))
    if basis == "all":
        return (2 * x - 1, x)
    edge = 2 * x - 1
    return (min(0.0, edge), max(0.0, edge))


# ================================================================ completers vs ITT
@dataclass(frozen=True)
class ArmOutcome:
    """One arm's outcome: the completers' mean and SD, and how many were randomised."""

    mean: float
    sd: float
    n_completers: int
    n_randomised: int

    def __post_init__(self) -> None:
        require_finite("mean", self.mean)
        require_positive("sd", self.sd)
        require_int_at_least("n_completers", self.n_completers, 2)
        require_int_at_least("n_randomised", self.n_randomised, 2)
        if self.n_completers > self.n_randomised:
            raise ValueError(
                f"n_completers ({self.n_completers}) cannot exceed n_randomised "
                f"({self.n_randomised})"
            )

    @property
    def n_missing(self) -> int:
        """Randomised participants without an outcome."""
        return self.n_randomised - self.n_completers


def impute_arm(arm: ArmOutcome, fill: float) -> tuple[float, float, int]:
    """Mean, SD and n of an arm after giving every missing participant the value ``fill``.

    The SD is that of the whole arm (completers plus imputed values), from the pooled sum of
    squares ``(n_c - 1) s^2 + n_c (m_c - M)^2 + n_m (fill - M)^2`` over ``N - 1``. With no
    missing participants the arm is returned unchanged.
    """
    if not isinstance(arm, ArmOutcome):
        raise ValueError(f"arm must be an ArmOutcome, got {type(arm).__name__}")
    fill = require_finite("fill", fill)
    n_c, n_m, big_n = arm.n_completers, arm.n_missing, arm.n_randomised
    mean = (n_c * arm.mean + n_m * fill) / big_n
    ss = (n_c - 1) * arm.sd**2 + n_c * (arm.mean - mean) ** 2 + n_m * (fill - mean) ** 2
    return mean, math.sqrt(ss / (big_n - 1)), big_n


def _norm_isf(tail: float) -> float:
    """Upper-tail standard normal quantile: P(Z > z) = ``tail``."""
    return -norm_ppf(tail)


def _pooled_d(m1: float, s1: float, n1: int, m2: float, s2: float, n2: int) -> float:
    pooled = math.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / (n1 + n2 - 2))
    return (m1 - m2) / pooled


@dataclass(frozen=True)
class DropoutScenario:
    """Cohen's d under one rule for the missing participants (active minus control)."""

    key: str
    label: str
    assumption: str
    active_mean: float
    active_sd: float
    active_n: int
    control_mean: float
    control_sd: float
    control_n: int
    d: float


_SCENARIOS = {
    "completers": (
        "Completers only",
        "Only participants with an outcome are analysed; the missing are ignored, which assumes "
        "they would have responded like those who stayed.",
    ),
    "no_change": (
        "Missing: no change",
        "Every missing participant in either arm is given a change of 0 (no improvement and no "
        "worsening), as if the baseline value were carried forward.",
    ),
    "control_mean": (
        "Missing: control arm's mean",
        "Every missing participant in either arm is given the control completers' mean change: "
        "those who left the active arm are assumed to have gained no more than control.",
    ),
}


def dropout_scenarios(active: ArmOutcome, control: ArmOutcome) -> tuple[DropoutScenario, ...]:
    """Cohen's d on completers and under two stated imputation rules (see the module notes).

    ``d = (active mean - control mean) / pooled SD``, so with change scores where a fall means
    improvement a negative d favours the active arm. Scenarios, in order: ``completers``,
    ``no_change`` (missing participants changed by 0) and ``control_mean`` (missing
    participants changed by the control completers' mean).
    """
    for name, arm in (("active", active), ("control", control)):
        if not isinstance(arm, ArmOutcome):
            raise ValueError(f"{name} must be an ArmOutcome, got {type(arm).__name__}")
    rows = [("completers", (active.mean, active.sd, active.n_completers),
             (control.mean, control.sd, control.n_completers))]  # fmt: skip
    rows.append(("no_change", impute_arm(active, 0.0), impute_arm(control, 0.0)))
    rows.append(
        ("control_mean", impute_arm(active, control.mean), impute_arm(control, control.mean))
    )
    out = []
    for key, (am, asd, an), (cm, csd, cn) in rows:
        label, assumption = _SCENARIOS[key]
        d = _pooled_d(am, asd, an, cm, csd, cn)
        out.append(DropoutScenario(key, label, assumption, am, asd, an, cm, csd, cn, d))
    return tuple(out)


# ================================================================ risk of bias (RoB 2 structure)
#: The three judgements of RoB 2, from least to most concern.
JUDGEMENTS: tuple[str, ...] = ("low", "some concerns", "high")


@dataclass(frozen=True)
class Domain:
    """One RoB 2 domain: id (``D1`` ... ``D5``), name and paraphrased signalling questions."""

    id: str
    name: str
    short: str
    questions: tuple[str, ...]


#: The five domains of RoB 2 for the effect of assignment to the intervention. The
#: signalling questions are short paraphrases for teaching, not the tool's official wording.
DOMAINS: tuple[Domain, ...] = (
    Domain(
        "D1",
        "Bias arising from the randomisation process",
        "Randomisation",
        (
            "Was the order of allocation generated by chance?",
            "Was the next allocation hidden from those enrolling participants until it was made?",
            "Do differences between the groups at the start hint that randomisation went wrong?",
        ),
    ),
    Domain(
        "D2",
        "Bias due to deviations from the intended interventions",
        "Deviations from intervention",
        (
            "Did participants know which intervention they had during the trial?",
            "Did the people delivering care know?",
            "If so, did the trial setting lead to departures from the planned treatment that "
            "could change the result, and were they unequal between groups?",
            "Were participants analysed in the groups to which they were randomised?",
        ),
    ),
    Domain(
        "D3",
        "Bias due to missing outcome data",
        "Missing outcome data",
        (
            "Were outcome data available for all, or nearly all, randomised participants?",
            "If not, is there evidence that the result is not distorted by the missing data?",
            "Could whether an outcome is missing depend on its true value (for example, people "
            "leaving because they were not improving)?",
        ),
    ),
    Domain(
        "D4",
        "Bias in measurement of the outcome",
        "Measurement of the outcome",
        (
            "Was the way the outcome was measured suitable?",
            "Could the measurement have differed between the groups?",
            "Did the people assessing the outcome (including participants who rate themselves) "
            "know which intervention was received?",
            "Could that knowledge have influenced the assessment, and is it likely that it did?",
        ),
    ),
    Domain(
        "D5",
        "Bias in selection of the reported result",
        "Selection of the reported result",
        (
            "Was the analysis fixed in a plan made before the unblinded data were seen?",
            "Could the reported result have been picked from several outcome measures or time "
            "points?",
            "Could it have been picked from several ways of analysing the data?",
        ),
    ),
)

_DOMAIN_IDS = tuple(d.id for d in DOMAINS)


def domain(domain_id: str) -> Domain:
    """The :class:`Domain` with id ``domain_id`` (``"D1"`` ... ``"D5"``)."""
    require_choice("domain_id", domain_id, _DOMAIN_IDS)
    return DOMAINS[_DOMAIN_IDS.index(domain_id)]


@dataclass(frozen=True)
class DomainJudgement:
    """A judgement for one domain, with the reason and the sources (bibliography keys)."""

    domain: str
    judgement: str
    reason: str
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        require_choice("domain", self.domain, _DOMAIN_IDS)
        require_choice("judgement", self.judgement, JUDGEMENTS)
        require_text("reason", self.reason)
        if isinstance(self.sources, str) or not all(
            isinstance(s, str) and s.strip() for s in self.sources
        ):
            raise ValueError(f"sources must be a tuple of non-empty keys, got {self.sources!r}")


@dataclass(frozen=True)
class OverallJudgement:
    """The overall judgement, the rule that produced it and whether a reviewer may raise it."""

    judgement: str
    rule: str
    may_be_raised: bool = False


def overall_judgement(
    judgements: Mapping[str, str] | Iterable[DomainJudgement],
    *,
    multiple_concerns_as_high: bool = False,
) -> OverallJudgement:
    """Combine the five domain judgements with the RoB 2 rule.

    * any domain **high** -> high;
    * all five **low** -> low;
    * otherwise **some concerns**, unless several domains have some concerns and the reviewer
      judges that together they substantially lower confidence in the result: RoB 2 leaves
      that call to the reviewer, so pass ``multiple_concerns_as_high=True`` to make it. With
      two or more "some concerns" the result says ``may_be_raised=True``.

    ``judgements`` maps every domain id to a judgement, or is an iterable of
    :class:`DomainJudgement` with every domain exactly once.
    """
    if not isinstance(multiple_concerns_as_high, bool):
        raise ValueError(
            f"multiple_concerns_as_high must be True or False, got {multiple_concerns_as_high!r}"
        )
    if isinstance(judgements, Mapping):
        pairs = list(judgements.items())
    else:
        try:
            pairs = [(j.domain, j.judgement) for j in judgements]
        except (TypeError, AttributeError):
            raise ValueError(
                "judgements must map domain ids to judgements or list DomainJudgement objects"
            ) from None
    seen: dict[str, str] = {}
    for dom, value in pairs:
        require_choice("judgements (domain id)", dom, _DOMAIN_IDS)
        require_choice(f"judgements[{dom!r}]", value, JUDGEMENTS)
        if dom in seen:
            raise ValueError(f"judgements names domain {dom} twice")
        seen[dom] = value
    missing = [d for d in _DOMAIN_IDS if d not in seen]
    if missing:
        raise ValueError(f"judgements is missing domain(s) {', '.join(missing)}")
    highs = [d for d, v in seen.items() if v == "high"]
    concerns = [d for d, v in seen.items() if v == "some concerns"]
    if highs:
        return OverallJudgement(
            "high", f"high in {', '.join(highs)}: any high domain makes it high"
        )
    if not concerns:
        return OverallJudgement("low", "low in all five domains")
    several = len(concerns) >= 2
    if several and multiple_concerns_as_high:
        return OverallJudgement(
            "high",
            f"some concerns in {', '.join(concerns)}, judged together to lower confidence "
            "substantially (the reviewer's call)",
            may_be_raised=True,
        )
    rule = f"some concerns in {', '.join(concerns)} and no high domain"
    if several:
        rule += "; with several such domains a reviewer may judge the result high"
    return OverallJudgement("some concerns", rule, may_be_raised=several)


@dataclass(frozen=True)
class RiskOfBiasRecord:
    """A whole RoB 2 appraisal of one result: five domain judgements in domain order."""

    study: str
    outcome: str
    judgements: tuple[DomainJudgement, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        require_text("study", self.study)
        require_text("outcome", self.outcome)
        if isinstance(self.judgements, (str, bytes, Mapping)):
            raise ValueError("judgements must be a sequence of DomainJudgement objects")
        try:
            items = tuple(self.judgements)
        except TypeError:
            raise ValueError(
                "judgements must be a sequence of DomainJudgement objects, "
                f"got {type(self.judgements).__name__}"
            ) from None
        if not all(isinstance(j, DomainJudgement) for j in items):
            raise ValueError("judgements must all be DomainJudgement objects")
        ids = [j.domain for j in items]
        if sorted(ids) != sorted(_DOMAIN_IDS) or len(ids) != len(set(ids)):
            raise ValueError(
                f"judgements must cover {', '.join(_DOMAIN_IDS)} exactly once, got {ids}"
            )
        object.__setattr__(self, "judgements", tuple(sorted(items, key=lambda j: j.domain)))

    def judgement(self, domain_id: str) -> DomainJudgement:
        """The judgement for ``domain_id``."""
        require_choice("domain_id", domain_id, _DOMAIN_IDS)
        return self.judgements[_DOMAIN_IDS.index(domain_id)]

    def overall(self, *, multiple_concerns_as_high: bool = False) -> OverallJudgement:
        """The overall judgement (:func:`overall_judgement`)."""
        return overall_judgement(
            self.judgements, multiple_concerns_as_high=multiple_concerns_as_high
        )
