"""Locate the course's files: the book directory and packaged assets."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

__all__ = ["book_dir", "project_root", "static_dir"]


def project_root(start: Path | None = None) -> Path:
    """Return the course checkout: the nearest directory above ``start`` holding ``_toc.yml``.

    ``COURSEKIT_ROOT`` overrides the search. Raises ``FileNotFoundError`` with a clear
    message when no checkout is found.
    """
    env = os.environ.get("COURSEKIT_ROOT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "_toc.yml").is_file() and (candidate / "book").is_dir():
            return candidate
    raise FileNotFoundError(
        f"could not find the course folder (a directory with _toc.yml and book/) above {here}; "
        "set COURSEKIT_ROOT to the checkout"
    )


def book_dir(start: Path | None = None) -> Path:
    """Return the ``book/`` directory of the course checkout."""
    return project_root(start) / "book"


def static_dir() -> Path:
    """Return the directory of shared static assets shipped with the package."""
    return Path(str(resources.files("coursekit") / "static"))
