"""A one-compartment pharmacokinetic teaching model (no drug-specific values).

A simplified teaching model for understanding the shapes of concentration curves.
It is not a dosing tool and must not be used for clinical or personal decisions.

Two ideas are covered:

* **Split-dose regimens.** A one-compartment model with first-order oral absorption
  (the Bateman function). Several doses add up by superposition, so an initial dose
  plus a supplemental dose later can be drawn as one curve.
* **Routes of administration.** The same drug reaches the blood in different
  proportions (bioavailability, F) and at different speeds depending on the route.
  Relative exposure is ``dose * F``; :func:`route_curve` draws a teaching curve per route.

Parameter values are data, not code: they live in the ``pk_parameters`` and ``pk_routes``
datasets with their sources and confidence, and :func:`coursekit.evidence.lookup.pk_parameters`
and :func:`coursekit.evidence.lookup.pk_routes` turn rows into the objects below. Every
parameter set carries a :class:`Source` (bibliography key, note, confidence) copied from its
dataset row.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from coursekit._checks import (
    require_finite,
    require_nonnegative,
    require_positive,
    require_text,
    require_unit_interval,
)

__all__ = [
    "TEACHING_NOTICE",
    "Dose",
    "PKCurve",
    "PKParameters",
    "Route",
    "Source",
    "bateman",
    "concentration",
    "route_curve",
    "route_exposure",
    "simulate",
    "split_dose_regimen",
]

TEACHING_NOTICE = (
    "Teaching model only: a simplified one-compartment model for understanding the shapes of "
    "concentration curves. It is not a dosing tool and is not for clinical or personal use."
)

_CONFIDENCE = {"H", "V", "M", "P"}
_KEY_PATTERN = re.compile(r"^[a-z][a-z0-9]*$")


def _with_notice(text: str) -> str:
    return f"{text}\n[{TEACHING_NOTICE}]"


def _require_source(value: object) -> None:
    if not isinstance(value, Source):
        raise ValueError(f"source must be a Source, got {value!r}")


@dataclass(frozen=True)
class Source:
    """Where a parameter comes from.

    ``key`` is a key in ``book/references.bib``; ``note`` says what was taken from the
    source and what was assumed; ``confidence`` is H, V, M or P (unconfirmed facts,
    code U, are never used).
    """

    key: str
    note: str
    confidence: str

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not _KEY_PATTERN.fullmatch(self.key):
            raise ValueError(f"key must be a bibliography key like 'chong2006', got {self.key!r}")
        require_text("note", self.note)
        if not isinstance(self.confidence, str) or self.confidence not in _CONFIDENCE:
            raise ValueError(
                f"confidence must be one of 'H', 'V', 'M', 'P'; got {self.confidence!r}"
            )


@dataclass(frozen=True)
class PKParameters:
    """One-compartment model with first-order absorption (teaching parameters).

    ``volume_l`` is the apparent volume of distribution in litres; together with
    ``bioavailability`` it scales the curve: peak height is proportional to F/V. Numbers are
    stored as floats; the elimination rate and clearance derived from them must be finite.
    """

    name: str
    ka_per_h: float
    half_life_h: float
    volume_l: float
    bioavailability: float
    source: Source

    def __post_init__(self) -> None:
        require_text("name", self.name)
        _store(self, "ka_per_h", require_positive("ka_per_h", self.ka_per_h))
        _store(self, "half_life_h", require_positive("half_life_h", self.half_life_h))
        _store(self, "volume_l", require_positive("volume_l", self.volume_l))
        f = require_unit_interval("bioavailability", self.bioavailability)
        _store(self, "bioavailability", f)
        _require_source(self.source)
        if not math.isfinite(self.ke_per_h):
            raise ValueError(f"half_life_h is too small to use, got {self.half_life_h!r}")
        if not math.isfinite(self.clearance_l_per_h):
            raise ValueError(
                f"volume_l is too large for half_life_h: the clearance is not finite "
                f"(volume_l={self.volume_l!r}, half_life_h={self.half_life_h!r})"
            )

    @property
    def ke_per_h(self) -> float:
        """Elimination rate constant, ln 2 / half-life (per hour)."""
        return math.log(2) / self.half_life_h

    @property
    def clearance_l_per_h(self) -> float:
        """Apparent clearance, ke * V (litres per hour)."""
        return self.ke_per_h * self.volume_l

    def __repr__(self) -> str:
        return _with_notice(
            f"PKParameters({self.name!r}, ka={self.ka_per_h:g}/h, t½={self.half_life_h:g} h, "
            f"V={self.volume_l:g} L, F={self.bioavailability:g}, source={self.source.key!r} "
            f"[{self.source.confidence}])"
        )


@dataclass(frozen=True)
class Dose:
    """A single dose: ``amount_mg`` given at ``time_h`` hours after the start."""

    amount_mg: float
    time_h: float = 0.0

    def __post_init__(self) -> None:
        _store(self, "amount_mg", require_nonnegative("amount_mg", self.amount_mg))
        _store(self, "time_h", require_nonnegative("time_h", self.time_h))


@dataclass(frozen=True)
class Route:
    """A route of administration with its bioavailability.

    ``bioavailability`` is the point value used by the model; ``low``/``high`` give the
    spread reported in the sources. ``ka_per_h`` is the absorption-rate constant used
    by :func:`route_curve` (``math.inf`` means an instantaneous intravenous bolus); it is
    a teaching assumption, as each route's source note says.
    """

    name: str
    bioavailability: float
    low: float
    high: float
    source: Source
    ka_per_h: float = math.inf

    def __post_init__(self) -> None:
        require_text("name", self.name)
        f = require_unit_interval("bioavailability", self.bioavailability)
        low = require_unit_interval("low", self.low)
        high = require_unit_interval("high", self.high)
        if not low <= f <= high:
            raise ValueError(
                f"bioavailability must lie between low and high, got {f} outside {low}–{high}"
            )
        for name, value in (("bioavailability", f), ("low", low), ("high", high)):
            _store(self, name, value)
        bolus = isinstance(self.ka_per_h, float) and self.ka_per_h == math.inf
        if not bolus:
            _store(self, "ka_per_h", require_positive("ka_per_h", self.ka_per_h))
        _require_source(self.source)

    def __repr__(self) -> str:
        return _with_notice(
            f"Route({self.name!r}, F={self.bioavailability:g} (range {self.low:g}–{self.high:g}), "
            f"source={self.source.key!r} [{self.source.confidence}])"
        )


@dataclass(frozen=True, repr=False, eq=False)
class PKCurve:
    """A simulated teaching curve: times, values and what the values mean.

    ``t_h`` and ``values`` are one-dimensional float arrays of the same, non-zero length;
    times are 0 or more hours and values are finite and never negative.
    """

    t_h: np.ndarray
    values: np.ndarray
    unit: str
    label: str

    def __post_init__(self) -> None:
        t = _times(self.t_h)
        values = _times(self.values, "values")
        if t.ndim != 1 or t.size == 0:
            raise ValueError("t_h must be a one-dimensional grid with at least one time")
        if values.shape != t.shape:
            raise ValueError(
                f"values must have the same shape as t_h {t.shape}, got {values.shape}"
            )
        require_text("unit", self.unit)
        require_text("label", self.label)
        _store(self, "t_h", t)
        _store(self, "values", values)

    @property
    def peak(self) -> float:
        """Highest value on the grid."""
        return float(self.values.max())

    @property
    def time_of_peak_h(self) -> float:
        """Grid time at which the highest value occurs (the first, if several tie)."""
        return float(self.t_h[int(self.values.argmax())])

    def __repr__(self) -> str:
        return _with_notice(
            f"PKCurve({self.label!r}: {self.t_h.size} points, peak {self.peak:.3g} {self.unit} "
            f"at {self.time_of_peak_h:.3g} h)"
        )


def _times(t_h: object, name: str = "t_h") -> np.ndarray:
    """Validate a time grid (or, with ``name``, any array of amounts): finite numbers of 0 or
    more, as a float array. Strings, booleans, complex numbers and ragged lists are refused."""
    if isinstance(t_h, str | bytes):
        raise ValueError(f"{name} must be numbers, got {t_h!r}")
    try:
        raw = np.asarray(t_h)
        if raw.dtype.kind not in "iufO":
            raise TypeError(raw.dtype)
        arr = np.asarray(raw, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name} must be real numbers, got {t_h!r}"[:300]) from None
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers")
    if np.any(arr < 0):
        what = "times of 0 or more hours" if name == "t_h" else "values of 0 or more"
        raise ValueError(f"{name} must contain only {what}")
    out = np.array(arr, dtype=float)  # a copy: later changes to the caller's array stay there
    out += 0.0  # -0.0 becomes 0.0
    return out


def _finite_result(values: np.ndarray, culprits: str) -> np.ndarray:
    """Return ``values`` if every entry is finite, else raise naming the arguments."""
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{culprits} are too extreme: the curve exceeds the floating-point range")
    return values


def _store(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)  # normalize a field of a frozen dataclass


def _absorption_kernel(t: np.ndarray, ka: float, ke: float) -> np.ndarray:
    """(e^(-ke t) - e^(-ka t)) / (ka - ke) for t >= 0, stable when ka is close to ke.

    Written as e^(-k_slow t) * (1 - e^(-|ka - ke| t)) / |ka - ke|, which tends to
    t * e^(-k t) as ka -> ke (the limiting form, used when ka == ke exactly).
    """
    slow = min(ka, ke)
    diff = abs(ka - ke)
    if diff == 0.0:
        return t * np.exp(-slow * t)
    return np.exp(-slow * t) * (-np.expm1(-diff * t)) / diff


def _require_dose(dose: object) -> Dose:
    if not isinstance(dose, Dose):
        raise ValueError(f"dose must be a Dose(amount_mg, time_h), got {dose!r}")
    return dose


def _require_params(params: object) -> PKParameters:
    if not isinstance(params, PKParameters):
        raise ValueError(f"params must be PKParameters, got {params!r}")
    return params


def bateman(t_h: np.ndarray, dose: Dose, params: PKParameters) -> np.ndarray:
    """Concentration (ng/mL) after one oral dose: the Bateman function.

    Teaching model only; not a dosing tool, not for clinical or personal use.

    ``C(t) = 1000 * F * D * ka / (V * (ka - ke)) * (exp(-ke t') - exp(-ka t'))`` with
    ``t' = t - dose.time_h`` (zero before the dose). D is in mg and V in L, so the
    factor 1000 converts mg/L to ng/mL. When ka equals ke the limiting form
    ``F * D * k * t' * exp(-k t') / V`` is used.
    """
    t = _times(t_h)
    out = _bateman(t, _require_dose(dose), _require_params(params))
    return _finite_result(out, "dose and params")


def _bateman(t: np.ndarray, dose: Dose, params: PKParameters) -> np.ndarray:
    """The Bateman curve on a validated grid; may hold inf or NaN when the inputs overflow."""
    since = t - dose.time_h
    after = since >= 0
    with np.errstate(over="ignore", invalid="ignore"):
        kernel = _absorption_kernel(np.where(after, since, 0.0), params.ka_per_h, params.ke_per_h)
        scale = (
            1000.0 * params.bioavailability * dose.amount_mg * (params.ka_per_h / params.volume_l)
        )
        return np.where(after, scale * kernel, 0.0)


def concentration(t_h: np.ndarray, doses: Sequence[Dose], params: PKParameters) -> np.ndarray:
    """Concentration (ng/mL) after several doses, by superposition (sum of Bateman curves).

    Teaching model only; not a dosing tool, not for clinical or personal use.
    Superposition assumes linear kinetics; a drug that inhibits its own metabolism breaks it.
    """
    t = _times(t_h)
    params = _require_params(params)
    if isinstance(doses, Dose) or not isinstance(doses, Sequence) or isinstance(doses, str):
        raise ValueError(f"doses must be a sequence of Dose objects, got {doses!r}")
    for i, dose in enumerate(doses):
        if not isinstance(dose, Dose):
            raise ValueError(f"doses[{i}] must be a Dose(amount_mg, time_h), got {dose!r}")
    total = np.zeros_like(t)
    with np.errstate(over="ignore", invalid="ignore"):
        for dose in doses:
            total = total + _bateman(t, dose, params)
    return _finite_result(total, "doses and params")


def simulate(t_h: np.ndarray, doses: Sequence[Dose], params: PKParameters) -> PKCurve:
    """Like :func:`concentration` but returns a :class:`PKCurve` whose repr carries the notice.

    Teaching model only; not a dosing tool, not for clinical or personal use.
    ``t_h`` is a one-dimensional grid of at least one time; a single number is a grid of one.
    """
    t = _times(t_h)
    if t.ndim == 0:
        t = t.reshape(1)
    if t.ndim != 1 or t.size == 0:
        raise ValueError(f"t_h must be a one-dimensional grid with at least one time, got {t_h!r}")
    values = concentration(t, doses, _require_params(params))
    return PKCurve(t_h=t, values=values, unit="ng/mL", label=params.name)


def split_dose_regimen(
    initial_mg: float, supplement_fraction: float = 0.5, delay_h: float = 1.5
) -> list[Dose]:
    """An initial dose plus a supplemental fraction of it ``delay_h`` hours later.

    Teaching model only; not a dosing tool, not for clinical or personal use.
    Returns ``[Dose(initial_mg, 0), Dose(supplement, delay_h)]``.
    """
    initial = require_nonnegative("initial_mg", initial_mg)
    fraction = require_finite("supplement_fraction", supplement_fraction)
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(
            f"supplement_fraction must be between 0 and 1, got {supplement_fraction!r}"
        )
    delay = require_nonnegative("delay_h", delay_h)
    return [Dose(initial, 0.0), Dose(initial * fraction, delay)]


def _route(route: object) -> Route:
    if not isinstance(route, Route):
        raise ValueError(
            f"route must be a Route (see coursekit.evidence.lookup.pk_routes), got {route!r}"
        )
    return route


def route_exposure(dose_mg: float, route: Route) -> float:
    """Relative exposure (proportional to AUC) for a dose by a route: ``dose * F``.

    Teaching model only; not a dosing tool, not for clinical or personal use.
    The result is in mg reaching the circulation, so it can be compared across routes.
    """
    dose = require_nonnegative("dose_mg", dose_mg)
    return dose * _route(route).bioavailability


def route_curve(t_h: np.ndarray, dose_mg: float, route: Route, half_life_h: float) -> np.ndarray:
    """Teaching curve for one route: amount in the body (mg) over time.

    Teaching model only; not a dosing tool, not for clinical or personal use.
    One compartment, first-order absorption with the route's (assumed) ka and a single
    decay half-life ``half_life_h``. Intravenous doses are drawn as an instantaneous bolus.
    The curve is an amount, not a concentration, because no checked volume of
    distribution is used; its area is ``dose * F / ke``, proportional to :func:`route_exposure`.
    """
    t = _times(t_h)
    dose = require_nonnegative("dose_mg", dose_mg)
    chosen = _route(route)
    ke = math.log(2) / require_positive("half_life_h", half_life_h)
    if not math.isfinite(ke):
        raise ValueError(f"half_life_h is too small to use, got {half_life_h!r}")
    amount = dose * chosen.bioavailability
    with np.errstate(over="ignore", invalid="ignore"):
        if math.isinf(chosen.ka_per_h):
            out = amount * np.exp(-ke * t)
        else:
            out = amount * chosen.ka_per_h * _absorption_kernel(t, chosen.ka_per_h, ke)
    return _finite_result(out, "dose_mg and route")
