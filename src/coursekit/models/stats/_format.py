"""Number formatting shared by the ``repr`` of the result types."""

from __future__ import annotations

import math


def num(x: float | None, digits: int = 2) -> str:
    """``x`` with ``digits`` decimals; ``∞``/``-∞`` for infinities and ``n/a`` for None."""
    if x is None:
        return "n/a"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    return f"{x:.{digits}f}"


def pct(confidence: float) -> str:
    """A confidence level as a percentage, e.g. ``95%``."""
    return f"{confidence * 100:g}%"
