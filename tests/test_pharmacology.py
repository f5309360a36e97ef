"""Tests for coursekit.models.pk (the one-compartment teaching model).

The model is drug-free: generic tests build their own :class:`PKParameters` and
:class:`Route` objects. Literature values are read the way the chapters read them, through
:func:`coursekit.evidence.lookup.pk_parameters` and :func:`~coursekit.evidence.lookup.pk_routes`,
and checked against the reported figures (Cmax, Tmax, half-life, bioavailability) and
against the model's differential equations solved with scipy, not against the code under test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad, solve_ivp

from coursekit.evidence.lookup import pk_parameters, pk_routes
from coursekit.models import pk
from coursekit.models.pk import TEACHING_NOTICE, Dose, PKParameters, Route, Source

FINE = np.linspace(0.0, 48.0, 48_001)  # 3.6 s resolution
SRC = Source("chong2006", "test", "H")
MDMA_TEACHING = pk_parameters("mdma_teaching")
KETAMINE = pk_parameters("ketamine_elimination")
KETAMINE_ROUTES = pk_routes("ketamine_elimination")
KETAMINE_HALF_LIFE = KETAMINE.half_life_h


def _params(ka: float, half_life: float, volume: float = 100.0, f: float = 1.0) -> PKParameters:
    return PKParameters("test drug", ka, half_life, volume, f, Source("freye2009", "test", "V"))


def _route(f: float = 0.5, ka: float = 3.0, low: float | None = None) -> Route:
    return Route("test route", f, f if low is None else low, f, SRC, ka_per_h=ka)


BOLUS = Route("test bolus", 1.0, 1.0, 1.0, SRC)  # ka_per_h defaults to inf: a bolus
ORAL = _route(0.25, 2.0)


def _ode_concentration(t: np.ndarray, dose_mg: float, p: PKParameters) -> np.ndarray:
    """Integrate gut -> central compartment numerically; returns ng/mL."""
    ke = math.log(2) / p.half_life_h

    def rhs(_t: float, y: np.ndarray) -> list[float]:
        gut, central = y
        return [-p.ka_per_h * gut, p.ka_per_h * gut - ke * central]

    sol = solve_ivp(
        rhs,
        (0.0, float(t.max())),
        [p.bioavailability * dose_mg, 0.0],
        t_eval=t,
        rtol=1e-10,
        atol=1e-12,
        method="LSODA",
    )
    return 1000.0 * sol.y[1] / p.volume_l


# --- The teaching notice -------------------------------------------------------------


def test_notice_says_not_a_dosing_tool() -> None:
    text = TEACHING_NOTICE.lower()
    assert "teaching" in text
    assert "not a dosing tool" in text
    assert "clinical" in text and "personal" in text


@pytest.mark.parametrize(
    "func",
    [
        pk.bateman,
        pk.concentration,
        pk.simulate,
        pk.split_dose_regimen,
        pk.route_exposure,
        pk.route_curve,
    ],
)
def test_public_functions_carry_the_notice(func: object) -> None:
    assert "not a dosing tool" in func.__doc__


def test_module_docstring_carries_the_notice() -> None:
    assert "not a dosing tool" in pk.__doc__


def test_reprs_carry_the_notice() -> None:
    params = _params(1.0, 4.0)
    curve = pk.simulate(np.linspace(0, 12, 13), pk.split_dose_regimen(80), params)
    for obj in (params, ORAL, curve, MDMA_TEACHING, KETAMINE_ROUTES["oral"]):
        assert TEACHING_NOTICE in repr(obj)


def test_model_module_names_no_drug() -> None:
    # Parameter sets are data: the model module holds no drug-specific values.
    for name in ("MDMA_TEACHING", "KETAMINE_ROUTES", "sources"):
        assert not hasattr(pk, name)
    assert "mdma" not in " ".join(pk.__all__).lower()


# --- MDMA teaching parameters (from the pk_parameters dataset) -------------------------


def test_mdma_75mg_peak_matches_reported_cmax_and_tmax() -> None:
    c = pk.bateman(FINE, Dose(75.0, 0.0), MDMA_TEACHING)
    assert c.max() == pytest.approx(126.5, rel=0.02)  # Freye chapter: 126.5 ng/mL after 75 mg
    assert FINE[c.argmax()] == pytest.approx(2.0, abs=0.15)  # Tmax about 2 h


def test_mdma_terminal_half_life_is_8_h() -> None:
    c = pk.bateman(np.array([24.0, 32.0]), Dose(100.0), MDMA_TEACHING)
    assert c[1] / c[0] == pytest.approx(0.5, rel=1e-6)


def test_mdma_linear_model_underpredicts_125mg_cmax() -> None:
    c = pk.bateman(FINE, Dose(125.0), MDMA_TEACHING)
    assert c.max() < 226.3  # reported Cmax after 125 mg: kinetics are non-linear
    note = MDMA_TEACHING.source.note
    assert "non-linear" in note and "huestis2024" in note and "CYP2D6" in note


def test_mdma_source() -> None:
    assert MDMA_TEACHING.source.key == "freye2009"
    assert MDMA_TEACHING.source.confidence in {"H", "V"}
    assert "126.5" in MDMA_TEACHING.source.note  # the calibration target is documented


def test_mdma_parameters_are_the_ones_the_chapter_uses() -> None:
    from coursekit.chapters import mdma

    assert mdma.teaching_parameters() == MDMA_TEACHING


# --- Bateman function -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("ka", "half_life", "f"), [(1.5, 8.0, 1.0), (0.3, 1.0, 0.5), (4.0, 3.0, 0.2)]
)
def test_bateman_matches_ode_solution(ka: float, half_life: float, f: float) -> None:
    p = _params(ka, half_life, 80.0, f)
    t = np.linspace(0, 30, 301)
    np.testing.assert_allclose(
        pk.bateman(t, Dose(50.0), p), _ode_concentration(t, 50.0, p), rtol=1e-6, atol=1e-8
    )


def test_bateman_ka_equal_ke_uses_limiting_form() -> None:
    half_life = 2.0
    p = _params(math.log(2) / half_life, half_life)
    t = np.linspace(0, 20, 201)
    got = pk.bateman(t, Dose(10.0), p)
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, _ode_concentration(t, 10.0, p), rtol=1e-6, atol=1e-8)


def test_bateman_nearly_equal_rates_are_continuous() -> None:
    half_life = 2.0
    ke = math.log(2) / half_life
    t = np.linspace(0, 20, 201)
    exact = pk.bateman(t, Dose(10.0), _params(ke, half_life))
    near = pk.bateman(t, Dose(10.0), _params(ke * (1 + 1e-12), half_life))
    np.testing.assert_allclose(near, exact, rtol=1e-9, atol=1e-12)


def test_bateman_zero_before_dose_and_at_dose_time() -> None:
    c = pk.bateman(np.array([0.0, 1.0, 2.0, 2.5]), Dose(40.0, 2.0), _params(1.5, 8.0))
    assert c[0] == c[1] == c[2] == 0.0
    assert c[3] > 0


def test_bateman_accepts_scalar_and_list() -> None:
    p = _params(1.5, 8.0)
    assert pk.bateman(2.0, Dose(75.0), p).shape == ()
    assert pk.bateman([0.0, 1.0], Dose(75.0), p).shape == (2,)
    assert pk.bateman([], Dose(75.0), p).shape == (0,)


def test_bateman_does_not_modify_or_share_the_time_array() -> None:
    t = np.array([0.0, 1.0, 2.0])
    curve = pk.simulate(t, [Dose(10.0)], _params(1.5, 8.0))
    t[0] = 99.0
    assert curve.t_h[0] == 0.0


def test_auc_equals_f_dose_over_clearance() -> None:
    p = _params(1.2, 5.0, 70.0, 0.6)
    auc, _ = quad(lambda x: float(pk.bateman(x, Dose(30.0), p)), 0, np.inf, limit=200)
    expected = 1000.0 * 0.6 * 30.0 / (math.log(2) / 5.0 * 70.0)  # ng·h/mL
    assert auc == pytest.approx(expected, rel=1e-6)
    assert p.clearance_l_per_h == pytest.approx(math.log(2) / 5.0 * 70.0)


# --- Superposition and regimens -------------------------------------------------------


def test_split_dose_regimen_phase3_style() -> None:
    assert pk.split_dose_regimen(80) == [Dose(80.0, 0.0), Dose(40.0, 1.5)]
    assert pk.split_dose_regimen(120, 0.5, 2.0) == [Dose(120.0, 0.0), Dose(60.0, 2.0)]


def test_concentration_is_sum_of_single_doses() -> None:
    t = np.linspace(0, 24, 97)
    p = _params(1.5, 8.0, 500.0)
    doses = pk.split_dose_regimen(120, 0.5, 1.5)
    total = pk.concentration(t, doses, p)
    single = pk.bateman(t, Dose(120.0, 0.0), p)
    supplement = pk.bateman(t, Dose(60.0, 1.5), p)
    np.testing.assert_allclose(total, single + supplement)
    assert total.max() > single.max()  # the supplement raises and prolongs the peak


def test_concentration_of_no_doses_is_zero() -> None:
    np.testing.assert_array_equal(pk.concentration([0.0, 1.0], [], _params(1.0, 2.0)), [0.0, 0.0])


def test_simulate_curve_summary() -> None:
    curve = pk.simulate(FINE, [Dose(75.0)], MDMA_TEACHING)
    assert curve.unit == "ng/mL"
    assert curve.label == MDMA_TEACHING.name
    assert curve.peak == pytest.approx(126.5, rel=0.02)
    assert curve.time_of_peak_h == pytest.approx(2.0, abs=0.15)


def test_simulate_accepts_a_single_time() -> None:
    # A scalar time used to end in IndexError when the peak was looked up.
    p = _params(1.5, 8.0)
    curve = pk.simulate(5.0, [Dose(75.0)], p)
    assert curve.t_h.shape == (1,) and curve.time_of_peak_h == 5.0
    assert curve.peak == pytest.approx(float(pk.bateman(5.0, Dose(75.0), p)))


@pytest.mark.parametrize("grid", [[], np.array([]), np.zeros((2, 2))])
def test_simulate_rejects_an_empty_or_2d_grid(grid: object) -> None:
    # An empty grid used to give a curve whose peak was NaN.
    with pytest.raises(ValueError, match="t_h must be a one-dimensional grid"):
        pk.simulate(grid, [Dose(75.0)], _params(1.5, 8.0))


def test_pk_curve_validates_its_arrays() -> None:
    with pytest.raises(ValueError, match="values"):
        pk.PKCurve(np.array([0.0, 1.0]), np.array([1.0, -2.0]), "ng/mL", "x")
    with pytest.raises(ValueError, match="values"):
        pk.PKCurve(np.array([0.0, 1.0]), np.array([1.0]), "ng/mL", "x")
    with pytest.raises(ValueError, match="t_h"):
        pk.PKCurve(np.array([]), np.array([]), "ng/mL", "x")


# --- Routes: generic model ----------------------------------------------------------------


def test_route_exposure_is_dose_times_f() -> None:
    assert pk.route_exposure(50.0, ORAL) == pytest.approx(12.5)
    assert pk.route_exposure(50.0, BOLUS) == pytest.approx(50.0)
    assert pk.route_exposure(0.0, ORAL) == 0.0


def test_route_curve_bolus_starts_at_dose_and_halves_each_half_life() -> None:
    c = pk.route_curve(np.array([0.0, 3.0, 6.0]), 40.0, BOLUS, 3.0)
    np.testing.assert_allclose(c, [40.0, 20.0, 10.0])


@pytest.mark.parametrize(
    ("f", "ka", "half_life"),
    [(1.0, math.inf, 2.5), (0.3, 2.0, 4.0), (0.9, 10.0, 1.0), (0.5, 0.2, 6.0)],
)
def test_route_curve_area_is_dose_f_over_ke(f: float, ka: float, half_life: float) -> None:
    route = Route("r", f, f, f, SRC, ka_per_h=ka)
    area, _ = quad(lambda x: float(pk.route_curve(x, 50.0, route, half_life)), 0, np.inf, limit=200)
    ke = math.log(2) / half_life
    assert area == pytest.approx(50.0 * f / ke, rel=1e-6)
    assert area == pytest.approx(pk.route_exposure(50.0, route) / ke, rel=1e-6)


def test_route_curve_faster_absorption_peaks_earlier() -> None:
    t = np.linspace(0, 12, 12_001)
    peaks = [t[pk.route_curve(t, 50.0, _route(0.5, ka), 2.5).argmax()] for ka in (10, 6, 2)]
    assert peaks[0] < peaks[1] < peaks[2]


# --- Ketamine routes (from the pk_routes and pk_parameters datasets) --------------------


def test_ketamine_route_values_and_sources() -> None:
    assert set(KETAMINE_ROUTES) == {"iv", "im", "intranasal", "oral", "sublingual"}
    expected = {"iv": 1.0, "im": 0.93, "intranasal": 0.48, "oral": 0.23, "sublingual": 0.32}
    for key, f in expected.items():
        assert KETAMINE_ROUTES[key].bioavailability == f
    assert KETAMINE_ROUTES["oral"].source.key == "chong2006"
    assert KETAMINE_ROUTES["sublingual"].source.key == "chong2006"
    assert KETAMINE_ROUTES["im"].source.confidence == "M"
    assert KETAMINE_ROUTES["intranasal"].low == 0.25
    assert KETAMINE_ROUTES["intranasal"].high == 0.50
    assert math.isinf(KETAMINE_ROUTES["iv"].ka_per_h)  # intravenous: a bolus


def test_ketamine_route_sources_are_labelled() -> None:
    for key, route in KETAMINE_ROUTES.items():
        assert route.source.confidence in {"H", "V", "M", "P"}
        assert route.low <= route.bioavailability <= route.high
        if key != "iv":
            assert "teaching assumption" in route.source.note
    keys = {r.source.key for r in KETAMINE_ROUTES.values()}
    keys |= {MDMA_TEACHING.source.key, KETAMINE.source.key}
    assert {"freye2009", "chong2006", "ketalar2024label", "spravato2025label"} <= keys


def test_ketamine_half_life_is_the_elimination_half_life() -> None:
    # 2.5 h is the elimination (beta) half-life; the short alpha phase is redistribution.
    assert KETAMINE_HALF_LIFE == 2.5
    note = KETAMINE.source.note.lower()
    assert "elimination" in note and "beta" in note
    assert "redistribution" in note
    assert KETAMINE.source.key == "ketalar2024label"


def test_ketamine_routes_are_the_ones_the_chapter_uses() -> None:
    from coursekit.chapters import ketamine

    assert ketamine.routes() == KETAMINE_ROUTES
    assert ketamine.half_life_h() == KETAMINE_HALF_LIFE


def test_ketamine_route_exposure() -> None:
    assert pk.route_exposure(50.0, KETAMINE_ROUTES["oral"]) == pytest.approx(11.5)
    assert pk.route_exposure(50.0, KETAMINE_ROUTES["iv"]) == pytest.approx(50.0)
    assert pk.route_exposure(50.0, KETAMINE_ROUTES["sublingual"]) == pytest.approx(16.0)
    assert pk.route_exposure(0.0, KETAMINE_ROUTES["im"]) == 0.0


def test_ketamine_iv_curve_halves_in_2_5_h() -> None:
    c = pk.route_curve(np.array([0.0, 2.5, 5.0]), 40.0, KETAMINE_ROUTES["iv"], KETAMINE_HALF_LIFE)
    np.testing.assert_allclose(c, [40.0, 20.0, 10.0])


@pytest.mark.parametrize("route", ["iv", "im", "intranasal", "oral", "sublingual"])
def test_ketamine_route_curve_area_matches_exposure(route: str) -> None:
    r = KETAMINE_ROUTES[route]
    ke = math.log(2) / KETAMINE_HALF_LIFE

    def curve(x: float) -> float:
        return float(pk.route_curve(x, 50.0, r, KETAMINE_HALF_LIFE))

    area, _ = quad(curve, 0, np.inf, limit=200)
    assert area == pytest.approx(50.0 * r.bioavailability / ke, rel=1e-6)


def test_ketamine_faster_routes_peak_earlier() -> None:
    t = np.linspace(0, 12, 12_001)
    peak = {
        r: t[pk.route_curve(t, 50.0, KETAMINE_ROUTES[r], KETAMINE_HALF_LIFE).argmax()]
        for r in ("im", "intranasal", "oral")
    }
    assert peak["im"] < peak["intranasal"] < peak["oral"]


# --- Bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad_t",
    [
        [-1.0, 0.0],
        [0.0, np.nan],
        [np.inf],
        "abc",
        ["1.5"],
        [True, False],
        [[1.0, "x"]],
        [[1.0], [1.0, 2.0]],
        None,
        [1 + 2j],
        [10**400],
        {"a": 1},
    ],
)
def test_bad_times_rejected(bad_t: object) -> None:
    p = _params(1.0, 2.0)
    with pytest.raises(ValueError, match="t_h"):
        pk.bateman(bad_t, Dose(10.0), p)
    with pytest.raises(ValueError, match="t_h"):
        pk.concentration(bad_t, [Dose(10.0)], p)
    with pytest.raises(ValueError, match="t_h"):
        pk.simulate(bad_t, [Dose(10.0)], p)
    with pytest.raises(ValueError, match="t_h"):
        pk.route_curve(bad_t, 10.0, ORAL, 2.5)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: pk.bateman([0.0, 1.0], Dose(1e308), _params(100.0, 1.0, 1e-300)), "dose"),
        (lambda: pk.concentration([1.0], [Dose(1e308)] * 3, _params(1.0, 1.0, 1e-10)), "doses"),
        (lambda: pk.route_curve([0.0, 1.0], 1e308, _route(1.0, 1e300), 1.0), "dose_mg"),
        (lambda: pk.route_curve([0.0], 10.0, ORAL, 1e-320), "half_life_h"),
        (lambda: _params(1.0, 1e-320), "half_life_h"),
        (lambda: _params(1.0, 1e-300, 1e300), "volume_l"),
    ],
)
def test_overflow_is_reported_not_returned(call, name: str) -> None:
    # Extreme parameters used to give inf or NaN concentrations silently.
    with pytest.raises(ValueError, match=name):
        call()


def test_results_are_never_negative_zero_or_shared() -> None:
    c = pk.bateman([0.0, -0.0], Dose(-0.0), _params(1.0, 2.0))
    assert not np.signbit(c).any()
    assert Dose(80, 0).amount_mg == 80.0 and isinstance(Dose(80, 0).amount_mg, float)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"amount_mg": -1.0}, "amount_mg"),
        ({"amount_mg": float("nan")}, "amount_mg"),
        ({"amount_mg": "10"}, "amount_mg"),
        ({"amount_mg": 10.0, "time_h": -0.5}, "time_h"),
        ({"amount_mg": 10.0, "time_h": float("inf")}, "time_h"),
    ],
)
def test_bad_dose_rejected(kwargs: dict, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        Dose(**kwargs)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ka_per_h", 0.0),
        ("ka_per_h", -1.0),
        ("half_life_h", 0.0),
        ("half_life_h", -8.0),
        ("half_life_h", float("nan")),
        ("volume_l", 0.0),
        ("bioavailability", 0.0),
        ("bioavailability", 1.2),
    ],
)
def test_bad_pk_parameters_rejected(field: str, value: float) -> None:
    args = {
        "name": "x",
        "ka_per_h": 1.0,
        "half_life_h": 2.0,
        "volume_l": 10.0,
        "bioavailability": 1.0,
        "source": Source("chong2006", "n", "H"),
    }
    args[field] = value
    with pytest.raises(ValueError, match=field):
        PKParameters(**args)


def test_bad_pk_parameters_name_and_source() -> None:
    src = Source("chong2006", "n", "H")
    with pytest.raises(ValueError, match="name"):
        PKParameters("", 1.0, 2.0, 10.0, 1.0, src)
    with pytest.raises(ValueError, match="source"):
        PKParameters("x", 1.0, 2.0, 10.0, 1.0, "chong2006")


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (("chong2006", "note", "U"), "confidence"),
        (("chong2006", "note", "high"), "confidence"),
        (("Chong 2006", "note", "H"), "key"),
        (("", "note", "H"), "key"),
        (("chong2006", "  ", "H"), "note"),
    ],
)
def test_bad_source_rejected(args: tuple, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        Source(*args)


def test_bad_route_objects_rejected() -> None:
    src = Source("chong2006", "n", "H")
    with pytest.raises(ValueError, match="bioavailability"):
        Route("x", 0.5, 0.6, 0.9, src)
    with pytest.raises(ValueError, match="bioavailability"):
        Route("x", 0.0, 0.0, 0.5, src)
    with pytest.raises(ValueError, match="ka_per_h"):
        Route("x", 0.5, 0.4, 0.6, src, ka_per_h=-2.0)
    with pytest.raises(ValueError, match="name"):
        Route("", 0.5, 0.4, 0.6, src)
    with pytest.raises(ValueError, match="source"):
        Route("x", 0.5, 0.4, 0.6, None)


def test_bad_dose_and_params_arguments() -> None:
    p = _params(1.0, 2.0)
    with pytest.raises(ValueError, match="dose"):
        pk.bateman([1.0], 75.0, p)
    with pytest.raises(ValueError, match="params"):
        pk.bateman([1.0], Dose(75.0), {"ka": 1})
    with pytest.raises(ValueError, match="doses"):
        pk.concentration([1.0], Dose(75.0), p)
    with pytest.raises(ValueError, match="dose"):
        pk.concentration([1.0], [75.0], p)
    with pytest.raises(ValueError, match="params"):
        pk.simulate([1.0], [Dose(75.0)], None)


@pytest.mark.parametrize(
    ("args", "name"),
    [
        ((-80.0,), "initial_mg"),
        ((float("nan"),), "initial_mg"),
        ((80.0, 1.5), "supplement_fraction"),
        ((80.0, -0.1), "supplement_fraction"),
        ((80.0, 0.5, -1.0), "delay_h"),
        ((80.0, 0.5, float("inf")), "delay_h"),
    ],
)
def test_bad_regimen_rejected(args: tuple, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        pk.split_dose_regimen(*args)


@pytest.mark.parametrize("route", ["oral", "rectal", "", None, 3, {"f": 0.5}])
def test_route_must_be_a_route_object(route: object) -> None:
    # Routes are data now: a name is not enough, the caller passes the Route from pk_routes.
    with pytest.raises(ValueError, match="route must be a Route") as err:
        pk.route_exposure(10.0, route)
    assert "pk_routes" in str(err.value)
    with pytest.raises(ValueError, match="route"):
        pk.route_curve([0.0], 10.0, route, 2.5)


@pytest.mark.parametrize("dose", [-1.0, float("nan"), "50", True])
def test_bad_route_dose_rejected(dose: object) -> None:
    with pytest.raises(ValueError, match="dose_mg"):
        pk.route_exposure(dose, ORAL)
    with pytest.raises(ValueError, match="dose_mg"):
        pk.route_curve([0.0], dose, ORAL, 2.5)


@pytest.mark.parametrize("half_life", [0.0, -2.5, float("nan"), "2.5", None])
def test_bad_route_half_life_rejected(half_life: object) -> None:
    with pytest.raises(ValueError, match="half_life_h"):
        pk.route_curve([0.0], 10.0, ORAL, half_life)
