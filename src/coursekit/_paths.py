"""Locate the course's files: the book directory (quiz banks, bibliography) and packaged assets.

A notebook may run from anywhere: inside the checkout, from an instructor's working folder,
from a JupyterHub home directory or as a downloaded ``.ipynb``. The course folder is found,
in this order:

1. ``COURSEKIT_ROOT``, when set;
2. the nearest folder above the current directory holding ``_toc.yml`` and ``book/`` (an
   instructor's own copy of the course, with their edits, wins);
3. the checkout the installed package came from (``pip install -e .``, as ``make`` and the
   JupyterHub environment install it), found from the package's own location.

Datasets and static assets are package data and need none of this.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

__all__ = ["book_dir", "project_root", "static_dir", "toc_pages"]


def _is_course(folder: Path) -> bool:
    return (folder / "_toc.yml").is_file() and (folder / "book").is_dir()


def project_root(start: Path | None = None) -> Path:
    """Return the course folder (see the module docstring for the search order).

    Raises ``FileNotFoundError`` with a message saying what was searched and how to point
    the package at a course folder when none is found.
    """
    env = os.environ.get("COURSEKIT_ROOT")
    if env:
        root = Path(env).expanduser().resolve()
        if not _is_course(root):
            raise FileNotFoundError(
                f"COURSEKIT_ROOT is {env!r}, which has no _toc.yml and book/ folder; "
                "point it at the course checkout"
            )
        return root
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if _is_course(candidate):
            return candidate
    installed = Path(__file__).resolve().parents[2]
    if _is_course(installed):
        return installed
    raise FileNotFoundError(
        f"could not find the course's quiz banks and bibliography: no folder with _toc.yml and "
        f"book/ above {here}, and coursekit is not installed from a course checkout. Install it "
        "from the checkout (pip install -e PATH) or set COURSEKIT_ROOT to the checkout"
    )


def book_dir(start: Path | None = None) -> Path:
    """Return the ``book/`` directory of the course folder."""
    return project_root(start) / "book"


def static_dir() -> Path:
    """Return the directory of shared static assets shipped with the package."""
    return Path(str(resources.files("coursekit") / "static"))


def toc_pages(root: Path) -> list[str]:
    """Files of ``root/_toc.yml`` in reading order, without extension (``book/ptsd/index``)."""
    toc = Path(root) / "_toc.yml"
    if not toc.is_file():
        return []
    import yaml

    data = yaml.safe_load(toc.read_text(encoding="utf-8")) or {}
    order: list[str] = [str(data.get("root", ""))]

    def walk(entries: object) -> None:
        for entry in entries or ():  # type: ignore[union-attr]
            if isinstance(entry, dict):
                if "file" in entry:
                    order.append(str(entry["file"]))
                walk(entry.get("sections", []))
                walk(entry.get("chapters", []))

    walk(data.get("parts", []))
    walk(data.get("chapters", []))
    return order
