"""Tests for coursekit.models.learning (Rescorla–Wagner and the context extension)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from coursekit.models import learning
from coursekit.models.learning import (
    MAX_PHASE_TRIALS,
    MAX_TRIALS,
    Phase,
    RWTrace,
    context_model,
    renewal_design,
    renewal_score,
    rescorla_wagner,
)


def aba_design(acq: int = 20, ext: int = 20, test: int = 5) -> list[Phase]:
    """ABA renewal: acquisition in A, extinction in B, test back in A."""
    return renewal_design("ABA", acq, ext, test)


# --- Plain Rescorla–Wagner ----------------------------------------------------------


@pytest.mark.parametrize(
    ("alpha", "beta", "lam"), [(0.3, 0.3, 1.0), (0.5, 0.8, 1.0), (1.0, 0.2, 2.0)]
)
def test_acquisition_matches_closed_form(alpha: float, beta: float, lam: float) -> None:
    n = 30
    trace = rescorla_wagner([Phase("acquisition", n, True)], alpha, beta, lam)
    # Value at the start of trial i+1 = after i reinforced trials: lam * (1 - (1 - ab)^i).
    expected = [lam * (1 - (1 - alpha * beta) ** i) for i in range(n)]
    np.testing.assert_allclose(trace.v, expected, rtol=1e-12, atol=1e-15)


def test_extinction_decays_geometrically() -> None:
    a, b, n_acq, n_ext = 0.4, 0.5, 10, 15
    trace = rescorla_wagner([Phase("acq", n_acq, True), Phase("ext", n_ext, False)], a, b)
    v_end = 1 - (1 - a * b) ** n_acq
    expected = [v_end * (1 - a * b) ** j for j in range(n_ext)]
    np.testing.assert_allclose(trace.v[trace.phase == "ext"], expected, rtol=1e-12)


def test_hand_worked_first_trials() -> None:
    # alpha*beta = 0.5: V goes 0 -> 0.5 -> 0.75, then extinction 0.75 -> 0.375.
    trace = rescorla_wagner([Phase("acq", 3, True), Phase("ext", 2, False)], 1.0, 0.5)
    np.testing.assert_allclose(trace.v, [0.0, 0.5, 0.75, 0.875, 0.4375])
    np.testing.assert_array_equal(trace.trial, [1, 2, 3, 4, 5])
    assert list(trace.phase) == ["acq"] * 3 + ["ext"] * 2


def test_plain_rw_shows_no_renewal() -> None:
    aba = rescorla_wagner(aba_design())
    aaa = rescorla_wagner(renewal_design("AAA"))
    assert renewal_score(aba) <= 0.0
    np.testing.assert_array_equal(aba.response, aaa.response)  # context is ignored


def test_plain_rw_has_no_components() -> None:
    trace = rescorla_wagner(aba_design())
    assert trace.excitatory is None and trace.inhibitory is None
    assert trace.model == "rescorla-wagner"


# --- Context model -------------------------------------------------------------------


def test_context_model_shows_renewal_in_aba_not_aaa() -> None:
    aba = context_model(aba_design(20, 20, 5))
    aaa = context_model(renewal_design("AAA", 20, 20, 5))
    assert renewal_score(aba) > 0.5
    assert renewal_score(aaa) <= 1e-12


def test_context_model_aba_test_returns_to_acquisition_level() -> None:
    a, b, n = 0.3, 0.3, 20
    trace = context_model(aba_design(n, 20, 5), a, b)
    acquired = 1 - (1 - a * b) ** n  # excitation after n reinforced trials
    assert trace.phase_response("test")[0] == pytest.approx(acquired)


@pytest.mark.parametrize("kind", ["ABC", "AAB"])
def test_context_model_renewal_in_other_designs(kind: str) -> None:
    assert renewal_score(context_model(renewal_design(kind))) > 0.5


def test_extinction_leaves_excitation_intact() -> None:
    trace = context_model(aba_design())
    ext = trace.excitatory[trace.phase == "extinction"]
    assert np.all(ext == ext[0]) and ext[0] > 0.8
    np.testing.assert_allclose(trace.v, trace.excitatory - trace.inhibitory)
    # B's inhibition is gated: none is active on the first test trial back in A.
    assert trace.inhibitory[trace.phase == "test"][0] == 0.0
    assert trace.inhibitory[trace.phase == "extinction"][-1] > 0.5


def test_generalization_reduces_renewal() -> None:
    scores = [
        renewal_score(context_model(aba_design(), generalization=g)) for g in (0.0, 0.25, 0.5, 0.75)
    ]
    assert all(x > y for x, y in itertools.pairwise(scores))
    assert scores[-1] > 0


def test_full_generalization_reproduces_plain_rw() -> None:
    design = aba_design()
    plain = rescorla_wagner(design, 0.4, 0.6)
    ctx = context_model(design, 0.4, 0.6, generalization=1.0)
    np.testing.assert_allclose(ctx.v, plain.v, atol=1e-12)


# --- Designs and traces ------------------------------------------------------------------


def test_renewal_design_aba() -> None:
    design = renewal_design("ABA", 10, 12, 3)
    assert [(p.name, p.trials, p.reinforced, p.context) for p in design] == [
        ("acquisition", 10, True, "A"),
        ("extinction", 12, False, "B"),
        ("test", 3, False, "A"),
    ]


@pytest.mark.parametrize(("kind", "contexts"), [("ABC", "ABC"), ("AAB", "AAB"), ("AAA", "AAA")])
def test_renewal_design_contexts(kind: str, contexts: str) -> None:
    assert "".join(p.context for p in renewal_design(kind)) == contexts


def test_trace_repr_and_phase_response() -> None:
    trace = context_model(aba_design(20, 20, 5))
    assert "context" in repr(trace) and "test (5)" in repr(trace)
    assert trace.phase_response("test").shape == (5,)
    assert list(trace.context[:1]) == ["A"]


def test_docstring_states_the_limitation() -> None:
    assert "no renewal" in learning.__doc__.lower()
    assert "unlearning" in rescorla_wagner.__doc__.lower()


# --- Bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"name": "", "trials": 5, "reinforced": True}, "name"),
        ({"name": "acq", "trials": 0, "reinforced": True}, "trials"),
        ({"name": "acq", "trials": 2.5, "reinforced": True}, "trials"),
        # 5.0 used to be accepted and then fail later with TypeError in range().
        ({"name": "acq", "trials": 5.0, "reinforced": True}, "trials must be an integer"),
        ({"name": "acq", "trials": np.float64(5), "reinforced": True}, "trials"),
        ({"name": "acq", "trials": "5", "reinforced": True}, "trials"),
        ({"name": "acq", "trials": None, "reinforced": True}, "trials"),
        ({"name": "acq", "trials": MAX_PHASE_TRIALS + 1, "reinforced": True}, "trials"),
        ({"name": "acq", "trials": 10**400, "reinforced": True}, "trials"),
        ({"name": "acq", "trials": True, "reinforced": True}, "trials"),
        ({"name": "acq", "trials": 5, "reinforced": np.True_}, "reinforced"),
        ({"name": None, "trials": 5, "reinforced": True}, "name"),
        ({"name": "acq", "trials": 5, "reinforced": "yes"}, "reinforced"),
        ({"name": "acq", "trials": 5, "reinforced": True, "context": ""}, "context"),
        ({"name": "acq", "trials": 5, "reinforced": True, "context": 1}, "context"),
    ],
)
def test_bad_phase_rejected(kwargs: dict, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        Phase(**kwargs)


@pytest.mark.parametrize("model", [rescorla_wagner, context_model])
@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"alpha": 0.0}, "alpha"),
        ({"alpha": 1.5}, "alpha"),
        ({"alpha": float("nan")}, "alpha"),
        ({"alpha": "0.3"}, "alpha"),
        ({"beta": 0.0}, "beta"),
        ({"beta": -0.2}, "beta"),
        ({"lam": 0.0}, "lam"),
        ({"lam": -1.0}, "lam"),
    ],
)
def test_bad_rates_rejected(model: object, kwargs: dict, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        model(aba_design(), **kwargs)


@pytest.mark.parametrize("model", [rescorla_wagner, context_model])
@pytest.mark.parametrize(
    "phases", [[], Phase("a", 3, True), "ABA", [Phase("a", 3, True), "b"], None]
)
def test_bad_phases_rejected(model: object, phases: object) -> None:
    with pytest.raises(ValueError, match="phases"):
        model(phases)


@pytest.mark.parametrize("g", [-0.1, 1.1, float("nan")])
def test_bad_generalization_rejected(g: float) -> None:
    with pytest.raises(ValueError, match="generalization"):
        context_model(aba_design(), generalization=g)


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (("ABBA",), "kind"),
        (("aba",), "kind"),
        (("ABA", 0), "acq"),
        (("ABA", 5, -1), "ext"),
        (("ABA", 5, 5, 1.5), "test"),
    ],
)
def test_bad_renewal_design_rejected(args: tuple, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        renewal_design(*args)


def test_phase_accepts_numpy_integers_and_stores_int() -> None:
    phase = Phase("acq", np.int64(4), True)
    assert phase.trials == 4 and type(phase.trials) is int
    assert rescorla_wagner([phase]).v.size == 4


def test_total_trials_are_bounded() -> None:
    many = [Phase("acq", MAX_PHASE_TRIALS, True)] * (MAX_TRIALS // MAX_PHASE_TRIALS + 1)
    with pytest.raises(ValueError, match="phases must hold at most"):
        rescorla_wagner(many)
    with pytest.raises(ValueError, match="acq"):
        renewal_design("ABA", MAX_PHASE_TRIALS + 1)


def test_huge_lam_is_reported_not_returned() -> None:
    # Strengths beyond the float range must not come back as inf or NaN.
    design = [Phase("a", 1, True), Phase("e", 200, False, "B"), Phase("r", 50, True, "B")]
    try:
        trace = context_model(design, 1.0, 1.0, lam=1.7e308, generalization=0.5)
    except ValueError as err:
        assert "lam" in str(err)
    else:
        assert np.all(np.isfinite(trace.v))
    trace = rescorla_wagner(design, 1.0, 1.0, lam=1.7e308)
    assert np.all(np.isfinite(trace.v)) and trace.v.max() <= 1.7e308


def test_bad_renewal_score_input() -> None:
    with pytest.raises(ValueError, match="trace"):
        renewal_score([0.1, 0.2])
    trace = rescorla_wagner([Phase("acq", 3, True)])
    with pytest.raises(ValueError, match="test must be one of the phases 'acq'"):
        renewal_score(trace)
    with pytest.raises(ValueError, match="extinction must be one of the phases 'acq'"):
        renewal_score(trace, test="acq")
    for bad in (None, ["acq"], np.array(["acq", "x"]), 3):
        with pytest.raises(ValueError, match="test"):
            renewal_score(trace, extinction="acq", test=bad)
        with pytest.raises(ValueError, match="name"):
            trace.phase_response(bad)
    assert renewal_score(trace, extinction="acq", test="acq") < 0
    assert isinstance(trace, RWTrace)
