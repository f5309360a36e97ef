"""coursekit: the tested helper package behind the course on psychedelic-assisted therapy for PTSD.

The package is laid out by concern; submodules load lazily so that ``import coursekit`` stays
fast:

* ``coursekit.models``: pure maths (effect sizes and meta-analysis, a pharmacokinetic teaching
  model, associative learning, scale scoring);
* ``coursekit.evidence``: datasets, bibliography and single-value lookups;
* ``coursekit.explore``: the explorer engine, chart theme and generic charts;
* ``coursekit.chapters``: one home per chapter (its explorers, charts and figures);
* ``coursekit.quiz``: self-check quizzes; ``coursekit.cli``: the ``coursekit`` command;
* ``coursekit.sphinxext``: the Sphinx extension that builds the book.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__version__ = "0.1.0"

_SUBMODULES = {"models", "evidence", "explore", "chapters", "quiz", "cli", "sphinxext"}

__all__ = sorted(_SUBMODULES | {"__version__"})


def __getattr__(name: str) -> ModuleType:
    if name in _SUBMODULES:
        module = importlib.import_module(f"coursekit.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'coursekit' has no attribute {name!r}")
