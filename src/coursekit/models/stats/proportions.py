"""Comparisons of two proportions: risk difference, risk ratio, odds ratio and the NNT.

Group 1 is the treatment group, group 2 the comparison: ``RD = p1 - p2``. Intervals use the
normal approximation (RR and OR on the log scale); Newcombe's hybrid score interval is offered
for the risk difference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from coursekit._checks import (
    require_bool,
    require_choice,
    require_confidence,
    require_int_at_least,
    require_probability,
)
from coursekit.models.stats._format import num, pct
from coursekit.models.stats.distributions import z_critical

__all__ = ["Estimate", "NNTResult", "nnt", "odds_ratio", "risk_difference", "risk_ratio"]


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
            f"Estimate({self.measure} = {num(self.value)}, {pct(self.confidence)} CI "
            f"{num(self.ci_low)} to {num(self.ci_high)}"
        )
        return text + (f"; {self.note})" if self.note else ")")


@dataclass(frozen=True, repr=False)
class NNTResult:
    """Number needed to treat, with Altman's (1998) confidence interval.

    ``benefit`` is True when group 1 does better. When the interval for the risk
    difference excludes 0, ``ci_low``/``ci_high`` bound the NNT on the same side (NNTB or
    NNTH). When it includes 0 (``crosses_zero``), the interval is not one range: it runs
    from NNTB ``ci_low`` up through infinity and back down to NNTH ``ci_high``.

    ``nnt`` is ``math.inf`` when p1 = p2 (no difference: no number of treated patients
    yields one extra event), and a limit is ``math.inf`` when the risk-difference interval
    ends exactly at 0. A difference so small that its inverse exceeds the floating-point
    range (about 1.8e308) also gives ``math.inf``. All other fields are finite.
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
            return f"NNTB {num(self.ci_low, 1)} to ∞ to NNTH {num(self.ci_high, 1)}"
        side = "NNTB" if self.benefit else "NNTH"
        return f"{side} {num(self.ci_low, 1)} to {num(self.ci_high, 1)}"

    def __repr__(self) -> str:
        side = "NNTB" if self.benefit else "NNTH"
        ci = f"{pct(self.confidence)} CI {self.interval_text}"
        text = f"NNTResult({side} = {num(self.nnt, 1)}, {ci}"
        if self.crosses_zero:
            text += "; the interval for the risk difference includes 0"
        return text + ")"


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
    z, rd = z_critical(confidence), p1 - p2
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
        log_value = (math.log(a) + math.log(d)) - (math.log(b) + math.log(c))
        se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    z = z_critical(confidence)
    low, high = math.exp(log_value - z * se), math.exp(log_value + z * se)
    return Estimate(math.exp(log_value), low, high, measure, confidence, se, "log", note)


def risk_ratio(events1: int, n1: int, events2: int, n2: int, confidence: float = 0.95) -> Estimate:
    """Risk ratio (p1 / p2) with a CI from the log scale.

    If any cell of the 2x2 table is 0, 0.5 is added to all four cells (noted on the result).
    Counts are whole numbers up to 2**53, so the estimate and its CI are always finite.
    """
    return _ratio(events1, n1, events2, n2, confidence, "RR")


def odds_ratio(events1: int, n1: int, events2: int, n2: int, confidence: float = 0.95) -> Estimate:
    """Odds ratio with a Woolf (log-scale) CI.

    If any cell of the 2x2 table is 0, 0.5 is added to all four cells (Haldane-Anscombe;
    noted on the result). Counts are whole numbers up to 2**53, so the result is finite.
    """
    return _ratio(events1, n1, events2, n2, confidence, "OR")


def _inverse(x: float) -> float:
    """1 / |x|, ``math.inf`` at 0 (and when the inverse overflows)."""
    return math.inf if x == 0 else 1.0 / abs(x)


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

    When p1 = p2 the NNT is ``math.inf`` (documented on :class:`NNTResult`), not an error:
    no difference means no number of treated patients is enough.
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
    crosses = low <= 0.0 <= high
    if crosses:
        ci_low, ci_high = _inverse(high), _inverse(low)  # NNTB limit, NNTH limit
    else:
        ci_low, ci_high = sorted((_inverse(low), _inverse(high)))
    return NNTResult(
        _inverse(gain),
        ci_low,
        ci_high,
        gain > 0,
        crosses,
        rd.value,
        rd.ci_low,
        rd.ci_high,
        confidence,
    )
