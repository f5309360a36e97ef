"""Teaching pharmacokinetic models for MDMA and ketamine.

A simplified teaching model for understanding the shapes of concentration curves.
It is not a dosing tool and must not be used for clinical or personal decisions.

Two ideas are covered:

* **MDMA split-dose regimen.** A one-compartment model with first-order oral
  absorption (the Bateman function). Several doses add up by superposition, so an
  initial dose plus a supplemental half dose 1.5–2 h later can be drawn as one curve.
* **Ketamine routes.** The same drug reaches the blood in different proportions
  (bioavailability, F) and at different speeds depending on the route. Relative
  exposure is ``dose * F``; :func:`route_curve` draws a teaching curve per route.

Every parameter carries a :class:`Source` (bibliography key, note, confidence).
Confidence codes follow the course fact tables: H/V confirmed in the primary or
authoritative source; M/P confirmed only in a secondary source (flag it in prose).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._checks import require_finite, require_nonnegative, require_positive, require_unit_interval

__all__ = [
    "KETAMINE_HALF_LIFE_H",
    "KETAMINE_HALF_LIFE_SOURCE",
    "KETAMINE_ROUTES",
    "MDMA_TEACHING",
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
    "sources",
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


def _require_text(name: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string")


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
        if not isinstance(self.key, str) or not _KEY_PATTERN.match(self.key):
            raise ValueError(f"key must be a bibliography key like 'chong2006', got {self.key!r}")
        _require_text("note", self.note)
        if self.confidence not in _CONFIDENCE:
            raise ValueError(
                f"confidence must be one of 'H', 'V', 'M', 'P'; got {self.confidence!r}"
            )


@dataclass(frozen=True)
class PKParameters:
    """One-compartment model with first-order absorption (teaching parameters).

    ``volume_l`` is the apparent volume of distribution in litres; together with
    ``bioavailability`` it scales the curve: peak height is proportional to F/V.
    """

    name: str
    ka_per_h: float
    half_life_h: float
    volume_l: float
    bioavailability: float
    source: Source

    def __post_init__(self) -> None:
        _require_text("name", self.name)
        require_positive("ka_per_h", self.ka_per_h)
        require_positive("half_life_h", self.half_life_h)
        require_positive("volume_l", self.volume_l)
        require_unit_interval("bioavailability", self.bioavailability)
        _require_source(self.source)

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
        require_nonnegative("amount_mg", self.amount_mg)
        require_nonnegative("time_h", self.time_h)


@dataclass(frozen=True)
class Route:
    """A ketamine route of administration with its bioavailability.

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
        _require_text("name", self.name)
        f = require_unit_interval("bioavailability", self.bioavailability)
        low = require_unit_interval("low", self.low)
        high = require_unit_interval("high", self.high)
        if not low <= f <= high:
            raise ValueError(
                f"bioavailability must lie between low and high, got {f} outside {low}–{high}"
            )
        if self.ka_per_h != math.inf:
            require_positive("ka_per_h", self.ka_per_h)
        _require_source(self.source)

    def __repr__(self) -> str:
        return _with_notice(
            f"Route({self.name!r}, F={self.bioavailability:g} (range {self.low:g}–{self.high:g}), "
            f"source={self.source.key!r} [{self.source.confidence}])"
        )


@dataclass(frozen=True, repr=False, eq=False)
class PKCurve:
    """A simulated teaching curve: times, values and what the values mean."""

    t_h: np.ndarray
    values: np.ndarray
    unit: str
    label: str

    @property
    def peak(self) -> float:
        """Highest value on the grid."""
        return float(self.values.max()) if self.values.size else float("nan")

    @property
    def time_of_peak_h(self) -> float:
        """Grid time at which the highest value occurs."""
        return float(self.t_h[int(self.values.argmax())]) if self.values.size else float("nan")

    def __repr__(self) -> str:
        return _with_notice(
            f"PKCurve({self.label!r}: {self.t_h.size} points, peak {self.peak:.3g} {self.unit} "
            f"at {self.time_of_peak_h:.3g} h)"
        )


