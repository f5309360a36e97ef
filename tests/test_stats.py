"""Tests for coursekit.models.stats against scipy/statsmodels and published worked examples."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from scipy import optimize, special
from scipy import stats as sps
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.meta_analysis import combine_effects
from statsmodels.stats.proportion import confint_proportions_2indep

from coursekit.models import stats

TOL = 1e-6

# metafor's dat.bcg (Colditz et al. 1994): tpos, tneg, cpos, cneg for the 13 BCG trials.
BCG = [
    (4, 119, 11, 128),
    (6, 300, 29, 274),
    (3, 228, 11, 209),
    (62, 13536, 248, 12619),
    (33, 5036, 47, 5761),
    (180, 1361, 372, 1079),
    (8, 2537, 10, 619),
    (505, 87886, 499, 87892),
    (29, 7470, 45, 7232),
    (17, 1699, 65, 1600),
    (186, 50448, 141, 27197),
    (5, 2493, 3, 2338),
    (27, 16886, 29, 17825),
]


def bcg_log_rr() -> tuple[np.ndarray, np.ndarray]:
    """Log risk ratios and their variances from the raw 2x2 counts."""
    t = np.array(BCG, dtype=float)
    a, b, c, d = t.T
    yi = np.log((a / (a + b)) / (c / (c + d)))
    vi = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)
    return yi, vi


def random_meta_data(seed: int, k: int = 8) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    v = rng.uniform(0.01, 0.3, k)
    y = rng.normal(0.4, 0.5, k) + rng.normal(0, np.sqrt(v))
    return y, v


# ------------------------------------------------------------------ distributions
@pytest.mark.parametrize("df", [1, 2, 3.5, 7, 30, 250, 1e4])
@pytest.mark.parametrize("x", [-25.0, -2.3, -0.4, 0.0, 0.01, 1.96, 6.0])
def test_t_cdf_matches_scipy(df: float, x: float) -> None:
    assert stats.t_cdf(x, df) == pytest.approx(sps.t.cdf(x, df), abs=TOL, rel=TOL)


@pytest.mark.parametrize("df", [1, 2, 3, 4.5, 11, 60, 1000])
@pytest.mark.parametrize("p", [1e-6, 0.005, 0.025, 0.2, 0.5, 0.8, 0.975, 0.9995])
def test_t_quantile_matches_scipy(df: float, p: float) -> None:
    assert stats.t_quantile(p, df) == pytest.approx(sps.t.ppf(p, df), abs=TOL, rel=TOL)


@pytest.mark.parametrize("df", [1, 2, 5, 12, 40, 300])
@pytest.mark.parametrize("x", [0.0, 0.05, 1.0, 7.5, 25.0, 152.2])
def test_chi2_sf_matches_scipy(df: int, x: float) -> None:
    assert stats.chi2_sf(x, df) == pytest.approx(sps.chi2.sf(x, df), abs=1e-12, rel=TOL)


# ------------------------------------------------------------------ effect sizes
def test_cohens_d_equals_pooled_t_statistic_scaled() -> None:
    m1, s1, n1, m2, s2, n2 = 48.2, 11.5, 42, 38.1, 10.2, 37
    t = sps.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=True).statistic
    es = stats.cohens_d(m1, s1, n1, m2, s2, n2)
    assert es.value == pytest.approx(t * math.sqrt(1 / n1 + 1 / n2), rel=TOL)
    assert es.kind == "d"
    assert (es.n1, es.n2) == (42, 37)


def test_cohens_d_from_t_agrees_with_summary_statistics() -> None:
    m1, s1, n1, m2, s2, n2 = 12.0, 3.0, 20, 14.5, 3.6, 25
    t = sps.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=True).statistic
    from_t = stats.cohens_d_from_t(t, n1, n2)
    direct = stats.cohens_d(m1, s1, n1, m2, s2, n2)
    assert from_t.value == pytest.approx(direct.value, rel=TOL)
    assert from_t.ci_low == pytest.approx(direct.ci_low, rel=TOL)


def test_cohens_d_from_change_uses_change_sds() -> None:
    es = stats.cohens_d_from_change(-20.0, 10.0, 30, -10.0, 10.0, 30)
    assert es.value == pytest.approx(-1.0, rel=TOL)


def test_borenstein_worked_example() -> None:
    # Borenstein et al. (2009), chapter 4: d = 0.5970, V_d = 0.0418, g = 0.5924, V_g = 0.0411.
    d = stats.cohens_d(103, 5.5, 50, 100, 4.5, 50)
    g = stats.hedges_g(103, 5.5, 50, 100, 4.5, 50)
    assert d.value == pytest.approx(0.5970, abs=5e-4)
    assert d.se**2 == pytest.approx(0.0418, abs=5e-4)
    assert g.value == pytest.approx(0.5924, abs=5e-4)
    assert g.se**2 == pytest.approx(0.0411, abs=5e-4)
    assert g.kind == "g"


def test_d_confidence_interval_uses_large_sample_variance() -> None:
    n1, n2 = 42, 37
    es = stats.cohens_d(10.0, 2.0, n1, 8.2, 1.9, n2, confidence=0.9)
    var = (n1 + n2) / (n1 * n2) + es.value**2 / (2 * (n1 + n2))
    z = sps.norm.ppf(0.95)
    assert es.ci_low == pytest.approx(es.value - z * math.sqrt(var), rel=TOL)
    assert es.ci_high == pytest.approx(es.value + z * math.sqrt(var), rel=TOL)


@pytest.mark.parametrize("df", [1.5, 2, 3, 8, 20, 97, 1000, 10_000, 99_999, 1e6, 1e9])
def test_hedges_correction_exact_gamma(df: float) -> None:
    # poch(z, 1/2) = Γ(z + 1/2) / Γ(z), so J = poch((df - 1) / 2, 1/2) / sqrt(df / 2).
    exact = special.poch((df - 1) / 2, 0.5) / math.sqrt(df / 2)
    assert stats.hedges_correction(df) == pytest.approx(exact, rel=1e-9)
    assert abs(stats.hedges_correction(df) - (1 - 3 / (4 * df - 1))) < 0.01


def test_hedges_g_scales_d_and_its_se() -> None:
    d = stats.cohens_d(5, 2, 8, 4, 2, 9)
    g = stats.hedges_g(5, 2, 8, 4, 2, 9)
    j = special.gamma(7.5) / (math.sqrt(7.5) * special.gamma(7.0))
    assert g.value == pytest.approx(j * d.value, rel=TOL)
    assert g.se == pytest.approx(j * d.se, rel=TOL)


def test_sd_from_se_and_ci() -> None:
    assert stats.sd_from_se(0.5, 25) == pytest.approx(2.5)
    t = sps.t.ppf(0.975, 24)
    assert stats.sd_from_ci(3.0, 5.0, 25) == pytest.approx(5 * 2.0 / (2 * t), rel=TOL)
    normal = stats.sd_from_ci(3.0, 5.0, 100, distribution="normal")
    assert normal == pytest.approx(10 * 2.0 / (2 * sps.norm.ppf(0.975)), rel=TOL)


def test_effect_size_repr_is_readable() -> None:
    es = stats.EffectSize(0.91, 0.45, 1.37, "d", 42, 37, 0.23)
    assert repr(es) == "EffectSize(d = 0.91, 95% CI 0.45 to 1.37, n = 42 + 37)"
    with pytest.raises(AttributeError):
        es.value = 1.0  # type: ignore[misc]


# ------------------------------------------------------------------ d as a picture
@pytest.mark.parametrize("d", [-1.2, -0.3, 0.0, 0.2, 0.5, 0.8, 2.5])
def test_overlap_measures_match_normal_theory(d: float) -> None:
    out = stats.d_to_overlap(d)
    assert out.u3 == pytest.approx(sps.norm.cdf(d), abs=TOL)
    assert out.overlap == pytest.approx(2 * sps.norm.cdf(-abs(d) / 2), abs=TOL)
    assert out.prob_superiority == pytest.approx(sps.norm.cdf(d / math.sqrt(2)), abs=TOL)
    expected = math.inf if d == 0 else 1 / (2 * sps.norm.cdf(d / math.sqrt(2)) - 1)
    assert out.nnt == pytest.approx(expected, rel=TOL)
    assert out.nnt_method == "Kraemer & Kupfer"


@pytest.mark.parametrize(
    ("d", "u3", "nnt"), [(0.2, 0.579, 8.9), (0.5, 0.691, 3.6), (0.8, 0.788, 2.3)]
)
def test_overlap_published_table(d: float, u3: float, nnt: float) -> None:
    # Cohen (1988) U3 and Kraemer & Kupfer (2006) NNT, as tabulated to 3 and 1 decimals.
    out = stats.d_to_overlap(d)
    assert out.u3 == pytest.approx(u3, abs=5e-4)
    assert out.nnt == pytest.approx(nnt, abs=0.05)


@pytest.mark.parametrize(("d", "cer"), [(0.5, 0.2), (0.3, 0.5), (-0.4, 0.35), (1.0, 0.05)])
def test_furukawa_nnt(d: float, cer: float) -> None:
    out = stats.d_to_overlap(d, control_event_rate=cer)
    eer = 1 - sps.norm.cdf(sps.norm.ppf(1 - cer) - d)  # shifted normal above the same cut-off
    assert out.nnt == pytest.approx(1 / (eer - cer), rel=TOL)
    assert out.nnt_method == "Furukawa"
    assert out.control_event_rate == cer


# ------------------------------------------------------------------ proportions
COUNTS = [(12, 40, 5, 38), (30, 60, 18, 61), (3, 25, 9, 24), (45, 50, 20, 50)]
RD_COUNTS = [*COUNTS, (0, 20, 4, 20), (15, 15, 9, 16)]


@pytest.mark.parametrize(("e1", "n1", "e2", "n2"), RD_COUNTS)
@pytest.mark.parametrize("method", ["wald", "newcombe"])
def test_risk_difference_matches_statsmodels(e1: int, n1: int, e2: int, n2: int, method: str):
    sm_method = "wald" if method == "wald" else "newcomb"
    low, high = confint_proportions_2indep(e1, n1, e2, n2, method=sm_method, compare="diff")
    out = stats.risk_difference(e1, n1, e2, n2, method=method)
    assert out.value == pytest.approx(e1 / n1 - e2 / n2, abs=TOL)
    assert out.ci_low == pytest.approx(low, abs=TOL)
    assert out.ci_high == pytest.approx(high, abs=TOL)
    assert out.measure == "RD"


@pytest.mark.parametrize(("e1", "n1", "e2", "n2"), COUNTS)
def test_ratios_match_table2x2(e1: int, n1: int, e2: int, n2: int) -> None:
    table = Table2x2(np.array([[e1, n1 - e1], [e2, n2 - e2]]), shift_zeros=False)
    rr = stats.risk_ratio(e1, n1, e2, n2, confidence=0.9)
    odds = stats.odds_ratio(e1, n1, e2, n2, confidence=0.9)
    assert rr.value == pytest.approx(table.riskratio, rel=TOL)
    assert (rr.ci_low, rr.ci_high) == pytest.approx(table.riskratio_confint(0.1), rel=TOL)
    assert odds.value == pytest.approx(table.oddsratio, rel=TOL)
    assert (odds.ci_low, odds.ci_high) == pytest.approx(table.oddsratio_confint(0.1), rel=TOL)
    assert rr.note == odds.note == ""


def test_zero_cell_gets_haldane_correction() -> None:
    shifted = Table2x2(np.array([[0.5, 10.5], [5.5, 5.5]]), shift_zeros=False)
    rr = stats.risk_ratio(0, 10, 5, 10)
    odds = stats.odds_ratio(0, 10, 5, 10)
    assert rr.value == pytest.approx(shifted.riskratio, rel=TOL)
    assert (odds.ci_low, odds.ci_high) == pytest.approx(shifted.oddsratio_confint(), rel=TOL)
    assert "0.5" in rr.note and "0.5" in odds.note
    assert all(math.isfinite(x) for x in (odds.value, odds.ci_low, odds.ci_high))


def test_nnt_clear_benefit_matches_inverted_rd_interval() -> None:
    low, high = confint_proportions_2indep(30, 50, 15, 50, method="wald", compare="diff")
    out = stats.nnt(0.6, 50, 0.3, 50)
    assert out.benefit and not out.crosses_zero
    assert out.nnt == pytest.approx(1 / 0.3, rel=TOL)
    assert (out.ci_low, out.ci_high) == pytest.approx((1 / high, 1 / low), rel=TOL)
    assert "NNTB" in repr(out)


def test_nnt_interval_crossing_zero_follows_altman() -> None:
    low, high = confint_proportions_2indep(20, 50, 15, 50, method="wald", compare="diff")
    assert low < 0 < high
    out = stats.nnt(0.4, 50, 0.3, 50)
    assert out.crosses_zero and out.benefit
    assert out.ci_low == pytest.approx(1 / high, rel=TOL)  # NNTB limit
    assert out.ci_high == pytest.approx(1 / abs(low), rel=TOL)  # NNTH limit
    assert "∞" in out.interval_text and "NNTH" in out.interval_text
    assert "includes 0" in repr(out)


def test_nnt_harm_and_bad_outcome_events() -> None:
    harm = stats.nnt(0.2, 500, 0.4, 500)
    assert not harm.benefit and harm.nnt == pytest.approx(5.0)
    good = stats.nnt(0.2, 500, 0.4, 500, events_are_good=False)
    assert good.benefit and good.nnt == pytest.approx(5.0)
    assert (good.ci_low, good.ci_high) == pytest.approx((harm.ci_low, harm.ci_high))
    same = stats.nnt(0.3, 40, 0.3, 40)
    assert same.nnt == math.inf and same.crosses_zero


# ------------------------------------------------------------------ meta-analysis
def test_bcg_published_reml_and_dl() -> None:
    # Viechtbauer (2010), metafor: REML tau² 0.3132, estimate -0.7145 (SE 0.1798), I² 92.22 %;
    # DL tau² 0.3088, estimate -0.7141 (SE 0.1787), I² 92.12 %; Q(df = 12) = 152.2330.
    yi, vi = bcg_log_rr()
    reml = stats.meta_analysis(yi, vi, method="REML")
    assert reml.tau2 == pytest.approx(0.3132, abs=5e-4)
    assert reml.random == pytest.approx(-0.7145, abs=5e-4)
    assert reml.random_se == pytest.approx(0.1798, abs=5e-4)
    assert reml.i2 == pytest.approx(92.22, abs=0.05)
    assert reml.q == pytest.approx(152.2330, abs=5e-4)
    assert reml.q_df == 12
    dl = stats.meta_analysis(yi, vi, method="DL")
    assert dl.tau2 == pytest.approx(0.3088, abs=5e-4)
    assert dl.random == pytest.approx(-0.7141, abs=5e-4)
    assert dl.random_se == pytest.approx(0.1787, abs=5e-4)
    assert dl.i2 == pytest.approx(92.12, abs=0.05)


def reml_loglik(tau2: float, y: np.ndarray, v: np.ndarray) -> float:
    w = 1 / (v + tau2)
    mu = np.sum(w * y) / np.sum(w)
    return -0.5 * (np.sum(np.log(v + tau2)) + np.log(np.sum(w)) + np.sum(w * (y - mu) ** 2))


# Four studies whose restricted likelihood has a local maximum at tau² = 0 and the global
# one near tau² = 17: scoring from the DL estimate alone stops at the wrong one.
BIMODAL = ([3.3945, -0.3279, -0.0012, -9.2149], [4.5433, 0.000134, 0.11597, 8.6102])


@pytest.mark.parametrize("case", ["bcg", "bimodal", 2, 3, 4, 5])
def test_reml_maximizes_restricted_likelihood(case) -> None:
    if case == "bcg":
        y, v = bcg_log_rr()
    elif case == "bimodal":
        y, v = (np.array(x) for x in BIMODAL)
    else:
        y, v = random_meta_data(case)
    grid = np.concatenate([[0.0], np.logspace(-6, 3, 2000)])
    best = grid[np.argmax([reml_loglik(t, y, v) for t in grid])]
    bounds = (best / 1.1, best * 1.1) if best > 0 else (0.0, 1e-6)
    opt = optimize.minimize_scalar(
        lambda t: -reml_loglik(t, y, v), bounds=bounds, method="bounded", options={"xatol": 1e-12}
    )
    out = stats.meta_analysis(y, v, method="REML")
    assert out.tau2 == pytest.approx(opt.x, abs=1e-5, rel=1e-5)
    assert reml_loglik(out.tau2, y, v) >= reml_loglik(opt.x, y, v) - 1e-12
    if case == "bimodal":
        assert out.tau2 > 1.0
        assert reml_loglik(out.tau2, y, v) > reml_loglik(0.0, y, v)


@pytest.mark.parametrize("seed", range(6))
def test_dl_matches_statsmodels(seed: int) -> None:
    y, v = random_meta_data(seed)
    ref = combine_effects(y, v, method_re="chi2")
    out = stats.meta_analysis(y, v, labels=[f"S{i}" for i in range(len(y))], method="DL")
    tau2 = max(0.0, ref.tau2)
    assert out.tau2 == pytest.approx(tau2, abs=TOL)
    assert out.q == pytest.approx(ref.q, rel=TOL)
    assert out.q_p == pytest.approx(sps.chi2.sf(ref.q, len(y) - 1), rel=TOL)
    assert out.i2 == pytest.approx(100 * max(0.0, ref.i2), abs=1e-4)
    assert out.fixed == pytest.approx(ref.mean_effect_fe, abs=TOL)
    assert out.fixed_ci == pytest.approx(tuple(ref.conf_int()[0]), abs=TOL)
    assert np.allclose(out.weights_fixed, 100 * ref.weights_rel_fe, atol=1e-6)
    if ref.tau2 > 0:
        assert out.random == pytest.approx(ref.mean_effect_re, abs=TOL)
        assert out.random_ci == pytest.approx(tuple(ref.conf_int()[1]), abs=TOL)
        assert np.allclose(out.weights_random, 100 * ref.weights_rel_re, atol=1e-6)
        # Higgins et al. (2009) prediction interval with t on k - 2 df.
        half = sps.t.ppf(0.975, len(y) - 2) * math.sqrt(ref.tau2 + ref.var_eff_w_re)
        assert out.pi_low == pytest.approx(ref.mean_effect_re - half, abs=TOL)
        assert out.pi_high == pytest.approx(ref.mean_effect_re + half, abs=TOL)
    assert out.labels[0] == "S0"


@pytest.mark.parametrize("seed", range(6))
def test_pm_matches_statsmodels_iterated(seed: int) -> None:
    y, v = random_meta_data(seed, k=10)
    # atol 1e-8 on the estimating equation pins tau² to ~1e-11; a tighter atol lets rounding
    # noise (ee ~ -1e-15 at the root) trip statsmodels' "ee < 0 -> tau² = 0" branch.
    ref = combine_effects(y, v, method_re="iterated", atol=1e-8, maxiter=1000)
    out = stats.meta_analysis(y, v, method="PM", confidence=0.9)
    assert out.tau2 == pytest.approx(ref.tau2, abs=TOL)
    assert out.random == pytest.approx(ref.mean_effect_re, abs=TOL)
    assert out.random_ci == pytest.approx(tuple(ref.conf_int(alpha=0.1)[1]), abs=TOL)


def test_fixed_effect_single_study_and_notes() -> None:
    one = stats.meta_analysis([0.3], [0.04], method="FE", labels=["Only"])
    assert one.fixed == one.random == pytest.approx(0.3)
    assert one.fixed_ci == pytest.approx((0.3 - 1.959964 * 0.2, 0.3 + 1.959964 * 0.2), abs=1e-6)
    assert one.i2 is None and one.q_p is None and one.pi_low is None
    assert one.weights_fixed == (100.0,)
    assert one.notes


def test_prediction_interval_needs_three_studies() -> None:
    two = stats.meta_analysis([0.1, 0.9], [0.01, 0.02], method="DL")
    assert two.pi_low is None and two.pi_high is None
    assert any("3 studies" in note for note in two.notes)


def test_meta_result_repr_mentions_method_and_heterogeneity() -> None:
    yi, vi = bcg_log_rr()
    text = repr(
        stats.meta_analysis(yi, vi, labels=[f"Trial {i}" for i in range(13)], method="REML")
    )
    assert "REML" in text and "tau²" in text and "I²" in text and "prediction interval" in text


# ------------------------------------------------------------------ bad input
BAD_CALLS = [
    (stats.cohens_d, (1, 0, 10, 2, 1, 10), "sd1"),
    (stats.cohens_d, (1, 1, 1, 2, 1, 10), "n1"),
    (stats.cohens_d, (1, 1, 10, float("nan"), 1, 10), "mean2"),
    (stats.cohens_d, (1, 1, 10, 2, 1, 10.5), "n2"),
    (stats.cohens_d, (1, 1, 10, 2, 1, 10, 1.0), "confidence"),
    (stats.cohens_d_from_change, (1, -1, 10, 2, 1, 10), "sd_change1"),
    (stats.cohens_d_from_change, ("a", 1, 10, 2, 1, 10), "change1"),
    (stats.cohens_d_from_t, (float("inf"), 10, 10), "t"),
    (stats.cohens_d_from_t, (2.0, 10, 0), "n2"),
    (stats.hedges_g, (1, 1, 10, 2, 0, 10), "sd2"),
    (stats.hedges_correction, (1.0,), "df"),
    (stats.hedges_correction, (-3,), "df"),
    (stats.sd_from_se, (0, 10), "se"),
    (stats.sd_from_se, (1.0, 0), "n"),
    (stats.sd_from_ci, (5.0, 3.0, 20), "high"),
    (stats.sd_from_ci, (3.0, 5.0, 1), "n"),
    (stats.sd_from_ci, (3.0, 5.0, 20, 0.95, "z"), "distribution"),
    (stats.d_to_overlap, (float("nan"),), "d"),
    (stats.d_to_overlap, (0.5, 1.0), "control_event_rate"),
    (stats.risk_difference, (11, 10, 5, 10), "events1"),
    (stats.risk_difference, (1, 10, -1, 10), "events2"),
    (stats.risk_difference, (1, 10, 1, 10, 0.95, "exact"), "method"),
    (stats.risk_ratio, (1, 0, 1, 10), "n1"),
    (stats.risk_ratio, (1, 10, 12, 10), "events2"),
    (stats.odds_ratio, (1.5, 10, 1, 10), "events1"),
    (stats.odds_ratio, (1, 10, 1, 10, 0.0), "confidence"),
    (stats.nnt, (1.2, 10, 0.3, 10), "p1"),
    (stats.nnt, (0.2, 10, -0.1, 10), "p2"),
    (stats.nnt, (0.2, 0, 0.1, 10), "n1"),
    (stats.cohens_d, (1e308, 1e-300, 10, -1e308, 1e-300, 10), "not finite"),
    (stats.t_cdf, (1.0, 0), "df"),
    (stats.t_quantile, (1.0, 5), "p"),
    (stats.chi2_sf, (1.0, -2), "df"),
    # Regression cases: each used to escape as another exception or a silent wrong value.
    (stats.sd_from_ci, (3.0, 5.0, 1e308), "n"),  # was OverflowError
    (stats.sd_from_ci, (3.0, 5.0, 20, 1e-320), "confidence"),  # was ZeroDivisionError
    (stats.sd_from_ci, (-1e308, 1e308, 2, 1e-10), "low, high and confidence"),
    (stats.sd_from_se, (1e308, 4), "se"),
    (stats.t_quantile, (0.9, 1e-300), "df"),  # quantile beyond the float range
    (stats.t_quantile, (1e-300, 0.01), "df"),
    (stats.cohens_d, (1, 10**400, 10, 2, 1, 10), "sd1"),  # int too large for a float
    (stats.cohens_d, (1, 1, 10**20, 2, 1, 10), "n1"),  # above 2**53
    (stats.cohens_d, (1, 5e-324, 10**6, 2, 5e-324, 10**6), "not finite: mean1, sd1"),
    (stats.cohens_d_from_t, (1.5e308, 2, 2), "not finite: t"),  # CI limit overflows
    (stats.risk_difference, (1, 10, 1, 10, 0.95, ["wald"]), "method"),
    (stats.risk_difference, (1, 10, 1, 10, 0.95, np.array(["wald", "x"])), "method"),
]


@pytest.mark.parametrize(("func", "args", "name"), BAD_CALLS)
def test_bad_input_names_the_argument(func, args, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        func(*args)


def test_nnt_rejects_non_boolean_flag() -> None:
    with pytest.raises(ValueError, match="events_are_good"):
        stats.nnt(0.2, 10, 0.1, 10, events_are_good="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"effects": [], "variances": []}, "effects"),
        ({"effects": [0.1], "variances": [0.1]}, "effects"),  # DL needs k >= 2
        ({"effects": [0.1, 0.2], "variances": [0.1]}, "variances"),
        ({"effects": [0.1, 0.2], "variances": [0.1, 0.0]}, "variances"),
        ({"effects": [0.1, float("nan")], "variances": [0.1, 0.1]}, "effects"),
        ({"effects": "0.1", "variances": [0.1]}, "effects"),
        ({"effects": 0.1, "variances": [0.1]}, "effects"),
        ({"effects": [0.1, 0.2], "variances": [0.1, 0.1], "labels": ["a"]}, "labels"),
        ({"effects": [0.1, 0.2], "variances": [0.1, 0.1], "method": "ML"}, "method"),
        ({"effects": [0.1, 0.2], "variances": [0.1, 0.1], "confidence": 95}, "confidence"),
        ({"effects": np.zeros((2, 2)), "variances": [0.1, 0.1]}, "effects"),
        ({"effects": [1e300, -1e300], "variances": [1e-300, 1e-300]}, "effects and variances"),
    ],
)
def test_meta_analysis_bad_input(kwargs: dict, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        stats.meta_analysis(**kwargs)


def test_import_is_cheap_and_numpy_free() -> None:
    code = (
        "import sys, coursekit.models.stats as s; a = 'numpy' in sys.modules, 'scipy' in "
        "sys.modules; s.t_cdf(1.0, 3); print(*a, 'scipy.stats' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # scipy (and numpy with it) are loaded on the first call that needs a distribution.
    assert out.stdout.split() == ["False", "False", "True"]


# ------------------------------------------------------------------ regressions (issue 13)
def test_distributions_with_huge_df_give_the_normal_limit() -> None:
    # The hand-written versions raised OverflowError for df = 1e308.
    assert stats.t_cdf(1.0, 1e308) == pytest.approx(sps.norm.cdf(1.0), rel=1e-12)
    assert stats.t_quantile(0.3, 1e308) == pytest.approx(sps.norm.ppf(0.3), rel=1e-12)
    assert stats.chi2_sf(1.0, 1e308) == 1.0
    assert stats.chi2_sf(1e308, 1e308) == pytest.approx(0.5, abs=1e-6)


def test_furukawa_nnt_is_exactly_infinite_at_zero_difference() -> None:
    # Φ(Φ⁻¹(CER)) - CER left rounding noise, so d = 0 gave an NNT of about 1.8e16.
    for cer in (0.3, 0.01, 0.5, 0.99, 1e-300):
        assert stats.d_to_overlap(0.0, control_event_rate=cer).nnt == math.inf
        assert stats.d_to_overlap(-0.0, control_event_rate=cer).nnt == math.inf
    assert stats.d_to_overlap(0.0).nnt == math.inf


@pytest.mark.parametrize("d", [1e-20, -1e-20, 1e-9, -3e-7, 2e-6])
def test_furukawa_nnt_is_accurate_for_tiny_differences(d: float) -> None:
    # Φ(z + d) - Φ(z) ≈ d φ(z + d/2): finite, signed like d, even when z + d rounds to z.
    cer = 0.3
    z = sps.norm.ppf(cer)
    expected = 1.0 / (d * sps.norm.pdf(z + d / 2))
    assert stats.d_to_overlap(d, control_event_rate=cer).nnt == pytest.approx(expected, rel=1e-9)


def test_nnt_beyond_float_range_is_signed_infinity() -> None:
    assert stats.d_to_overlap(1e-320, control_event_rate=0.3).nnt == math.inf
    assert stats.d_to_overlap(-1e-320, control_event_rate=0.3).nnt == -math.inf
    assert stats.d_to_overlap(-5e-324).nnt == -math.inf


@pytest.mark.parametrize("method", ["DL", "REML", "PM"])
def test_tiny_variances_are_pooled_properly(method: str) -> None:
    # DL used to return tau² = 0 and a zero-width CI here (Σw² overflowed).
    y, v = [0.1, 0.5, 0.9], [1e-160] * 3
    out = stats.meta_analysis(y, v, method=method)
    assert out.tau2 == pytest.approx(np.var(y, ddof=1), rel=1e-9)  # s² - v, with v ~ 0
    assert out.random_ci[1] - out.random_ci[0] > 0.5
    assert out.i2 == pytest.approx(100.0)


@pytest.mark.parametrize("method", ["FE", "DL", "REML", "PM"])
@pytest.mark.parametrize("power", [-300, -80, 0, 80, 300])
def test_meta_analysis_is_scale_equivariant(method: str, power: int) -> None:
    # Rescaling effects by 2**p and variances by 4**p rescales the results exactly.
    y, v = random_meta_data(3)
    base = stats.meta_analysis(y, v, method=method)
    out = stats.meta_analysis(
        [math.ldexp(x, power) for x in y], [math.ldexp(x, 2 * power) for x in v], method=method
    )
    assert out.tau2 == pytest.approx(math.ldexp(base.tau2, 2 * power), rel=1e-12, abs=0)
    assert out.pooled == pytest.approx(math.ldexp(base.pooled, power), rel=1e-12)
    assert out.pooled_ci == pytest.approx(tuple(math.ldexp(x, power) for x in base.pooled_ci))
    assert out.q == pytest.approx(base.q, rel=1e-12)
    assert out.weights_random == pytest.approx(base.weights_random, rel=1e-12)


def test_confidence_close_to_one_keeps_finite_intervals() -> None:
    level = 1.0 - 2.0**-53  # 0.5 + level / 2 rounds to 1, where the quantile is infinite
    es = stats.cohens_d(10.0, 2.0, 20, 8.0, 2.0, 20, confidence=level)
    assert math.isfinite(es.ci_low) and math.isfinite(es.ci_high)
    meta = stats.meta_analysis([0.1, 0.5, 0.9], [0.04, 0.05, 0.06], confidence=level)
    assert all(math.isfinite(x) for x in (*meta.random_ci, meta.pi_low, meta.pi_high))
    assert math.isfinite(stats.sd_from_ci(3.0, 5.0, 25, confidence=level))


def test_huge_but_valid_inputs_still_work() -> None:
    # Whole-number floats (a count read from a table with gaps) and big effects are fine.
    assert stats.cohens_d(10.0, 2.0, 20.0, 8.0, 2.0, 20.0).n1 == 20
    es = stats.cohens_d(1e150, 1.0, 10, -1e150, 1.0, 10)
    assert math.isfinite(es.se) and es.value == pytest.approx(2e150)
    assert stats.t_quantile(1e-300, 1.0) == pytest.approx(-1 / (math.pi * 1e-300), rel=1e-9)
