"""Pure, chapter-free maths: effect sizes and meta-analysis (:mod:`stats`), a one-compartment
pharmacokinetic teaching model (:mod:`pk`), associative learning (:mod:`learning`) and the
scoring of PTSD scales (:mod:`scales`). No module here reads a dataset or names a drug, a
trial or a chapter: chapter-specific parameters come from :mod:`coursekit.chapters`."""
