"""Effect sizes, proportions, meta-analysis and power for the course notebooks.

Everything here is plain Python (``math`` and :class:`statistics.NormalDist`), so
``import coursekit.stats`` is cheap and needs neither numpy nor scipy. Sequences may be
lists, tuples, numpy arrays or pandas Series.

Conventions used throughout
---------------------------
* Group 1 is the treatment (or experimental) group, group 2 the comparison group:
  ``d = (mean1 - mean2) / pooled SD`` and ``RD = p1 - p2``.
* Confidence intervals for d, g, RD, RR and OR use the normal approximation
  (estimate +/- z * SE; RR and OR on the log scale).
* Results are small frozen dataclasses whose ``repr`` reads like a results sentence.

Main references: Borenstein et al. (2009) *Introduction to Meta-Analysis*; Hedges (1981);
Cohen (1988); Kraemer & Kupfer (2006); Furukawa & Leucht (2011); Altman (1998) BMJ 317:1309;
Newcombe (1998) Stat Med 17:873; DerSimonian & Laird (1986); Paule & Mandel (1982);
Viechtbauer (2005) J Educ Behav Stat 30:261; Higgins, Thompson & Spiegelhalter (2009).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

from coursekit._checks import (
    require_bool,
    require_choice,
    require_confidence,
    require_finite,
    require_int_at_least,
    require_open_unit_interval,
    require_positive,
    require_probability,
)

__all__ = [
    "EffectSize",
    "Estimate",
    "MetaResult",
    "NNTResult",
    "Overlap",
    "SampleSize",
    "chi2_sf",
    "cohens_d",
    "cohens_d_from_change",
    "cohens_d_from_t",
    "d_to_overlap",
    "hedges_correction",
    "hedges_g",
    "meta_analysis",
    "nnt",
    "odds_ratio",
    "power_two_groups",
    "risk_difference",
    "risk_ratio",
    "sample_size_two_groups",
    "sd_from_ci",
    "sd_from_se",
    "t_cdf",
    "t_quantile",
]

_NORMAL = NormalDist()
_EPS = 1e-15
_TINY = 1e-300
META_METHODS = ("FE", "DL", "REML", "PM")


# ---------------------------------------------------------------- formatting helpers
def _num(x: float | None, digits: int = 2) -> str:
    if x is None:
        return "n/a"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    return f"{x:.{digits}f}"


def _pct(confidence: float) -> str:
    return f"{confidence * 100:g}%"


def _z(confidence: float) -> float:
    return _NORMAL.inv_cdf(0.5 + confidence / 2)


# ---------------------------------------------------------------- distributions
def _bisect(f: Callable[[float], float], lo: float, hi: float, rtol: float = 1e-15) -> float:
    """Root of a function with f(lo) and f(hi) of opposite sign; returns the ``hi`` side."""
    f_lo = f(lo)
    for _ in range(400):
        mid = 0.5 * (lo + hi)
        if hi - lo <= rtol * max(1.0, abs(mid)) or mid in (lo, hi):
            break
        f_mid = f(mid)
        if (f_mid < 0) == (f_lo < 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return hi


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction for the incomplete beta function (modified Lentz)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, 100_000):
        m2 = 2 * m
        even = m * (b - m) * x / ((qam + m2) * (a + m2))
        odd = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        for aa in (even, odd):
            d = 1.0 + aa * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + aa / c
            c = c if abs(c) > _TINY else _TINY
            step = d * c
            h *= step
        if abs(step - 1.0) < _EPS:
            break
    return h


def _betai(a: float, b: float, x: float, y: float) -> float:
    """Regularized incomplete beta I_x(a, b); ``y`` is 1 - x computed without cancellation."""
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(y)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, y) / b


def _t_sf_positive(x: float, df: float) -> float:
    """Upper tail P(T > x) of Student's t for x >= 0."""
    x2 = x * x
    return 0.5 * _betai(df / 2.0, 0.5, df / (df + x2), x2 / (df + x2))


def t_cdf(x: float, df: float) -> float:
    """Cumulative distribution function of Student's t with ``df`` degrees of freedom."""
    x = require_finite("x", x)
    df = require_positive("df", df)
    upper = _t_sf_positive(abs(x), df)
    return 1.0 - upper if x > 0 else upper


