"""Shared helpers for the course's chart builders (generic and chapter charts)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from coursekit.explore.render import PALETTE

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "MUTED",
    "PALETTE",
    "TEXT",
    "WIDTH",
    "altair",
    "chart_title",
    "fmt_number",
    "plain_frame",
    "require_frame",
    "text_panel",
    "wrap_lines",
]

# Each public builder takes plain data (a DataFrame or a result object), returns a
# :class:`~coursekit.explore.render.StaticChart` with a text description written from the
# data, and embeds only the rows it draws. The ``*_chart`` functions return the Altair chart
# for a tidy frame; explorers use them for both the static and the live version. The course
# theme is applied per chart by :func:`coursekit.explore.render.show`, never globally.

TEXT = "#1a1a1a"
MUTED = "#6b6b6b"
WIDTH = 520


def altair() -> Any:
    """Import Altair lazily (it is slow to import) and return the module."""
    import altair as alt

    return alt


def wrap_lines(text: str, width: int = 92) -> list[str]:
    """Wrap ``text`` into lines of at most ``width`` characters (for chart subtitles)."""
    import textwrap

    return textwrap.wrap(text, width=width) or [text]


def chart_title(text: str, subtitle: str | Sequence[str] | None = None) -> Any:
    alt = altair()
    if subtitle is None:
        return alt.TitleParams(text)
    lines = wrap_lines(subtitle) if isinstance(subtitle, str) else list(subtitle)
    return alt.TitleParams(text, subtitle=lines, subtitleFontSize=13)


def require_frame(df: object, name: str, columns: Sequence[str]) -> pd.DataFrame:
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{name} is missing column(s) {', '.join(map(repr, missing))}")
    if df.empty:
        raise ValueError(f"{name} must contain at least one row")
    return df


def plain_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Copy with numpy dtypes only (nullable pandas types become float/object with None)."""
    import numpy as np
    import pandas as pd

    df = df.loc[:, ~df.columns.duplicated()]  # a column may serve two channels
    out = {}
    for col in df.columns:
        s = df[col].reset_index(drop=True)
        if pd.api.types.is_bool_dtype(s.dtype) and s.isna().any():
            out[col] = s.astype(object).where(s.notna(), None)
        elif pd.api.types.is_bool_dtype(s.dtype):
            out[col] = s.astype(bool)
        elif pd.api.types.is_numeric_dtype(s.dtype):
            out[col] = s.to_numpy(dtype=float, na_value=np.nan)
        elif pd.api.types.is_datetime64_any_dtype(s.dtype):
            out[col] = s
        else:
            out[col] = s.astype(object).where(s.notna(), None)
    return pd.DataFrame(out, index=range(len(df)))


def fmt_number(x: float | None, digits: int = 2) -> str:
    if x is None or x != x:
        return "n/a"
    return f"{x:.{digits}f}"


def text_panel(base: Any, field: str, lines: int, width: int = WIDTH) -> Any:
    """A text-only view showing the (single) value of ``field``, line breaks kept."""
    alt = altair()
    return (
        base.transform_aggregate(groupby=[field])
        .mark_text(align="left", baseline="top", lineBreak="\n", fontSize=14, lineHeight=20)
        .encode(text=alt.Text(f"{field}:N"), x=alt.value(0), y=alt.value(2))
        .properties(width=width, height=lines * 20 + 6)
    )
