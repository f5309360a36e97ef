"""coursekit: the tested helper package behind the course on psychedelic-assisted therapy for PTSD.

Submodules are imported lazily so that ``import coursekit`` stays fast:
``coursekit.stats``, ``coursekit.pharmacology``, ``coursekit.learning``,
``coursekit.scales``, ``coursekit.charts``, ``coursekit.widgets``,
``coursekit.quiz``, ``coursekit.data`` and ``coursekit.cli``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__version__ = "0.1.0"

_SUBMODULES = {
    "stats",
    "pharmacology",
    "learning",
    "scales",
    "charts",
    "widgets",
    "quiz",
    "data",
    "cli",
}

__all__ = sorted(_SUBMODULES | {"__version__"})


def __getattr__(name: str) -> ModuleType:
    if name in _SUBMODULES:
        module = importlib.import_module(f"coursekit.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'coursekit' has no attribute {name!r}")
