"""The course's evidence base: small, checked datasets with a declared schema.

Each dataset is a pair of files in ``coursekit/datasets/``: ``<name>.csv`` holds the rows and
``<name>.yml`` declares the columns (type, whether a value is required, allowed values and
ranges), the column that holds each row's source (a key in ``book/references.bib``) and the
column that holds its confidence level. Adding a dataset means adding such a pair; the loader
itself knows nothing about any particular dataset.

Confidence levels: ``H`` and ``V`` mark figures confirmed in a primary or authoritative source;
``M`` and ``P`` mark figures confirmed only in a secondary source (shown with a flag in the
course). Unconfirmed figures are never stored.

Example::

    from coursekit.evidence import datasets as data
    trials = data.load("trials")
    row = data.trial("TRIAL_ID")
    row.effect_size
"""

from __future__ import annotations

import copy
import csv
import difflib
import functools
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if (
    TYPE_CHECKING
):  # pandas is imported lazily so that ``import coursekit.evidence.datasets`` stays light
    import pandas as pd

__all__ = [
    "CONFIDENCE_LEVELS",
    "DATASETS_DIR",
    "check_datasets",
    "clear_cache",
    "glossary_markdown",
    "load",
    "names",
    "schema",
    "source_keys",
    "trial",
]

DATASETS_DIR: Path = Path(__file__).resolve().parents[1] / "datasets"
"""Directory holding the ``<name>.csv`` / ``<name>.yml`` pairs."""

CONFIDENCE_LEVELS: tuple[str, ...] = ("H", "V", "M", "P")
"""Confidence levels a stored row may carry (``U`` is never stored)."""

_DTYPES = ("string", "int", "float", "bool", "date")
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_KEY_SEPARATOR = ";"


# ---------------------------------------------------------------------------
# Schema handling
# ---------------------------------------------------------------------------


def names() -> list[str]:
    """Return the names of the available datasets (each a ``.csv`` with a ``.yml`` sidecar)."""
    return sorted(p.stem for p in DATASETS_DIR.glob("*.csv") if p.with_suffix(".yml").is_file())


def _require_name(name: object) -> str:
    valid = names()
    if not isinstance(name, str) or name not in valid:
        raise ValueError(f"unknown dataset {name!r}; available datasets: {', '.join(valid)}")
    return name


@functools.cache
def _schema(name: str) -> dict[str, Any]:
    import yaml

    path = DATASETS_DIR / f"{name}.yml"
    with path.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    if not isinstance(raw, dict) or not isinstance(raw.get("columns"), dict):
        raise ValueError(f"{path.name}: the sidecar must be a mapping with a 'columns' mapping")
    return raw


def schema(name: str) -> dict[str, Any]:
    """Return the declared schema of dataset ``name`` (a copy of its ``.yml`` sidecar).

    Keys: ``title``, ``description``, ``id_column``, ``source_column``,
    ``confidence_column`` and ``columns`` (column name -> ``dtype``, ``required``,
    ``allowed``, ``min``, ``max``, ``pattern``, ``description``).
    """
    return copy.deepcopy(_schema(_require_name(name)))


def _schema_problems(name: str, spec: dict[str, Any]) -> list[str]:
    """Problems in the sidecar itself (unknown dtypes, missing special columns)."""
    problems: list[str] = []
    fname = f"{name}.yml"
    columns = spec["columns"]
    for col, cspec in columns.items():
        if not isinstance(cspec, dict):
            problems.append(f"{fname}: column {col!r}: declaration must be a mapping")
            continue
        dtype = cspec.get("dtype")
        if dtype not in _DTYPES:
            problems.append(
                f"{fname}: column {col!r}: dtype {dtype!r} is not one of {', '.join(_DTYPES)}"
            )
    for role in ("id_column", "source_column", "confidence_column"):
        col = spec.get(role)
        if col is None:
            problems.append(f"{fname}: '{role}' is not declared")
        elif col not in columns:
            problems.append(f"{fname}: '{role}' names {col!r}, which is not a declared column")
    return problems


