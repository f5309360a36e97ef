"""Chapter 3 (ketamine): everything specific to the chapter's pages, one module per page.

* :mod:`~coursekit.chapters.ketamine.history` (01-history): event dates and the timeline;
* :mod:`~coursekit.chapters.ketamine.pharmacology` (02-pharmacology): the routes explorer and
  the bioavailability figures;
* :mod:`~coursekit.chapters.ketamine.trials` (04-trials): trial figures, Borgogna's published
  estimates, the fictional small-study demonstration, controlled versus uncontrolled effects;
* :mod:`~coursekit.chapters.ketamine.synthesis` (07-synthesis): the closing figures and the
  treatment comparison.

Every ``*_figures()`` function returns ``{glue name: value}`` computed from the datasets, for
:func:`coursekit.evidence.glue.glue_all` in a page's hidden cell. Everything public is
re-exported here, so a page needs only ``from coursekit.chapters import ketamine``.
"""

from __future__ import annotations

from coursekit.chapters.ketamine.history import (
    HISTORY_EVENTS,
    event_date,
    history_figures,
    history_timeline,
)
from coursekit.chapters.ketamine.pharmacology import (
    EXAMPLE_DOSE_MG,
    PARAMETER_SET,
    ROUTE_NAMES,
    half_life_h,
    pharmacology_figures,
    route_chart,
    route_explorer,
    route_frame,
    route_parts,
    routes,
)
from coursekit.chapters.ketamine.synthesis import (
    SYNTHESIS_DEFAULT_MEASURE,
    SYNTHESIS_MEASURES,
    SYNTHESIS_TREATMENTS,
    synthesis_chart,
    synthesis_description,
    synthesis_figures,
    synthesis_frame,
    synthesis_parts,
)
from coursekit.chapters.ketamine.trials import (
    BORGOGNA_DEFAULT_VIEW,
    BORGOGNA_VIEWS,
    CONTRAST_KINDS,
    FICTIONAL_SMALL_STUDIES,
    before_after_explorer,
    borgogna_description,
    borgogna_forest_explorer,
    borgogna_frame,
    borgogna_parts,
    controlled_vs_uncontrolled_chart,
    controlled_vs_uncontrolled_frame,
    small_study_forest_explorer,
    small_study_frame,
    small_study_funnel,
    trial_figures,
)

__all__ = [
    "BORGOGNA_DEFAULT_VIEW",
    "BORGOGNA_VIEWS",
    "CONTRAST_KINDS",
    "EXAMPLE_DOSE_MG",
    "FICTIONAL_SMALL_STUDIES",
    "HISTORY_EVENTS",
    "PARAMETER_SET",
    "ROUTE_NAMES",
    "SYNTHESIS_DEFAULT_MEASURE",
    "SYNTHESIS_MEASURES",
    "SYNTHESIS_TREATMENTS",
    "before_after_explorer",
    "borgogna_description",
    "borgogna_forest_explorer",
    "borgogna_frame",
    "borgogna_parts",
    "controlled_vs_uncontrolled_chart",
    "controlled_vs_uncontrolled_frame",
    "event_date",
    "half_life_h",
    "history_figures",
    "history_timeline",
    "pharmacology_figures",
    "route_chart",
    "route_explorer",
    "route_frame",
    "route_parts",
    "routes",
    "small_study_forest_explorer",
    "small_study_frame",
    "small_study_funnel",
    "synthesis_chart",
    "synthesis_description",
    "synthesis_figures",
    "synthesis_frame",
    "synthesis_parts",
    "trial_figures",
]
