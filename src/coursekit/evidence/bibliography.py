"""The course bibliography, ``book/references.bib``, read once with pybtex.

Every part of the course that needs the bibliography (dataset checks, quiz banks, the
retraction markers) reads it through :func:`read`, so there is one BibTeX reader.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Bibliography", "book_bibliography_path", "fast_text_backend", "read"]


@dataclass(frozen=True)
class Bibliography:
    """Keys of a ``.bib`` file with a short label (``Lassemo et al. 2017``), titles and notes."""

    path: Path
    labels: Mapping[str, str]
    titles: Mapping[str, str] = field(default_factory=dict)
    notes: Mapping[str, str] = field(default_factory=dict)

    def __contains__(self, key: object) -> bool:
        return key in self.labels

    def keys(self) -> set[str]:
        """Every citation key."""
        return set(self.labels)

    def label(self, key: str) -> str:
        """Return a short author-year label for ``key`` (the key itself when unknown)."""
        return self.labels.get(key, key)

    @property
    def retracted(self) -> set[str]:
        """Keys whose ``note`` field starts with ``RETRACTED``."""
        return {k for k, note in self.notes.items() if note.lstrip().startswith("RETRACTED")}


def _latex_text(value: str) -> str:
    import latexcodec  # noqa: F401  (registers the "ulatex" codec)

    try:
        decoded = codecs.decode(value, "ulatex")
    except Exception:  # latexcodec raises on unusual input; fall back to the raw text
        decoded = value
    return " ".join(decoded.replace("{", "").replace("}", "").split())


def _short_label(entry: Any) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    year = _latex_text(entry.fields.get("year", "")) or "n.d."
    if not people:
        org = _latex_text(entry.fields.get("organization", "") or entry.fields.get("title", ""))
        return f"{org} {year}".strip()
    names = []
    for person in people[:3]:
        last = " ".join(part.render_as("text") for part in person.rich_last_names)
        names.append(_latex_text(last))
    if len(people) > 1 and names[min(len(people), 3) - 1].casefold() == "others":
        return f"{names[0]} et al. {year}"
    if len(people) == 1:
        who = names[0]
    elif len(people) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who} {year}"


_CACHE: dict[tuple[Path, float], Bibliography] = {}


def fast_text_backend() -> None:
    """Register pybtex's plain-text backend directly (idempotent).

    pybtex looks its backend up among all installed entry points for every name it renders
    (``pybtex.plugin.find_plugin``); in a large environment (JupyterLab installed) that scan
    made one read of the bibliography take about 30 seconds. Registering the backend first
    makes the look-up a dictionary hit.
    """
    from pybtex.backends.plaintext import Backend
    from pybtex.plugin import register_plugin

    register_plugin("pybtex.backends", "text", Backend, force=True)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def read(path: Path | str) -> Bibliography:
    """Parse a ``.bib`` file with pybtex (cached by path and modification time).

    Raises ``FileNotFoundError`` if the file is missing and ``ValueError`` with pybtex's
    message if it cannot be parsed.
    """
    from pybtex.database import parse_file
    from pybtex.exceptions import PybtexError

    path = Path(path)
    stamp = (path.resolve(), path.stat().st_mtime)
    if stamp in _CACHE:
        return _CACHE[stamp]
    fast_text_backend()
    try:
        data = parse_file(str(path), bib_format="bibtex")
    except (PybtexError, UnicodeDecodeError, ValueError) as exc:
        detail = " ".join(str(exc).split())[:300]
        raise ValueError(f"{_display(path)}: cannot parse the bibliography: {detail}") from exc
    entries = data.entries.items()
    bib = Bibliography(
        path,
        labels={key: _short_label(entry) for key, entry in entries},
        titles={key: _latex_text(entry.fields.get("title", "")) for key, entry in entries},
        notes={key: str(entry.fields.get("note", "")) for key, entry in entries},
    )
    _CACHE[stamp] = bib
    return bib


def book_bibliography_path() -> Path | None:
    """``book/references.bib`` of the course, or ``None`` when it cannot be found."""
    from coursekit._paths import book_dir

    try:
        path = book_dir() / "references.bib"
    except FileNotFoundError:
        return None
    return path if path.is_file() else None
