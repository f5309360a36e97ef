"""Exercises that are live ipywidgets in JupyterLab and client-side charts in the book.

The core is :func:`explorer`: *Python computes, the browser selects*.

* **Static book.** The compute function runs once for every point of a small
  parameter grid. The results travel with the chart, and Vega-Lite controls
  bound to that grid pick which slice to draw: no kernel is needed.
* **Live.** An ipywidget calls the *same* compute function with any value the
  reader chooses and redraws the chart. Bad input becomes a readable message in
  the exercise, never a traceback, and the last good chart stays on screen.

An :class:`Exercise` displays as the live widget where a widget manager exists
(JupyterLab) and as the static chart everywhere else (the built book, where
myst-nb is configured to skip widget views).
"""

from __future__ import annotations

import html
import itertools
import json
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from coursekit import charts
from coursekit._checks import require_choice

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt
    import ipywidgets
    import pandas as pd

__all__ = [
    "ALL_CATEGORIES",
    "ALL_ERAS",
    "Control",
    "Exercise",
    "PackedGrid",
    "benchmark_explorers",
    "effect_size_explorer",
    "effect_size_frame",
    "explorer",
    "forest_explorer",
    "learning_explorer",
    "learning_frame",
    "message_html",
    "pack_grid",
    "pcl5_explorer",
    "pcl5_frame",
    "pk_explorer",
    "pk_frame",
    "route_explorer",
    "route_frame",
    "timeline_explorer",
]

ControlKind = Literal["slider", "select", "radio"]


@dataclass(frozen=True)
class Control:
    """One input of an explorer.

    ``name`` is both the keyword passed to the compute function and the grid
    column; ``values`` is the grid the static book precomputes; live sliders
    accept any value between ``min(values)`` and ``max(values)`` (or beyond,
    when ``live_min``/``live_max`` widen the range).
    """

    name: str
    label: str
    values: tuple[Any, ...]
    default: Any
    kind: ControlKind = "slider"
    live_min: float | None = None
    live_max: float | None = None
    live_step: float | None = None

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise ValueError(f"control name must be an identifier, got {self.name!r}")
        if not self.values:
            raise ValueError(f"control {self.name!r} needs at least one grid value")
        if self.default not in self.values:
            raise ValueError(f"default for control {self.name!r} must be one of its grid values")

    @property
    def numeric(self) -> bool:
        """True when every grid value is a real number."""
        return all(isinstance(v, int | float) and not isinstance(v, bool) for v in self.values)

    @property
    def integer(self) -> bool:
        """True when every grid value (and the live step, if any) is a whole number of type int."""
        whole_step = self.live_step is None or float(self.live_step).is_integer()
        return whole_step and all(
            isinstance(v, int) and not isinstance(v, bool) for v in self.values
        )

    def binding(self) -> Any:
        """Return the Vega-Lite input binding for the static book."""
        import altair as alt

        label = f"{self.label} "
        if self.kind == "slider":
            if not self.numeric:
                raise ValueError(f"slider control {self.name!r} needs numeric values")
            lo, hi = min(self.values), max(self.values)
            step = _grid_step(self.values)
            return alt.binding_range(min=lo, max=hi, step=step, name=label)
        options = list(self.values)
        if self.kind == "radio":
            return alt.binding_radio(options=options, name=label)
        return alt.binding_select(options=options, name=label)

    def filter_expr(self) -> str:
        """Vega expression that keeps the grid rows matching the control's value."""
        if self.numeric:
            return f"abs(datum.{self.name} - {self.name}) < 1e-9"
        return f"datum.{self.name} == {self.name}"

    def live_widget(self) -> ipywidgets.Widget:
        """Return the ipywidget for live use."""
        import ipywidgets as w

        style = {"description_width": "initial"}
        layout = w.Layout(width="28em")
        if self.kind == "slider":
            lo = self.live_min if self.live_min is not None else min(self.values)
            hi = self.live_max if self.live_max is not None else max(self.values)
            if self.integer:
                return w.IntSlider(
                    value=self.default,
                    min=int(lo),
                    max=int(hi),
                    step=int(self.live_step or 1),
                    description=self.label,
                    continuous_update=False,
                    style=style,
                    layout=layout,
                )
            step = self.live_step or _grid_step(self.values) / 5
            return w.FloatSlider(
                value=self.default,
                min=lo,
                max=hi,
                step=step,
                description=self.label,
                continuous_update=False,
                readout_format=".2f",
                style=style,
                layout=layout,
            )
        if self.kind == "radio":
            return w.RadioButtons(
                options=list(self.values), value=self.default, description=self.label, style=style
            )
        return w.Dropdown(
            options=list(self.values),
            value=self.default,
            description=self.label,
            style=style,
            layout=layout,
        )


def _grid_step(values: Sequence[float]) -> float:
    ordered = sorted(set(values))
    if len(ordered) < 2:
        return 1.0
    steps = {round(b - a, 9) for a, b in itertools.pairwise(ordered)}
    if len(steps) != 1:
        raise ValueError("slider grid values must be evenly spaced")
    return steps.pop()


def message_html(text: str, kind: Literal["error", "info"] = "error") -> str:
    """Return escaped HTML for a message shown inside an exercise."""
    role = "alert" if kind == "error" else "status"
    prefix = "Please check the input: " if kind == "error" else ""
    return f'<p class="ck-message ck-{kind}" role="{role}">{prefix}{html.escape(text)}</p>'


class Exercise:
    """An exercise that is a live widget in JupyterLab and a static chart in the book.

    Parameters
    ----------
    widget:
        The live ipywidget.
    static:
        The static version: a :class:`coursekit.charts.StaticChart` (or raw HTML).
    update:
        Optional callable that recomputes the live view from keyword values;
        tests and instructors can call :meth:`update` directly.
    """

    def __init__(
        self,
        widget: ipywidgets.Widget,
        static: charts.StaticChart | str,
        update: Callable[..., Any] | None = None,
        controls: Mapping[str, ipywidgets.Widget] | None = None,
    ) -> None:
        self.widget = widget
        self.static = static
        self._update = update
        self.controls = dict(controls or {})
        self.message: str = ""
        self.current: Any = None

    def update(self, **values: Any) -> bool:
        """Recompute the live view; return ``False`` (and show a message) on bad input."""
        if self._update is None:
            raise ValueError("this exercise has no live update function")
        return bool(self._update(**values))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle: dict[str, Any] = {}
        if isinstance(self.static, charts.StaticChart):
            bundle.update(self.static._repr_mimebundle_())
        else:
            bundle["text/html"] = self.static
        live = self.widget._repr_mimebundle_()
        if live:
            bundle.update({k: v for k, v in live.items() if k != "text/plain"})
        return bundle