# ---------------------------------------------------------------------------
# Raw reading and validation (strings only, no pandas)
# ---------------------------------------------------------------------------


def _read_rows(name: str) -> tuple[list[str], list[dict[str, str]]]:
    path = DATASETS_DIR / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = list(reader.fieldnames or [])
        rows = [{k: (v or "").strip() for k, v in row.items() if k is not None} for row in reader]
    return header, rows


def _parse_value(raw: str, dtype: str) -> Any:
    """Convert one non-empty cell to a Python value; raise ValueError with a short reason."""
    if dtype == "string":
        return raw
    if dtype == "int":
        if not re.fullmatch(r"[+-]?\d+", raw):
            raise ValueError(f"{raw!r} is not a whole number")
        return int(raw)
    if dtype == "float":
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"{raw!r} is not a number") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{raw!r} is not a finite number")
        return value
    if dtype == "bool":
        low = raw.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError(f"{raw!r} is not true/false")
    if dtype == "date":
        if not _DATE_RE.match(raw):
            raise ValueError(f"{raw!r} is not a date in YYYY-MM-DD form")
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"{raw!r} is not a valid calendar date") from None
    raise ValueError(f"unknown dtype {dtype!r}")


def _split_keys(value: str) -> list[str]:
    return [k.strip() for k in value.split(_KEY_SEPARATOR) if k.strip()]


def _validate(name: str) -> list[str]:
    """Return every problem found in dataset ``name`` as a readable message."""
    spec = _schema(name)
    problems = _schema_problems(name, spec)
    if problems:
        return problems
    fname = f"{name}.csv"
    columns: dict[str, dict[str, Any]] = spec["columns"]
    header, rows = _read_rows(name)

    missing = [c for c in columns if c not in header]
    extra = [c for c in header if c not in columns]
    if missing:
        problems.append(f"{fname}: missing declared column(s): {', '.join(missing)}")
    if extra:
        problems.append(f"{fname}: column(s) not declared in {name}.yml: {', '.join(extra)}")
    if not rows:
        problems.append(f"{fname}: no rows")

    id_col = spec["id_column"]
    source_col = spec["source_column"]
    conf_col = spec["confidence_column"]
    seen_ids: dict[str, int] = {}

    for i, row in enumerate(rows, start=2):  # row 1 is the header
        where = f"{fname}, row {i}"
        for col, cspec in columns.items():
            if col not in row:
                continue
            raw = row[col]
            if raw == "":
                if cspec.get("required", False):
                    problems.append(f"{where}, column {col!r}: value is required but empty")
                continue
            if col == conf_col and raw == "U":
                problems.append(f"{where}, column {col!r}: unconfirmed (U) rows must not be stored")
                continue
            try:
                value = _parse_value(raw, cspec["dtype"])
            except ValueError as exc:
                problems.append(f"{where}, column {col!r}: {exc}")
                continue
            allowed = cspec.get("allowed")
            if allowed is not None:
                values = _split_keys(raw) if cspec.get("multi") else [value]
                bad = [v for v in values if v not in allowed]
                if bad:
                    problems.append(
                        f"{where}, column {col!r}: {', '.join(map(repr, bad))} is not one of "
                        f"{', '.join(map(str, allowed))}"
                    )
            pattern = cspec.get("pattern")
            if pattern is not None and not re.fullmatch(pattern, raw):
                problems.append(f"{where}, column {col!r}: {raw!r} does not match {pattern!r}")
            for bound, test in (("min", lambda v, b: v < b), ("max", lambda v, b: v > b)):
                limit = cspec.get(bound)
                if limit is None:
                    continue
                if cspec["dtype"] == "date":
                    limit = date.fromisoformat(str(limit))
                if test(value, limit):
                    word = "below the minimum" if bound == "min" else "above the maximum"
                    problems.append(f"{where}, column {col!r}: {raw} is {word} {limit}")
        row_id = row.get(id_col, "")
        if row_id:
            if row_id in seen_ids:
                problems.append(
                    f"{where}, column {id_col!r}: duplicate id {row_id!r} "
                    f"(first seen in row {seen_ids[row_id]})"
                )
            else:
                seen_ids[row_id] = i
        if not _split_keys(row.get(source_col, "")):
            problems.append(f"{where}, column {source_col!r}: every row needs a source key")
        if row.get(conf_col, "") not in CONFIDENCE_LEVELS and row.get(conf_col, "") != "U":
            if row.get(conf_col, ""):
                problems.append(
                    f"{where}, column {conf_col!r}: confidence must be one of "
                    f"{', '.join(CONFIDENCE_LEVELS)}"
                )
            else:
                problems.append(f"{where}, column {conf_col!r}: every row needs a confidence")
    return problems


