"""Safe YAML reading for quiz banks written by people we do not control.

Banks are plain data: mappings, lists and scalars. This loader composes the YAML node
tree with PyYAML's pure-Python parser and converts it itself, so that it can

- bound what aliases (``*name``) can do: the number of values after expansion is capped,
  so a "billion laughs" document fails in milliseconds, and self-reference hits the
  depth bound;
- bound the nesting depth (a bank needs about six levels) before Python's recursion
  limit is reached;
- reject keys that are not text (``? [a, b]: 1``, ``true:``), duplicate keys and tags
  other than the standard scalar ones;
- cap the file size;
- record the line of every value, so a problem found later by the JSON Schema or by a
  semantic check can name its line.

Any failure is one :class:`LoadError` with a one-line message and, where there is one, a
line number. Values quoted in messages are shortened with :func:`shorten`.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_VALUES",
    "DocPath",
    "Document",
    "LoadError",
    "load_text",
    "read_document",
    "shorten",
]

MAX_BYTES = 2_000_000
MAX_DEPTH = 32
MAX_VALUES = 200_000
_SHORT = 80

DocPath = tuple[str | int, ...]
"""A location in a document: mapping keys and list indices from the top."""


def shorten(value: object, limit: int = _SHORT) -> str:
    """``repr`` of ``value`` (``str`` values quoted), cut to ``limit`` characters with "…"."""
    if isinstance(value, str):
        text = value if len(value) <= limit * 4 else value[: limit * 4]
        shown = repr(text)
    else:
        shown = repr(value)
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return shown


class LoadError(ValueError):
    """The file cannot be read as a bank document; ``line`` is 1-based or ``None``."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Document:
    """Plain data read from YAML and the line where each value (or key) starts."""

    data: Any
    lines: dict[DocPath, int]

    def line(self, path: DocPath) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