def _grid_frame(compute: Callable[..., pd.DataFrame], controls: Sequence[Control]) -> pd.DataFrame:
    import pandas as pd

    frames = []
    for combo in itertools.product(*(c.values for c in controls)):
        values = dict(zip((c.name for c in controls), combo, strict=True))
        frame = compute(**values)
        frames.append(frame.assign(**values))
    return pd.concat(frames, ignore_index=True)


def explorer(
    compute: Callable[..., pd.DataFrame],
    controls: Sequence[Control],
    build: Callable[[pd.DataFrame], alt.TopLevelMixin],
    description: str,
    *,
    pack: bool = False,
    decimals: int = 4,
    live_description: Callable[[pd.DataFrame], str] | None = None,
) -> Exercise:
    """Build an exercise from a pure compute function and a chart builder.

    ``compute(**values)`` returns a tidy DataFrame for one combination of
    control values. ``build(frame)`` turns such a frame into an Altair chart and
    must not depend on the control values (static pages append the grid columns
    and a filter; live pages pass just the current slice).

    With ``pack=True`` the static grid is stored compactly (see :func:`pack_grid`):
    ``build`` then receives one slice (the default combination) and must chart
    that frame unchanged, expressing anything derived as Vega-Lite transforms;
    the browser unpacks the selected slice before the chart's own transforms.
    ``decimals`` rounds floats in the packed data only (the live frame is exact).
    ``live_description``, if given, writes the live chart's text alternative from
    the current frame (the static chart always uses ``description``).
    """
    import altair as alt
    import ipywidgets as w

    if not controls:
        raise ValueError("an explorer needs at least one control")
    charts.enable_theme()

    params = [alt.param(name=c.name, value=c.default, bind=c.binding()) for c in controls]
    if pack:
        grid = pack_grid(compute, controls, decimals=decimals)
        spec = build(grid.sample).add_params(*params).to_dict()
        static = charts.show(grid.apply(spec, controls), description)
    else:
        frame = _grid_frame(compute, controls)
        where = " && ".join(c.filter_expr() for c in controls)
        static_chart = build(frame).add_params(*params).transform_filter(where)
        static = charts.show(static_chart, description)

    inputs = {c.name: c.live_widget() for c in controls}
    out = w.Output()
    note = w.HTML(value="")
    box = w.VBox([*inputs.values(), note, out])

    by_name = {c.name: c for c in controls}

    def redraw(**overrides: Any) -> bool:
        values = {name: widget.value for name, widget in inputs.items()}
        values.update(overrides)
        for name, value in overrides.items():
            if name not in inputs:
                raise ValueError(f"unknown control {name!r}; expected one of {sorted(inputs)}")
            if isinstance(value, float) and not math.isfinite(value):
                note.value = message_html(f"{name} must be a finite number")
                exercise.message = f"{name} must be a finite number, got {value!r}"
                return False
        try:
            for name, value in overrides.items():
                if by_name[name].kind != "slider":  # menus offer only their listed values
                    require_choice(name, value, by_name[name].values)
            frame = compute(**values)
            text = live_description(frame) if live_description else description
            chart = charts.show(build(frame), text, validate=False)
        except ValueError as err:
            note.value = message_html(str(err))
            exercise.message = str(err)
            return False
        note.value = ""
        exercise.message = ""
        exercise.current = frame
        out.outputs = ()
        out.append_display_data(chart)
        return True

    exercise = Exercise(box, static, update=redraw, controls=inputs)
    for widget in inputs.values():
        widget.observe(lambda _change: redraw(), names="value")
    redraw()
    return exercise


# ---------------------------------------------------------------- compact static grids
_GRID_DATA = "ck-grid"
_POOL = "ck_pool"
_STRINGS = "ck_strings"


@dataclass(frozen=True)
class PackedGrid:
    """A precomputed explorer grid in a compact form for the static book.

    One row per combination of control values holds the control values (as
    ``ck_ctl_<name>``), every column that is constant within that combination as
    a plain value, and, for every other column, an index into ``pool`` (a list of
    distinct arrays, so repeated arrays are stored once). Text inside arrays is
    stored as indices into ``strings``. :meth:`transforms` lists the Vega-Lite
    transforms that rebuild the tidy frame of the selected combination.
    """

    rows: list[dict[str, Any]]
    pool: list[list[Any]]
    strings: list[str]
    array_columns: tuple[str, ...]
    text_columns: frozenset[str]
    sample: pd.DataFrame
    date_columns: frozenset[str] = frozenset()

    def transforms(self, controls: Sequence[Control]) -> list[dict[str, Any]]:
        """Vega-Lite transforms: keep the selected combination, then unpack it."""
        tests = []
        for c in controls:
            field = f"datum[{_js(_control_field(c.name))}]"
            if c.numeric:
                tests.append(f"abs({field} - {c.name}) < 1e-9")
            else:
                tests.append(f"{field} == {c.name}")
        steps: list[dict[str, Any]] = [{"filter": " && ".join(tests)}]
        if not self.array_columns:
            return steps
        flat_as = []
        for i, col in enumerate(self.array_columns):
            steps.append({"calculate": f"{_POOL}[datum.ck_ref_{i}]", "as": f"ck_arr_{i}"})
            flat_as.append(f"ck_code_{i}" if col in self.text_columns else col)
        steps.append(
            {"flatten": [f"ck_arr_{i}" for i in range(len(self.array_columns))], "as": flat_as}
        )
        for i, col in enumerate(self.array_columns):
            if col in self.text_columns:
                code = f"datum.ck_code_{i}"
                value = f"{_STRINGS}[{code}]"
                if col in self.date_columns:
                    value = f"toDate({value})"
                steps.append({"calculate": f"{code} == null ? null : {value}", "as": col})
        return steps

    @property
    def data_bytes(self) -> int:
        """Size in bytes of the packed rows, pool and string table as JSON."""
        payload = {"rows": self.rows, "pool": self.pool, "strings": self.strings}
        return len(json.dumps(payload, separators=(",", ":")).encode())

    def apply(self, spec: dict[str, Any], controls: Sequence[Control]) -> dict[str, Any]:
        """Put the packed grid into ``spec`` (built from :attr:`sample`) and return it."""
        import altair as alt

        sample_name = alt.Chart(self.sample).to_dict(validate=False)["data"]["name"]
        datasets = spec.get("datasets", {})
        if sample_name not in datasets:
            raise ValueError("build must chart the frame it is given, unchanged")
        del datasets[sample_name]
        datasets[_GRID_DATA] = self.rows
        prefix = self.transforms(controls)
        found = _attach_grid(spec, {"name": sample_name}, prefix)
        if not found:
            raise ValueError("build must chart the frame it is given, unchanged")
        spec.setdefault("params", []).extend(
            [{"name": _POOL, "value": self.pool}, {"name": _STRINGS, "value": self.strings}]
        )
        return spec


