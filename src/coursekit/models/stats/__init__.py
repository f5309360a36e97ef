"""Effect sizes, proportions and meta-analysis for the course notebooks.

``from coursekit.models import stats`` gives everything below; the code lives in
:mod:`~coursekit.models.stats.effects` (d, g, overlap pictures, SDs from reported SEs and
CIs), :mod:`~coursekit.models.stats.proportions` (RD, RR, OR, NNT),
:mod:`~coursekit.models.stats.meta` (fixed and random-effects pooling) and
:mod:`~coursekit.models.stats.distributions` (t and chi-squared from :mod:`scipy.stats`).
Importing this package is cheap: scipy (and numpy with it) is loaded only by the first call
that needs a distribution. Sequences may be lists, tuples, numpy arrays or pandas Series.

Conventions used throughout
---------------------------
* Group 1 is the treatment (or experimental) group, group 2 the comparison group:
  ``d = (mean1 - mean2) / pooled SD`` and ``RD = p1 - p2``.
* Confidence intervals for d, g, RD, RR and OR use the normal approximation
  (estimate +/- z * SE; RR and OR on the log scale).
* Results are small frozen dataclasses whose ``repr`` reads like a results sentence.
* Bad input raises ``ValueError`` naming the argument. Results never hold NaN or an
  infinity, except the number needed to treat, which is ``math.inf`` when there is no
  difference between the groups (see :class:`Overlap` and :class:`NNTResult`).

Main references: Borenstein et al. (2009) *Introduction to Meta-Analysis*; Hedges (1981);
Cohen (1988); Kraemer & Kupfer (2006); Furukawa & Leucht (2011); Altman (1998) BMJ 317:1309;
Newcombe (1998) Stat Med 17:873; DerSimonian & Laird (1986); Paule & Mandel (1982);
Viechtbauer (2005) J Educ Behav Stat 30:261; Higgins, Thompson & Spiegelhalter (2009).
"""

from __future__ import annotations

from coursekit.models.stats.distributions import chi2_sf, t_cdf, t_quantile
from coursekit.models.stats.effects import (
    EffectSize,
    Overlap,
    cohens_d,
    cohens_d_from_change,
    cohens_d_from_t,
    d_to_overlap,
    hedges_correction,
    hedges_g,
    sd_from_ci,
    sd_from_se,
)
from coursekit.models.stats.meta import MetaResult, meta_analysis
from coursekit.models.stats.proportions import (
    Estimate,
    NNTResult,
    nnt,
    odds_ratio,
    risk_difference,
    risk_ratio,
)

__all__ = [
    "EffectSize",
    "Estimate",
    "MetaResult",
    "NNTResult",
    "Overlap",
    "chi2_sf",
    "cohens_d",
    "cohens_d_from_change",
    "cohens_d_from_t",
    "d_to_overlap",
    "hedges_correction",
    "hedges_g",
    "meta_analysis",
    "nnt",
    "odds_ratio",
    "risk_difference",
    "risk_ratio",
    "sd_from_ci",
    "sd_from_se",
    "t_cdf",
    "t_quantile",
]
