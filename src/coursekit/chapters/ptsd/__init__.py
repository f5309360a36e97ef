"""Chapter 1 (PTSD): the PCL-5 scorer, the fear-learning explorer and the pages' figures.

* :mod:`.explorers`: :func:`pcl5_explorer` (section 3) and :func:`learning_explorer`
  (section 4), with their pure ``*_frame`` functions and ``*_chart`` builders;
* :mod:`.figures`: every number a page glues, computed from the datasets, for the page's
  hidden cell ``glue_all(ptsd.epidemiology_figures())``: :func:`epidemiology_figures`
  (section 2), :func:`brain_figures` (section 5) and :func:`treatment_figures` (section 6);
* :mod:`.page_charts`: :func:`norway_prevalence_chart`, :func:`norway_incidence_chart`
  (section 2) and :func:`dropout_chart` (section 6).

Everything is importable from here: ``from coursekit.chapters import ptsd; ptsd.pcl5_explorer()``.
"""

from __future__ import annotations

from coursekit.chapters.ptsd.explorers import (
    CLUSTER_NAMES,
    LEARNING_DESIGNS,
    LEARNING_MODELS,
    LEARNING_RATES,
    LEARNING_TRIALS,
    learning_chart,
    learning_explorer,
    learning_frame,
    learning_parts,
    pcl5_chart,
    pcl5_explorer,
    pcl5_frame,
    pcl5_parts,
)
from coursekit.chapters.ptsd.figures import (
    Figures,
    brain_figures,
    epidemiology_figures,
    treatment_figures,
)
from coursekit.chapters.ptsd.page_charts import (
    dropout_chart,
    norway_incidence_chart,
    norway_prevalence_chart,
)

__all__ = [
    "CLUSTER_NAMES",
    "LEARNING_DESIGNS",
    "LEARNING_MODELS",
    "LEARNING_RATES",
    "LEARNING_TRIALS",
    "Figures",
    "brain_figures",
    "dropout_chart",
    "epidemiology_figures",
    "learning_chart",
    "learning_explorer",
    "learning_frame",
    "learning_parts",
    "norway_incidence_chart",
    "norway_prevalence_chart",
    "pcl5_chart",
    "pcl5_explorer",
    "pcl5_frame",
    "pcl5_parts",
    "treatment_figures",
]