def _js(text: str) -> str:
    return json.dumps(text)


def _control_field(name: str) -> str:
    return f"ck_ctl_{name}"


def _attach_grid(view: Any, ref: dict[str, str], prefix: list[dict[str, Any]]) -> int:
    """Point every view that uses ``ref`` at the packed grid and prepend the unpacking."""
    if isinstance(view, list):
        return sum(_attach_grid(v, ref, prefix) for v in view)
    if not isinstance(view, dict):
        return 0
    found = 0
    if view.get("data") == ref:
        view["data"] = {"name": _GRID_DATA}
        view["transform"] = [dict(step) for step in prefix] + list(view.get("transform", []))
        found += 1
    for key in ("layer", "hconcat", "vconcat", "concat", "spec"):
        if key in view:
            found += _attach_grid(view[key], ref, prefix)
    return found


def _column_values(series: pd.Series, decimals: int) -> tuple[list[Any], str]:
    """JSON-ready values of one column and their kind: "number", "bool", "text" or "date"."""
    import datetime

    import numpy as np
    import pandas as pd

    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return [None if _missing(v) else bool(v) for v in series.tolist()], "bool"
    if pd.api.types.is_numeric_dtype(dtype):
        arr = series.to_numpy(dtype=float, na_value=np.nan)
        whole = pd.api.types.is_integer_dtype(dtype)
        arr = arr if whole else np.round(arr, decimals)
        values = arr.tolist()
        if whole:
            values = [None if v != v else int(v) for v in values]
        elif not np.isfinite(arr).all():
            values = [v if math.isfinite(v) else None for v in values]
        return values, "number"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        text = series.dt.strftime("%Y-%m-%dT%H:%M:%S").tolist()
        return [None if _missing(v) else str(v) for v in text], "date"
    raw = series.tolist()
    missing = series.isna().to_numpy()
    if missing.any():
        raw = [None if gone else v for v, gone in zip(raw, missing, strict=True)]
    present = [v for v in raw if v is not None] if missing.any() else raw
    if all(isinstance(v, str) for v in present):
        return raw, "text"
    if present and all(isinstance(v, bool | np.bool_) for v in present):
        return [None if v is None else bool(v) for v in raw], "bool"
    if present and all(
        isinstance(v, int | float | np.number) and not isinstance(v, bool | np.bool_)
        for v in present
    ):
        return [
            None if v is None or not math.isfinite(v) else round(float(v), decimals) for v in raw
        ], "number"
    if present and all(isinstance(v, datetime.datetime) for v in present):
        return [None if v is None else v.strftime("%Y-%m-%dT%H:%M:%S") for v in raw], "date"
    return [None if v is None else str(v) for v in raw], "text"


def _missing(value: Any) -> bool:
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and value != value


def pack_grid(
    compute: Callable[..., pd.DataFrame], controls: Sequence[Control], decimals: int = 4
) -> PackedGrid:
    """Run ``compute`` for every combination of control values and pack the results.

    Every frame must have the same columns. Columns that never vary within a
    combination are stored once per combination; the others become arrays,
    stored once each however many combinations share them.
    """
    import pandas as pd

    names = [c.name for c in controls]
    defaults = tuple(c.default for c in controls)
    combos = list(itertools.product(*(c.values for c in controls)))
    frames = []
    for combo in combos:
        frame = compute(**dict(zip(names, combo, strict=True)))
        if not isinstance(frame, pd.DataFrame):
            raise ValueError("compute must return a pandas DataFrame")
        frames.append(frame)
    columns = list(frames[0].columns)
    if any(list(frame.columns) != columns for frame in frames):
        raise ValueError("compute must return the same columns for every combination")
    # Convert each column once for the whole grid, then cut it into combinations.
    spans = list(itertools.pairwise([0, *itertools.accumulate(len(f) for f in frames)]))
    with warnings.catch_warnings():
        # All-empty columns (e.g. a "no events" message row) may change the result dtype
        # in future pandas; _column_values handles both the old and the new result.
        warnings.simplefilter("ignore", FutureWarning)
        whole = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    kinds: dict[str, str] = {}
    cut: dict[str, list[list[Any]]] = {}
    for col in columns:
        values, kinds[col] = _column_values(whole[col], decimals)
        cut[col] = [values[a:b] for a, b in spans]
    varying = {
        col
        for col in columns
        if any(len(vals) > 1 and vals.count(vals[0]) != len(vals) for vals in cut[col])
    }
    if not varying and any(len(frame) != 1 for frame in frames):
        varying = set(columns)
    array_columns = tuple(col for col in columns if col in varying)
    text_columns = frozenset(col for col in array_columns if kinds[col] in {"text", "date"})
    date_columns = frozenset(col for col in text_columns if kinds[col] == "date")
    refs = {col: f"ck_ref_{i}" for i, col in enumerate(array_columns)}
    pool: list[list[Any]] = []
    pool_index: dict[tuple[Any, ...], int] = {}
    strings: list[str] = []
    string_index: dict[str, int] = {}

    def code(text: Any) -> int | None:
        if text is None:
            return None
        if text not in string_index:
            string_index[text] = len(strings)
            strings.append(text)
        return string_index[text]

    rows: list[dict[str, Any]] = [
        {_control_field(n): v for n, v in zip(names, combo, strict=True)} for combo in combos
    ]
    for col in columns:
        for row, vals in zip(rows, cut[col], strict=True):
            if col not in varying:
                row[col] = vals[0] if vals else None
                continue
            if col in text_columns:
                vals = [code(v) for v in vals]
            key = (col in text_columns, *vals)
            index = pool_index.get(key)
            if index is None:
                index = pool_index[key] = len(pool)
                pool.append(vals)
            row[refs[col]] = index
    sample = frames[combos.index(defaults)]
    return PackedGrid(rows, pool, strings, array_columns, text_columns, sample, date_columns)


# ================================================================ explorers
# Each explorer = a pure compute function (calling the course's model modules),
# a chart builder from coursekit.charts and a list of controls. The static book
# gets the packed grid; JupyterLab gets the live widgets.


@dataclass(frozen=True)
class _Parts:
    """Everything :func:`explorer` needs, kept so :func:`benchmark_explorers` can time it."""

    compute: Callable[..., pd.DataFrame]
    controls: tuple[Control, ...]
    build: Callable[[pd.DataFrame], alt.TopLevelMixin]
    description: str
    decimals: int = 4
    live_description: Callable[[pd.DataFrame], str] | None = None

    def exercise(self) -> Exercise:
        """Build the exercise with a packed static grid."""
        return explorer(
            self.compute,
            self.controls,
            self.build,
            self.description,
            pack=True,
            decimals=self.decimals,
            live_description=self.live_description,
        )


