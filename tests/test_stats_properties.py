"""Property-based tests (Hypothesis) for coursekit.models.stats invariants and validation."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from coursekit.models import stats

settings.register_profile("coursekit-stats", max_examples=60, deadline=None)
settings.load_profile("coursekit-stats")

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
small_d = st.floats(-6, 6, allow_nan=False)
group_n = st.integers(2, 500)
prob = st.floats(0, 1, allow_nan=False)
effects_variances = st.integers(2, 12).flatmap(
    lambda k: st.tuples(
        st.lists(st.floats(-3, 3, allow_nan=False), min_size=k, max_size=k),
        st.lists(st.floats(1e-3, 2.0, allow_nan=False), min_size=k, max_size=k),
    )
)
re_method = st.sampled_from(["DL", "REML", "PM"])

# Values that no numeric argument accepts, and values that break a specific rule.
not_a_number = st.sampled_from([float("nan"), float("inf"), -float("inf"), "1", None, True])
bad_n = st.one_of(st.integers(-5, 1), st.sampled_from([2.5, float("nan"), "10"]))
bad_sd = st.one_of(st.floats(-100, 0), not_a_number)
bad_confidence = st.one_of(st.floats(1, 100), st.floats(-1, 0), not_a_number)
bad_prob = st.one_of(st.floats(1.0001, 10), st.floats(-10, -0.0001), not_a_number)


# ------------------------------------------------------------------ validation
GROUP_ARGUMENTS = {
    stats.cohens_d: ("mean1", "sd1", "n1", "mean2", "sd2", "n2"),
    stats.hedges_g: ("mean1", "sd1", "n1", "mean2", "sd2", "n2"),
    stats.cohens_d_from_change: ("change1", "sd_change1", "n1", "change2", "sd_change2", "n2"),
}


@given(position=st.integers(0, 5), bad=st.data())
def test_group_summaries_reject_each_bad_argument(position: int, bad: st.DataObject) -> None:
    args: list[object] = [1.0, 1.0, 10, 0.5, 1.2, 12]
    args[position] = bad.draw((not_a_number, bad_sd, bad_n)[position % 3])
    for func, names in GROUP_ARGUMENTS.items():
        with pytest.raises(ValueError, match=names[position]):
            func(*args)


@given(confidence=bad_confidence)
def test_confidence_is_validated_everywhere(confidence: object) -> None:
    calls = [
        lambda: stats.cohens_d(1, 1, 10, 0, 1, 10, confidence),
        lambda: stats.cohens_d_from_t(2.0, 10, 10, confidence),
        lambda: stats.risk_difference(3, 10, 2, 10, confidence),
        lambda: stats.risk_ratio(3, 10, 2, 10, confidence),
        lambda: stats.odds_ratio(3, 10, 2, 10, confidence),
        lambda: stats.nnt(0.3, 10, 0.2, 10, confidence),
        lambda: stats.sd_from_ci(1.0, 2.0, 10, confidence),
        lambda: stats.meta_analysis([0.1, 0.2], [0.1, 0.1], confidence=confidence),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="confidence"):
            call()


@given(p=bad_prob, which=st.sampled_from(["p1", "p2"]))
def test_nnt_rejects_bad_proportions(p: object, which: str) -> None:
    kwargs = {"p1": 0.3, "n1": 20, "p2": 0.2, "n2": 20, which: p}
    with pytest.raises(ValueError, match=which):
        stats.nnt(**kwargs)


@given(n=st.integers(1, 200), extra=st.integers(1, 50), which=st.sampled_from(["1", "2"]))
def test_counts_reject_more_events_than_participants(n: int, extra: int, which: str) -> None:
    kwargs = {"events1": 1, "n1": n, "events2": 1, "n2": n, f"events{which}": n + extra}
    for func in (stats.risk_difference, stats.risk_ratio, stats.odds_ratio):
        with pytest.raises(ValueError, match=f"events{which}"):
            func(**kwargs)


@given(data=effects_variances, bad=st.floats(-5, 0), index=st.integers(0, 11))
def test_meta_analysis_rejects_nonpositive_variance(data, bad: float, index: int) -> None:
    effects, variances = data
    variances = list(variances)
    variances[index % len(variances)] = bad
    with pytest.raises(ValueError, match="variances"):
        stats.meta_analysis(effects, variances)


@given(data=effects_variances, extra=st.integers(1, 5), shorter=st.booleans())
def test_meta_analysis_rejects_unequal_lengths(data, extra: int, shorter: bool) -> None:
    effects, variances = data
    variances = variances[:-1] if shorter else variances + [0.1] * extra
    with pytest.raises(ValueError, match="variances"):
        stats.meta_analysis(effects, variances)


# ------------------------------------------------------------------ meta-analysis invariants
@given(data=effects_variances, method=re_method)
def test_random_effects_invariants(data, method: str) -> None:
    effects, variances = data
    out = stats.meta_analysis(effects, variances, method=method)
    assert out.tau2 >= 0
    assert out.i2 is not None and 0 <= out.i2 < 100
    fixed_width = out.fixed_ci[1] - out.fixed_ci[0]
    random_width = out.random_ci[1] - out.random_ci[0]
    assert random_width >= fixed_width * (1 - 1e-12)
    assert 0 <= out.q_p <= 1
    assert math.isclose(sum(out.weights_fixed), 100.0, rel_tol=1e-9)
    assert math.isclose(sum(out.weights_random), 100.0, rel_tol=1e-9)
    if out.tau2 == 0:
        assert out.random == out.fixed
        assert out.random_ci == out.fixed_ci
    if len(effects) >= 3:
        assert out.pi_low is not None and out.pi_high is not None
        assert out.pi_low <= out.random_ci[0] and out.pi_high >= out.random_ci[1]
    else:
        assert out.pi_low is None and out.pi_high is None
    values = (out.fixed, out.random, out.tau2, out.q, *out.fixed_ci, *out.random_ci)
    assert all(math.isfinite(x) for x in values)


@given(
    value=st.floats(-3, 3, allow_nan=False),
    variances=st.lists(st.floats(1e-3, 2.0), min_size=2, max_size=10),
    method=re_method,
)
def test_identical_effects_give_tau2_zero_and_re_equals_fe(
    value: float, variances: list[float], method: str
) -> None:
    out = stats.meta_analysis([value] * len(variances), variances, method=method)
    assert out.tau2 == 0
    assert out.random == out.fixed
    assert out.random_ci == out.fixed_ci
    assert out.i2 == 0


@given(data=effects_variances)
def test_dl_i2_matches_q_definition(data) -> None:
    effects, variances = data
    out = stats.meta_analysis(effects, variances, method="DL")
    expected = max(0.0, (out.q - out.q_df) / out.q) * 100 if out.q > 0 else 0.0
    assert out.i2 == pytest.approx(expected, abs=1e-9)


# ------------------------------------------------------------------ effect-size pictures
@given(a=small_d, b=small_d)
def test_u3_in_unit_interval_and_monotone(a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    u_lo, u_hi = stats.d_to_overlap(lo).u3, stats.d_to_overlap(hi).u3
    assert 0 < u_lo <= u_hi < 1


@given(d=small_d)
def test_overlap_symmetric_in_sign(d: float) -> None:
    pos, neg = stats.d_to_overlap(d), stats.d_to_overlap(-d)
    assert pos.overlap == neg.overlap
    assert 0 < pos.overlap <= 1
    assert pos.prob_superiority + neg.prob_superiority == pytest.approx(1.0)
    assert pos.nnt == pytest.approx(-neg.nnt) or (math.isinf(pos.nnt) and math.isinf(neg.nnt))


@given(d=small_d, cer=st.floats(0.01, 0.99))
def test_furukawa_nnt_has_sign_of_d(d: float, cer: float) -> None:
    out = stats.d_to_overlap(d, control_event_rate=cer)
    assume(abs(d) > 1e-6)
    assert math.copysign(1.0, out.nnt) == math.copysign(1.0, d)
    assert abs(out.nnt) >= 1


# ------------------------------------------------------------------ proportions
@given(p1=prob, n1=st.integers(1, 1000), p2=prob, n2=st.integers(1, 1000), good=st.booleans())
def test_nnt_is_inverse_absolute_risk_difference(
    p1: float, n1: int, p2: float, n2: int, good: bool
) -> None:
    out = stats.nnt(p1, n1, p2, n2, events_are_good=good)
    rd = p1 - p2
    if rd == 0:
        assert out.nnt == math.inf
    else:
        assert out.nnt == pytest.approx(1 / abs(rd))
        assert out.benefit == ((rd > 0) == good)
    assert out.crosses_zero == (out.rd_ci_low <= 0 <= out.rd_ci_high)
    assert not math.isnan(out.ci_low) and not math.isnan(out.ci_high)
    if not out.crosses_zero:
        assert out.ci_low <= out.nnt <= out.ci_high


@given(
    e1=st.integers(0, 60),
    extra1=st.integers(0, 60),
    e2=st.integers(0, 60),
    extra2=st.integers(0, 60),
)
def test_ratio_estimates_are_finite_and_ordered(e1: int, extra1: int, e2: int, extra2: int) -> None:
    n1, n2 = e1 + extra1, e2 + extra2
    assume(n1 >= 1 and n2 >= 1)
    for func in (stats.risk_ratio, stats.odds_ratio, stats.risk_difference):
        out = func(e1, n1, e2, n2)
        assert all(math.isfinite(x) for x in (out.value, out.ci_low, out.ci_high))
        assert out.ci_low <= out.value <= out.ci_high


# ------------------------------------------------------------------ no NaN, no stray exceptions
any_float = st.floats(allow_nan=False, allow_infinity=False)
positive_float = st.floats(min_value=5e-324, allow_nan=False, allow_infinity=False)
# Ranges met in practice: every call with these must succeed.
real_mean = st.floats(-1e6, 1e6, allow_nan=False)
real_sd = st.floats(1e-3, 1e6, allow_nan=False)
real_effect = st.floats(-1e3, 1e3, allow_nan=False)
real_variance = st.floats(1e-6, 1e3, allow_nan=False)


def _assert_finite(value: object) -> None:
    """Recursively assert that a result holds no NaN and no infinity."""
    if isinstance(value, float):
        assert math.isfinite(value), value
    elif isinstance(value, tuple):
        for item in value:
            _assert_finite(item)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            if not (isinstance(value, stats.Overlap) and name == "nnt"):  # documented ±inf
                _assert_finite(getattr(value, name))


def _names_an_argument(err: ValueError, names: tuple[str, ...]) -> None:
    message = str(err)
    assert any(re.search(rf"\b{re.escape(n)}\b", message) for n in names), message


EFFECT_CALLS = {
    "cohens_d": (
        lambda m1, s1, m2, s2, n, t: stats.cohens_d(m1, s1, n, m2, s2, n + 1),
        ("mean1", "sd1", "mean2", "sd2"),
    ),
    "hedges_g": (
        lambda m1, s1, m2, s2, n, t: stats.hedges_g(m1, s1, n, m2, s2, n + 1),
        ("mean1", "sd1", "mean2", "sd2"),
    ),
    "cohens_d_from_change": (
        lambda m1, s1, m2, s2, n, t: stats.cohens_d_from_change(m1, s1, n, m2, s2, n + 1),
        ("change1", "sd_change1", "change2", "sd_change2"),
    ),
    "cohens_d_from_t": (lambda m1, s1, m2, s2, n, t: stats.cohens_d_from_t(t, n, n), ("t",)),
    "d_to_overlap": (lambda m1, s1, m2, s2, n, t: stats.d_to_overlap(t), ("d",)),
    "d_to_overlap_cer": (
        lambda m1, s1, m2, s2, n, t: stats.d_to_overlap(t, control_event_rate=0.3),
        ("d",),
    ),
}


def _realistic(value: float, low: float, high: float) -> bool:
    return low <= abs(value) <= high or (value == 0 and low == 0)


@given(
    m1=st.one_of(real_mean, any_float),
    s1=st.one_of(real_sd, positive_float),
    m2=st.one_of(real_mean, any_float),
    s2=st.one_of(real_sd, positive_float),
    n=group_n,
    t=st.one_of(real_mean, any_float),
)
def test_effect_sizes_never_return_nan(m1, s1, m2, s2, n, t) -> None:
    # Realistic input must give a finite result: a function that always raised fails here.
    # Anywhere else in the float range: a finite result or a ValueError naming an argument.
    realistic = all(_realistic(x, 0, 1e6) for x in (m1, m2, t)) and all(
        _realistic(x, 1e-3, 1e6) for x in (s1, s2)
    )
    for call, names in EFFECT_CALLS.values():
        try:
            out = call(m1, s1, m2, s2, n, t)
        except ValueError as err:
            assert not realistic, f"realistic input raised: {err}"
            _names_an_argument(err, names)
        else:
            _assert_finite(out)
            if isinstance(out, stats.Overlap):
                assert not math.isnan(out.nnt)
                assert math.isfinite(out.nnt) or not realistic or t == 0


@given(
    data=st.integers(1, 6).flatmap(
        lambda k: st.tuples(
            st.lists(st.one_of(real_effect, any_float), min_size=k, max_size=k),
            st.lists(st.one_of(real_variance, positive_float), min_size=k, max_size=k),
        )
    ),
    method=st.sampled_from(["FE", "DL", "REML", "PM"]),
)
def test_meta_analysis_never_returns_nan(data, method: str) -> None:
    effects, variances = data
    realistic = (method == "FE" or len(effects) >= 2) and (
        all(_realistic(y, 0, 1e3) for y in effects)
        and all(_realistic(v, 1e-6, 1e3) for v in variances)
    )
    try:
        out = stats.meta_analysis(effects, variances, method=method)
    except ValueError as err:
        assert not realistic, f"realistic input raised: {err}"
        _names_an_argument(err, ("effects", "variances"))
    else:
        _assert_finite(out)
