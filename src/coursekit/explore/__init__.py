"""The chapter-free explorer engine and charts.

* :mod:`engine`: controls, :class:`~coursekit.explore.engine.Exercise` and :func:`explorer`
  (*Python computes, the browser selects*);
* :mod:`grid`: the compact precomputed grid a static explorer selects from;
* :mod:`render`: the chart theme, the static-book markup and the myst-nb MIME renderer;
* :mod:`chartkit`: helpers shared by every chart builder;
* :mod:`charts` and :mod:`meta_charts`: generic chart builders;
* :mod:`explorers`: chapter-free explorers (effect size, forest plot, timeline).
"""
