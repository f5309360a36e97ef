"""Single values from the datasets, for pages, notebooks and the models.

* :func:`value` reads one cell by reference, ``"DATASET/ROW_ID/COLUMN"``, and refuses
  missing, empty or unconfirmed (U) values. The Sphinx role ``{ck}`` and the quiz checks
  use it, so a figure in a page is always the figure in the data.
* :func:`pk_parameters` and :func:`pk_routes` turn rows of the ``pk_parameters`` and
  ``pk_routes`` datasets into :mod:`coursekit.models.pk` objects, provenance attached.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from coursekit.evidence import datasets

if TYPE_CHECKING:  # pragma: no cover
    from coursekit.models import pk

__all__ = ["Reference", "format_value", "parse_reference", "pk_parameters", "pk_routes", "value"]

_PUBLISHABLE = {"H", "V", "M", "P"}


@dataclass(frozen=True)
class Reference:
    """A parsed ``DATASET/ROW_ID/COLUMN[:FORMAT]`` reference."""

    dataset: str
    row_id: str
    column: str
    fmt: str = ""

    def __str__(self) -> str:
        base = f"{self.dataset}/{self.row_id}/{self.column}"
        return f"{base}:{self.fmt}" if self.fmt else base


def parse_reference(text: str) -> Reference:
    """Parse ``"trials/TRIAL_ID/effect_size:.2f"`` into a :class:`Reference`.

    Raises ``ValueError`` naming the expected form when ``text`` does not have three
    non-empty parts separated by ``/``.
    """
    if not isinstance(text, str):
        raise TypeError(f"reference must be a string, got {type(text).__name__}")
    body, _, fmt = text.strip().partition(":")
    parts = body.split("/")
    if len(parts) != 3 or not all(p.strip() for p in parts):
        raise ValueError(
            f"reference {text[:80]!r} must look like DATASET/ROW_ID/COLUMN or "
            "DATASET/ROW_ID/COLUMN:FORMAT, e.g. trials/TRIAL_ID/effect_size:.2f"
        )
    return Reference(*(p.strip() for p in parts), fmt=fmt.strip())


def _row(ref: Reference) -> tuple[dict[str, Any], dict[str, Any]]:
    spec = datasets.schema(ref.dataset)
    frame = datasets.load(ref.dataset)
    id_col = spec["id_column"]
    if ref.column not in frame.columns:
        raise ValueError(f"{ref}: dataset {ref.dataset!r} has no column {ref.column!r}")
    match = frame[frame[id_col].astype(str) == ref.row_id]
    if match.empty:
        raise ValueError(f"{ref}: dataset {ref.dataset!r} has no row {ref.row_id!r}")
    return match.iloc[0].to_dict(), spec


def _missing(raw: Any) -> bool:
    import pandas as pd

    return raw is None or (pd.api.types.is_scalar(raw) and bool(pd.isna(raw)))


def value(reference: str) -> Any:
    """Return the value at ``reference`` (``DATASET/ROW_ID/COLUMN``), refusing the unpublishable.

    Raises ``ValueError`` when the dataset, row or column does not exist, when the cell is
    empty (the course stores no unconfirmed figure), or when the row's confidence is not one
    of H, V, M or P.
    """
    ref = parse_reference(reference)
    row, spec = _row(ref)
    confidence = row.get(spec["confidence_column"])
    if confidence not in _PUBLISHABLE:
        raise ValueError(f"{ref}: row confidence is {confidence!r}; only H, V, M, P are published")
    raw = row[ref.column]
    if _missing(raw):
        raise ValueError(f"{ref}: the value is empty (not confirmed), so it cannot be shown")
    return raw.item() if hasattr(raw, "item") else raw


def format_value(reference: str) -> str:
    """:func:`value` formatted with the reference's format spec (``"...:.2f"``), as text."""
    ref = parse_reference(reference)
    raw = value(reference)
    if not ref.fmt:
        if isinstance(raw, float) and raw.is_integer():
            return str(int(raw))
        return str(raw)
    try:
        return format(raw, ref.fmt)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{ref}: cannot format {raw!r} with {ref.fmt!r}: {exc}") from None


def _source(row: dict[str, Any], note_column: str = "note") -> pk.Source:
    from coursekit.models import pk

    return pk.Source(str(row["citation_key"]), str(row[note_column]), str(row["confidence"]))


def _number(row: dict[str, Any], column: str, default: float) -> float:
    raw = row.get(column)
    return default if _missing(raw) else float(raw)


def pk_parameters(param_set_id: str) -> pk.PKParameters:
    """The ``pk_parameters`` row ``param_set_id`` as :class:`coursekit.models.pk.PKParameters`.

    Empty ``ka_per_h`` or ``volume_l`` (a decay-only set) become 1.0: such sets are used only
    for their half-life by :func:`coursekit.models.pk.route_curve`.
    """
    from coursekit.models import pk

    row, _ = _row(Reference("pk_parameters", param_set_id, "half_life_h"))
    return pk.PKParameters(
        name=str(row["name"]),
        ka_per_h=_number(row, "ka_per_h", 1.0),
        half_life_h=float(row["half_life_h"]),
        volume_l=_number(row, "volume_l", 1.0),
        bioavailability=_number(row, "bioavailability", 1.0),
        source=_source(row),
    )


def pk_routes(param_set_id: str) -> dict[str, pk.Route]:
    """Every ``pk_routes`` row of ``param_set_id``, keyed by the short ``route`` name."""
    from coursekit.models import pk

    frame = datasets.load("pk_routes")
    rows = frame[frame["param_set_id"] == param_set_id]
    if rows.empty:
        raise ValueError(f"pk_routes has no routes for parameter set {param_set_id!r}")
    out: dict[str, pk.Route] = {}
    for row in rows.to_dict("records"):
        out[str(row["route"])] = pk.Route(
            name=str(row["name"]),
            bioavailability=float(row["bioavailability"]),
            low=float(row["low"]),
            high=float(row["high"]),
            ka_per_h=_number(row, "ka_per_h", math.inf),
            source=_source(row),
        )
    return out