# ---------------------------------------------------------------------------
# Loading into pandas
# ---------------------------------------------------------------------------


@functools.cache
def _load_cached(name: str) -> pd.DataFrame:
    import pandas as pd

    problems = _validate(name)
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise ValueError(f"dataset {name!r} failed its checks:\n  {shown}{more}")
    spec = _schema(name)
    columns: dict[str, dict[str, Any]] = spec["columns"]
    _, rows = _read_rows(name)
    data: dict[str, Any] = {}
    for col, cspec in columns.items():
        dtype = cspec["dtype"]
        values = [None if row.get(col, "") == "" else _parse_value(row[col], dtype) for row in rows]
        if dtype == "string":
            data[col] = pd.array(values, dtype="string")
        elif dtype == "int":
            data[col] = pd.array(values, dtype="Int64")
        elif dtype == "float":
            data[col] = pd.array(values, dtype="Float64")
        elif dtype == "bool":
            data[col] = pd.array(values, dtype="boolean")
        else:  # date
            data[col] = pd.to_datetime(pd.Series(values, dtype="object"))
    return pd.DataFrame(data, columns=list(columns))


def clear_cache() -> None:
    """Forget cached schemas and tables, so edited ``.csv``/``.yml`` files are read again."""
    _schema.cache_clear()
    _load_cached.cache_clear()


def load(name: str) -> pd.DataFrame:
    """Load dataset ``name`` as a DataFrame with its declared column types.

    Strings load as ``string``, whole numbers as nullable ``Int64``, numbers as ``Float64``,
    flags as ``boolean`` and dates as ``datetime64``. Empty cells are missing values
    (``pd.NA`` / ``NaT``). Raises ``ValueError`` naming the valid datasets when ``name`` is
    unknown, or listing the problems when the files fail their checks. Each call returns a
    fresh copy, so callers may modify it freely.
    """
    return _load_cached(_require_name(name)).copy()


def trial(trial_id: str) -> pd.Series:
    """Return the row of the ``trials`` dataset whose ``trial_id`` is ``trial_id``.

    The result is a pandas Series indexed by column name (``t.effect_size``,
    ``t.n_total`` ...). Raises ``ValueError`` for an unknown id, suggesting close matches.
    """
    df = _load_cached("trials")
    if not isinstance(trial_id, str):
        raise ValueError(f"trial_id must be a string, got {trial_id!r}")
    ids = [str(x) for x in df["trial_id"]]
    if trial_id not in ids:
        close = difflib.get_close_matches(trial_id, ids, n=4, cutoff=0.5)
        close += [i for i in ids if i.startswith(trial_id) and i not in close]
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ValueError(f"unknown trial_id {trial_id!r}{hint} Valid ids: {', '.join(sorted(ids))}")
    row = df.loc[df["trial_id"] == trial_id].iloc[0].copy()
    row.name = trial_id
    return row


# ---------------------------------------------------------------------------
# Checks used by ``coursekit check`` and the test suite
# ---------------------------------------------------------------------------


def _bib_path() -> Path | None:
    from coursekit.evidence.bibliography import book_bibliography_path

    return book_bibliography_path()


def _bib_keys(path: Path) -> set[str]:
    from coursekit.evidence import bibliography

    return bibliography.read(path).keys()


