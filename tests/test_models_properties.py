"""Property-based tests (Hypothesis) for the scales, PK and learning models."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad

from coursekit.models import learning, scales
from coursekit.models import pk as pharmacology
from coursekit.models.pk import Dose, PKParameters, Route, Source

FAST = settings(deadline=None, max_examples=60)  # keep runs short on a shared machine

ITEMS = st.lists(st.integers(0, 4), min_size=20, max_size=20)
RATE = st.floats(0.01, 1.0, allow_nan=False)


# --- PCL-5 / CAPS-5 ------------------------------------------------------------------------


@FAST
@given(ITEMS)
def test_pcl5_subtotals_sum_to_total(items: list[int]) -> None:
    result = scales.score_pcl5(items)
    assert sum(result.clusters.values()) == result.total == sum(items)
    assert 0 <= result.total <= 80
    for key, idx in scales.PCL5_CLUSTERS.items():
        assert 0 <= result.endorsed[key] <= len(idx)
        assert 0 <= result.clusters[key] <= 4 * len(idx)


@FAST
@given(ITEMS, st.integers(0, 19), st.integers(1, 4))
def test_pcl5_diagnosis_is_monotone(items: list[int], position: int, step: int) -> None:
    before = scales.score_pcl5(items)
    raised = list(items)
    raised[position] = min(4, raised[position] + step)
    after = scales.score_pcl5(raised)
    assert after.total >= before.total
    if before.provisional_diagnosis:
        assert after.provisional_diagnosis
    if before.above_cutpoint:
        assert after.above_cutpoint


@FAST
@given(ITEMS, st.integers(0, 80))
def test_pcl5_cutpoint_is_at_or_above(items: list[int], cut: int) -> None:
    assert scales.score_pcl5(items, cutpoint=cut).above_cutpoint == (sum(items) >= cut)


@FAST
@given(st.integers(0, 80), st.integers(0, 80))
def test_caps5_bands_are_ordered(a: int, b: int) -> None:
    order = [label for _, _, label in scales.CAPS5_BANDS]
    low, high = sorted((a, b))
    assert order.index(scales.caps5_band(low)) <= order.index(scales.caps5_band(high))


# --- Pharmacokinetics -----------------------------------------------------------------------

PARAMS = st.builds(
    lambda ka, t_half, vol, f: PKParameters(
        "p", ka, t_half, vol, f, Source("freye2009", "property test", "V")
    ),
    st.floats(0.05, 10.0),
    st.floats(0.5, 24.0),
    st.floats(1.0, 1000.0),
    st.floats(0.05, 1.0),
)
DOSE = st.builds(Dose, st.floats(0.0, 500.0), st.floats(0.0, 12.0))
TIMES = st.lists(st.floats(0.0, 72.0), min_size=1, max_size=30).map(np.array)


@FAST
@given(TIMES, DOSE, PARAMS)
def test_bateman_is_nonnegative_and_finite(t: np.ndarray, dose: Dose, p: PKParameters) -> None:
    c = pharmacology.bateman(t, dose, p)
    assert np.all(np.isfinite(c)) and np.all(c >= 0)


@FAST
@given(TIMES, DOSE, DOSE, PARAMS)
def test_superposition_is_additive(t: np.ndarray, d1: Dose, d2: Dose, p: PKParameters) -> None:
    combined = pharmacology.concentration(t, [d1, d2], p)
    separate = pharmacology.bateman(t, d1, p) + pharmacology.bateman(t, d2, p)
    np.testing.assert_allclose(combined, separate, rtol=1e-12, atol=1e-12)


@FAST
@given(st.floats(1.0, 500.0), PARAMS)
def test_auc_is_f_dose_over_clearance(amount: float, p: PKParameters) -> None:
    dose = Dose(amount, 0.0)
    auc, _ = quad(lambda x: float(pharmacology.bateman(x, dose, p)), 0, np.inf, limit=500)
    expected = 1000.0 * p.bioavailability * amount / (math.log(2) / p.half_life_h * p.volume_l)
    assert math.isclose(auc, expected, rel_tol=1e-5)


ROUTES = st.builds(
    lambda f, spread, ka: Route(
        "r", f, max(f - spread, 1e-3), min(f + spread, 1.0), Source("chong2006", "test", "H"), ka
    ),
    st.floats(0.05, 1.0),
    st.floats(0.0, 0.3),
    st.one_of(st.just(float("inf")), st.floats(0.05, 20.0)),
)


@FAST
@given(
    st.lists(st.floats(0.0, 48.0), min_size=1, max_size=20).map(np.array),
    st.floats(0.0, 200.0),
    ROUTES,
    st.floats(0.5, 24.0),
)
def test_route_curve_nonnegative_and_linear(
    t: np.ndarray, dose: float, route: Route, half_life: float
) -> None:
    curve = pharmacology.route_curve(t, dose, route, half_life)
    assert np.all(np.isfinite(curve)) and np.all(curve >= 0)
    assert np.all(curve <= dose * route.bioavailability * (1 + 1e-12))  # never above F * dose
    np.testing.assert_allclose(
        pharmacology.route_curve(t, 2 * dose, route, half_life), 2 * curve, rtol=1e-12, atol=1e-12
    )
    assert pharmacology.route_exposure(dose, route) == dose * route.bioavailability


@FAST
@given(st.floats(1.0, 500.0), ROUTES, st.floats(0.5, 24.0))
def test_route_curve_area_is_exposure_over_ke(dose: float, route: Route, half_life: float) -> None:
    area, _ = quad(
        lambda x: float(pharmacology.route_curve(x, dose, route, half_life)), 0, np.inf, limit=500
    )
    ke = math.log(2) / half_life
    assert math.isclose(area, pharmacology.route_exposure(dose, route) / ke, rel_tol=1e-5)


@FAST
@given(TIMES.filter(lambda t: t.size > 0), st.lists(DOSE, max_size=4), PARAMS)
def test_simulate_summary_matches_the_grid(t: np.ndarray, doses: list, p: PKParameters) -> None:
    curve = pharmacology.simulate(t, doses, p)
    assert curve.peak == curve.values.max() >= 0
    assert curve.time_of_peak_h in curve.t_h


# --- Learning ---------------------------------------------------------------------------------

PHASES = st.lists(
    st.builds(
        learning.Phase,
        st.sampled_from(["acq", "ext", "test"]),
        st.integers(1, 15),
        st.booleans(),
        st.sampled_from(["A", "B", "C"]),
    ),
    min_size=1,
    max_size=6,
)


@FAST
@given(PHASES, RATE, RATE, st.floats(0.1, 5.0))
def test_rw_stays_between_zero_and_lambda(phases, alpha, beta, lam) -> None:
    trace = learning.rescorla_wagner(phases, alpha, beta, lam)
    assert np.all(trace.v >= 0) and np.all(trace.v <= lam * (1 + 1e-12))
    assert trace.v.size == sum(p.trials for p in phases)


@FAST
@given(PHASES, RATE, RATE, st.floats(0.0, 1.0))
def test_context_model_components(phases, alpha, beta, g) -> None:
    trace = learning.context_model(phases, alpha, beta, generalization=g)
    assert np.all(trace.excitatory >= 0) and np.all(trace.inhibitory >= 0)
    np.testing.assert_allclose(trace.v, trace.excitatory - trace.inhibitory)
    assert np.all(trace.response >= 0)


@FAST
@given(PHASES, RATE, RATE)
def test_context_model_with_full_generalization_is_plain_rw(phases, alpha, beta) -> None:
    plain = learning.rescorla_wagner(phases, alpha, beta)
    ctx = learning.context_model(phases, alpha, beta, generalization=1.0)
    np.testing.assert_allclose(ctx.v, plain.v, atol=1e-9)


@FAST
@given(st.integers(1, 40), st.integers(1, 40), st.integers(1, 10), RATE, RATE)
def test_renewal_only_with_context_change(acq, ext, test, alpha, beta) -> None:
    aaa = learning.context_model(learning.renewal_design("AAA", acq, ext, test), alpha, beta)
    aba = learning.context_model(learning.renewal_design("ABA", acq, ext, test), alpha, beta)
    plain = learning.rescorla_wagner(learning.renewal_design("ABA", acq, ext, test), alpha, beta)
    assert learning.renewal_score(aaa) <= 1e-12
    assert learning.renewal_score(plain) <= 1e-12
    assert learning.renewal_score(aba) >= -1e-12
