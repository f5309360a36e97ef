"""Live tests run only when asked for (``-m live``, as ``make live`` does).

They start JupyterLab and a kernel per notebook, which takes minutes; ``make unit``
(``-m "not browser"``) must not pick them up, so without ``live`` in the marker expression
they are deselected.
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "live" in (config.getoption("markexpr", "") or ""):
        return
    live = [item for item in items if "live" in item.keywords]
    if live:
        config.hook.pytest_deselected(items=live)
        items[:] = [item for item in items if "live" not in item.keywords]