def _retracted_keys() -> set[str]:
    """Keys whose bibliography note starts with RETRACTED (empty if the bib is not found)."""
    from coursekit.evidence import bibliography

    path = _bib_path()
    return set() if path is None else bibliography.read(path).retracted


def _iter_source_keys(name: str) -> Iterator[tuple[int, str]]:
    spec = _schema(name)
    _, rows = _read_rows(name)
    for i, row in enumerate(rows, start=2):
        for key in _split_keys(row.get(spec["source_column"], "")):
            yield i, key
        for col, cspec in spec["columns"].items():
            if cspec.get("bib_keys") and col != spec["source_column"]:
                for key in _split_keys(row.get(col, "")):
                    yield i, key


def source_keys(name: str) -> set[str]:
    """Return every bibliography key that dataset ``name`` cites."""
    return {key for _, key in _iter_source_keys(_require_name(name))}


def check_datasets(bib_path: Path | str | None = None) -> list[str]:
    """Check every dataset against its schema; return readable problems (empty when all is well).

    Each message names the file, the row (counting the header as row 1), the column and the
    problem. When ``book/references.bib`` can be found (or ``bib_path`` is given), every
    source key must also exist there.
    """
    problems: list[str] = []
    path = Path(bib_path) if bib_path is not None else _bib_path()
    keys = _bib_keys(path) if path is not None and path.is_file() else None
    for name in names():
        try:
            found = _validate(name)
        except (OSError, ValueError) as exc:
            problems.append(f"{name}: could not be read: {exc}")
            continue
        problems.extend(found)
        if keys is not None:
            for row, key in _iter_source_keys(name):
                if key not in keys:
                    problems.append(
                        f"{name}.csv, row {row}: source key {key!r} is not in references.bib"
                    )
    for csv_path in DATASETS_DIR.glob("*.csv"):
        if not csv_path.with_suffix(".yml").is_file():
            problems.append(
                f"{csv_path.name}: no {csv_path.stem}.yml sidecar declaring its columns"
            )
    return problems


# ---------------------------------------------------------------------------
# Glossary page
# ---------------------------------------------------------------------------


def glossary_markdown() -> str:
    """Return the text of ``book/reference/glossary.md``, built from the ``glossary`` dataset.

    Regenerate the page with ``coursekit glossary > book/reference/glossary.md``.
    """
    df = load("glossary").sort_values("term", key=lambda s: s.str.casefold())
    retracted = _retracted_keys()
    lines = [
        "# Glossary",
        "",
        "Short, plain-language definitions of the terms used in this course, with the "
        "Norwegian (bokmål) and Swedish equivalents. Chapters link here with "
        "{term}`PTSD`-style references. The entries come from the course's glossary "
        "dataset, so this page and the dataset always agree.",
        "",
        ":::{glossary}",
    ]
    for row in df.itertuples(index=False):
        terms = [str(row.term)]
        if not _isna(row.aliases):
            terms += _split_keys(str(row.aliases))
        lines.extend(terms)
        body = str(row.definition).strip()
        extras = []
        if not _isna(row.norwegian):
            extras.append(f"Norwegian: *{row.norwegian}*")
        if not _isna(row.swedish):
            extras.append(f"Swedish: *{row.swedish}*")
        lines.append(f"  {body}")
        if extras:
            lines.append("")
            lines.append(f"  {'; '.join(extras)}.")
        if not _isna(row.see_also):
            refs = ", ".join(f"{{term}}`{t}`" for t in _split_keys(str(row.see_also)))
            lines.append("")
            lines.append(f"  See also: {refs}.")
        keys = _split_keys(str(row.citation_key))
        mark = " (retracted)" if any(k in retracted for k in keys) else ""
        lines.append("")
        lines.append(f"  Source: {{cite:p}}`{','.join(keys)}`{mark}.")
        lines.append("")
    lines.append(":::")
    lines.append("")
    return "\n".join(lines)


def _isna(value: object) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value)) or str(value).strip() == ""
