"""Standardized mean differences (Cohen's d, Hedges' g) and ways of picturing them.

Group 1 is the treatment group, group 2 the comparison: ``d = (mean1 - mean2) / pooled SD``.
Confidence intervals use the normal approximation, estimate ± z * SE.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from coursekit._checks import (
    require_choice,
    require_confidence,
    require_finite,
    require_int_at_least,
    require_open_unit_interval,
    require_positive,
)
from coursekit.models.stats._format import num, pct
from coursekit.models.stats.distributions import (
    norm_cdf,
    norm_ppf,
    norm_step,
    t_upper_quantile,
    z_critical,
)

__all__ = [
    "EffectSize",
    "Overlap",
    "cohens_d",
    "cohens_d_from_change",
    "cohens_d_from_t",
    "d_to_overlap",
    "hedges_correction",
    "hedges_g",
    "sd_from_ci",
    "sd_from_se",
]


@dataclass(frozen=True, repr=False)
class EffectSize:
    """A standardized mean difference (``kind`` "d" or "g") with its confidence interval."""

    value: float
    ci_low: float
    ci_high: float
    kind: str
    n1: int
    n2: int
    se: float
    confidence: float = 0.95

    def __repr__(self) -> str:
        return (
            f"EffectSize({self.kind} = {num(self.value)}, {pct(self.confidence)} CI "
            f"{num(self.ci_low)} to {num(self.ci_high)}, n = {self.n1} + {self.n2})"
        )


@dataclass(frozen=True, repr=False)
class Overlap:
    """Ways of picturing d: Cohen's U3, overlap (OVL), probability of superiority, NNT.

    ``nnt`` is signed: positive favours group 1, negative favours group 2 (a number needed
    to harm). It is ``math.inf`` when d = 0 (no difference, so no number of patients is
    enough), and ``±math.inf`` when the difference is so small that its inverse exceeds the
    floating-point range (about 1.8e308); every other field is always finite.
    """

    d: float
    u3: float
    overlap: float
    prob_superiority: float
    nnt: float
    control_event_rate: float | None
    nnt_method: str

    def __repr__(self) -> str:
        label = "NNT" if self.nnt >= 0 else "NNH"
        return (
            f"Overlap(d = {num(self.d)}: U3 = {self.u3:.1%}, overlap = {self.overlap:.1%}, "
            f"P(superiority) = {self.prob_superiority:.1%}, {label} = {num(abs(self.nnt), 1)} "
            f"({self.nnt_method}))"
        )


# ---------------------------------------------------------------- helpers
def _d_se(d: float, n1: int, n2: int) -> float:
    """Large-sample SE of d (Hedges & Olkin; Borenstein et al. 2009, eq. 4.20).

    sqrt((n1 + n2) / (n1 n2) + d² / (2 (n1 + n2))), via hypot so a large d cannot overflow.
    """
    return math.hypot(math.sqrt((n1 + n2) / (n1 * n2)), d / math.sqrt(2.0 * (n1 + n2)))


def _effect(
    value: float, se: float, kind: str, n1: int, n2: int, confidence: float, culprits: str
) -> EffectSize:
    z = z_critical(confidence)
    low, high = value - z * se, value + z * se
    if not all(math.isfinite(x) for x in (value, se, low, high)):
        raise ValueError(f"{kind} is not finite: {culprits} are too extreme to use")
    return EffectSize(value, low, high, kind, n1, n2, se, confidence)


def _check_groups(mean1, sd1, n1, mean2, sd2, n2, confidence, names) -> tuple:
    return (
        require_finite(names[0], mean1),
        require_positive(names[1], sd1),
        require_int_at_least(names[2], n1, 2),
        require_finite(names[3], mean2),
        require_positive(names[4], sd2),
        require_int_at_least(names[5], n2, 2),
        require_confidence("confidence", confidence),
    )


def _standardized(m1: float, s1: float, n1: int, m2: float, s2: float, n2: int, names) -> float:
    """(m1 - m2) / pooled SD, the pooled SD sqrt(((n1-1) s1² + (n2-1) s2²) / (n1+n2-2))
    computed with weights below 1 so it neither overflows nor underflows needlessly."""
    df = n1 + n2 - 2
    pooled = math.hypot(math.sqrt((n1 - 1) / df) * s1, math.sqrt((n2 - 1) / df) * s2)
    if pooled == 0.0:
        raise ValueError(f"{names[1]} and {names[4]} are too small to pool (the pooled SD is 0)")
    return (m1 - m2) / pooled  # may be ±inf: _effect reports it


# ---------------------------------------------------------------- effect sizes
_GROUP_NAMES = ("mean1", "sd1", "n1", "mean2", "sd2", "n2")
_CHANGE_NAMES = ("change1", "sd_change1", "n1", "change2", "sd_change2", "n2")


def cohens_d(
    mean1: float, sd1: float, n1: int, mean2: float, sd2: float, n2: int, confidence: float = 0.95
) -> EffectSize:
    """Cohen's d = (mean1 - mean2) / pooled SD, with a normal-approximation CI.

    Group sizes must be whole numbers of at least 2; SDs must be greater than 0.
    """
    m1, s1, n1, m2, s2, n2, confidence = _check_groups(
        mean1, sd1, n1, mean2, sd2, n2, confidence, _GROUP_NAMES
    )
    d = _standardized(m1, s1, n1, m2, s2, n2, _GROUP_NAMES)
    return _effect(d, _d_se(d, n1, n2), "d", n1, n2, confidence, "mean1, sd1, mean2 and sd2")


def cohens_d_from_change(
    change1: float,
    sd_change1: float,
    n1: int,
    change2: float,
    sd_change2: float,
    n2: int,
    confidence: float = 0.95,
) -> EffectSize:
    """Cohen's d from mean change scores, standardized by the pooled SD of the changes.

    Change-score SDs shrink as the pre-post correlation grows, so this d is usually larger
    than one standardized by baseline or endpoint SDs; do not pool the two kinds together.
    """
    c1, s1, n1, c2, s2, n2, confidence = _check_groups(
        change1, sd_change1, n1, change2, sd_change2, n2, confidence, _CHANGE_NAMES
    )
    d = _standardized(c1, s1, n1, c2, s2, n2, _CHANGE_NAMES)
    culprits = "change1, sd_change1, change2 and sd_change2"
    return _effect(d, _d_se(d, n1, n2), "d", n1, n2, confidence, culprits)


def cohens_d_from_t(t: float, n1: int, n2: int, confidence: float = 0.95) -> EffectSize:
    """Cohen's d from an independent-samples (pooled-variance) t: d = t * sqrt(1/n1 + 1/n2)."""
    t = require_finite("t", t)
    n1 = require_int_at_least("n1", n1, 2)
    n2 = require_int_at_least("n2", n2, 2)
    confidence = require_confidence("confidence", confidence)
    d = t * math.sqrt(1.0 / n1 + 1.0 / n2)
    return _effect(d, _d_se(d, n1, n2), "d", n1, n2, confidence, "t")