def _summary_description(lead: str) -> Callable[[pd.DataFrame], str]:
    def describe(frame: pd.DataFrame) -> str:
        summary = str(frame["summary"].iloc[0]).replace("\n", " ") if len(frame) else ""
        return f"{lead} {summary}".strip()

    return describe


def _frame(columns: Mapping[str, Any]) -> pd.DataFrame:
    """A DataFrame from arrays and scalars (scalars repeated), built without copies.

    Much faster than ``pd.DataFrame(dict)`` for the many small frames of a grid.
    """
    import numpy as np
    import pandas as pd

    n = max(
        (len(v) for v in columns.values() if isinstance(v, list | tuple | np.ndarray)), default=1
    )
    out = {}
    for name, value in columns.items():
        if isinstance(value, np.ndarray):
            out[name] = value
        elif isinstance(value, list | tuple):
            out[name] = np.asarray(
                value, dtype=object if any(isinstance(v, str) or v is None for v in value) else None
            )
        elif isinstance(value, str) or value is None:
            out[name] = np.full(n, value, dtype=object)
        else:
            out[name] = np.full(n, value)
    return pd.DataFrame(out, copy=False)


# ---------------------------------------------------------------- effect size
EFFECT_GRID: tuple[float, ...] = tuple(round(i * 0.05, 2) for i in range(41))
EFFECT_LIVE_RANGE = (-2.0, 3.0)


def _nnt_text(nnt: float) -> str:
    if math.isinf(nnt):
        return "not defined (no difference between the groups)"
    if nnt < 0:
        return f"{abs(nnt):.1f}, favouring the control group (a number needed to harm)"
    return f"{nnt:.1f}"


def effect_size_frame(d: float) -> pd.DataFrame:
    """Two unit-variance normal curves ``d`` apart, their overlap, and the overlap
    statistics of :func:`coursekit.stats.d_to_overlap` (columns ``u3``, ``overlap``,
    ``prob_superiority``, ``nnt`` and a ``summary`` in words)."""
    import numpy as np

    from coursekit import stats
    from coursekit._checks import require_finite

    d = require_finite("d", d)
    lo_d, hi_d = EFFECT_LIVE_RANGE
    if not lo_d <= d <= hi_d:
        raise ValueError(f"d must be between {lo_d:g} and {hi_d:g} in this explorer, got {d!r}")
    ov = stats.d_to_overlap(d)
    lo, hi = -3.5 + min(0.0, d), 3.5 + max(2.0, d)
    x = np.round(np.linspace(lo, hi, round((hi - lo) / 0.125) + 1), 6)
    scale = 1.0 / math.sqrt(2.0 * math.pi)
    control = scale * np.exp(-0.5 * x**2)
    treatment = scale * np.exp(-0.5 * (x - d) ** 2)
    direction = "above" if d >= 0 else "below"
    summary = "\n".join(
        [
            f"d = {d:.2f}: the treatment mean is {abs(d):.2f} standard deviations {direction} "
            "the control mean.",
            f"U3: {ov.u3:.1%} of the treatment group score above the control mean. "
            f"Overlap of the two distributions: {ov.overlap:.1%}.",
            f"Probability of superiority: {ov.prob_superiority:.1%} (a random treated person "
            "scores higher than a random control).",
            f"NNT ({ov.nnt_method}): {_nnt_text(ov.nnt)}.",
        ]
    )
    return _frame(
        {
            "x": x,
            "control": control,
            "treatment": treatment,
            "overlap_density": np.minimum(control, treatment),
            "d": d,
            "u3": ov.u3,
            "overlap": ov.overlap,
            "prob_superiority": ov.prob_superiority,
            "nnt": ov.nnt,
            "summary": summary,
        }
    )


def _effect_size_parts(d: float) -> tuple[_Parts, float]:
    from coursekit._checks import require_finite

    d = require_finite("d", d)
    lo, hi = EFFECT_LIVE_RANGE
    if not lo <= d <= hi:
        raise ValueError(f"d must be between {lo:g} and {hi:g} in this explorer, got {d!r}")
    start = min(EFFECT_GRID, key=lambda g: abs(g - d))
    control = Control(
        "d", "Effect size d", EFFECT_GRID, start, live_min=lo, live_max=hi, live_step=0.01
    )
    description = (
        "Two bell-shaped curves show the scores of a control group (solid blue) and a treatment "
        "group (dashed orange) whose means are d standard deviations apart; the grey area is "
        "where they overlap. Move the slider to change d. Below the chart, Cohen's U3, the "
        "overlap, the probability of superiority and the number needed to treat are given in "
        "words for the chosen d."
    )
    parts = _Parts(
        effect_size_frame,
        (control,),
        charts.effect_size_chart,
        description,
        decimals=3,
        live_description=_summary_description("Two normal curves d apart."),
    )
    return parts, d


def effect_size_explorer(d: float = 0.8) -> Exercise:
    """Picture an effect size: two normal curves ``d`` apart with U3, overlap,
    probability of superiority and NNT (all from :func:`coursekit.stats.d_to_overlap`).

    The book version offers d from 0 to 2 in steps of 0.05 (the nearest step to
    ``d`` is selected first); the live slider accepts any d from -2 to 3.
    """
    parts, d = _effect_size_parts(d)
    exercise = parts.exercise()
    if exercise.controls["d"].value != d:
        exercise.controls["d"].value = d
    return exercise


# ---------------------------------------------------------------- MDMA split dose
PK_DOSES: tuple[int, ...] = (80, 120)
PK_DELAYS: tuple[float, ...] = (1.5, 2.0)
_PK_SERIES = ("Initial dose + supplement", "Initial dose only")


