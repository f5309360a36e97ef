"""Normal, Student t and chi-squared distribution functions, from :mod:`scipy.stats`.

scipy is imported on first use, so ``import coursekit.models.stats`` stays cheap. The public
functions validate their arguments and refuse to return a value scipy cannot give accurately
(a quantile beyond the floating-point range, for example) with a :class:`ValueError` that
names the argument.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from coursekit._checks import require_finite, require_open_unit_interval, require_positive

__all__ = ["chi2_sf", "t_cdf", "t_quantile"]

_SMALL_STEP = 1e-6  # below this width, Φ(b) - Φ(a) is computed as (b - a) φ((a + b) / 2)


@functools.cache
def _sps() -> Any:
    import scipy.stats

    return scipy.stats


def _probability(value: Any, name: str, what: str) -> float:
    out = float(value)
    if not (math.isfinite(out) and 0.0 <= out <= 1.0):
        raise ValueError(f"{name} is outside the range where the {what} can be computed")
    return out


# ---------------------------------------------------------------- normal (internal)
def norm_cdf(x: float) -> float:
    """Φ(x), the standard normal CDF."""
    return float(_sps().norm.cdf(x))


def norm_ppf(p: float) -> float:
    """Φ⁻¹(p), the standard normal quantile, for 0 < p < 1."""
    return float(_sps().norm.ppf(p))


def z_critical(confidence: float) -> float:
    """Two-sided critical value: P(|Z| <= z) = ``confidence``.

    Computed from the upper tail (1 - confidence) / 2, so levels close to 1 (0.9999999999999999)
    keep their precision instead of rounding to an infinite quantile.
    """
    return float(_sps().norm.isf((1.0 - confidence) / 2.0))


def norm_step(a: float, step: float) -> float:
    """Φ(a + step) - Φ(a) without cancellation: exactly 0 when step is 0, accurate when the
    step is tiny (midpoint rule on ``step`` itself, relative error below 1e-10, even when
    ``a + step`` rounds to ``a``) and in the far upper tail (upper-tail form)."""
    if step == 0.0:
        return 0.0
    if abs(step) < _SMALL_STEP:
        return step * float(_sps().norm.pdf(a + step / 2.0))
    b = a + step
    if a > 0 and b > 0:
        sf = _sps().norm.sf
        return float(sf(a)) - float(sf(b))
    cdf = _sps().norm.cdf
    return float(cdf(b)) - float(cdf(a))


# ---------------------------------------------------------------- public
def t_cdf(x: float, df: float) -> float:
    """Cumulative distribution function of Student's t with ``df`` degrees of freedom.

    ``df`` may be any positive number; very large df give the normal CDF.
    """
    x = require_finite("x", x)
    df = require_positive("df", df)
    return _probability(_sps().t.cdf(x, df), "df", "t distribution")


def t_upper_quantile(tail: float, df: float) -> float:
    """The t value with upper-tail probability ``tail`` (internal, for critical values)."""
    value = float(_sps().t.isf(tail, df))
    if not math.isfinite(value):
        raise ValueError(f"df is too small: the t quantile for df={df!r} is not finite")
    return value


def t_quantile(p: float, df: float) -> float:
    """Quantile (inverse CDF) of Student's t: the x with ``t_cdf(x, df) == p``.

    For very small ``df`` the t distribution has such heavy tails that its quantiles lie
    beyond the floating-point range (about 1.8e308), or cannot be computed accurately; then a
    ``ValueError`` naming ``df`` is raised rather than a wrong or infinite value returned.
    """
    p = require_open_unit_interval("p", p)
    df = require_positive("df", df)
    if p == 0.5:
        return 0.0
    dist = _sps().t
    value = float(dist.ppf(p, df))
    # Check the answer: scipy's inversion is not reliable for df far below 1.
    back, target = (
        (float(dist.cdf(value, df)), p) if p < 0.5 else (float(dist.sf(value, df)), 1 - p)
    )
    wrong_side = (value < 0) != (p < 0.5)
    if not math.isfinite(value) or wrong_side or abs(back - target) > 1e-8 * target + 1e-290:
        raise ValueError(
            f"df is too small for p={p!r}: the t quantile lies beyond the floating-point range "
            f"or cannot be computed accurately (df={df!r})"
        )
    return value


def chi2_sf(x: float, df: float) -> float:
    """Upper tail P(X > x) of the chi-squared distribution with ``df`` degrees of freedom."""
    x = require_finite("x", x)
    df = require_positive("df", df)
    if x <= 0:
        return 1.0
    return _probability(_sps().chi2.sf(x, df), "df", "chi-squared tail")
