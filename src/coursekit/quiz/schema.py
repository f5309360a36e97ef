"""Structure checks of a quiz bank: the JSON Schema and its messages.

:func:`schema_problems` validates a bank's data against the published
``bank.schema.json`` (draft 2020-12) with ``jsonschema`` and turns every error into a
plain-language :class:`~coursekit.quiz.model.Problem` naming the line and the item id.
:mod:`coursekit.quiz.validate` runs it first, then the semantic checks.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

from coursekit.quiz.loader import DocPath, Document, shorten
from coursekit.quiz.model import ITEM_TYPES, Problem

__all__ = [
    "COMMON_FIELDS",
    "SCHEMA_FILE",
    "TYPE_FIELDS",
    "Collector",
    "bank_schema",
    "did_you_mean",
    "label",
    "schema_problems",
]

SCHEMA_FILE = "bank.schema.json"
COMMON_FIELDS = ("id", "type", "prompt", "objective", "sources", "explanation")
TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "single": ("options",),
    "multiple": ("options",),
    "numeric": ("answer", "tolerance", "unit", "feedback"),
    "match": ("categories", "pairs"),
    "order": ("sequence",),
    "open": ("model_answer", "rubric"),
}
_FLOATISH = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


@cache
def bank_schema() -> dict[str, Any]:
    """The published JSON Schema (draft 2020-12) of a quiz bank."""
    text = (resources.files("coursekit.quiz") / SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(bank_schema())


def did_you_mean(word: str, options: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def label(path: Sequence[str | int]) -> str:
    """``options[2].text`` for the path ``("options", 1, "text")`` (1-based positions)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + part
    return out


def _type_word(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, str):
        return f"the text {shorten(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, int | float):
        return f"the number {shorten(value)}"
    return f"a {type(value).__name__} ({shorten(str(value))})"


class Collector:
    def __init__(self, shown: str, doc: Document) -> None:
        self.shown = shown
        self.doc = doc
        self.problems: list[Problem] = []
        self._seen: set[tuple[int | None, str | None, str]] = set()

    def add(self, message: str, path: DocPath = (), item_id: str | None = None) -> None:
        line = self.doc.line(path) if self.doc.lines else None
        key = (line, item_id, message)
        if key not in self._seen:
            self._seen.add(key)
            self.problems.append(Problem(self.shown, message, line, item_id))


def _item_context(data: Any, path: DocPath) -> tuple[str | None, int | None, DocPath]:
    """(item id or "#n", item index, path inside the item) for a path into ``data``."""
    if len(path) >= 2 and path[0] == "items" and isinstance(path[1], int):
        n = path[1]
        raw = data["items"][n] if isinstance(data.get("items"), list) else None
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        item_id = raw_id if isinstance(raw_id, str) and raw_id else f"#{n + 1}"
        return item_id, n, tuple(path[2:])
    return None, None, tuple(path)


