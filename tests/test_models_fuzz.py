"""Fuzz tests (Hypothesis): every public callable of the models survives arbitrary input.

The callables are enumerated from the ``__all__`` of :mod:`coursekit.models.stats`,
:mod:`~coursekit.models.pk`, :mod:`~coursekit.models.learning` and
:mod:`~coursekit.models.scales`, so a new public function is fuzzed automatically: every
function, and every input class (a dataclass that validates itself in ``__post_init__``).
Each argument is drawn either from values that make sense for a parameter of that name or
from arbitrary junk: floats including NaN, infinities, huge, tiny and negative values, ints
of any size, bools, strings, None, complex numbers, lists, dicts and numpy arrays.

Every call must either

* return a result holding no NaN and no infinity (except the documented infinite NNT and a
  route's ``ka_per_h = inf``, which means an intravenous bolus), with no negative number in
  a pharmacokinetic result (no negative concentration), and whose ``repr`` works; or
* raise ``ValueError`` or ``TypeError`` whose message names one of the parameters (never
  when every argument was drawn from the plausible values: those must succeed; a parameter
  with no entry in :data:`PLAUSIBLE` gets junk only until one is added),

and end within :data:`CALL_LIMIT_S` seconds.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import re
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from coursekit.models import appraisal, learning, pk, scales, stats

MODULES = {
    "stats": stats,
    "pk": pk,
    "learning": learning,
    "scales": scales,
    "appraisal": appraisal,
}
CALL_LIMIT_S = 10.0  # hard stop for one call; typical calls take well under 10 ms
FUZZ = settings(
    max_examples=50,
    deadline=timedelta(seconds=5),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Result types: returned by the functions, never built from user input, so not fuzzed.
RESULT_TYPES = {
    "stats": {"EffectSize", "Estimate", "MetaResult", "NNTResult", "Overlap"},
    "pk": set(),
    "learning": {"RWTrace"},
    "scales": {"PCL5Result"},
    "appraisal": {"BlindingIndex", "DropoutScenario", "OverallJudgement", "Domain"},
}
# (class, field) pairs documented as possibly infinite.
ALLOWED_INF = {
    ("Overlap", "nnt"),
    ("NNTResult", "nnt"),
    ("NNTResult", "ci_low"),
    ("NNTResult", "ci_high"),
    ("Route", "ka_per_h"),
}


def _is_input_class(obj: object) -> bool:
    return inspect.isclass(obj) and dataclasses.is_dataclass(obj) and "__post_init__" in vars(obj)


def public_callables() -> Iterator[tuple[str, str, Callable[..., Any]]]:
    for module_name, module in MODULES.items():
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj) or _is_input_class(obj):
                yield module_name, name, obj


CALLABLES = list(public_callables())


# ---------------------------------------------------------------- strategies
_huge_ints = st.sampled_from([10**400, -(10**400), 2**53 + 1, 2**63, -(2**63) - 1])
_scalar_junk = st.one_of(
    st.floats(),  # includes NaN, ±inf, subnormals, ±1.8e308 and -0.0
    st.sampled_from([math.nan, math.inf, -math.inf, 5e-324, -5e-324, 1.7e308, -1.7e308, -0.0]),
    st.integers(),
    _huge_ints,
    st.booleans(),
    st.text(max_size=12),
    st.none(),
    st.complex_numbers(allow_nan=True, allow_infinity=True),
    st.floats().map(np.float64),
    st.integers(-(2**63), 2**63 - 1).map(np.int64),
    st.sampled_from([np.True_, np.nan, b"1"]),
)
JUNK = st.one_of(
    _scalar_junk,
    st.lists(st.one_of(st.floats(), st.integers()), max_size=25),
    st.lists(_scalar_junk, max_size=6),
    st.tuples(st.floats(), st.floats()),
    st.dictionaries(st.text(max_size=4), st.floats(), max_size=3),
    hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=2, max_side=25)),
    hnp.arrays(np.int64, hnp.array_shapes(min_dims=1, max_dims=1, max_side=25)),
    hnp.arrays(np.bool_, hnp.array_shapes(min_dims=1, max_dims=1, max_side=5)),
)

SRC = st.builds(
    pk.Source,
    st.sampled_from(["chong2006", "freye2009"]),
    st.text(min_size=1, max_size=10).filter(str.strip),
    st.sampled_from(["H", "V", "M", "P"]),
)
PARAMS = st.builds(
    pk.PKParameters,
    st.just("p"),
    st.floats(0.05, 20.0),
    st.floats(0.1, 48.0),
    st.floats(1.0, 1000.0),
    st.floats(0.05, 1.0),
    SRC,
)
DOSE = st.builds(pk.Dose, st.floats(0.0, 500.0), st.floats(0.0, 24.0))
ROUTE = st.builds(
    lambda f, ka, src: pk.Route("r", f, f, f, src, ka),
    st.floats(0.05, 1.0),
    st.one_of(st.just(math.inf), st.floats(0.05, 20.0)),
    SRC,
)
TIMES = st.one_of(
    st.floats(0.0, 72.0),
    st.lists(st.floats(0.0, 72.0), min_size=1, max_size=25),
    hnp.arrays(np.float64, st.integers(1, 25), elements=st.floats(0.0, 72.0)),
)
PHASE = st.builds(
    learning.Phase,
    st.sampled_from(["acquisition", "extinction", "test"]),
    st.integers(1, 30),
    st.booleans(),
    st.sampled_from(["A", "B", "C"]),
)
TRACE = st.builds(
    lambda kind, model: model(learning.renewal_design(kind, 5, 5, 3)),
    st.sampled_from(["ABA", "ABC", "AAB", "AAA"]),
    st.sampled_from([learning.rescorla_wagner, learning.context_model]),
)
ITEMS = st.one_of(
    st.lists(st.integers(0, 4), min_size=20, max_size=20),
    hnp.arrays(np.int64, 20, elements=st.integers(0, 4)),
)
unit = st.floats(0.01, 1.0)
text = st.text(min_size=1, max_size=10).filter(str.strip)

# Plausible values by parameter name; (callable, parameter) entries take precedence.
PLAUSIBLE: dict[str, st.SearchStrategy] = {
    # stats
    "x": st.floats(-50, 50),
    "df": st.one_of(st.floats(1.01, 1e6), st.integers(2, 1000)),
    "p": st.floats(1e-9, 1 - 1e-9),
    "mean1": st.floats(-100, 100),
    "mean2": st.floats(-100, 100),
    "change1": st.floats(-100, 100),
    "change2": st.floats(-100, 100),
    "sd1": st.floats(0.01, 50),
    "sd2": st.floats(0.01, 50),
    "sd_change1": st.floats(0.01, 50),
    "sd_change2": st.floats(0.01, 50),
    "n": st.integers(2, 500),
    "n1": st.integers(2, 500),
    "n2": st.integers(2, 500),
    "confidence": st.sampled_from([0.8, 0.9, 0.95, 0.99]),
    "t": st.floats(-20, 20),
    "d": st.floats(-5, 5),
    "control_event_rate": st.one_of(st.none(), st.floats(0.01, 0.99)),
    "low": st.floats(-10, 0),
    "high": st.floats(0.01, 10),
    "se": st.floats(0.01, 10),
    "distribution": st.sampled_from(["t", "normal"]),
    "events1": st.integers(0, 2),
    "events2": st.integers(0, 2),
    "p1": st.floats(0, 1),
    "p2": st.floats(0, 1),
    "events_are_good": st.booleans(),
    "effects": st.lists(st.floats(-3, 3), min_size=4, max_size=4),
    "variances": st.lists(st.floats(1e-3, 2.0), min_size=4, max_size=4),
    "labels": st.none(),
    # pk
    "t_h": TIMES,
    "dose": DOSE,
    "doses": st.lists(DOSE, max_size=4),
    "params": PARAMS,
    "route": ROUTE,
    "dose_mg": st.floats(0.0, 500.0),
    "half_life_h": st.floats(0.1, 48.0),
    "initial_mg": st.floats(0.0, 500.0),
    "supplement_fraction": st.floats(0.0, 1.0),
    "delay_h": st.floats(0.0, 12.0),
    "amount_mg": st.floats(0.0, 500.0),
    "time_h": st.floats(0.0, 24.0),
    "name": text,
    "ka_per_h": st.floats(0.05, 20.0),
    "volume_l": st.floats(1.0, 1000.0),
    "bioavailability": st.floats(0.05, 1.0),
    "source": SRC,
    "key": st.sampled_from(["chong2006", "freye2009"]),
    "note": text,
    "values": hnp.arrays(np.float64, 3, elements=st.floats(0.0, 100.0)),
    "unit": text,
    "label": text,
    # learning
    "phases": st.lists(PHASE, min_size=1, max_size=5),
    "alpha": unit,
    "beta": unit,
    "lam": st.floats(0.1, 5.0),
    "generalization": st.floats(0.0, 1.0),
    "kind": st.sampled_from(["ABA", "ABC", "AAB", "AAA"]),
    "acq": st.integers(1, 30),
    "ext": st.integers(1, 30),
    "test": st.integers(1, 10),
    "trials": st.integers(1, 30),
    "reinforced": st.booleans(),
    "context": st.sampled_from(["A", "B"]),
    "trace": TRACE,
    "extinction": st.just("extinction"),
    # scales
    "items": ITEMS,
    "cutpoint": st.integers(0, 80),
    "total": st.integers(0, 80),
    "id": text,
    "teaching_point": st.text(max_size=10),
}
OVERRIDES: dict[tuple[str, str], st.SearchStrategy] = {
    ("meta_analysis", "method"): st.sampled_from(["FE", "DL", "REML", "PM"]),
    ("risk_difference", "method"): st.sampled_from(["wald", "newcombe"]),
    ("nnt", "method"): st.sampled_from(["wald", "newcombe"]),
    ("Source", "confidence"): st.sampled_from(["H", "V", "M", "P"]),
    ("Route", "low"): st.just(0.05),
    ("Route", "high"): st.just(1.0),
    ("Route", "ka_per_h"): st.one_of(st.just(math.inf), st.floats(0.05, 20.0)),
    ("PKCurve", "t_h"): hnp.arrays(np.float64, 3, elements=st.floats(0.0, 72.0)),
    ("renewal_score", "test"): st.sampled_from(["test", "extinction"]),
    ("sd_from_ci", "n"): st.integers(2, 500),
}


def _plausible(func_name: str, param: str) -> st.SearchStrategy | None:
    """Plausible values for ``param`` of ``func_name``, or None when none are known yet."""
    if (func_name, param) in OVERRIDES:
        return OVERRIDES[func_name, param]
    return PLAUSIBLE.get(param)


# ---------------------------------------------------------------- checks
class CallTimeout(Exception):
    """A fuzzed call did not end within CALL_LIMIT_S."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the call after ``seconds`` (SIGALRM; a no-op where it is unavailable)."""
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def _stop(signum: int, frame: object) -> None:
        raise CallTimeout(f"call did not end within {seconds} s")

    previous = signal.signal(signal.SIGALRM, _stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _check_number(value: float, where: str, owner: str, attr: str, nonneg: bool) -> None:
    assert not math.isnan(value), f"NaN at {where}"
    if math.isinf(value):
        assert (owner, attr) in ALLOWED_INF, f"undocumented infinity at {where}"
    if nonneg:
        assert value >= 0, f"negative value {value!r} at {where}"


def check_result(value: Any, nonneg: bool, where: str = "result", owner: str = "", attr: str = ""):
    """Recursively assert: no NaN, no undocumented infinity, no negative pk number."""
    if isinstance(value, bool | str | bytes | type(None)):
        return
    if isinstance(value, int | np.integer):
        assert not nonneg or value >= 0, f"negative value {value!r} at {where}"
    elif isinstance(value, float | np.floating):
        _check_number(float(value), where, owner, attr, nonneg)
    elif isinstance(value, np.ndarray):
        if value.dtype.kind in "iuf":
            assert not np.isnan(value).any(), f"NaN in array at {where}"
            assert np.isfinite(value).all(), f"infinity in array at {where}"
            assert not nonneg or (value >= 0).all(), f"negative entry in array at {where}"
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            check_result(item, nonneg, f"{where}[{i}]", owner, attr)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_result(item, nonneg, f"{where}[{key!r}]", owner, attr)
    elif dataclasses.is_dataclass(value):
        cls = type(value)
        for f in dataclasses.fields(value):
            check_result(getattr(value, f.name), nonneg, f"{where}.{f.name}", cls.__name__, f.name)
        for name, _ in inspect.getmembers(cls, lambda m: isinstance(m, property)):
            check_result(getattr(value, name), nonneg, f"{where}.{name}", cls.__name__, name)
    else:
        raise AssertionError(f"unexpected result type {type(value).__name__} at {where}")


def check_error(err: Exception, params: list[str], kwargs: dict[str, Any]) -> None:
    """The message must name a parameter (outside the echoed bad values)."""
    message = str(err)
    for value in kwargs.values():
        for shown in {repr(value), str(value)}:
            if len(shown) > 2:
                message = message.replace(shown, " ")
    named = any(re.search(rf"(?<![\w.]){re.escape(p)}(?!\w)", message) for p in params)
    assert named, f"{type(err).__name__} does not name any of {params}: {err}"


# ---------------------------------------------------------------- the tests
def test_every_public_name_is_fuzzed_or_declared() -> None:
    for module_name, module in MODULES.items():
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) and not _is_input_class(obj):
                assert name in RESULT_TYPES[module_name], (
                    f"{module_name}.{name}: a public class must validate its input in "
                    "__post_init__ (and is then fuzzed) or be listed in RESULT_TYPES"
                )
            elif not inspect.isclass(obj) and not inspect.isfunction(obj):
                assert not callable(obj), f"{module_name}.{name} is callable but not fuzzed"
    assert len(CALLABLES) >= 25


