"""Hand figures to a page: one call in a hidden notebook cell glues a whole mapping.

Chapter modules compute a page's figures as a plain ``{name: value}`` mapping (tested like
any other function); a notebook's hidden cell passes it to :func:`glue_all`, and the prose
shows each value with ``{glue:text}`name:format```.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["glue_all"]


def glue_all(figures: Mapping[str, Any]) -> list[str]:
    """Glue every ``name: value`` of ``figures`` for myst-nb (``display=False``).

    Refuses names that are not identifiers and values that are ``None`` or NaN, so a missing
    figure fails the notebook instead of printing "nan" in the book. Returns the glued names.
    """
    from myst_nb import glue

    for name, value in figures.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"glue name must be an identifier, got {name!r}")
        if value is None or (isinstance(value, float) and math.isnan(value)):
            raise ValueError(f"figure {name!r} has no value (missing or unconfirmed data)")
        glue(name, value, display=False)
    return list(figures)
