"""Tests for coursekit.pharmacology (teaching PK models).

Reference values come from the fact tables (Cmax, Tmax, half-life, bioavailability)
and from solving the model's differential equations with scipy, not from the code
under test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad, solve_ivp

from coursekit import pharmacology as pk
from coursekit.pharmacology import (
    KETAMINE_ROUTES,
    MDMA_TEACHING,
    TEACHING_NOTICE,
    Dose,
    PKParameters,
    Route,
    Source,
)

FINE = np.linspace(0.0, 48.0, 48_001)  # 3.6 s resolution


def _params(ka: float, half_life: float, volume: float = 100.0, f: float = 1.0) -> PKParameters:
    return PKParameters("test drug", ka, half_life, volume, f, Source("freye2009", "test", "V"))


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
    curve = pk.simulate(np.linspace(0, 12, 13), pk.split_dose_regimen(80), MDMA_TEACHING)
    for obj in (MDMA_TEACHING, KETAMINE_ROUTES["oral"], curve):
        assert TEACHING_NOTICE in repr(obj)


# --- MDMA teaching parameters ---------------------------------------------------------


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
    c = pk.bateman(np.array([0.0, 1.0, 2.0, 2.5]), Dose(40.0, 2.0), MDMA_TEACHING)
    assert c[0] == c[1] == c[2] == 0.0
    assert c[3] > 0


def test_bateman_accepts_scalar_and_list() -> None:
    assert pk.bateman(2.0, Dose(75.0), MDMA_TEACHING).shape == ()
    assert pk.bateman([0.0, 1.0], Dose(75.0), MDMA_TEACHING).shape == (2,)


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
    doses = pk.split_dose_regimen(120, 0.5, 1.5)
    total = pk.concentration(t, doses, MDMA_TEACHING)
    single = pk.bateman(t, Dose(120.0, 0.0), MDMA_TEACHING)
    supplement = pk.bateman(t, Dose(60.0, 1.5), MDMA_TEACHING)
    np.testing.assert_allclose(total, single + supplement)
    assert total.max() > single.max()  # the supplement raises and prolongs the peak


def test_concentration_of_no_doses_is_zero() -> None:
    np.testing.assert_array_equal(pk.concentration([0.0, 1.0], [], MDMA_TEACHING), [0.0, 0.0])


def test_simulate_curve_summary() -> None:
    curve = pk.simulate(FINE, [Dose(75.0)], MDMA_TEACHING)
    assert curve.unit == "ng/mL"
    assert curve.peak == pytest.approx(126.5, rel=0.02)
    assert curve.time_of_peak_h == pytest.approx(2.0, abs=0.15)


# --- Ketamine routes -------------------------------------------------------------------


def test_route_table_values() -> None:
    assert set(KETAMINE_ROUTES) == {"iv", "im", "intranasal", "oral", "sublingual"}
    expected = {"iv": 1.0, "im": 0.93, "intranasal": 0.48, "oral": 0.23, "sublingual": 0.32}
    for key, f in expected.items():
        assert KETAMINE_ROUTES[key].bioavailability == f
    assert KETAMINE_ROUTES["oral"].source.key == "chong2006"
    assert KETAMINE_ROUTES["sublingual"].source.key == "chong2006"
    assert KETAMINE_ROUTES["im"].source.confidence == "M"
    assert KETAMINE_ROUTES["intranasal"].low == 0.25
    assert KETAMINE_ROUTES["intranasal"].high == 0.50


def test_route_sources_are_labelled() -> None:
    for key, route in KETAMINE_ROUTES.items():
        assert route.source.confidence in {"H", "V", "M", "P"}
        assert route.low <= route.bioavailability <= route.high
        if key != "iv":
            assert "teaching assumption" in route.source.note
    keys = {s.key for s in pk.sources()}
    assert {"freye2009", "chong2006", "ketalar2024label", "spravato2025label"} <= keys


def test_route_exposure_is_dose_times_f() -> None:
    assert pk.route_exposure(50.0, "oral") == pytest.approx(11.5)
    assert pk.route_exposure(50.0, "iv") == pytest.approx(50.0)
    assert pk.route_exposure(50.0, KETAMINE_ROUTES["sublingual"]) == pytest.approx(16.0)
    assert pk.route_exposure(0.0, "im") == 0.0


def test_route_curve_iv_starts_at_dose_and_halves_in_2_5_h() -> None:
    c = pk.route_curve(np.array([0.0, 2.5, 5.0]), 40.0, "iv")
    np.testing.assert_allclose(c, [40.0, 20.0, 10.0])


@pytest.mark.parametrize("route", ["iv", "im", "intranasal", "oral", "sublingual"])
def test_route_curve_area_matches_exposure(route: str) -> None:
    ke = math.log(2) / 2.5
    area, _ = quad(lambda x: float(pk.route_curve(x, 50.0, route)), 0, np.inf, limit=200)
    assert area == pytest.approx(50.0 * KETAMINE_ROUTES[route].bioavailability / ke, rel=1e-6)


def test_route_curve_faster_routes_peak_earlier() -> None:
    t = np.linspace(0, 12, 12_001)
    peak = {r: t[pk.route_curve(t, 50.0, r).argmax()] for r in ("im", "intranasal", "oral")}
    assert peak["im"] < peak["intranasal"] < peak["oral"]


# --- Bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad_t", [[-1.0, 0.0], [0.0, np.nan], [np.inf], "abc", [True, False], [[1.0, "x"]], None]
)
def test_bad_times_rejected(bad_t: object) -> None:
    with pytest.raises(ValueError, match="t_h"):
        pk.bateman(bad_t, Dose(10.0), MDMA_TEACHING)
    with pytest.raises(ValueError, match="t_h"):
        pk.concentration(bad_t, [Dose(10.0)], MDMA_TEACHING)
    with pytest.raises(ValueError, match="t_h"):
        pk.simulate(bad_t, [Dose(10.0)], MDMA_TEACHING)
    with pytest.raises(ValueError, match="t_h"):
        pk.route_curve(bad_t, 10.0, "oral")


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
    with pytest.raises(ValueError, match="dose"):
        pk.bateman([1.0], 75.0, MDMA_TEACHING)
    with pytest.raises(ValueError, match="params"):
        pk.bateman([1.0], Dose(75.0), {"ka": 1})
    with pytest.raises(ValueError, match="doses"):
        pk.concentration([1.0], Dose(75.0), MDMA_TEACHING)
    with pytest.raises(ValueError, match="dose"):
        pk.concentration([1.0], [75.0], MDMA_TEACHING)
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


@pytest.mark.parametrize("route", ["rectal", "", None, 3])
def test_unknown_route_lists_valid_routes(route: object) -> None:
    with pytest.raises(ValueError, match="route") as err:
        pk.route_exposure(10.0, route)
    for key in ("iv", "im", "intranasal", "oral", "sublingual"):
        assert repr(key) in str(err.value)
    with pytest.raises(ValueError, match="route"):
        pk.route_curve([0.0], 10.0, route)


@pytest.mark.parametrize("dose", [-1.0, float("nan"), "50", True])
def test_bad_route_dose_rejected(dose: object) -> None:
    with pytest.raises(ValueError, match="dose_mg"):
        pk.route_exposure(dose, "oral")
    with pytest.raises(ValueError, match="dose_mg"):
        pk.route_curve([0.0], dose, "oral")
