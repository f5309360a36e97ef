"""Resolve the book-only MyST roles of the course's pages to the text the book shows.

Used by :mod:`coursekit.lab` (see there). Code blocks are left alone; directives other than
``{bibliography}`` are left to jupyterlab-myst, which renders them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

__all__ = ["Bibliographies", "Context", "bibfiles", "index", "resolve_markdown"]

_ROLE = re.compile(r"(?<![`\\])\{(?P<name>[A-Za-z][\w:.+-]*)\}`(?P<body>[^`]+)`")
_EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>$|~{}])")
#: Roles jupyterlab-myst renders itself: left alone.
_NATIVE_ROLES = {
    "sub",
    "sup",
    "subscript",
    "superscript",
    "abbr",
    "math",
    "kbd",
    "u",
    "underline",
    "del",
    "strike",
    "smallcaps",
    "chem",
    "eval",
}


def _escape(text: str) -> str:
    """Escape Markdown syntax so a pasted value shows literally, as in the book."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def _split_explicit(body: str) -> tuple[str | None, str]:
    """``"text <target>"`` → (``"text"``, ``"target"``); ``"target"`` → (None, ``"target"``)."""
    match = _EXPLICIT.match(body.strip())
    if match and match["text"]:
        return match["text"].strip(), match["target"].strip()
    return None, body.strip()


@dataclass
class Context:
    """What the role resolvers need to know about the course and the page."""

    page: PurePosixPath  # the page, relative to the course root (book/ptsd/02-x.ipynb)
    glue: Mapping[str, Mapping[str, Any]]  # glued outputs of this page, by name
    glue_by_page: Mapping[str, Mapping[str, Mapping[str, Any]]]  # docname → name → output
    docs: Mapping[str, str]  # docname (book/ptsd/02-x) → file name relative to root
    titles: Mapping[str, str]  # docname → title
    labels: Mapping[str, tuple[str, str]]  # label → (docname, section title)
    cite_label: Callable[[str], str]
    problems: list[str] = field(default_factory=list)
    #: ``{objectives}`` and ``{objective-table}`` blocks: directive name → lines of Markdown
    #: for its arguments (book-only directives of :mod:`coursekit.sphinxext.teaching`)
    blocks: Callable[[str, list[str], str], list[str]] | None = None


def _relative_link(ctx: Context, docname: str) -> str:
    target = PurePosixPath(ctx.docs[docname])
    here = ctx.page.parent
    common = 0
    while (
        common < min(len(here.parts), len(target.parts) - 1)
        and here.parts[common] == target.parts[common]
    ):
        common += 1
    up = len(here.parts) - common
    rel = PurePosixPath(*([".."] * up), *target.parts[common:])
    return str(rel)


def _docname(ctx: Context, target: str) -> str | None:
    target = target.strip()
    for suffix in (".ipynb", ".md"):
        target = target.removesuffix(suffix)
    if target.startswith("/"):
        candidates = [target.lstrip("/")]
    else:
        base = ctx.page.parent
        parts: list[str] = []
        for part in (*base.parts, *PurePosixPath(target).parts):
            if part == "..":
                if parts:
                    parts.pop()
            elif part != ".":
                parts.append(part)
        candidates = ["/".join(parts), target]
    return next((c for c in candidates if c in ctx.docs), None)


def _link(text: str, href: str) -> str:
    target = f"<{href}>" if re.search(r"[\s()]", href) else href
    return f"[{_escape(text)}]({target})"


def _cite(ctx: Context, name: str, body: str) -> str:
    keys = [k.strip() for k in body.split(",") if k.strip()]
    unknown = [k for k in keys if ctx.cite_label(k) == k]
    if unknown:
        ctx.problems.append(f"{ctx.page}: {{{name}}}`{body}`: unknown key(s) {unknown}")
    labels = [ctx.cite_label(k) for k in keys]
    if name in ("cite:t", "cite:ts", "cite:ct", "cite:cts"):
        parts = []
        for label in labels:
            who, _, year = label.rpartition(" ")
            parts.append(f"{who} ({year})" if who else label)
        return _escape(", ".join(parts))
    if name in ("cite:author", "cite:authors"):
        return _escape(", ".join(label.rpartition(" ")[0] or label for label in labels))
    if name in ("cite:year", "cite:years"):
        return _escape(", ".join(label.rpartition(" ")[2] for label in labels))
    return "(" + _escape("; ".join(labels)) + ")"


