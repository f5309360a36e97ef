"""The explorer engine: exercises that are live ipywidgets in JupyterLab and client-side
charts in the book.

The core is :func:`explorer`: *Python computes, the browser selects*.

* **Static book.** The compute function runs once for every point of a small
  parameter grid (:mod:`coursekit.explore.grid`). The results travel with the chart,
  and Vega-Lite controls bound to that grid pick which slice to draw: no kernel is needed.
* **Live.** An ipywidget calls the *same* compute function with any value the
  reader chooses and redraws the chart. Bad input becomes a readable message in
  the exercise, never a traceback, and the last good chart stays on screen.

An :class:`Exercise` displays as the live widget where a widget manager exists
(JupyterLab) and as the static chart everywhere else (the built book, where
myst-nb is configured to skip widget views). Chapter explorers are assembled from
:class:`ExplorerParts` in :mod:`coursekit.chapters`; nothing here knows a chapter.
"""

from __future__ import annotations

import html
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from coursekit._checks import require_choice
from coursekit.explore.grid import pack_grid
from coursekit.explore.render import StaticChart, show, themed_spec

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt
    import ipywidgets
    import pandas as pd

__all__ = [
    "Control",
    "ControlKind",
    "Exercise",
    "ExplorerParts",
    "benchmark_explorers",
    "explorer",
    "message_html",
    "summary_description",
    "tidy_frame",
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
        The static version: a :class:`coursekit.StaticChart` (or raw HTML).
    update:
        Optional callable that recomputes the live view from keyword values;
        tests and instructors can call :meth:`update` directly.
    """

    def __init__(
        self,
        widget: ipywidgets.Widget,
        static: StaticChart | str,
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
        if isinstance(self.static, StaticChart):
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

    params = [alt.param(name=c.name, value=c.default, bind=c.binding()) for c in controls]
    if pack:
        grid = pack_grid(compute, controls, decimals=decimals)
        spec = themed_spec(build(grid.sample).add_params(*params), validate=True)
        static = show(grid.apply(spec, controls), description)
    else:
        frame = _grid_frame(compute, controls)
        where = " && ".join(c.filter_expr() for c in controls)
        static_chart = build(frame).add_params(*params).transform_filter(where)
        static = show(static_chart, description)

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
            chart = show(build(frame), text, validate=False)
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


# ================================================================ explorers
# Each explorer = a pure compute function (calling the course's model modules),
# a chart builder from coursekit.charts and a list of controls. The static book
# gets the packed grid; JupyterLab gets the live widgets.


@dataclass(frozen=True)
class ExplorerParts:
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


def summary_description(lead: str) -> Callable[[pd.DataFrame], str]:
    def describe(frame: pd.DataFrame) -> str:
        summary = str(frame["summary"].iloc[0]).replace("\n", " ") if len(frame) else ""
        return f"{lead} {summary}".strip()

    return describe


def tidy_frame(columns: Mapping[str, Any]) -> pd.DataFrame:
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


def benchmark_explorers(
    parts_by_name: Mapping[str, ExplorerParts], repeat: int = 3
) -> dict[str, float]:
    """Milliseconds (best of ``repeat``) per explorer for: computing and packing the
    static grid (``grid``), the whole static spec (``static``), the computation behind
    one live update (``update compute``), and the full live update including building
    and displaying the chart (``update``). For ``make bench``; nothing here fails on a
    number."""
    import contextlib
    import io
    import time

    results: dict[str, float] = {}
    for name, parts in parts_by_name.items():
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