def pk_frame(
    initial_mg: float = 120, supplement: str = "yes", delay_h: float = 1.5
) -> pd.DataFrame:
    """Teaching-model concentration curves for an MDMA split-dose session.

    Teaching model only; not a dosing tool. ``initial_mg`` is one of the Phase 3
    protocol doses (80 or 120 mg); ``supplement`` ("yes"/"no") adds half the initial
    dose ``delay_h`` hours later (:func:`coursekit.pharmacology.split_dose_regimen`).
    Rows: ``part == 'curve'`` (``series``, ``time_h``, ``concentration``) and
    ``part == 'dose'`` (one per dose, with ``dose_label``).
    """
    import numpy as np

    from coursekit import pharmacology as pk
    from coursekit._checks import require_choice

    if initial_mg not in PK_DOSES or isinstance(initial_mg, bool):
        raise ValueError(
            f"initial_mg must be one of the protocol doses 80 or 120 (mg), got {initial_mg!r}"
        )
    require_choice("supplement", supplement, ("yes", "no"))
    regimen = pk.split_dose_regimen(float(initial_mg), 0.5, delay_h)
    doses = regimen if supplement == "yes" else regimen[:1]
    t = np.round(np.linspace(0.0, 12.0, 121), 2)
    curves = [(_PK_SERIES[1], pk.simulate(t, regimen[:1], pk.MDMA_TEACHING))]
    if supplement == "yes":
        curves.insert(0, (_PK_SERIES[0], pk.simulate(t, regimen, pk.MDMA_TEACHING)))
    labels = [f"{dose.amount_mg:g} mg at {dose.time_h:g} h" for dose in doses]
    n = len(t)
    columns = {
        "part": ["curve"] * (n * len(curves)) + ["dose"] * len(doses),
        "series": [name for name, _ in curves for _ in range(n)] + [None] * len(doses),
        "time_h": np.concatenate([*(t for _ in curves), [d.time_h for d in doses]]),
        "concentration": np.concatenate([*(c.values for _, c in curves), np.zeros(len(doses))]),
        "dose_label": [None] * (n * len(curves)) + labels,
    }
    main = curves[0][1]
    at6 = [float(pk.concentration([6.0], d, pk.MDMA_TEACHING)[0]) for d in (regimen, regimen[:1])]
    lines = [
        f"Doses: {', '.join(labels)}. Model peak {main.peak:.0f} ng/mL at "
        f"{main.time_of_peak_h:.1f} h."
    ]
    if supplement == "yes":
        alone = curves[1][1]
        lines.append(
            f"Initial dose alone: peak {alone.peak:.0f} ng/mL at {alone.time_of_peak_h:.1f} h. "
            f"At 6 h: {at6[0]:.0f} ng/mL with the supplement, {at6[1]:.0f} without."
        )
    else:
        lines.append(f"At 6 h the model gives {at6[1]:.0f} ng/mL.")
    lines.append(
        "Doses as in the Phase 3 protocols (80 or 120 mg, then half that dose 1.5–2 h later)."
    )
    lines.append(
        "MDMA slows its own breakdown at higher doses, so this linear model under-states "
        "real exposure."
    )
    return _frame({**columns, "summary": "\n".join(lines)})


def _pk_parts() -> _Parts:
    from coursekit import pharmacology as pk

    controls = (
        Control("initial_mg", "Initial dose (mg, protocol)", PK_DOSES, 120, kind="radio"),
        Control("supplement", "Supplemental half dose", ("yes", "no"), "yes", kind="radio"),
        Control(
            "delay_h",
            "Supplement after (hours)",
            PK_DELAYS,
            1.5,
            live_min=0.5,
            live_max=4.0,
            live_step=0.25,
        ),
    )
    # One fixed y-axis for every choice, so that curves can be compared by eye.
    import numpy as np

    t = np.linspace(0.0, 12.0, 241)
    top = max(
        pk.concentration(
            t, pk.split_dose_regimen(float(max(PK_DOSES)), 0.5, delay), pk.MDMA_TEACHING
        ).max()
        for delay in (0.5, *PK_DELAYS)
    )
    y_max = float(math.ceil(top * 1.1 / 50.0) * 50.0)
    description = (
        "Line chart of a teaching model's MDMA concentration over 12 hours after an initial "
        "dose of 80 or 120 mg, with and without a supplemental half dose 1.5 or 2 hours later "
        "(as in the Phase 3 protocols); triangles mark the doses. Text below gives the model's "
        "peak and its value at 6 hours. " + pk.TEACHING_NOTICE
    )

    def build(frame: pd.DataFrame) -> alt.TopLevelMixin:
        return charts.pk_chart(frame, y_max=y_max)

    return _Parts(
        pk_frame,
        controls,
        build,
        description,
        decimals=2,
        live_description=_summary_description("MDMA split-dose teaching model."),
    )


def pk_explorer() -> Exercise:
    """MDMA split-dose regimen in the teaching model: initial dose (80 or 120 mg, as in
    the Phase 3 protocols), supplemental half dose on or off, and its delay (1.5 or 2 h;
    live: 0.5–4 h). Teaching model only; not a dosing tool."""
    return _pk_parts().exercise()


# ---------------------------------------------------------------- ketamine routes
ROUTE_NAMES: dict[str, str] = {
    "intravenous": "iv",
    "intramuscular": "im",
    "intranasal": "intranasal",
    "sublingual": "sublingual",
    "oral": "oral",
}


def _percent_range(route: Any) -> str:
    if route.low == route.high:
        return f"{route.bioavailability:.0%}"
    return f"{route.bioavailability:.0%} ({route.low:.0%}–{route.high:.0%})"