def _schema_message(error: Any, data: Any, inner: DocPath, item_type: str | None) -> list[str]:
    """One or more messages for one jsonschema error at ``inner`` (a path inside an item
    or the bank)."""
    kind = error.validator
    value = error.instance
    where = label(inner)
    name = where or "the bank"
    last = inner[-1] if inner else ""
    if kind == "required":
        return [
            f"missing field {label((*inner, req))!r}"
            for req in error.validator_value
            if isinstance(value, dict) and req not in value
        ]
    if kind == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        if inner == () and "type" in allowed and item_type in TYPE_FIELDS:
            allowed = [*COMMON_FIELDS, *TYPE_FIELDS[item_type]]
        extras = [k for k in value if k not in error.schema.get("properties", {})]
        return [
            f"unknown field {shorten(label((*inner, k)))}{did_you_mean(k[:100], allowed)}; "
            f"allowed: {', '.join(allowed)}"
            for k in extras
        ]
    if kind == "not":
        return [f"field {where!r} does not apply to {item_type} items"]
    if kind == "enum" and last == "type":
        return [f"unknown type {shorten(value)}; use one of: {', '.join(ITEM_TYPES)}"]
    if kind == "type":
        expected = error.validator_value
        expected = [expected] if isinstance(expected, str) else list(expected)
        got = _type_word(value)
        if last == "sources" or (len(inner) >= 2 and inner[-2] == "sources"):
            return ["sources must be a non-empty list of bib keys, e.g. [lassemo2017]"]
        if "string" in expected:
            hint = " (quote the value in YAML)" if isinstance(value, bool) else ""
            return [f"{name} must be text, got {got}{hint}"]
        if expected == ["number"]:
            hint = ""
            if isinstance(value, str) and _FLOATISH.match(value.strip()):
                hint = (
                    f" (YAML reads {shorten(value.strip(), 30)[1:-1]} as text: write the "
                    "number with a decimal point and a signed exponent, e.g. 1.0e-3, or in "
                    "plain decimal, e.g. 0.001)"
                )
            return [f"{name} must be a number, got {got}{hint}"]
        if expected == ["boolean"]:
            return [f"{name} must be true or false, got {got}"]
        if expected == ["array"]:
            return [f"{name} must be a list, got {got}"]
        if expected == ["object"]:
            if inner and isinstance(inner[-1], int):
                return [f"{name} must be a mapping such as {{text: ..., feedback: ...}}"]
            if last == "feedback":
                return ["feedback must be a mapping {correct: ..., incorrect: ...}"]
            return [f"{name} must be a mapping, got {got}"]
        return [f"{name} must be of type {'/'.join(expected)}, got {got}"]
    if kind == "minItems":
        count = len(value)
        need = error.validator_value
        if inner == ("items",) or last == "items":
            return ["items must be a non-empty list"]
        if last == "sources":
            return ["sources must be a non-empty list of bib keys, e.g. [lassemo2017]"]
        words = {
            "options": "options",
            "categories": "categories",
            "pairs": "statements (pairs); GIFT matching needs at least 3",
            "sequence": "elements; order items are exported as GIFT matching, which "
            "needs at least 3",
        }
        words["rubric"] = "rubric criteria (3 to 6)"
        what = {
            "pairs": "a match item",
            "categories": "a match item",
            "sequence": "an order item",
            "rubric": "an open item",
        }
        return [
            f"{what.get(str(last), 'this item')} needs at least {need} "
            f"{words.get(str(last), str(last))}; it has {count}"
        ]
    if kind == "maxItems":
        return [f"{name} has {len(value)} entries; at most {error.validator_value} are allowed"]
    if kind in ("minLength", "pattern") and error.validator_value in (1, r"\S"):
        return [f"{name} must not be empty"]
    if kind == "pattern":
        if len(inner) >= 2 and inner[-2] == "sources":
            return ["sources must be a non-empty list of bib keys, e.g. [lassemo2017]"]
        what = "bank id" if inner == ("id",) and item_type is None else name
        return [
            f"{what} must use lowercase letters, digits and single hyphens, got {shorten(value)}"
        ]
    if kind == "maxLength":
        return [f"{name} is too long ({len(value)} characters; at most {error.validator_value})"]
    if kind == "minimum":
        return [f"{name} must be 0 or more, got {shorten(value)}"]
    return [f"{name}: {shorten(error.message, 160)[1:-1]}"]


def schema_problems(data: Any, out: Collector) -> set[int]:
    """Report schema errors; return the indices of items that have any."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    broken: set[int] = set()
    not_paths = [tuple(e.absolute_path) for e in errors if e.validator == "not"]
    seen_extra: dict[DocPath, list[DocPath]] = {}
    for error in errors:
        path = tuple(error.absolute_path)
        if error.validator != "not" and any(path[: len(p)] == p for p in not_paths):
            continue
        item_id, index, inner = _item_context(data, path)
        if index is not None:
            broken.add(index)
        raw = data["items"][index] if index is not None else None
        item_type = raw.get("type") if isinstance(raw, dict) else None
        item_type = item_type if isinstance(item_type, str) and item_type in TYPE_FIELDS else None
        for message in _schema_message(error, data, inner, item_type):
            missing_id = message == "missing field 'id'"
            if missing_id and index is not None and item_id and item_id.startswith("#"):
                out.add(f"item {item_id}: missing field 'id'", path)
                continue
            line_path = path
            if error.validator == "additionalProperties":
                props = error.schema.get("properties", {})
                extras = [k for k in error.instance if k not in props]
                if extras:
                    line_path = (*path, extras[len(seen_extra.setdefault(path, []))])
                    seen_extra[path].append(line_path)
            out.add(message, line_path, item_id if index is not None else None)
    return broken


# --------------------------------------------------------------------------- semantic checks
