"""The welcome page's demo exercise, driven live through its widget callback."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest

from coursekit.explore import engine, explorers


@pytest.fixture
def demo() -> engine.Exercise:
    return explorers.effect_size_explorer(d=0.8)


def test_static_version_is_a_chart_with_a_description(demo: engine.Exercise) -> None:
    bundle = demo._repr_mimebundle_()
    assert "application/vnd.vegalite.v5+json" in bundle
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert demo.static.description.strip()
    params = {p["name"] for p in demo.static.spec.get("params", [])}
    assert "d" in params


def test_moving_the_live_slider_recomputes(demo: engine.Exercise) -> None:
    before = demo.current.copy()
    demo.controls["d"].value = 1.5
    assert demo.message == ""
    assert not demo.current.equals(before)
    # The live frame reports Cohen's U3 for the new d: Phi(1.5).
    u3_columns = [c for c in demo.current.columns if "u3" in c.lower()]
    assert u3_columns, demo.current.columns
    assert math.isclose(
        float(demo.current[u3_columns[0]].iloc[0]), NormalDist().cdf(1.5), rel_tol=1e-9
    )


def test_bad_value_shows_a_message_not_a_traceback(demo: engine.Exercise) -> None:
    good = demo.current.copy()
    assert demo.update(d=float("nan")) is False
    assert "d" in demo.message
    assert demo.current.equals(good)
