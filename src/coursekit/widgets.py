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
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from coursekit import charts

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt
    import ipywidgets
    import pandas as pd

__all__ = ["Control", "Exercise", "explorer", "message_html"]

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
) -> Exercise:
    """Build an exercise from a pure compute function and a chart builder.

    ``compute(**values)`` returns a tidy DataFrame for one combination of
    control values. ``build(frame)`` turns such a frame into an Altair chart and
    must not depend on the control values (static pages append the grid columns
    and a filter; live pages pass just the current slice).
    """
    import altair as alt
    import ipywidgets as w

    if not controls:
        raise ValueError("an explorer needs at least one control")
    charts.enable_theme()

    grid = _grid_frame(compute, controls)
    params = [alt.param(name=c.name, value=c.default, bind=c.binding()) for c in controls]
    where = " && ".join(c.filter_expr() for c in controls)
    static_chart = build(grid).add_params(*params).transform_filter(where)
    static = charts.show(static_chart, description)

    inputs = {c.name: c.live_widget() for c in controls}
    out = w.Output()
    note = w.HTML(value="")
    box = w.VBox([*inputs.values(), note, out])

    def redraw(**overrides: Any) -> bool:
        values = {name: widget.value for name, widget in inputs.items()}
        values.update(overrides)
        for name, value in overrides.items():
            if name not in inputs:
                raise ValueError(f"unknown control {name!r}; expected one of {sorted(inputs)}")
            if isinstance(value, float) and not math.isfinite(value):
                note.value = message_html(f"{name} must be a finite number")
                exercise.message = note.value
                return False
        try:
            frame = compute(**values)
            chart = charts.show(build(frame), description)
        except ValueError as err:
            note.value = message_html(str(err))
            exercise.message = str(err)
            return False
        note.value = ""
        exercise.message = ""
        exercise.current = frame
        out.clear_output(wait=True)
        with out:
            from IPython.display import display

            display(chart)
        return True

    exercise = Exercise(box, static, update=redraw, controls=inputs)
    for widget in inputs.values():
        widget.observe(lambda _change: redraw(), names="value")
    redraw()
    return exercise