MDMA_TEACHING = PKParameters(
    name="MDMA (teaching)",
    ka_per_h=1.5,
    half_life_h=8.0,
    volume_l=500.0,
    bioavailability=1.0,
    source=Source(
        key="freye2009",
        note=(
            "Half-life 8 h and Tmax about 2 h from the Freye chapter (t½ reported as about "
            "8–9 h); ka = 1.5/h was chosen so that the model's Tmax is about 2 h. F is set to 1 "
            "and V = 500 L is an apparent volume (V/F) calibrated so that 75 mg gives a Cmax near "
            "the reported 126.5 ng/mL. MDMA kinetics are non-linear: it inhibits its own "
            "metabolism by CYP2D6 (huestis2024), so this linear model under-predicts exposure at "
            "higher doses (reported Cmax 226.3 ng/mL after 125 mg; the model gives about 210)."
        ),
        confidence="V",
    ),
)

KETAMINE_HALF_LIFE_H = 2.5
KETAMINE_HALF_LIFE_SOURCE = Source(
    key="ketalar2024label",
    note=(
        "Redistribution (beta) half-life of about 2.5 h for racemic ketamine, from the Ketalar "
        "label as quoted in a secondary source. Used here as the single decay rate of a "
        "one-compartment teaching curve; real ketamine kinetics have several phases."
    ),
    confidence="M",
)

_KA_NOTE = "The absorption-rate constant ka = {ka:g}/h is a teaching assumption, not a measurement."

KETAMINE_ROUTES: dict[str, Route] = {
    "iv": Route(
        name="intravenous",
        bioavailability=1.0,
        low=1.0,
        high=1.0,
        source=Source(
            "ketalar2024label",
            "Intravenous bioavailability is 100% by definition. Drawn as an instantaneous bolus.",
            "H",
        ),
    ),
    "im": Route(
        name="intramuscular",
        bioavailability=0.93,
        low=0.93,
        high=0.93,
        ka_per_h=10.0,
        source=Source(
            "ketalar2024label",
            "About 93% (secondary summaries; flag as secondary). " + _KA_NOTE.format(ka=10.0),
            "M",
        ),
    ),
    "intranasal": Route(
        name="intranasal",
        bioavailability=0.48,
        low=0.25,
        high=0.50,
        ka_per_h=6.0,
        source=Source(
            "spravato2025label",
            "Point value 48% is the absolute bioavailability of intranasal esketamine (H). "
            "For racemic ketamine, secondary summaries give 25–50% (M), hence the range. "
            + _KA_NOTE.format(ka=6.0),
            "M",
        ),
    ),
    "oral": Route(
        name="oral",
        bioavailability=0.23,
        low=0.14,
        high=0.32,
        ka_per_h=2.0,
        source=Source(
            "chong2006",
            "Oral 23 ± 9% (mean ± SD, n = 6); the range is mean ± 1 SD. Secondary summaries give "
            "about 17–20% (M), inside this range. " + _KA_NOTE.format(ka=2.0),
            "H",
        ),
    ),
    "sublingual": Route(
        name="sublingual",
        bioavailability=0.32,
        low=0.15,
        high=0.49,
        ka_per_h=3.0,
        source=Source(
            "chong2006",
            "Sublingual 32 ± 17% (mean ± SD, n = 6); the range is mean ± 1 SD. A sublingual "
            "wafer had a median of 29% (rolan2014). " + _KA_NOTE.format(ka=3.0),
            "H",
        ),
    ),
}


def sources() -> tuple[Source, ...]:
    """Return every :class:`Source` used by the module's built-in parameters."""
    out = [MDMA_TEACHING.source, KETAMINE_HALF_LIFE_SOURCE]
    out.extend(route.source for route in KETAMINE_ROUTES.values())
    return tuple(out)


