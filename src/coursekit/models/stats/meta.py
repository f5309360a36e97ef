"""Inverse-variance meta-analysis: fixed effect and random effects (DL, REML, PM).

References: Borenstein et al. (2009); DerSimonian & Laird (1986); Paule & Mandel (1982);
Viechtbauer (2005) J Educ Behav Stat 30:261; Higgins & Thompson (2002); Higgins, Thompson &
Spiegelhalter (2009).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, fields, replace

from coursekit._checks import require_choice, require_confidence, require_finite, require_positive
from coursekit.models.stats._format import num, pct
from coursekit.models.stats.distributions import chi2_sf, t_upper_quantile, z_critical

__all__ = ["META_METHODS", "MetaResult", "meta_analysis"]

META_METHODS = ("FE", "DL", "REML", "PM")


@dataclass(frozen=True, repr=False)
class MetaResult:
    """Pooled estimates of an inverse-variance meta-analysis.

    ``i2`` is in percent; ``weights_fixed``/``weights_random`` are percentages summing to 100.
    ``q_p`` and ``i2`` are None when k = 1; ``pi_low``/``pi_high`` are None when the
    prediction interval is undefined (see ``notes``). Every number is finite.
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
            f"MetaResult(k = {self.k}, {model}: {num(self.pooled)} ({pct(self.confidence)} CI "
            f"{num(lo)} to {num(hi)}), tau² = {self.tau2:.3f}, I² = {i2}, "
            f"Q = {self.q:.2f} (df {self.q_df}, p {p})"
        )
        if self.pi_low is not None:
            text += f", prediction interval {num(self.pi_low)} to {num(self.pi_high)}"
        return text + ")"


# ---------------------------------------------------------------- estimators
def _bisect(f: Callable[[float], float], lo: float, hi: float, rtol: float = 1e-14) -> float:
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


def _pool(y: Sequence[float], v: Sequence[float], tau2: float) -> tuple[float, float, list[float]]:
    w = [1.0 / (vi + tau2) for vi in v]
    total = sum(w)
    mu = sum(wi * yi for wi, yi in zip(w, y, strict=True)) / total
    return mu, math.sqrt(1.0 / total), w


def _q(y: Sequence[float], v: Sequence[float], tau2: float) -> float:
    mu, _, w = _pool(y, v, tau2)
    return sum(wi * (yi - mu) * (yi - mu) for wi, yi in zip(w, y, strict=True))


def _cross(w: Sequence[float]) -> float:
    """(Σw)² - Σw², written as Σ w_i (Σw - w_i) so it stays accurate (all terms positive)."""
    total = sum(w)
    return sum(wi * (total - wi) for wi in w)


def _tau2_dl(y: Sequence[float], v: Sequence[float]) -> float:
    w = [1.0 / vi for vi in v]
    c = _cross(w) / sum(w)
    return max(0.0, (_q(y, v, 0.0) - (len(y) - 1)) / c)


def _tau2_pm(y: Sequence[float], v: Sequence[float]) -> float:
    """Paule-Mandel: the tau² at which the generalized Q equals its expectation k - 1."""
    target = len(y) - 1
    if _q(y, v, 0.0) <= target:
        return 0.0
    hi = max(_tau2_dl(y, v), max(v), 1e-12)
    while _q(y, v, hi) > target:
        hi *= 2.0
    return _bisect(lambda t: _q(y, v, t) - target, 0.0, hi)


def _reml_step(y: Sequence[float], v: Sequence[float], tau2: float) -> float:
    """One Fisher-scoring step for the REML tau².

    With P = W - w wᵀ / Σw, trace(P) and trace(P²) are summed term by term (not as differences
    of large sums), so weights that differ by many orders of magnitude do not cancel to 0.
    """
    mu, _, w = _pool(y, v, tau2)
    sw = sum(w)
    trace_p = sum(wi * (1.0 - wi / sw) for wi in w)
    diagonal = sum((wi * (1.0 - wi / sw)) ** 2 for wi in w)
    off = sum((wi * wj / sw) ** 2 for i, wi in enumerate(w) for j, wj in enumerate(w) if i != j)
    trace_pp = diagonal + off
    if trace_pp <= 0.0:
        return 0.0
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
    return _bisect(lambda t: _reml_step(y, v, t), 0.0, hi)