def t_quantile(p: float, df: float) -> float:
    """Quantile (inverse CDF) of Student's t, found by bracketing and bisection."""
    p = require_open_unit_interval("p", p)
    df = require_positive("df", df)
    if p == 0.5:
        return 0.0
    tail = min(p, 1.0 - p)
    hi = 1.0
    while _t_sf_positive(hi, df) > tail:
        hi *= 2.0
    x = _bisect(lambda t: _t_sf_positive(t, df) - tail, 0.0, hi)
    return x if p > 0.5 else -x


def chi2_sf(x: float, df: float) -> float:
    """Upper tail P(X > x) of the chi-squared distribution (regularized incomplete gamma)."""
    x = require_finite("x", x)
    df = require_positive("df", df)
    if x <= 0:
        return 1.0
    a, h = df / 2.0, x / 2.0
    front = math.exp(-h + a * math.log(h) - math.lgamma(a))
    if h < a + 1.0:  # series for the lower tail
        term = total = 1.0 / a
        ap = a
        while abs(term) > abs(total) * _EPS:
            ap += 1.0
            term *= h / ap
            total += term
        return max(0.0, 1.0 - total * front)
    b, c, d = h + 1.0 - a, 1.0 / _TINY, 1.0 / (h + 1.0 - a)  # continued fraction (Lentz)
    frac = d
    for i in range(1, 100_000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = b + an / c
        c = c if abs(c) > _TINY else _TINY
        frac *= d * c
        if abs(d * c - 1.0) < _EPS:
            break
    return front * frac


# ---------------------------------------------------------------- result types
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
            f"EffectSize({self.kind} = {_num(self.value)}, {_pct(self.confidence)} CI "
            f"{_num(self.ci_low)} to {_num(self.ci_high)}, n = {self.n1} + {self.n2})"
        )