def hedges_correction(df: float) -> float:
    """Small-sample correction J(df) = Γ(df/2) / (sqrt(df/2) Γ((df-1)/2)); needs df > 1.

    Exact gamma form computed with ``math.lgamma``; close to 1 - 3 / (4 df - 1). J rises from
    0 (as df approaches 1) towards 1.
    """
    df = require_positive("df", df)
    if df <= 1:
        raise ValueError(f"df must be greater than 1, got {df!r}")
    if df > 1e5:  # lgamma differences lose digits; this form is off by only ~1/(32 df²)
        return 1.0 - 3.0 / (4.0 * df - 1.0)
    half = df / 2.0
    return math.exp(math.lgamma(half) - math.lgamma(half - 0.5) - 0.5 * math.log(half))


def hedges_g(
    mean1: float, sd1: float, n1: int, mean2: float, sd2: float, n2: int, confidence: float = 0.95
) -> EffectSize:
    """Hedges' g = J * d with J = hedges_correction(n1 + n2 - 2); var(g) = J² var(d)."""
    d = cohens_d(mean1, sd1, n1, mean2, sd2, n2, confidence)
    j = hedges_correction(d.n1 + d.n2 - 2)
    culprits = "mean1, sd1, mean2 and sd2"
    return _effect(j * d.value, j * d.se, "g", d.n1, d.n2, d.confidence, culprits)