def _times(t_h: object) -> np.ndarray:
    """Validate a time grid: finite, non-negative hours; returns a float array."""
    if isinstance(t_h, str | bytes):
        raise ValueError(f"t_h must be numbers (hours), got {t_h!r}")
    try:
        arr = np.asarray(t_h, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"t_h must be numbers (hours), got {t_h!r}") from None
    if arr.dtype == bool or np.asarray(t_h).dtype == bool:
        raise ValueError("t_h must be numbers (hours), not booleans")
    if not np.all(np.isfinite(arr)):
        raise ValueError("t_h must contain only finite numbers")
    if np.any(arr < 0):
        raise ValueError("t_h must contain only times of 0 or more hours")
    return arr


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
    dose = _require_dose(dose)
    params = _require_params(params)
    since = t - dose.time_h
    after = since >= 0
    kernel = _absorption_kernel(np.where(after, since, 0.0), params.ka_per_h, params.ke_per_h)
    scale = 1000.0 * params.bioavailability * dose.amount_mg * params.ka_per_h / params.volume_l
    return np.where(after, scale * kernel, 0.0)


def concentration(t_h: np.ndarray, doses: Sequence[Dose], params: PKParameters) -> np.ndarray:
    """Concentration (ng/mL) after several doses, by superposition (sum of Bateman curves).

    Teaching model only; not a dosing tool, not for clinical or personal use.
    Superposition assumes linear kinetics, which MDMA does not have at higher doses.
    """
    t = _times(t_h)
    params = _require_params(params)
    if isinstance(doses, Dose) or not isinstance(doses, Sequence) or isinstance(doses, str):
        raise ValueError(f"doses must be a sequence of Dose objects, got {doses!r}")
    total = np.zeros_like(t)
    for dose in doses:
        total = total + bateman(t, dose, params)
    return total


def simulate(t_h: np.ndarray, doses: Sequence[Dose], params: PKParameters) -> PKCurve:
    """Like :func:`concentration` but returns a :class:`PKCurve` whose repr carries the notice.

    Teaching model only; not a dosing tool, not for clinical or personal use.
    """
    t = _times(t_h)
    values = concentration(t, doses, params)
    return PKCurve(t_h=t, values=values, unit="ng/mL", label=params.name)


def split_dose_regimen(
    initial_mg: float, supplement_fraction: float = 0.5, delay_h: float = 1.5
) -> list[Dose]:
    """An initial dose plus a supplemental dose later, as in the MDMA Phase 3 sessions.

    Teaching model only; not a dosing tool, not for clinical or personal use.
    In the Phase 3 trials the supplement was half the initial dose, given 1.5–2 h later
    (for example 80 mg then 40 mg). Returns ``[Dose(initial_mg, 0), Dose(supplement, delay_h)]``.
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
    if isinstance(route, Route):
        return route
    if isinstance(route, str) and route.lower() in KETAMINE_ROUTES:
        return KETAMINE_ROUTES[route.lower()]
    valid = ", ".join(repr(k) for k in KETAMINE_ROUTES)
    raise ValueError(f"route must be one of {valid} (or a Route); got {route!r}")


def route_exposure(dose_mg: float, route: str | Route) -> float:
    """Relative exposure (proportional to AUC) for a ketamine dose by a route: ``dose * F``.

    Teaching model only; not a dosing tool, not for clinical or personal use.
    The result is in mg reaching the circulation, so it can be compared across routes.
    """
    dose = require_nonnegative("dose_mg", dose_mg)
    return dose * _route(route).bioavailability


def route_curve(t_h: np.ndarray, dose_mg: float, route: str | Route) -> np.ndarray:
    """Teaching curve for a ketamine route: amount in the body (mg) over time.

    Teaching model only; not a dosing tool, not for clinical or personal use.
    One compartment, first-order absorption with the route's (assumed) ka and a single
    decay half-life of 2.5 h. Intravenous doses are drawn as an instantaneous bolus.
    The curve is an amount, not a concentration, because no checked volume of
    distribution is used; its area is ``dose * F / ke``, proportional to :func:`route_exposure`.
    """
    t = _times(t_h)
    dose = require_nonnegative("dose_mg", dose_mg)
    chosen = _route(route)
    ke = math.log(2) / KETAMINE_HALF_LIFE_H
    amount = dose * chosen.bioavailability
    if math.isinf(chosen.ka_per_h):
        return amount * np.exp(-ke * t)
    return amount * chosen.ka_per_h * _absorption_kernel(t, chosen.ka_per_h, ke)
