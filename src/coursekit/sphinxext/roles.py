"""The ``{ck}`` role: a figure in a page read from the course's datasets.

Write ``{ck}`trials/TRIAL_ID/effect_size:.2f``` in a MyST page and the value of that
cell is rendered, formatted with the optional format spec. The build fails (with ``-W``)
when the dataset, row or column is missing, the cell is empty, or the row's confidence is
unconfirmed: a number in the book is always the number in the data
(:func:`coursekit.evidence.lookup.format_value`).
"""

from __future__ import annotations

from typing import Any

__all__ = ["ck_role"]


def ck_role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Any,
    options: dict | None = None,
    content: list | None = None,
) -> tuple[list[Any], list[Any]]:
    """Docutils role: render ``DATASET/ROW_ID/COLUMN[:FORMAT]`` as text, or report an error."""
    from docutils import nodes

    from coursekit.evidence.lookup import format_value

    try:
        rendered = format_value(text)
    except (ValueError, TypeError) as exc:
        message = inliner.reporter.error(f"{{ck}} {text!r}: {exc}", line=lineno)
        problem = inliner.problematic(rawtext, rawtext, message)
        return [problem], [message]
    return [nodes.inline(rawtext, rendered, classes=["ck-value"])], []