def route_frame(route: str = "intranasal", dose_mg: float = 50.0) -> pd.DataFrame:
    """Teaching curves and relative exposure for ketamine by ``route`` (a name in
    :data:`ROUTE_NAMES`) at ``dose_mg``; teaching model only, not a dosing tool.

    ``part == 'curve'`` rows hold :func:`coursekit.pharmacology.route_curve` for the
    route and for the intravenous reference; ``part == 'bar'`` rows hold
    :func:`coursekit.pharmacology.route_exposure` for every route, with the exposure
    at the low and high ends of the reported bioavailability range.
    """
    import dataclasses

    import numpy as np

    from coursekit import pharmacology as pk
    from coursekit._checks import require_choice

    require_choice("route", route, tuple(ROUTE_NAMES))
    key = ROUTE_NAMES[route]
    chosen = pk.KETAMINE_ROUTES[key]
    t = np.round(np.linspace(0.0, 8.0, 97), 4)
    curve = pk.route_curve(t, dose_mg, key)
    dose = float(dose_mg)
    series = f"{route.capitalize()} ({chosen.bioavailability:.0%} bioavailability)"
    lines_ = [(series, "selected", 0, curve)]
    if key != "iv":
        reference = pk.route_curve(t, dose_mg, "iv")
        lines_.append(("Intravenous reference (100%)", "reference", 1, reference))
    bars = []
    for name, k in ROUTE_NAMES.items():
        r = pk.KETAMINE_ROUTES[k]
        spread = r.low != r.high
        low = dataclasses.replace(r, bioavailability=r.low)
        high = dataclasses.replace(r, bioavailability=r.high)
        bars.append(
            (
                name,
                pk.route_exposure(dose_mg, k),
                pk.route_exposure(dose_mg, low) if spread else math.nan,
                pk.route_exposure(dose_mg, high),
                _percent_range(r),
            )
        )
    n, m, nan = len(t), len(bars), [math.nan] * len(bars)
    curve_rows = n * len(lines_)
    frame = _frame(
        {
            "part": ["curve"] * curve_rows + ["bar"] * m,
            "series": [c[0] for c in lines_ for _ in range(n)] + [None] * m,
            "role": [c[1] for c in lines_ for _ in range(n)] + [None] * m,
            "order": np.array([c[2] for c in lines_ for _ in range(n)] + nan, dtype=float),
            "time_h": np.concatenate([*(t for _ in lines_), nan]),
            "amount": np.concatenate([*(c[3] for c in lines_), nan]),
            "route": [None] * curve_rows + [b[0] for b in bars],
            "exposure": np.array([math.nan] * curve_rows + [b[1] for b in bars]),
            "exposure_low": np.array([math.nan] * curve_rows + [b[2] for b in bars]),
            "exposure_high": np.array([math.nan] * curve_rows + [b[3] for b in bars]),
            "f_text": [None] * curve_rows + [b[4] for b in bars],
            "selected": np.array([False] * curve_rows + [b[0] == route for b in bars]),
        }
    )
    peak_i = int(np.argmax(curve))
    exposure = pk.route_exposure(dose_mg, key)
    source = chosen.source
    flag = " (secondary source)" if source.confidence in {"M", "P"} else ""
    lines = [
        f"{route.capitalize()}: bioavailability {_percent_range(chosen)}{flag}.",
        f"Of {dose:g} mg, about {exposure:.1f} mg reaches the circulation "
        f"(intravenously: {dose:g} mg).",
        f"Model peak: {curve[peak_i]:.1f} mg in the body at {t[peak_i]:.2f} h.",
        "Absorption speeds are assumptions of this teaching model; it is not a dosing tool.",
    ]
    frame["summary"] = np.full(len(frame), "\n".join(lines), dtype=object)
    return frame


def _route_parts(dose_mg: float) -> _Parts:
    from coursekit import pharmacology as pk
    from coursekit._checks import require_positive

    dose = require_positive("dose_mg", dose_mg)
    control = Control("route", "Route", tuple(ROUTE_NAMES), "intranasal", kind="select")

    def compute(route: str) -> pd.DataFrame:
        return route_frame(route, dose)

    description = (
        f"Two panels for the same ketamine dose of {dose:g} mg in a teaching model. Top: the "
        "amount in the body over 8 hours for the chosen route (solid) and for intravenous "
        "injection (dashed). Bottom: bars of the relative exposure (mg reaching the "
        "circulation) for every route, with lines for the reported range of bioavailability; "
        "the chosen route is highlighted. " + pk.TEACHING_NOTICE
    )
    return _Parts(
        compute,
        (control,),
        charts.route_chart,
        description,
        decimals=3,
        live_description=_summary_description(f"Ketamine routes, {dose:g} mg, teaching model."),
    )


def route_explorer(dose_mg: float = 50.0) -> Exercise:
    """Ketamine by route (intravenous, intramuscular, intranasal, sublingual, oral) for
    the same ``dose_mg``: teaching curves and relative exposure (dose × bioavailability).
    Teaching model only; not a dosing tool."""
    return _route_parts(dose_mg).exercise()


# ---------------------------------------------------------------- fear learning
LEARNING_RATES: tuple[float, ...] = (0.1, 0.3, 0.5, 0.7, 0.9)
LEARNING_MODELS: tuple[str, ...] = ("Rescorla–Wagner", "context model")
LEARNING_DESIGNS: tuple[str, ...] = ("ABA", "AAA")
LEARNING_TRIALS = (20, 20, 8)


def learning_frame(
    alpha: float = 0.3,
    beta: float = 0.3,
    model: str = "Rescorla–Wagner",
    design: str = "ABA",
) -> pd.DataFrame:
    """Trial-by-trial response of :func:`coursekit.learning.rescorla_wagner` or
    :func:`coursekit.learning.context_model` through acquisition (20 trials),
    extinction (20) and a test (8) in the contexts of ``design`` ("ABA", "ABC",
    "AAB" or "AAA"), with :func:`coursekit.learning.renewal_score` in the summary."""

    from coursekit import learning
    from coursekit._checks import require_choice

    require_choice("model", model, LEARNING_MODELS)
    phases = learning.renewal_design(design, *LEARNING_TRIALS)
    run = learning.rescorla_wagner if model == LEARNING_MODELS[0] else learning.context_model
    trace = run(phases, alpha=alpha, beta=beta)
    score = learning.renewal_score(trace)
    acq = trace.phase_response("acquisition")
    ext = trace.phase_response("extinction")
    test = trace.phase_response("test")
    contexts = ", ".join(f"{p.name} in {p.context}" for p in phases)
    if score > 0.005:
        verdict = f"Renewal: responding comes back at test (up {score:.2f})."
    elif model == LEARNING_MODELS[0]:
        verdict = "No renewal: plain Rescorla–Wagner treats extinction as unlearning."
    else:
        verdict = "No renewal: the test is in the context where extinction was learned."
    lines = [
        f"{model}, α = {float(alpha):.2f}, β = {float(beta):.2f}; design {design} ({contexts}).",
        f"Last acquisition trial {acq[-1]:.2f}, last extinction trial {ext[-1]:.2f}, "
        f"first test trial {test[0]:.2f}.",
        verdict,
    ]
    return _frame(
        {
            "trial": trace.trial,
            "response": trace.response,
            "phase": trace.phase.astype(object),
            "context": trace.context.astype(object),
            "renewal": score,
            "summary": "\n".join(lines),
        }
    )


def _learning_parts() -> _Parts:
    controls = (
        Control(
            "alpha", "Salience α", LEARNING_RATES, 0.3, live_min=0.01, live_max=1.0, live_step=0.01
        ),
        Control(
            "beta",
            "Learning rate β",
            LEARNING_RATES,
            0.3,
            live_min=0.01,
            live_max=1.0,
            live_step=0.01,
        ),
        Control("model", "Model", LEARNING_MODELS, LEARNING_MODELS[0], kind="radio"),
        Control(
            "design",
            "Contexts (acquisition, extinction, test)",
            LEARNING_DESIGNS,
            "ABA",
            kind="radio",
        ),
    )
    description = (
        "Line chart of a modelled fear response over 48 trials: 20 acquisition trials in which "
        "the cue is followed by the aversive outcome, 20 extinction trials without it, and 8 "
        "test trials; shaded bands label each phase and its context. Sliders set the salience "
        "α and learning rate β; buttons choose plain Rescorla–Wagner or the course's context "
        "model, and the design ABA (test back in the acquisition context) or AAA (one context "
        "throughout). Text below gives the response at the end of each phase and whether it "
        "returns at test (renewal)."
    )
    return _Parts(
        learning_frame,
        controls,
        charts.learning_chart,
        description,
        decimals=3,
        live_description=_summary_description("Fear learning teaching model."),
    )