@pytest.fixture(scope="module", autouse=True)
def _warm_up() -> None:
    stats.t_cdf(0.0, 3.0)  # import scipy.stats before the per-call time limits start


@pytest.mark.parametrize(
    ("module_name", "name", "func"), CALLABLES, ids=[f"{m}.{n}" for m, n, _ in CALLABLES]
)
@FUZZ
@given(data=st.data())
def test_fuzz(module_name: str, name: str, func: Callable[..., Any], data: st.DataObject) -> None:
    params = list(inspect.signature(func).parameters.values())
    mode = data.draw(st.sampled_from(["valid", "one_bad", "mixed"]), label="mode")
    bad = data.draw(st.integers(0, max(len(params) - 1, 0)), label="bad") if params else -1
    kwargs: dict[str, Any] = {}
    known = True  # every argument drawn from the plausible values of a known parameter
    for i, param in enumerate(params):
        plausible = _plausible(name, param.name)
        if param.default is not inspect.Parameter.empty and data.draw(st.booleans(), param.name):
            continue  # keep the default
        if plausible is None:  # a parameter with no plausible values listed yet: junk only
            plausible, known = JUNK, False
        if mode == "valid" or (mode == "one_bad" and i != bad):
            strategy = plausible
        elif mode == "one_bad":
            strategy = JUNK
        else:
            strategy = st.one_of(plausible, JUNK)
        kwargs[param.name] = data.draw(strategy, label=param.name)
    try:
        with time_limit(CALL_LIMIT_S):
            result = func(**kwargs)
    except (ValueError, TypeError) as err:
        assert not (mode == "valid" and known), f"plausible arguments were refused: {err}"
        check_error(err, [p.name for p in params], kwargs)
        return
    check_result(result, nonneg=module_name == "pk")
    assert repr(result)
