"""Input validation shared by every public function.

Each helper raises :class:`ValueError` with a message that names the argument,
so widgets can show the message to the reader instead of a traceback.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Real

__all__ = [
    "require_bool",
    "require_choice",
    "require_confidence",
    "require_finite",
    "require_int_at_least",
    "require_nonnegative",
    "require_open_unit_interval",
    "require_positive",
    "require_probability",
    "require_unit_interval",
]


def require_finite(name: str, value: object) -> float:
    """Return ``value`` as a float, or raise if it is not a finite real number."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    out = float(value)
    if not math.isfinite(out):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return out


def require_positive(name: str, value: object) -> float:
    """Return ``value`` if it is a finite number greater than zero."""
    out = require_finite(name, value)
    if out <= 0:
        raise ValueError(f"{name} must be greater than 0, got {value!r}")
    return out


def require_nonnegative(name: str, value: object) -> float:
    """Return ``value`` if it is a finite number of at least zero."""
    out = require_finite(name, value)
    if out < 0:
        raise ValueError(f"{name} must be 0 or more, got {value!r}")
    return out


def require_probability(name: str, value: object) -> float:
    """Return ``value`` if it lies in the closed interval [0, 1]."""
    out = require_finite(name, value)
    if not 0.0 <= out <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1, got {value!r}")
    return out


def require_unit_interval(name: str, value: object) -> float:
    """Return ``value`` if it lies in the half-open interval (0, 1]."""
    out = require_finite(name, value)
    if not 0.0 < out <= 1.0:
        raise ValueError(f"{name} must be greater than 0 and at most 1, got {value!r}")
    return out


def require_open_unit_interval(name: str, value: object) -> float:
    """Return ``value`` if it lies strictly between 0 and 1."""
    out = require_finite(name, value)
    if not 0.0 < out < 1.0:
        raise ValueError(f"{name} must be strictly between 0 and 1, got {value!r}")
    return out


def require_int_at_least(name: str, value: object, minimum: int) -> int:
    """Return ``value`` if it is a whole number of at least ``minimum``."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if isinstance(value, Real) and float(value).is_integer():
        out = int(value)
    else:
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if out < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value!r}")
    return out


def require_confidence(name: str, value: object) -> float:
    """Return a confidence level strictly between 0 and 1 (e.g. 0.95)."""
    return require_open_unit_interval(name, value)


def require_bool(name: str, value: object) -> bool:
    """Return ``value`` if it is ``True`` or ``False`` (not merely truthy)."""
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return value


def require_choice(name: str, value: object, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``."""
    options = list(choices)
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}")
    return str(value)