def _glue(ctx: Context, name: str, body: str) -> str:
    from myst_nb.core.variables import format_plain_text

    text = body.strip()
    fmt = ""
    if name == "glue:text":
        key, sep, spec = text.rpartition(":")
        if sep and not key.endswith(":"):  # "name:fmt", but not "path::name"
            text, fmt = key, spec
    page_glue = ctx.glue
    if "::" in text:
        doc, _, text = text.partition("::")
        docname = _docname(ctx, doc)
        page_glue = ctx.glue_by_page.get(docname or "", {})
    output = page_glue.get(text)
    if output is None:
        ctx.problems.append(f"{ctx.page}: {{{name}}}`{body}`: nothing glued under {text!r}")
        return f"**[{_escape(text)}: not available]**"
    data = output.get("data", {})
    if name == "glue:md" and "text/markdown" in data:
        return str(data["text/markdown"])
    if "text/plain" not in data:
        ctx.problems.append(f"{ctx.page}: {{{name}}}`{body}`: {text!r} has no text/plain")
        return f"**[{_escape(text)}: not available]**"
    return _escape(format_plain_text(str(data["text/plain"]), fmt or ""))


def _ck(ctx: Context, body: str) -> str:
    from coursekit.evidence.lookup import format_value

    try:
        return _escape(format_value(body))
    except (ValueError, TypeError) as exc:
        ctx.problems.append(f"{ctx.page}: {{ck}}`{body}`: {exc}")
        return f"**[{_escape(body)}: not available]**"


def _resolve_role(ctx: Context, name: str, body: str, raw: str) -> str:
    if name in _NATIVE_ROLES:
        return raw
    if name == "ck":
        return _ck(ctx, body)
    if name == "glue" or name.startswith("glue:"):
        return _glue(ctx, name, body)
    if name == "cite" or name.startswith("cite:"):
        return _cite(ctx, name, body)
    text, target = _split_explicit(body)
    if name == "doc":
        docname = _docname(ctx, target)
        if docname is None:
            ctx.problems.append(f"{ctx.page}: {{doc}}`{body}`: no such page")
            return _escape(text or target)
        return _link(text or ctx.titles.get(docname, target), _relative_link(ctx, docname))
    if name in ("ref", "numref"):
        found = ctx.labels.get(target)
        if found is None:
            ctx.problems.append(f"{ctx.page}: {{{name}}}`{body}`: no such label")
            return _escape(text or target)
        docname, title = found
        return _link(text or title, _relative_link(ctx, docname))
    # {term} and any other role: its text, readable.
    return _escape(text or target)


def _resolve_inline(ctx: Context, line: str) -> str:
    return _ROLE.sub(lambda m: _resolve_role(ctx, m["name"], m["body"], m[0]), line)


def _bibliography_list(ctx: Context, bib: Any) -> list[str]:
    lines = []
    for key in sorted(bib.keys(), key=lambda k: bib.label(k).casefold()):
        title = bib.titles.get(key, "")
        note = bib.notes.get(key, "")
        entry = f"- {_escape(bib.label(key).rstrip('.'))}."
        if title:
            entry += f" {_escape(title)}."
        if note:
            entry += f" {_escape(note)}"
        lines.append(entry)
    return lines


def _closes(match: re.Match[str], opener: str) -> bool:
    fence = match["fence"]
    return fence[0] == opener[0] and len(fence) >= len(opener) and not match["info"].strip()