# ---------------------------------------------------------------- SDs from reported summaries
def sd_from_se(se: float, n: int) -> float:
    """SD of a single group from the standard error of its mean: SD = SE * sqrt(n)."""
    se = require_positive("se", se)
    n = require_int_at_least("n", n, 1)
    sd = se * math.sqrt(n)
    if not math.isfinite(sd):
        raise ValueError(f"se is too large: SE * sqrt(n) exceeds the floating-point range ({se!r})")
    return sd


def sd_from_ci(
    low: float, high: float, n: int, confidence: float = 0.95, distribution: str = "t"
) -> float:
    """SD of a single group from the CI of its mean: SD = sqrt(n) * (high - low) / (2 * crit).

    ``distribution="t"`` (default) uses the t quantile with n - 1 df, which is what a
    small-sample CI was built with (Cochrane Handbook 6.5.2.2); ``"normal"`` uses z. A
    ``confidence`` so close to 0 that the critical value is 0 (or the SD would be infinite)
    is refused with a ``ValueError``.
    """
    low = require_finite("low", low)
    high = require_finite("high", high)
    if high <= low:
        raise ValueError(f"high must be greater than low, got low={low!r}, high={high!r}")
    n = require_int_at_least("n", n, 2)
    confidence = require_confidence("confidence", confidence)
    distribution = require_choice("distribution", distribution, ("t", "normal"))
    tail = (1.0 - confidence) / 2.0
    crit = t_upper_quantile(tail, n - 1) if distribution == "t" else z_critical(confidence)
    if crit <= 0.0:
        raise ValueError(f"confidence is too close to 0 to recover an SD, got {confidence!r}")
    sd = math.sqrt(n) * ((high / 2.0 - low / 2.0) / crit)  # halves first: no overflow of width
    if not math.isfinite(sd) or sd == 0.0:
        raise ValueError(
            f"low, high and confidence give an SD outside the floating-point range "
            f"(low={low!r}, high={high!r}, confidence={confidence!r})"
        )
    return sd


# ---------------------------------------------------------------- d as a picture
def _inverse(gain: float, d: float) -> float:
    """1 / gain: ``math.inf`` when d = 0, ±inf (sign of d) when the inverse overflows."""
    if gain == 0.0:
        return math.copysign(math.inf, d) if d != 0.0 else math.inf
    return 1.0 / gain  # Python gives ±inf (no exception) when this overflows


def d_to_overlap(d: float, control_event_rate: float | None = None) -> Overlap:
    """Translate d into Cohen's U3, overlap, probability of superiority and an NNT.

    Assumes two normal distributions with equal SD. U3 = Φ(d); OVL = 2Φ(-|d|/2);
    probability of superiority (common-language effect size, AUC) = Φ(d/√2).
    NNT: with no ``control_event_rate`` Kraemer & Kupfer (2006), 1 / (2Φ(d/√2) - 1);
    with one (the proportion of the control group with a *good* outcome, strictly between 0
    and 1) Furukawa's method, 1 / (Φ(d + Φ⁻¹(CER)) - CER), which Furukawa & Leucht (2011)
    found more accurate.

    The NNT is ``math.inf`` when d = 0: with no difference between the groups no number of
    treated patients yields one extra good outcome. For d different from 0 but so small that
    the NNT exceeds about 1.8e308 it is ``±math.inf`` too (the sign of d). All other fields
    are finite.
    """
    d = require_finite("d", d)
    auc = 0.5 * (1.0 + math.erf(d / 2.0))  # Φ(d/√2), with 2Φ(d/√2) - 1 = erf(d/2)
    if control_event_rate is None:
        gain, cer, method = math.erf(d / 2.0), None, "Kraemer & Kupfer"
    else:
        cer = require_open_unit_interval("control_event_rate", control_event_rate)
        z = norm_ppf(cer)
        # Φ(z + d) - Φ(z): exactly 0 at d = 0, where Φ(Φ⁻¹(CER)) - CER left rounding noise.
        gain, method = norm_step(z, d), "Furukawa"
    overlap = 2.0 * norm_cdf(-abs(d) / 2.0)
    return Overlap(d, norm_cdf(d), overlap, auc, _inverse(gain, d), cer, method)
