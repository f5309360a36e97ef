"""Chapter 3 (ketamine), page 01-history: dates of the key events and the ketamine timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from coursekit.explore.engine import Exercise

__all__ = ["HISTORY_EVENTS", "event_date", "history_figures", "history_timeline"]

#: Glue name on page 01-history -> ``event_id`` in the ``timeline`` dataset.
HISTORY_EVENTS: dict[str, str] = {
    "k_synth": "ketamine-1962-synthesis",
    "k_approval": "ketamine-1970-approval",
    "k_sched": "ketamine-1999-schedule3",
    "k_es2019": "ketamine-2019-spravato",
    "k_es2020": "ketamine-2020-spravato-msi",
    "k_es2025": "ketamine-2025-monotherapy",
}

_PRECISIONS = ("year", "month", "day")


def event_date(event_id: str, precision: str | None = None) -> str:
    """The date of ``timeline`` event ``event_id`` in words: ``"1962"``, ``"August 2024"`` or
    ``"5 March 2019"``.

    ``precision`` (``"year"``, ``"month"`` or ``"day"``) defaults to the precision the dataset
    records; a coarser one may be asked for, a finer one raises ``ValueError`` (the course never
    writes a date more precisely than it is known), as does an unknown ``event_id``.
    """
    from coursekit._checks import require_choice
    from coursekit.evidence import datasets

    events = datasets.load("timeline")
    match = events[events["event_id"] == event_id]
    if match.empty:
        raise ValueError(f"event_id {event_id!r} is not in the timeline dataset")
    row = match.iloc[0]
    known = str(row["date_precision"])
    wanted = known if precision is None else require_choice("precision", precision, _PRECISIONS)
    if _PRECISIONS.index(wanted) > _PRECISIONS.index(known):
        raise ValueError(
            f"precision {wanted!r} is finer than the {known!r} the dataset records for {event_id!r}"
        )
    date = row["date"]
    if wanted == "day":
        return f"{date.day} {date:%B %Y}"
    if wanted == "month":
        return f"{date:%B %Y}"
    return f"{date:%Y}"


def history_figures() -> dict[str, str]:
    """Figures for page 01-history, glue name -> date in words (see :data:`HISTORY_EVENTS`),
    each written as precisely as the ``timeline`` dataset knows it."""
    return {name: event_date(event_id) for name, event_id in HISTORY_EVENTS.items()}


def history_timeline() -> Exercise:
    """The timeline explorer over the ketamine events of the ``timeline`` dataset, filtered by
    era and category (:func:`coursekit.explore.explorers.timeline_explorer`)."""
    from coursekit.evidence import datasets
    from coursekit.explore import explorers

    events = datasets.load("timeline")
    ketamine = events[events["drug"] == "ketamine"].reset_index(drop=True)
    return explorers.timeline_explorer(
        ketamine, title="Ketamine: key events", group_labels={"ketamine": "Ketamine"}
    )