def resolve_markdown(text: str, ctx: Context, bib: Any | None = None) -> str:
    """Resolve the book-only roles of one page's (or cell's) MyST ``text`` (see module doc).

    Code blocks are left as they are; the contents of directives (``{note}`` and the like)
    are resolved like the rest of the text. ``:::`` directives need no tracking: their
    colons are not a code fence.
    """
    out: list[str] = []
    directives: list[str] = []  # fences of the directives we are inside
    fence: str | None = None  # the opening fence of the code block we are in
    skipping: str | None = None  # the fence of the bibliography directive being replaced
    for line in text.splitlines(keepends=True):
        match = _FENCE.match(line.rstrip("\n"))
        if skipping is not None:
            if match and _closes(match, skipping):
                skipping = None
            continue
        if fence is not None:
            out.append(line)
            if match and _closes(match, fence):
                fence = None
            continue
        if match:
            info = match["info"].strip()
            if directives and _closes(match, directives[-1]):
                directives.pop()
                out.append(line)
                continue
            if info.startswith("{bibliography}") and bib is not None:
                skipping = match["fence"]
                out.extend(f"{entry}\n" for entry in _bibliography_list(ctx, bib))
                continue
            book_only = re.match(r"\{(objectives|objective-table)\}(.*)$", info)
            if book_only and ctx.blocks is not None:
                skipping = match["fence"]
                docname = ctx.page.with_suffix("").as_posix()
                lines = ctx.blocks(book_only[1], book_only[2].split(), docname)
                out.extend(f"{_resolve_inline(ctx, entry)}\n" for entry in lines)
                continue
            if info.startswith("{"):
                directives.append(match["fence"])
                out.append(_resolve_inline(ctx, line))
                continue
            fence = match["fence"]
            out.append(line)
            continue
        out.append(_resolve_inline(ctx, line))
    return "".join(out)


_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$")


def _plain(text: str) -> str:
    """Heading text without role markup, for link names."""
    text = _ROLE.sub(lambda m: _split_explicit(m["body"])[0] or m["body"], text)
    return re.sub(r"[*_`]", "", text).strip()


def _markdown_of(rel: str, path: Path) -> list[str]:
    if rel.endswith(".ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        return [
            "".join(c.get("source", ""))
            for c in nb.get("cells", [])
            if c.get("cell_type") == "markdown"
        ]
    return [path.read_text(encoding="utf-8")]


def index(
    files: Mapping[str, Path],
) -> tuple[dict[str, str], dict[str, str], dict[str, tuple[str, str]]]:
    docs: dict[str, str] = {}
    titles: dict[str, str] = {}
    labels: dict[str, tuple[str, str]] = {}
    for rel, path in files.items():
        if not rel.startswith("book/") or not rel.endswith((".md", ".ipynb")):
            continue
        docname = rel.rsplit(".", 1)[0]
        docs[docname] = rel
        pending: list[str] = []
        exercise: str | None = None
        for text in _markdown_of(rel, path):
            for line in text.splitlines():
                opened = re.match(r"^(`{3,}|:{3,})\{exercise\}\s*(?P<title>.*)$", line.strip())
                if opened:
                    exercise = _plain(opened["title"]) or "Exercise"
                    continue
                option = re.match(r"^:label:\s*(?P<label>\S+)\s*$", line.strip())
                if option and exercise is not None:
                    labels[option["label"]] = (docname, exercise)
                    exercise = None
                    continue
                exercise = None
                label = re.match(r"^\((?P<label>[^()\s]+)\)=\s*$", line)
                if label:
                    pending.append(label["label"])
                    continue
                heading = re.match(r"^#{1,6}\s+(.+?)\s*#*\s*$", line)
                if heading:
                    title = _plain(heading[1])
                    if line.startswith("# ") and docname not in titles:
                        titles[docname] = title
                    for name in pending:
                        labels[name] = (docname, title)
                    pending = []
        titles.setdefault(docname, PurePosixPath(docname).name)
    return docs, titles, labels


def bibfiles(root: Path, files: Mapping[str, Path]) -> list[str]:
    """The bibliography files the book cites from: ``bibtex_bibfiles`` of ``_config.yml``,
    then any other ``.bib`` file of ``book/``."""
    import yaml

    try:
        config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
        listed = [str(p) for p in config.get("bibtex_bibfiles") or []]
    except (OSError, yaml.YAMLError, AttributeError):
        listed = []
    others = [rel for rel in files if rel.startswith("book/") and rel.endswith(".bib")]
    return [rel for rel in dict.fromkeys([*listed, *others]) if rel in files]


class Bibliographies:
    """Several bibliographies looked up as one (labels, titles, notes; first one wins)."""

    def __init__(self, bibs: list[Any]) -> None:
        self.labels: dict[str, str] = {}
        self.titles: dict[str, str] = {}
        self.notes: dict[str, str] = {}
        for bib in reversed(bibs):
            self.labels.update(bib.labels)
            self.titles.update(bib.titles)
            self.notes.update(bib.notes)

    def keys(self) -> set[str]:
        return set(self.labels)

    def label(self, key: str) -> str:
        return self.labels.get(key, key)
