"""Compact static grids: the precomputed results a static explorer selects from."""

from __future__ import annotations

import itertools
import json
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from coursekit.explore.engine import Control

__all__ = [
    "PackedGrid",
    "pack_grid",
]

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
