"""The course's evidence base: datasets with schemas and provenance (:mod:`datasets`), the
bibliography (:mod:`bibliography`) and single-value lookups for pages (:mod:`lookup`)."""
