"""Associative-learning models of fear conditioning and extinction.

Two models are provided for teaching:

* :func:`rescorla_wagner` — the Rescorla–Wagner rule (1972) for a single cue:
  ``ΔV = α β (λ − V)`` with ``λ = lam`` on reinforced trials and ``λ = 0`` on
  non-reinforced (extinction) trials. With one cue, ΣV is just V. Plain RW treats
  extinction as *unlearning*: V is driven back towards 0 and nothing remembers the
  original learning. The model therefore predicts **no renewal** when the context
  changes after extinction. This is a known limitation, and the course teaches it.
* :func:`context_model` — a small extension in the spirit of Bouton's account that
  extinction is new learning which is especially context-dependent. Excitatory
  cue–outcome learning is context-independent; extinction is stored as an inhibitory
  association that is gated by the context in which it was learned. Testing back in
  the acquisition context (ABA) brings responding back (renewal); testing in the
  extinction context (AAA) does not.

Values are recorded at the *start* of each trial: the strength that drives responding
on that trial, before that trial's outcome is learned from.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from coursekit._checks import (
    require_bool,
    require_choice,
    require_int_at_least,
    require_positive,
    require_probability,
    require_text,
    require_unit_interval,
)

__all__ = [
    "MAX_PHASE_TRIALS",
    "MAX_TRIALS",
    "Phase",
    "RWTrace",
    "context_model",
    "renewal_design",
    "renewal_score",
    "rescorla_wagner",
]

MAX_PHASE_TRIALS = 10_000
"""Most trials in one :class:`Phase` (the course's designs use 5 to 20)."""

MAX_TRIALS = 100_000
"""Most trials in one simulation, so every run ends within a fraction of a second."""


@dataclass(frozen=True)
class Phase:
    """A block of identical trials: ``trials`` presentations of the cue in ``context``.

    ``reinforced=True`` means the cue is followed by the outcome (λ = lam);
    ``reinforced=False`` means it is presented alone (extinction or test, λ = 0).
    ``trials`` must be an integer (``5``, not ``5.0``) from 1 to :data:`MAX_PHASE_TRIALS`.
    """

    name: str
    trials: int
    reinforced: bool
    context: str = "A"

    def __post_init__(self) -> None:
        require_text("name", self.name)
        trials = require_int_at_least("trials", self.trials, 1, MAX_PHASE_TRIALS, strict=True)
        object.__setattr__(self, "trials", trials)  # numpy integers become int
        require_bool("reinforced", self.reinforced)
        require_text("context", self.context)


@dataclass(frozen=True, eq=False)
class RWTrace:
    """Per-trial record of a simulation (one entry per trial, values at trial start).

    ``v`` is the net associative strength and ``response`` the modelled response
    (``v`` clipped at 0). For :func:`context_model`, ``excitatory`` holds the
    context-independent excitatory strength and ``inhibitory`` the inhibition active in
    the current trial's context; ``v = excitatory - inhibitory``.
    """

    trial: np.ndarray
    phase: np.ndarray
    context: np.ndarray
    v: np.ndarray
    response: np.ndarray
    excitatory: np.ndarray | None = None
    inhibitory: np.ndarray | None = None
    model: str = "rescorla-wagner"

    def phase_response(self, name: str) -> np.ndarray:
        """Responses on the trials of the phase called ``name``."""
        return _phase_response(self, name, "name")

    def __repr__(self) -> str:
        phases = ", ".join(
            f"{p} ({int((self.phase == p).sum())})" for p in dict.fromkeys(self.phase.tolist())
        )
        return f"RWTrace(model={self.model!r}, {self.trial.size} trials: {phases})"


def _phase_response(trace: RWTrace, name: object, label: str) -> np.ndarray:
    names = list(dict.fromkeys(trace.phase.tolist()))
    if not isinstance(name, str) or name not in names:
        shown = ", ".join(map(repr, names))
        raise ValueError(f"{label} must be one of the phases {shown}; got {name!r}")
    return trace.response[trace.phase == name]


def _check_phases(phases: object) -> list[Phase]:
    if isinstance(phases, Phase | str) or not isinstance(phases, Sequence) or len(phases) == 0:
        raise ValueError("phases must be a non-empty sequence of Phase objects")
    for i, phase in enumerate(phases):
        if not isinstance(phase, Phase):
            raise ValueError(f"phases[{i}] must be a Phase, got {phase!r}")
    total = sum(phase.trials for phase in phases)
    if total > MAX_TRIALS:
        raise ValueError(f"phases must hold at most {MAX_TRIALS} trials in all, got {total}")
    return list(phases)


def _check_rates(alpha: float, beta: float, lam: float) -> tuple[float, float]:
    rate = require_unit_interval("alpha", alpha) * require_unit_interval("beta", beta)
    return rate, require_positive("lam", lam)


def _labels(phases: list[Phase]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    names = [p.name for p in phases for _ in range(p.trials)]
    contexts = [p.context for p in phases for _ in range(p.trials)]
    return np.arange(1, len(names) + 1), np.array(names), np.array(contexts)


def rescorla_wagner(
    phases: Sequence[Phase], alpha: float = 0.3, beta: float = 0.3, lam: float = 1.0
) -> RWTrace:
    """Simulate the Rescorla–Wagner rule for one cue: ``ΔV = α β (λ − V)``.

    ``alpha`` (cue salience) and ``beta`` (outcome learning rate) must be in (0, 1];
    ``lam`` (> 0) is the asymptote on reinforced trials; λ = 0 on non-reinforced trials.
    Context is ignored and extinction is simply unlearning (V returns towards 0), so the
    model shows no renewal: a limitation that :func:`context_model` addresses.
    With α, β ≤ 1 the strength stays between 0 and ``lam``.
    """
    phases = _check_phases(phases)
    rate, lam = _check_rates(alpha, beta, lam)
    trial, names, contexts = _labels(phases)
    v = np.empty(trial.size)
    strength = 0.0
    i = 0
    for phase in phases:
        target = lam if phase.reinforced else 0.0
        for _ in range(phase.trials):
            v[i] = strength
            strength += rate * (target - strength)
            i += 1
    return RWTrace(trial, names, contexts, v, np.clip(v, 0.0, None), model="rescorla-wagner")


def context_model(
    phases: Sequence[Phase],
    alpha: float = 0.3,
    beta: float = 0.3,
    lam: float = 1.0,
    generalization: float = 0.0,
) -> RWTrace:
    """Rescorla–Wagner with context-gated inhibitory (extinction) learning.

    Net strength in context c is ``net = E − I_eff(c)``. E is one excitatory
    cue–outcome association that does not depend on context; ``I[c]`` is inhibition
    learned in context c, and ``I_eff(c) = I[c] + generalization * Σ_{d≠c} I[d]``.
    Both use the Rescorla–Wagner delta rule:

    * reinforced trials change the excitatory association: ``ΔE = α β (λ − net)``;
    * non-reinforced trials change the current context's inhibition:
      ``ΔI[c] = α β net``.

    Extinction therefore leaves E intact and adds inhibition tied to the extinction
    context: responding returns when the cue is tested in another context (renewal in
    ABA, ABC and AAB designs) but not in the extinction context (AAA). Non-reinforced
    test trials are themselves extinction trials, so renewed responding fades again.
    ``generalization`` in [0, 1] lets inhibition transfer to other contexts: 0 (the
    default) gives full renewal, values in between give the partial renewal typical of
    real data, and 1 makes context irrelevant, which reproduces plain Rescorla–Wagner.
    """
    phases = _check_phases(phases)
    rate, lam = _check_rates(alpha, beta, lam)
    transfer = require_probability("generalization", generalization)
    trial, names, contexts = _labels(phases)
    exc = np.empty(trial.size)
    inh = np.empty(trial.size)
    e = 0.0
    stored: dict[str, float] = {}
    i = 0
    for phase in phases:
        c = phase.context
        for _ in range(phase.trials):
            own = stored.get(c, 0.0)
            effective = own + transfer * sum(v for ctx, v in stored.items() if ctx != c)
            exc[i], inh[i] = e, effective
            net = e - effective
            if phase.reinforced:
                e += rate * (lam - net)
            else:
                stored[c] = own + rate * net
            i += 1
    net_v = exc - inh
    if not (np.all(np.isfinite(exc)) and np.all(np.isfinite(inh)) and np.all(np.isfinite(net_v))):
        raise ValueError(f"lam is too large: the associative strengths overflow ({lam!r})")
    return RWTrace(
        trial,
        names,
        contexts,
        net_v,
        np.clip(net_v, 0.0, None),
        excitatory=exc,
        inhibitory=inh,
        model="context",
    )


def renewal_design(kind: str = "ABA", acq: int = 20, ext: int = 20, test: int = 5) -> list[Phase]:
    """Phases for a renewal experiment: acquisition, extinction, then a test.

    ``kind`` gives the contexts of the three phases: ``"ABA"``, ``"ABC"``, ``"AAB"``
    or the no-change control ``"AAA"``. Test trials are non-reinforced.
    """
    kind = require_choice("kind", kind, ("ABA", "ABC", "AAB", "AAA"))
    acq = require_int_at_least("acq", acq, 1, MAX_PHASE_TRIALS)
    ext = require_int_at_least("ext", ext, 1, MAX_PHASE_TRIALS)
    test = require_int_at_least("test", test, 1, MAX_PHASE_TRIALS)
    return [
        Phase("acquisition", acq, True, kind[0]),
        Phase("extinction", ext, False, kind[1]),
        Phase("test", test, False, kind[2]),
    ]


def renewal_score(trace: RWTrace, extinction: str = "extinction", test: str = "test") -> float:
    """Response on the first test trial minus the response on the last extinction trial.

    Positive values mean responding came back at test (renewal); zero or negative
    values mean it did not. Plain Rescorla–Wagner always gives a value of 0 or less.
    ``extinction`` and ``test`` are phase names of ``trace``; anything else raises a
    ``ValueError`` listing the phases.
    """
    if not isinstance(trace, RWTrace):
        raise ValueError(f"trace must be an RWTrace, got {trace!r}")
    at_test = _phase_response(trace, test, "test")[0]
    score = float(at_test - _phase_response(trace, extinction, "extinction")[-1])
    if not math.isfinite(score):
        raise ValueError("trace holds responses that are not finite numbers")
    return score