@dataclass(frozen=True, repr=False)
class Overlap:
    """Ways of picturing d: Cohen's U3, overlap (OVL), probability of superiority, NNT.

    ``nnt`` is signed: positive favours group 1, negative favours group 2 (a number needed
    to harm), infinite when d = 0.
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
            f"Overlap(d = {_num(self.d)}: U3 = {self.u3:.1%}, overlap = {self.overlap:.1%}, "
            f"P(superiority) = {self.prob_superiority:.1%}, {label} = {_num(abs(self.nnt), 1)} "
            f"({self.nnt_method}))"
        )


@dataclass(frozen=True, repr=False)
class Estimate:
    """A comparison of two proportions ("RD", "RR" or "OR") with its confidence interval.

    ``se`` is the standard error on the scale the interval was built on: the log scale for
    RR and OR. ``note`` records any continuity correction.
    """

    value: float
    ci_low: float
    ci_high: float
    measure: str
    confidence: float
    se: float
    method: str
    note: str = ""

    def __repr__(self) -> str:
        text = (
            f"Estimate({self.measure} = {_num(self.value)}, {_pct(self.confidence)} CI "
            f"{_num(self.ci_low)} to {_num(self.ci_high)}"
        )
        return text + (f"; {self.note})" if self.note else ")")


@dataclass(frozen=True, repr=False)
class NNTResult:
    """Number needed to treat, with Altman's (1998) confidence interval.

    ``benefit`` is True when group 1 does better. When the interval for the risk
    difference excludes 0, ``ci_low``/``ci_high`` bound the NNT on the same side (NNTB or
    NNTH). When it includes 0 (``crosses_zero``), the interval is not one range: it runs
    from NNTB ``ci_low`` up through infinity and back down to NNTH ``ci_high``.
    """

    nnt: float
    ci_low: float
    ci_high: float
    benefit: bool
    crosses_zero: bool
    rd: float
    rd_ci_low: float
    rd_ci_high: float
    confidence: float

    @property
    def interval_text(self) -> str:
        """The confidence interval in words, e.g. ``NNTB 4.2 to ∞ to NNTH 25.0``."""
        if self.crosses_zero:
            return f"NNTB {_num(self.ci_low, 1)} to ∞ to NNTH {_num(self.ci_high, 1)}"
        side = "NNTB" if self.benefit else "NNTH"
        return f"{side} {_num(self.ci_low, 1)} to {_num(self.ci_high, 1)}"

    def __repr__(self) -> str:
        side = "NNTB" if self.benefit else "NNTH"
        ci = f"{_pct(self.confidence)} CI {self.interval_text}"
        text = f"NNTResult({side} = {_num(self.nnt, 1)}, {ci}"
        if self.crosses_zero:
            text += "; the interval for the risk difference includes 0"
        return text + ")"


@dataclass(frozen=True, repr=False)
class MetaResult:
    """Pooled estimates of an inverse-variance meta-analysis.

    ``i2`` is in percent; ``weights_fixed``/``weights_random`` are percentages summing to 100.
    ``q_p`` and ``i2`` are None when k = 1; ``pi_low``/``pi_high`` are None when the
    prediction interval is undefined (see ``notes``).
    """

    k: int
    fixed: float
    fixed_ci: tuple[float, float]
    random: float
    random_ci: tuple[float, float]
    tau2: float
    i2: float | None
    q: float
    q_df: int
    q_p: float | None
    pi_low: float | None
    pi_high: float | None
    weights_fixed: tuple[float, ...]
    weights_random: tuple[float, ...]
    method: str
    labels: tuple[str, ...]
    fixed_se: float
    random_se: float
    confidence: float
    notes: tuple[str, ...]

    @property
    def pooled(self) -> float:
        """The estimate of the chosen method (fixed effect for "FE", else random effects)."""
        return self.fixed if self.method == "FE" else self.random

    @property
    def pooled_ci(self) -> tuple[float, float]:
        """Confidence interval belonging to :attr:`pooled`."""
        return self.fixed_ci if self.method == "FE" else self.random_ci

    def __repr__(self) -> str:
        lo, hi = self.pooled_ci
        model = "fixed effect" if self.method == "FE" else f"random effects ({self.method})"
        i2 = "n/a" if self.i2 is None else f"{self.i2:.1f}%"
        p = "n/a" if self.q_p is None else ("< 0.001" if self.q_p < 0.001 else f"= {self.q_p:.3f}")
        text = (
            f"MetaResult(k = {self.k}, {model}: {_num(self.pooled)} ({_pct(self.confidence)} CI "
            f"{_num(lo)} to {_num(hi)}), tau² = {self.tau2:.3f}, I² = {i2}, "
            f"Q = {self.q:.2f} (df {self.q_df}, p {p})"
        )
        if self.pi_low is not None:
            text += f", prediction interval {_num(self.pi_low)} to {_num(self.pi_high)}"
        return text + ")"


@dataclass(frozen=True, repr=False)
class SampleSize:
    """Per-group sample sizes (rounded up) for a two-group comparison of means."""

    n1: int
    n2: int
    total: int
    d: float
    power: float
    alpha: float
    achieved_power: float
    n1_exact: float

    def __repr__(self) -> str:
        return (
            f"SampleSize(n1 = {self.n1}, n2 = {self.n2}, total = {self.total} for d = "
            f"{_num(self.d)}, power {self.power:.0%}, two-sided alpha = {self.alpha:g}; "
            f"achieved power {self.achieved_power:.1%})"
        )


# ---------------------------------------------------------------- effect sizes
def _d_se(d: float, n1: int, n2: int) -> float:
    """Large-sample SE of d (Hedges & Olkin; Borenstein et al. 2009, eq. 4.20)."""
    return math.sqrt((n1 + n2) / (n1 * n2) + d * d / (2.0 * (n1 + n2)))


def _effect(value: float, se: float, kind: str, n1: int, n2: int, confidence: float) -> EffectSize:
    if not (math.isfinite(value) and math.isfinite(se)):
        raise ValueError(f"{kind} is not finite: the means, SDs or t are too extreme to use")
    z = _z(confidence)
    return EffectSize(value, value - z * se, value + z * se, kind, n1, n2, se, confidence)


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


def _pooled_sd(sd1: float, n1: int, sd2: float, n2: int) -> float:
    """sqrt(((n1-1) sd1² + (n2-1) sd2²) / (n1+n2-2)), via hypot to avoid under/overflow."""
    return math.hypot(math.sqrt(n1 - 1) * sd1, math.sqrt(n2 - 1) * sd2) / math.sqrt(n1 + n2 - 2)


def cohens_d(
    mean1: float, sd1: float, n1: int, mean2: float, sd2: float, n2: int, confidence: float = 0.95
) -> EffectSize:
    """Cohen's d = (mean1 - mean2) / pooled SD, with a normal-approximation CI."""
    m1, s1, n1, m2, s2, n2, confidence = _check_groups(
        mean1, sd1, n1, mean2, sd2, n2, confidence, ("mean1", "sd1", "n1", "mean2", "sd2", "n2")
    )
    d = (m1 - m2) / _pooled_sd(s1, n1, s2, n2)
    return _effect(d, _d_se(d, n1, n2), "d", n1, n2, confidence)


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
    names = ("change1", "sd_change1", "n1", "change2", "sd_change2", "n2")
    c1, s1, n1, c2, s2, n2, confidence = _check_groups(
        change1, sd_change1, n1, change2, sd_change2, n2, confidence, names
    )
    d = (c1 - c2) / _pooled_sd(s1, n1, s2, n2)
    return _effect(d, _d_se(d, n1, n2), "d", n1, n2, confidence)