_ESTIMATORS: dict[str, Callable[[Sequence[float], Sequence[float]], float]] = {
    "FE": lambda y, v: 0.0,
    "DL": _tau2_dl,
    "PM": _tau2_pm,
    "REML": _tau2_reml,
}


# ---------------------------------------------------------------- the analysis
def _floats(name: str, values: object, positive: bool = False) -> list[float]:
    if (
        isinstance(values, str | bytes | Mapping | Set)
        or not isinstance(values, Iterable)
        or getattr(values, "ndim", 1) != 1
    ):
        raise ValueError(f"{name} must be a sequence of numbers, got {values!r}")
    check = require_positive if positive else require_finite
    return [check(f"{name}[{i}]", v) for i, v in enumerate(values)]


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

    The model is fitted in units of the typical standard error (a power-of-two rescaling, so
    ordinary data give bit-identical results), which keeps tiny (1e-160) or huge variances
    accurate. Data so extreme that a result would not be finite raise a ``ValueError``.
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
    names = _labels(labels, k)
    try:
        result = _fit_scaled(y, v, method, confidence, names)
    except (OverflowError, ZeroDivisionError, ValueError):  # ValueError: NaN reached scipy
        result = None
    if result is None or not _all_finite(result):
        raise ValueError(
            "effects and variances are too extreme to pool (a result would not be finite)"
        )
    return result


def _labels(labels: object, k: int) -> tuple[str, ...]:
    if labels is None:
        return tuple(f"Study {i + 1}" for i in range(k))
    if isinstance(labels, str | bytes | Mapping | Set) or not isinstance(labels, Iterable):
        raise ValueError(f"labels must be a sequence of names, got {labels!r}")
    names = tuple(str(label) for label in labels)
    if len(names) != k:
        raise ValueError(f"labels must have the same length as effects ({k}), got {len(names)}")
    return names


def _all_finite(value: object) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, tuple):
        return all(_all_finite(item) for item in value)
    if isinstance(value, MetaResult):
        return all(_all_finite(getattr(value, f.name)) for f in fields(value))
    return True


def _fit_scaled(
    y: list[float], v: list[float], method: str, confidence: float, names: tuple[str, ...]
) -> MetaResult:
    """Fit with effects in units of 2**e (about the geometric-mean SE), then scale back.

    Powers of two scale exactly, and the estimators are equivariant (tau² scales with the
    variances, means and SEs with the effects; Q, I², weights and p-values do not change).
    """
    e = round(sum(math.log2(vi) for vi in v) / (2 * len(v)))
    y_scaled = [math.ldexp(yi, -e) for yi in y]
    scaled = _fit(y_scaled, [math.ldexp(vi, -2 * e) for vi in v], method, confidence, names)
    if e == 0:
        return scaled

    def back(x: float | None, power: int = 1) -> float | None:
        return None if x is None else math.ldexp(x, power * e)

    return replace(
        scaled,
        fixed=back(scaled.fixed),
        fixed_ci=(back(scaled.fixed_ci[0]), back(scaled.fixed_ci[1])),
        random=back(scaled.random),
        random_ci=(back(scaled.random_ci[0]), back(scaled.random_ci[1])),
        tau2=back(scaled.tau2, 2),
        pi_low=back(scaled.pi_low),
        pi_high=back(scaled.pi_high),
        fixed_se=back(scaled.fixed_se),
        random_se=back(scaled.random_se),
    )


def _fit(
    y: list[float], v: list[float], method: str, confidence: float, names: tuple[str, ...]
) -> MetaResult:
    k = len(y)
    fixed, fixed_se, w_fixed = _pool(y, v, 0.0)
    q, df = _q(y, v, 0.0), k - 1
    tau2 = _ESTIMATORS[method](y, v)
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
            typical = df * sum(w_fixed) / _cross(w_fixed)
            i2 = 100.0 * tau2 / (tau2 + typical)
    z = z_critical(confidence)
    pi_low = pi_high = None
    if method == "FE":
        notes.append("Fixed effect: one common true effect is assumed, so tau² = 0 and no PI.")
    elif k < 3:
        notes.append("The prediction interval needs at least 3 studies (t with k - 2 df).")
    else:
        crit = t_upper_quantile((1.0 - confidence) / 2.0, k - 2)
        half = crit * math.hypot(math.sqrt(tau2), random_se)
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