def learning_explorer() -> Exercise:
    """Rescorla–Wagner and the context model through acquisition → extinction → test.

    Controls: α and β (book: 0.1–0.9 in steps of 0.2; live: any value in (0, 1]),
    the model, and the design (ABA renewal or the AAA control)."""
    return _learning_parts().exercise()


# ---------------------------------------------------------------- PCL-5
def _respondent(name: str) -> Any:
    from coursekit import scales

    for r in scales.EXAMPLE_RESPONDENTS:
        if name in (r.label, r.id):
            return r
    options = ", ".join(repr(r.label) for r in scales.EXAMPLE_RESPONDENTS)
    raise ValueError(f"respondent must be one of {options}; got {name!r}")


def pcl5_frame(respondent: str, cutpoint: int = 33) -> pd.DataFrame:
    """A fictional respondent's PCL-5 scored by :func:`coursekit.scales.score_pcl5`.

    ``respondent`` is a label or id from :data:`coursekit.scales.EXAMPLE_RESPONDENTS`.
    Rows ``part == 'item'`` (``item``, ``rating``, ``cluster``) and ``part == 'cluster'``
    (``subtotal``, ``endorsed``); every row carries the total, the cut-point, both
    verdicts and a ``summary`` in words.
    """

    import numpy as np

    from coursekit import scales

    person = _respondent(respondent)
    result = scales.score_pcl5(person.items, cutpoint)
    cluster_of = {i: k for k, items in scales.PCL5_CLUSTERS.items() for i in items}
    keys = list(scales.PCL5_CLUSTERS)
    n, m = len(person.items), len(keys)
    letters = [cluster_of[i] for i in range(1, n + 1)] + keys
    nan_items, nan_clusters = [math.nan] * m, [math.nan] * n
    columns = {
        "part": ["item"] * n + ["cluster"] * m,
        "item": np.array([*range(1, n + 1), *nan_items], dtype=float),
        "rating": np.array([*person.items, *nan_items], dtype=float),
        "cluster": letters,
        "cluster_name": [charts.CLUSTER_NAMES[k] for k in letters],
        "subtotal": np.array([*nan_clusters, *(result.clusters[k] for k in keys)], dtype=float),
        "endorsed": np.array([*nan_clusters, *(result.endorsed[k] for k in keys)], dtype=float),
    }
    subtotals = ", ".join(f"{k} {v}" for k, v in result.clusters.items())
    endorsed = ", ".join(f"{k} {v}" for k, v in result.endorsed.items())
    rule = ", ".join(f"{n} {k}" for k, n in scales.PCL5_RULE.items())
    side = "at or above" if result.above_cutpoint else "below"
    lines = [
        f"{person.label}: total {result.total} of 80 (clusters {subtotals}).",
        f"Cut-point {result.cutpoint}: the total is {side} it.",
        f"Cluster rule (items rated 2 or more, needed: {rule}; here: {endorsed}): "
        f"{'met' if result.provisional_diagnosis else 'not met'}.",
        f"Provisional PTSD diagnosis by the cluster rule: "
        f"{'yes' if result.provisional_diagnosis else 'no'}. A screening result, not a diagnosis.",
    ]
    return _frame(
        {
            **columns,
            "respondent": person.label,
            "total": result.total,
            "cutpoint": result.cutpoint,
            "above_cutpoint": result.above_cutpoint,
            "provisional_diagnosis": result.provisional_diagnosis,
            "summary": "\n".join(lines),
        }
    )


def _pcl5_parts() -> _Parts:
    from coursekit import scales

    labels = tuple(r.label for r in scales.EXAMPLE_RESPONDENTS)
    low, high = scales.PCL5_CUTPOINT_RANGE
    controls = (
        Control("respondent", "Fictional respondent", labels, labels[0], kind="select"),
        Control(
            "cutpoint",
            "Cut-point",
            tuple(range(low, high + 1)),
            scales.PCL5_CUTPOINT,
            live_min=0,
            live_max=80,
        ),
    )
    description = (
        "Bar chart of the 20 PCL-5 item ratings (0 to 4) of a fictional respondent chosen "
        "from a list, coloured by symptom cluster (B intrusion, C avoidance, D cognition and "
        "mood, E arousal and reactivity), with a dashed line at 2, the rating from which an "
        "item counts as endorsed. Below, one bar splits the total (0 to 80) into the cluster "
        "subtotals, with a line at the chosen cut-point (31 to 33). Text gives the total, "
        "the subtotals, whether the total reaches the cut-point and whether the cluster rule "
        "for a provisional diagnosis is met."
    )
    return _Parts(
        pcl5_frame,
        controls,
        charts.pcl5_chart,
        description,
        decimals=2,
        live_description=_summary_description("PCL-5 item profile."),
    )


def pcl5_explorer() -> Exercise:
    """Pick a fictional respondent (and a cut-point from 31 to 33) and see the PCL-5
    item profile, cluster subtotals, total against the cut-point and the provisional
    diagnosis by the cluster rule (:func:`coursekit.scales.score_pcl5`)."""
    return _pcl5_parts().exercise()


# ---------------------------------------------------------------- meta-analysis
FOREST_METHODS: tuple[str, ...] = ("FE", "DL", "REML")


def _forest_parts(
    df: pd.DataFrame, label: str, effect: str, variance: str, title: str, x_title: str
) -> _Parts:
    from coursekit import stats

    df = charts._require_frame(df, "df", [label, effect, variance])
    labels = df[label].astype(str).tolist()
    effects = df[effect].tolist()
    variances = df[variance].tolist()
    stats.meta_analysis(effects, variances, labels, "DL")  # validate the data once

    def compute(method: str) -> pd.DataFrame:
        meta = stats.meta_analysis(effects, variances, labels, method)
        return charts.forest_frame(meta, effects, variances)

    k = len(labels)
    description = (
        f"Forest plot of {k} studies ({x_title}): each study is a square sized by its weight "
        "with a line for its confidence interval, the pooled estimate is a black diamond and "
        "the dashed line is the prediction interval. A list chooses the pooling method: fixed "
        "effect (FE), or random effects estimated by DerSimonian–Laird (DL) or REML. Text "
        "below gives the pooled estimate, the heterogeneity and the prediction interval."
    )
    if k < 3:
        description += (
            f" With only {k} studies the between-study variance is barely estimable and no "
            "prediction interval can be given, so the random-effects result is fragile."
        )

    def build(frame: pd.DataFrame) -> alt.TopLevelMixin:
        return charts.forest_chart(frame, title=title, x_title=x_title)

    return _Parts(
        compute,
        (Control("method", "Pooling method", FOREST_METHODS, "DL", kind="select"),),
        build,
        description,
        decimals=4,
        live_description=_summary_description(f"Forest plot of {k} studies."),
    )


