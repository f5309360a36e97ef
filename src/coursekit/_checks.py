"""Input validation shared by every public function.

Each helper raises :class:`ValueError` with a message that names the argument, so widgets
can show the message to the reader instead of a traceback. Numbers must be real numbers
(``bool``, strings, ``None`` and complex numbers are refused); whole numbers are capped at
:data:`MAX_WHOLE` so that they convert to floats exactly and arithmetic on them cannot
overflow.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Integral, Real

__all__ = [
    "MAX_WHOLE",
    "require_bool",
    "require_choice",
    "require_confidence",
    "require_finite",
    "require_int_at_least",
    "require_nonnegative",
    "require_open_unit_interval",
    "require_positive",
    "require_probability",
    "require_text",
    "require_unit_interval",
]

MAX_WHOLE = 2**53
"""Largest whole number accepted (9007199254740992): every int up to it is an exact float."""


def _is_bool(value: object) -> bool:
    kind = getattr(getattr(value, "dtype", None), "kind", None)
    return isinstance(value, bool) or kind == "b"  # numpy booleans too


def require_finite(name: str, value: object) -> float:
    """Return ``value`` as a float, or raise if it is not a finite real number."""
    if _is_bool(value) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    try:
        out = float(value)
    except (OverflowError, ValueError, TypeError):  # e.g. an int or Fraction beyond 1e308
        raise ValueError(f"{name} must be a finite number, got a value too large") from None
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
    """Return ``value`` if it is a finite number of at least zero (``-0.0`` becomes 0.0)."""
    out = require_finite(name, value)
    if out < 0:
        raise ValueError(f"{name} must be 0 or more, got {value!r}")
    return out + 0.0


def require_probability(name: str, value: object) -> float:
    """Return ``value`` if it lies in the closed interval [0, 1]."""
    out = require_finite(name, value)
    if not 0.0 <= out <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1, got {value!r}")
    return out + 0.0


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


def require_int_at_least(
    name: str, value: object, minimum: int, maximum: int = MAX_WHOLE, *, strict: bool = False
) -> int:
    """Return ``value`` as an int if it is a whole number from ``minimum`` to ``maximum``.

    Whole-valued floats such as ``12.0`` (a count read from a table with gaps) are accepted
    unless ``strict`` is true, in which case only integers (``int``, numpy integers) are.
    """
    if _is_bool(value):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if isinstance(value, Integral):
        out = int(value)
    elif not strict and isinstance(value, Real) and math.isfinite(v := float(value)):
        if not v.is_integer():
            raise ValueError(f"{name} must be a whole number, got {value!r}")
        out = int(v)
    else:
        kind = "an integer" if strict else "a whole number"
        raise ValueError(f"{name} must be {kind}, got {value!r}")
    if out < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value!r}")
    if out > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value!r}")
    return out


def require_confidence(name: str, value: object) -> float:
    """Return a confidence level strictly between 0 and 1 (e.g. 0.95)."""
    return require_open_unit_interval(name, value)


def require_bool(name: str, value: object) -> bool:
    """Return ``value`` if it is ``True`` or ``False`` (not merely truthy)."""
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return value


def require_text(name: str, value: object) -> str:
    """Return ``value`` if it is a string with at least one non-blank character."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return value


def require_choice(name: str, value: object, choices: Iterable[object]) -> str:
    """Return ``value`` (as text) if it is one of ``choices``.

    When every choice is a string, ``value`` must be a string too (so ``1`` never matches
    a menu of names, and arrays or other unhashable objects are refused with the name).
    """
    options = list(choices)
    if all(isinstance(c, str) for c in options) and not isinstance(value, str):
        found = False
    else:
        try:
            found = any(value == c and not (_is_bool(value) ^ _is_bool(c)) for c in options)
        except (TypeError, ValueError):  # e.g. a numpy array compared with a number
            found = False
    if not found:
        shown = ", ".join(map(repr, options))
        raise ValueError(f"{name} must be one of {shown}; got {value!r}")
    return str(value)