class _Loader(yaml.SafeLoader):
    """SafeLoader whose composer refuses deep nesting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            event = self.peek_event()
            raise LoadError(
                f"the document is nested more than {MAX_DEPTH} levels deep; a bank needs "
                "only a few (bank, items, item, options, option)",
                event.start_mark.line + 1,
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {shorten(value)}"
    if isinstance(value, _dt.date):
        return f"the date {value}"
    return type(value).__name__


class _Converter:
    def __init__(self, loader: _Loader) -> None:
        self.loader = loader
        self.lines: dict[DocPath, int] = {}
        self.count = 0

    def convert(self, node: yaml.Node, path: DocPath) -> Any:
        line = node.start_mark.line + 1
        self.count += 1
        if self.count > MAX_VALUES:
            raise LoadError(
                f"the document holds more than {MAX_VALUES:,} values once its aliases (*name) "
                "are expanded; a quiz bank is much smaller (write the text out instead of "
                "nesting aliases)",
                line,
            )
        if len(path) > MAX_DEPTH:
            raise LoadError(
                f"the document is nested more than {MAX_DEPTH} levels deep (an alias that "
                "refers to itself?)",
                line,
            )
        self.lines.setdefault(path, line)
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in _SCALAR_TAGS:
                raise LoadError(f"unsupported YAML tag {shorten(node.tag, 60)}", line)
            return self.loader.construct_object(node)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                raise LoadError(f"unsupported YAML tag {shorten(node.tag, 60)}", line)
            return [self.convert(child, (*path, n)) for n, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP_TAG:
                raise LoadError(f"unsupported YAML tag {shorten(node.tag, 60)}", line)
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key_line = key_node.start_mark.line + 1
                if not isinstance(key_node, yaml.ScalarNode):
                    kind = "list" if isinstance(key_node, yaml.SequenceNode) else "mapping"
                    raise LoadError(
                        f"a {kind} cannot be used as a field name; field names are plain text",
                        key_line,
                    )
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise LoadError("merge keys (<<) are not allowed in quiz banks", key_line)
                key = self.convert(key_node, (*path, "\0key"))
                if not isinstance(key, str):
                    raise LoadError(
                        f"field name {_type_name(key)} must be text (quote it, e.g. "
                        f'"{key_node.value[:40]}":)',
                        key_line,
                    )
                if key in out:
                    raise LoadError(f"malformed YAML: duplicate key {shorten(key)}", key_line)
                self.lines[(*path, key)] = key_line
                out[key] = self.convert(value_node, (*path, key))
            return out
        raise LoadError("unsupported YAML node", line)  # pragma: no cover


def _expanded_size(node: yaml.Node, memo: dict[int, int], active: set[int]) -> int:
    """How many values ``node`` holds once every alias is expanded (without expanding)."""
    key = id(node)
    if key in memo:
        return memo[key]
    if key in active:
        raise LoadError("an alias (*name) refers to itself", node.start_mark.line + 1)
    if isinstance(node, yaml.ScalarNode):
        return 1
    active.add(key)
    children = node.value if isinstance(node, yaml.SequenceNode) else []
    if isinstance(node, yaml.MappingNode):
        children = [child for pair in node.value for child in pair]
    total = 1
    for child in children:
        total += _expanded_size(child, memo, active)
        if total > MAX_VALUES:
            break
    active.discard(key)
    memo[key] = total
    return total


def _reader_error(exc: yaml.reader.ReaderError, text: str) -> LoadError:
    position = max(0, min(len(text), int(getattr(exc, "position", 0) or 0)))
    char = getattr(exc, "character", "")
    code = f"U+{ord(char):04X}" if isinstance(char, str) and len(char) == 1 else repr(char)
    return LoadError(
        f"malformed YAML: the character {code} is not allowed in a YAML file (remove it)",
        text.count("\n", 0, position) + 1,
    )


def _mark_line(exc: yaml.MarkedYAMLError) -> int | None:
    mark = exc.problem_mark or exc.context_mark
    return mark.line + 1 if mark else None


def load_text(text: str) -> Document:
    """Parse bank YAML ``text`` into plain data with line numbers; raise :class:`LoadError`."""
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return Document(None, {})
        if _expanded_size(node, {}, set()) > MAX_VALUES:
            raise LoadError(
                f"the document holds more than {MAX_VALUES:,} values once its aliases (*name) "
                "are expanded; a quiz bank is much smaller (write the text out instead of "
                "nesting aliases)",
                node.start_mark.line + 1,
            )
        converter = _Converter(loader)
        data = converter.convert(node, ())
        converter.lines = {k: v for k, v in converter.lines.items() if "\0key" not in k}
        return Document(data, converter.lines)
    except LoadError:
        raise
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        col = f"column {mark.column + 1}: " if mark else ""
        detail = exc.problem or exc.context or "invalid YAML"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        raise LoadError(
            f"malformed YAML: {col}{shorten(detail, 200)[1:-1]}{shorten(context, 120)[1:-1]}",
            _mark_line(exc),
        ) from None
    except yaml.YAMLError as exc:
        raise LoadError(f"malformed YAML: {shorten(str(exc), 200)[1:-1]}") from None
    except RecursionError:
        raise LoadError(f"the document is nested too deeply (limit {MAX_DEPTH} levels)") from None
    except (ValueError, TypeError, OverflowError) as exc:
        # Scalar construction failures (an impossible date such as 2024-02-30, ...).
        raise LoadError(f"cannot read a value: {shorten(str(exc), 120)[1:-1]}") from None
    finally:
        loader.dispose()


def read_document(path: Path) -> Document:
    """Read the bank file at ``path`` (at most :data:`MAX_BYTES`) as a :class:`Document`."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise LoadError(f"cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise LoadError(
            f"is larger than {MAX_BYTES // 1_000_000} MB; a quiz bank is a small text file "
            "(split it into several banks)"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LoadError(f"is not valid UTF-8 text ({exc.reason})", line) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return load_text(text)