def forest_explorer(
    df: pd.DataFrame,
    label: str = "label",
    effect: str = "effect",
    variance: str = "variance",
    *,
    title: str = "Forest plot",
    x_title: str = "Effect size",
) -> Exercise:
    """Forest plot with a pooling-method selector (FE, DL, REML) over the studies in
    ``df`` (columns ``label``, ``effect``, ``variance``), pooled by
    :func:`coursekit.stats.meta_analysis`."""
    return _forest_parts(df, label, effect, variance, title, x_title).exercise()


# ---------------------------------------------------------------- timeline
ALL_ERAS = "all eras"
ALL_CATEGORIES = "all categories"


def _timeline_parts(events_df: pd.DataFrame, title: str) -> _Parts:
    import altair as alt
    import pandas as pd

    from coursekit._checks import require_choice

    events_df = charts._require_frame(events_df, "events_df", ["era", "category"])
    full = charts.timeline_frame(events_df, keep=("era",))
    full["era"] = full["era"].astype(str)
    eras = tuple(dict.fromkeys(full["era"]))
    categories = tuple(dict.fromkeys(sorted(full["category"])))
    groups = tuple(dict.fromkeys(full["group"]))
    era_of = full["era"].to_numpy()
    cat_of = full["category"].to_numpy()

    def compute(era: str, category: str) -> pd.DataFrame:
        require_choice("era", era, (ALL_ERAS, *eras))
        require_choice("category", category, (ALL_CATEGORIES, *categories))
        mask = (era_of == era) | (era == ALL_ERAS)
        mask &= (cat_of == category) | (category == ALL_CATEGORIES)
        if mask.any():
            return full[mask].reset_index(drop=True)
        row = dict.fromkeys(full.columns)
        row["part"] = "message"
        row["message"] = (
            f"No events for era “{era}” and category “{category}”.\nChoose another era or category."
        )
        return pd.DataFrame([row], columns=full.columns)

    start = int(full["date"].min().year) - 3
    end = int(full["date"].max().year) + 3
    domain = (alt.DateTime(year=start), alt.DateTime(year=end))
    labels = {"mdma": "MDMA", "ketamine": "Ketamine"}

    def build(frame: pd.DataFrame) -> alt.TopLevelMixin:
        return charts.timeline_chart(
            frame,
            title=title,
            domain=domain,
            groups=groups,
            categories=categories,
            group_labels=labels,
        )

    description = (
        f"Timeline of {len(full)} dated events from {start + 3} to {end - 3}, one row per "
        f"drug ({', '.join(labels.get(g, g) for g in groups)}), with colour and shape showing "
        f"the category ({', '.join(categories)}); hovering a point shows its details. Two lists "
        "filter the events by era and by category; when nothing matches, the chart says so."
    )

    def describe(frame: pd.DataFrame) -> str:
        if (frame["part"] == "message").all():
            return str(frame["message"].iloc[0]).replace("\n", " ")
        items = "; ".join(f"{w}: {t}" for w, t in zip(frame["when"], frame["title"], strict=True))
        return f"Timeline of {len(frame)} events. {items}."

    controls = (
        Control("era", "Era", (ALL_ERAS, *eras), ALL_ERAS, kind="select"),
        Control(
            "category", "Category", (ALL_CATEGORIES, *categories), ALL_CATEGORIES, kind="select"
        ),
    )
    return _Parts(compute, controls, build, description, decimals=2, live_description=describe)


def timeline_explorer(events_df: pd.DataFrame, *, title: str = "Timeline") -> Exercise:
    """Timeline of dated events (e.g. ``data.load("timeline")``: columns ``date``,
    ``title``, ``drug``, ``era``, ``category``, ...) filtered by era and category.
    An empty selection shows a clear "no events" message instead of a blank chart."""
    return _timeline_parts(events_df, title).exercise()


# ---------------------------------------------------------------- benchmark
def _example_meta() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        {
            "label": [f"Fictional study {c}" for c in "ABCDEF"],
            "effect": [0.62, 0.35, 0.91, 0.18, 0.55, 0.74],
            "variance": [0.045, 0.030, 0.080, 0.025, 0.060, 0.050],
        }
    )


def _all_parts() -> dict[str, _Parts]:
    from coursekit import data

    return {
        "effect_size_explorer": _effect_size_parts(0.8)[0],
        "pk_explorer": _pk_parts(),
        "route_explorer": _route_parts(50.0),
        "learning_explorer": _learning_parts(),
        "pcl5_explorer": _pcl5_parts(),
        "forest_explorer": _forest_parts(
            _example_meta(), "label", "effect", "variance", "Forest plot", "Effect size"
        ),
        "timeline_explorer": _timeline_parts(data.load("timeline"), "Timeline"),
    }


def benchmark_explorers(repeat: int = 3) -> dict[str, float]:
    """Milliseconds (best of ``repeat``) per explorer for: computing and packing the
    static grid (``grid``), the whole static spec (``static``), the computation behind
    one live update (``update compute``), and the full live update including building
    and displaying the chart (``update``). For ``make bench``; nothing here fails on a
    number."""
    import contextlib
    import io
    import time

    results: dict[str, float] = {}
    for name, parts in _all_parts().items():
        grid = []
        for _ in range(repeat):
            start = time.perf_counter()
            pack_grid(parts.compute, parts.controls, parts.decimals)
            grid.append(time.perf_counter() - start)
        with contextlib.redirect_stdout(io.StringIO()):
            start = time.perf_counter()
            exercise = parts.exercise()
            static = time.perf_counter() - start
            control = parts.controls[0]
            options = [v for v in control.values if v != control.default] or [control.default]
            update, compute = [], []
            defaults = {c.name: c.default for c in parts.controls}
            for i in range(repeat):
                values = {**defaults, control.name: options[i % len(options)]}
                start = time.perf_counter()
                parts.compute(**values)
                compute.append(time.perf_counter() - start)
                start = time.perf_counter()
                exercise.update(**{control.name: options[i % len(options)]})
                update.append(time.perf_counter() - start)
        results[f"{name} grid"] = min(grid) * 1000
        results[f"{name} static"] = static * 1000
        results[f"{name} update compute"] = min(compute) * 1000
        results[f"{name} update"] = min(update) * 1000
    return results