def cohens_d_from_t(t: float, n1: int, n2: int, confidence: float = 0.95) -> EffectSize:
    """Cohen's d from an independent-samples (pooled-variance) t: d = t * sqrt(1/n1 + 1/n2)."""
    t = require_finite("t", t)
    n1 = require_int_at_least("n1", n1, 2)
    n2 = require_int_at_least("n2", n2, 2)
    confidence = require_confidence("confidence", confidence)
    d = t * math.sqrt(1.0 / n1 + 1.0 / n2)
    return _effect(d, _d_se(d, n1, n2), "d", n1, n2, confidence)


def hedges_correction(df: float) -> float:
    """Small-sample correction J(df) = Γ(df/2) / (sqrt(df/2) Γ((df-1)/2)); needs df > 1.

    Exact gamma form computed with ``math.lgamma``; close to 1 - 3 / (4 df - 1).
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
    return _effect(j * d.value, j * d.se, "g", d.n1, d.n2, d.confidence)


def sd_from_se(se: float, n: int) -> float:
    """SD of a single group from the standard error of its mean: SD = SE * sqrt(n)."""
    se = require_positive("se", se)
    n = require_int_at_least("n", n, 1)
    return se * math.sqrt(n)


def sd_from_ci(
    low: float, high: float, n: int, confidence: float = 0.95, distribution: str = "t"
) -> float:
    """SD of a single group from the CI of its mean: SD = sqrt(n) * (high - low) / (2 * crit).

    ``distribution="t"`` (default) uses the t quantile with n - 1 df, which is what a
    small-sample CI was built with (Cochrane Handbook 6.5.2.2); ``"normal"`` uses z.
    """
    low = require_finite("low", low)
    high = require_finite("high", high)
    if high <= low:
        raise ValueError(f"high must be greater than low, got low={low!r}, high={high!r}")
    n = require_int_at_least("n", n, 2)
    confidence = require_confidence("confidence", confidence)
    distribution = require_choice("distribution", distribution, ("t", "normal"))
    p = 0.5 + confidence / 2
    crit = t_quantile(p, n - 1) if distribution == "t" else _NORMAL.inv_cdf(p)
    return math.sqrt(n) * (high - low) / (2.0 * crit)


def d_to_overlap(d: float, control_event_rate: float | None = None) -> Overlap:
    """Translate d into Cohen's U3, overlap, probability of superiority and an NNT.

    Assumes two normal distributions with equal SD. U3 = Φ(d); OVL = 2Φ(-|d|/2);
    probability of superiority (common-language effect size, AUC) = Φ(d/√2).
    NNT: with no ``control_event_rate`` Kraemer & Kupfer (2006), 1 / (2Φ(d/√2) - 1);
    with one (the proportion of the control group with a *good* outcome) Furukawa's method,
    1 / (Φ(d + Φ⁻¹(CER)) - CER), which Furukawa & Leucht (2011) found more accurate.
    """
    d = require_finite("d", d)
    auc = 0.5 * (1.0 + math.erf(d / 2.0))  # Φ(d/√2), with 2Φ(d/√2) - 1 = erf(d/2)
    if control_event_rate is None:
        gain, cer, method = math.erf(d / 2.0), None, "Kraemer & Kupfer"
    else:
        cer = require_open_unit_interval("control_event_rate", control_event_rate)
        gain, method = _NORMAL.cdf(d + _NORMAL.inv_cdf(cer)) - cer, "Furukawa"
    number = math.inf if gain == 0 else 1.0 / gain
    overlap = 2.0 * _NORMAL.cdf(-abs(d) / 2.0)
    return Overlap(d, _NORMAL.cdf(d), overlap, auc, number, cer, method)


# ---------------------------------------------------------------- proportions
def _check_counts(events1, n1, events2, n2, confidence) -> tuple:
    n1 = require_int_at_least("n1", n1, 1)
    n2 = require_int_at_least("n2", n2, 1)
    e1 = require_int_at_least("events1", events1, 0)
    e2 = require_int_at_least("events2", events2, 0)
    if e1 > n1:
        raise ValueError(f"events1 must not exceed n1 ({n1}), got {events1!r}")
    if e2 > n2:
        raise ValueError(f"events2 must not exceed n2 ({n2}), got {events2!r}")
    return e1, n1, e2, n2, require_confidence("confidence", confidence)


def _wilson(p: float, n: float, z: float) -> tuple[float, float]:
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def _rd(p1: float, n1: float, p2: float, n2: float, confidence: float, method: str) -> Estimate:
    z, rd = _z(confidence), p1 - p2
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    if method == "wald":
        return Estimate(rd, rd - z * se, rd + z * se, "RD", confidence, se, method)
    l1, u1 = _wilson(p1, n1, z)
    l2, u2 = _wilson(p2, n2, z)
    low = rd - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = rd + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return Estimate(rd, low, high, "RD", confidence, se, method)


def risk_difference(
    events1: int, n1: int, events2: int, n2: int, confidence: float = 0.95, method: str = "wald"
) -> Estimate:
    """Risk difference p1 - p2 with a Wald CI or (``method="newcombe"``) Newcombe's hybrid
    score CI built from two Wilson intervals (Newcombe 1998, method 10).

    The Wald interval collapses to a point when both proportions are 0 or 1; Newcombe's
    interval does not and behaves better with small samples.
    """
    e1, n1, e2, n2, confidence = _check_counts(events1, n1, events2, n2, confidence)
    method = require_choice("method", method, ("wald", "newcombe"))
    return _rd(e1 / n1, n1, e2 / n2, n2, confidence, method)


def _ratio(events1, n1, events2, n2, confidence, measure: str) -> Estimate:
    e1, n1, e2, n2, confidence = _check_counts(events1, n1, events2, n2, confidence)
    a, b, c, d = float(e1), float(n1 - e1), float(e2), float(n2 - e2)
    note = ""
    if 0.0 in (a, b, c, d):
        a, b, c, d = a + 0.5, b + 0.5, c + 0.5, d + 0.5
        note = "0.5 added to every cell because one cell was 0 (Haldane-Anscombe)"
    if measure == "RR":
        log_value = math.log(a / (a + b)) - math.log(c / (c + d))
        se = math.sqrt(1 / a - 1 / (a + b) + 1 / c - 1 / (c + d))
    else:
        log_value = math.log(a * d / (b * c))
        se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    z = _z(confidence)
    low, high = math.exp(log_value - z * se), math.exp(log_value + z * se)
    return Estimate(math.exp(log_value), low, high, measure, confidence, se, "log", note)


def risk_ratio(events1: int, n1: int, events2: int, n2: int, confidence: float = 0.95) -> Estimate:
    """Risk ratio (p1 / p2) with a CI from the log scale.

    If any cell of the 2x2 table is 0, 0.5 is added to all four cells (noted on the result).
    """
    return _ratio(events1, n1, events2, n2, confidence, "RR")


def odds_ratio(events1: int, n1: int, events2: int, n2: int, confidence: float = 0.95) -> Estimate:
    """Odds ratio with a Woolf (log-scale) CI.

    If any cell of the 2x2 table is 0, 0.5 is added to all four cells (Haldane-Anscombe;
    noted on the result).
    """
    return _ratio(events1, n1, events2, n2, confidence, "OR")


def nnt(
    p1: float,
    n1: int,
    p2: float,
    n2: int,
    confidence: float = 0.95,
    *,
    events_are_good: bool = True,
    method: str = "wald",
) -> NNTResult:
    """Number needed to treat, 1 / |p1 - p2|, with a CI from the risk-difference CI.

    ``p1``/``p2`` are proportions of group 1 (treatment) and group 2 (control) with the
    event. By default events are good outcomes (response, remission), so p1 > p2 is a
    benefit; pass ``events_are_good=False`` for bad outcomes (relapse, dropout). The CI
    inverts the limits of the RD interval (``method`` as in :func:`risk_difference`); when
    that interval includes 0 the result has ``crosses_zero=True`` and the NNT interval is
    "NNTB ci_low to ∞ to NNTH ci_high" (Altman 1998).
    """
    p1 = require_probability("p1", p1)
    p2 = require_probability("p2", p2)
    n1 = require_int_at_least("n1", n1, 1)
    n2 = require_int_at_least("n2", n2, 1)
    confidence = require_confidence("confidence", confidence)
    method = require_choice("method", method, ("wald", "newcombe"))
    require_bool("events_are_good", events_are_good)
    rd = _rd(p1, n1, p2, n2, confidence, method)
    sign = 1.0 if events_are_good else -1.0
    gain = sign * rd.value
    low, high = sorted((sign * rd.ci_low, sign * rd.ci_high))

    def inv(x: float) -> float:
        return math.inf if x == 0 else 1.0 / abs(x)

    crosses = low <= 0.0 <= high
    if crosses:
        ci_low, ci_high = inv(high), inv(low)  # NNTB limit, NNTH limit
    else:
        ci_low, ci_high = sorted((inv(low), inv(high)))
    return NNTResult(
        inv(gain), ci_low, ci_high, gain > 0, crosses, rd.value, rd.ci_low, rd.ci_high, confidence
    )


# ---------------------------------------------------------------- meta-analysis
def _floats(name: str, values: object, positive: bool = False) -> list[float]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ValueError(f"{name} must be a sequence of numbers, got {values!r}")
    check = require_positive if positive else require_finite
    return [check(f"{name}[{i}]", v) for i, v in enumerate(values)]


def _pool(y: Sequence[float], v: Sequence[float], tau2: float) -> tuple[float, float, list[float]]:
    w = [1.0 / (vi + tau2) for vi in v]
    total = sum(w)
    mu = sum(wi * yi for wi, yi in zip(w, y, strict=True)) / total
    return mu, math.sqrt(1.0 / total), w


def _q(y: Sequence[float], v: Sequence[float], tau2: float) -> float:
    mu, _, w = _pool(y, v, tau2)
    return sum(wi * (yi - mu) * (yi - mu) for wi, yi in zip(w, y, strict=True))


def _tau2_dl(y: Sequence[float], v: Sequence[float]) -> float:
    w = [1.0 / vi for vi in v]
    c = sum(w) - sum(wi * wi for wi in w) / sum(w)
    return max(0.0, (_q(y, v, 0.0) - (len(y) - 1)) / c)


def _tau2_pm(y: Sequence[float], v: Sequence[float]) -> float:
    """Paule-Mandel: the tau² at which the generalized Q equals its expectation k - 1."""
    target = len(y) - 1
    if _q(y, v, 0.0) <= target:
        return 0.0
    hi = max(_tau2_dl(y, v), max(v), 1e-12)
    while _q(y, v, hi) > target:
        hi *= 2.0
    return _bisect(lambda t: _q(y, v, t) - target, 0.0, hi, rtol=1e-14)


def _reml_step(y: Sequence[float], v: Sequence[float], tau2: float) -> float:
    mu, _, w = _pool(y, v, tau2)
    sw, sw2 = sum(w), sum(wi**2 for wi in w)
    trace_p = sw - sw2 / sw
    trace_pp = sw2 - 2.0 * sum(wi**3 for wi in w) / sw + (sw2 / sw) ** 2
    score = sum((wi * (yi - mu)) ** 2 for wi, yi in zip(w, y, strict=True)) - trace_p
    return score / trace_pp


def _reml_loglik(y: Sequence[float], v: Sequence[float], tau2: float) -> float:
    mu, _, w = _pool(y, v, tau2)
    resid = sum(wi * (yi - mu) ** 2 for wi, yi in zip(w, y, strict=True))
    return -0.5 * (sum(math.log(vi + tau2) for vi in v) + math.log(sum(w)) + resid)


def _fisher_scoring(y: Sequence[float], v: Sequence[float], tau2: float) -> float | None:
    for _ in range(1000):
        new = max(0.0, tau2 + _reml_step(y, v, tau2))
        if abs(new - tau2) <= 1e-13 * (1.0 + tau2):
            return new
        tau2 = new
    return None


def _tau2_reml(y: Sequence[float], v: Sequence[float]) -> float:
    """REML by Fisher scoring, truncated at 0 (as in metafor).

    The restricted likelihood can have two local maxima, so scoring starts from both the
    DL and the Hedges (unweighted moment) estimates and the better end point is kept.
    """
    k, mean = len(y), sum(y) / len(y)
    hedges = max(0.0, sum((yi - mean) ** 2 for yi in y) / (k - 1) - sum(v) / k)
    ends = [_fisher_scoring(y, v, start) for start in (_tau2_dl(y, v), hedges)]
    found = [t for t in ends if t is not None]
    if found:
        return max(found, key=lambda t: _reml_loglik(y, v, t))
    if _reml_step(y, v, 0.0) <= 0:  # fallback: bracket a root of the REML score
        return 0.0
    hi = max(hedges, max(v), 1e-12)
    while _reml_step(y, v, hi) > 0:
        hi *= 2.0
    return _bisect(lambda t: _reml_step(y, v, t), 0.0, hi, rtol=1e-14)


def meta_analysis(
    effects: Sequence[float],
    variances: Sequence[float],
    labels: Sequence[str] | None = None,
    method: str = "DL",
    confidence: float = 0.95,
) -> MetaResult:
    """Inverse-variance meta-analysis: fixed effect plus a random-effects model.

    ``method``: "FE" (fixed effect only; tau² taken as 0 and random = fixed), "DL"
    (DerSimonian-Laird), "REML" (restricted maximum likelihood, Fisher scoring) or "PM"
    (Paule-Mandel). CIs use the normal distribution. I² is in percent: (Q - df) / Q for FE
    and DL, and tau² / (tau² + s²) with s² the "typical" within-study variance for REML
    and PM (Higgins & Thompson 2002; as metafor reports it; equal to the first for DL).
    The prediction interval (Higgins et al. 2009) is mu ± t(k-2) * sqrt(tau² + SE²); it is
    None for FE or when k < 3. FE needs k ≥ 1, the random-effects methods k ≥ 2.
    """
    method = require_choice("method", method, META_METHODS)
    confidence = require_confidence("confidence", confidence)
    y = _floats("effects", effects)
    v = _floats("variances", variances, positive=True)
    k = len(y)
    if k == 0:
        raise ValueError("effects must contain at least one study")
    if len(v) != k:
        raise ValueError(f"variances must have the same length as effects ({k}), got {len(v)}")
    if method != "FE" and k < 2:
        raise ValueError(f"effects: method {method!r} needs at least 2 studies to estimate tau²")
    if labels is None:
        names = tuple(f"Study {i + 1}" for i in range(k))
    else:
        if isinstance(labels, (str, bytes)) or not isinstance(labels, Iterable):
            raise ValueError(f"labels must be a sequence of names, got {labels!r}")
        names = tuple(str(label) for label in labels)
        if len(names) != k:
            raise ValueError(f"labels must have the same length as effects ({k}), got {len(names)}")
    try:
        result = _fit(y, v, method, confidence, names)
    except (OverflowError, ZeroDivisionError, ValueError):  # ValueError: NaN reached chi2_sf
        result = None
    if result is None or not _all_finite(result):
        raise ValueError("effects and variances are too extreme to pool (numeric overflow)")
    return result


def _all_finite(value: object) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, tuple):
        return all(_all_finite(item) for item in value)
    if isinstance(value, MetaResult):
        return all(_all_finite(getattr(value, name)) for name in value.__dataclass_fields__)
    return True


def _fit(
    y: list[float], v: list[float], method: str, confidence: float, names: tuple[str, ...]
) -> MetaResult:
    k = len(y)
    fixed, fixed_se, w_fixed = _pool(y, v, 0.0)
    q, df = _q(y, v, 0.0), k - 1
    estimator = {"FE": lambda *_: 0.0, "DL": _tau2_dl, "PM": _tau2_pm, "REML": _tau2_reml}
    tau2 = estimator[method](y, v)
    random, random_se, w_random = _pool(y, v, tau2)
    notes: list[str] = []
    if k == 1:
        i2 = q_p = None
        notes.append("Heterogeneity (Q p-value, I²) cannot be assessed with a single study.")
    else:
        q_p = chi2_sf(q, df)
        if method in ("FE", "DL"):
            i2 = 0.0 if q <= df else 100.0 * (q - df) / q
        else:
            typical = df * sum(w_fixed) / (sum(w_fixed) ** 2 - sum(w**2 for w in w_fixed))
            i2 = 100.0 * tau2 / (tau2 + typical)
    z = _z(confidence)
    pi_low = pi_high = None
    if method == "FE":
        notes.append("Fixed effect: one common true effect is assumed, so tau² = 0 and no PI.")
    elif k < 3:
        notes.append("The prediction interval needs at least 3 studies (t with k - 2 df).")
    else:
        half = t_quantile(0.5 + confidence / 2, k - 2) * math.sqrt(tau2 + random_se**2)
        pi_low, pi_high = random - half, random + half
    return MetaResult(
        k=k,
        fixed=fixed,
        fixed_ci=(fixed - z * fixed_se, fixed + z * fixed_se),
        random=random,
        random_ci=(random - z * random_se, random + z * random_se),
        tau2=tau2,
        i2=i2,
        q=q,
        q_df=df,
        q_p=q_p,
        pi_low=pi_low,
        pi_high=pi_high,
        weights_fixed=tuple(100.0 * w / sum(w_fixed) for w in w_fixed),
        weights_random=tuple(100.0 * w / sum(w_random) for w in w_random),
        method=method,
        labels=names,
        fixed_se=fixed_se,
        random_se=random_se,
        confidence=confidence,
        notes=tuple(notes),
    )


# ---------------------------------------------------------------- planning
def _power(d: float, m: float, alpha: float) -> float:
    """Two-sided power with effective sample size m = n1 n2 / (n1 + n2)."""
    crit = _NORMAL.inv_cdf(1.0 - alpha / 2.0)
    shift = abs(d) * math.sqrt(m)
    return _NORMAL.cdf(shift - crit) + _NORMAL.cdf(-shift - crit)


def power_two_groups(d: float, n1: int, n2: int, alpha: float = 0.05) -> float:
    """Power of a two-sided two-group comparison of means, normal approximation.

    Same formula as statsmodels ``NormalIndPower`` (both rejection tails counted):
    Φ(|d|√m - z) + Φ(-|d|√m - z) with m = n1 n2 / (n1 + n2) and z = Φ⁻¹(1 - alpha/2).
    A t test has slightly less power at small n.
    """
    d = require_finite("d", d)
    n1 = require_int_at_least("n1", n1, 2)
    n2 = require_int_at_least("n2", n2, 2)
    alpha = require_open_unit_interval("alpha", alpha)
    return _power(d, n1 * n2 / (n1 + n2), alpha)


def sample_size_two_groups(
    d: float, power: float = 0.8, alpha: float = 0.05, ratio: float = 1.0
) -> SampleSize:
    """Smallest group sizes reaching ``power`` (normal approximation, two-sided).

    ``ratio`` = n2 / n1. The exact (fractional) n1 solving the power equation is kept as
    ``n1_exact``; n1 = ceil(n1_exact), n2 = ceil(ratio * n1_exact), at least 2 each.
    """
    d = require_finite("d", d)
    if d == 0:
        raise ValueError("d must not be 0: no sample size detects a zero effect")
    power = require_open_unit_interval("power", power)
    alpha = require_open_unit_interval("alpha", alpha)
    if power <= alpha:
        raise ValueError(f"power must be greater than alpha ({alpha!r}), got {power!r}")
    ratio = require_positive("ratio", ratio)

    def gap(n: float) -> float:
        return _power(d, n * ratio / (1.0 + ratio), alpha) - power

    hi = 1.0
    while gap(hi) < 0:
        hi *= 2.0
        if hi > 1e12:
            raise ValueError(f"d is too close to 0 (or ratio too extreme): n1 > 10^12, d={d!r}")
    exact = _bisect(gap, 0.0, hi, rtol=1e-13)
    if ratio * exact > 1e12:
        raise ValueError(f"ratio is too large: n2 would exceed 10^12, got {ratio!r}")
    n1, n2 = max(2, math.ceil(exact)), max(2, math.ceil(ratio * exact))
    achieved = _power(d, n1 * n2 / (n1 + n2), alpha)
    return SampleSize(n1, n2, n1 + n2, d, power, alpha, achieved, exact)
