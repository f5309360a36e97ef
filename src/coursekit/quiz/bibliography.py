"""Quiz access to the course bibliography.

The reader is :func:`coursekit.evidence.bibliography.read`, the course's one pybtex reader
of ``references.bib``; this module names it for the quiz code and adds the path display used
in quiz messages.
"""

from __future__ import annotations

from pathlib import Path

from coursekit.evidence.bibliography import Bibliography
from coursekit.evidence.bibliography import read as read_bibliography

__all__ = ["Bibliography", "display_path", "read_bibliography"]


def display_path(path: Path) -> str:
    """Show ``path`` relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)
