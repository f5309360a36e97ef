"""One home per chapter: everything specific to one chapter of the course.

* :mod:`coursekit.chapters.ptsd`: the PCL-5 scorer, the fear-learning explorer, and the
  figures and charts of the epidemiology, brain and treatment pages;
* :mod:`coursekit.chapters.mdma`: the split-dose teaching-model explorer, the timeline, the
  trial figures and the Phase 3 forest plot;
* :mod:`coursekit.chapters.ketamine`: one module per page (history, pharmacology with the
  routes explorer, trials, synthesis);
* :mod:`coursekit.chapters.appraisal`: the capstone's risk-of-bias worksheet and the appraisal
  figures.

Each module builds on the chapter-free core (:mod:`coursekit.models`,
:mod:`coursekit.evidence`, :mod:`coursekit.explore`); nothing in the core imports a chapter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from coursekit.explore.engine import ExplorerParts

__all__ = ["explorer_parts"]


def explorer_parts() -> dict[str, ExplorerParts]:
    """Every explorer of the course by short name, as parts (for ``make bench`` and the
    browser tests): the chapter-free ones on example data, then each chapter's."""
    from coursekit.chapters import ketamine, mdma, ptsd
    from coursekit.explore import explorers

    return {
        "effect": explorers.effect_size_parts(0.8)[0],
        "forest": explorers.example_forest_parts(),
        "timeline": explorers.example_timeline_parts(),
        "pk": mdma.pk_parts(),
        "phase3": mdma.phase3_forest_parts(),
        "route": ketamine.route_parts(),
        "borgogna": ketamine.borgogna_parts(),
        "synthesis": ketamine.synthesis_parts(),
        "learning": ptsd.learning_parts(),
        "pcl5": ptsd.pcl5_parts(),
    }
