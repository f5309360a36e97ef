"""Glued values of the course's notebooks, from running their own glue cells.

Used by :mod:`coursekit.lab` (see there).
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["cached_glue", "collect_glue", "write_file"]

_GLUE_CALL = re.compile(r"\bglue(?:_all)?\s*\(")


def _glue_prefix(nb: Any) -> list[Any]:
    """The notebook's code cells up to the last one that calls ``glue`` (none if none does)."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    last = max((i for i, c in enumerate(code) if _GLUE_CALL.search(c.source)), default=-1)
    return code[: last + 1]


def collect_glue(notebooks: Mapping[str, Path], *, timeout: int = 300) -> dict[str, dict[str, Any]]:
    """Glued outputs by docname, from running each notebook's glue cells in one kernel.

    ``notebooks`` maps docnames to notebook files. Each notebook's glue cells run in a fresh
    namespace (``%reset -f``) with the notebook's folder as working directory; the outputs
    are read with myst-nb's own :func:`~myst_nb.ext.glue.extract_glue_data_cell`.
    """
    import nbformat
    from myst_nb.ext.glue import extract_glue_data_cell
    from nbclient import NotebookClient

    combined = nbformat.v4.new_notebook()
    owner: list[str | None] = []
    for docname, path in notebooks.items():
        nb = nbformat.read(path, as_version=4)
        prefix = _glue_prefix(nb)
        if not prefix:
            continue
        setup = f"%reset -f\nimport os\nos.chdir({str(path.parent.resolve())!r})"
        combined.cells.append(nbformat.v4.new_code_cell(setup))
        owner.append(None)
        for cell in prefix:
            combined.cells.append(nbformat.v4.new_code_cell(cell.source))
            owner.append(docname)
    if not combined.cells:
        return {}
    combined.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    client = NotebookClient(combined, timeout=timeout, kernel_name="python3", allow_errors=False)
    client.execute()
    glued: dict[str, dict[str, Any]] = {}
    for docname, cell in zip(owner, combined.cells, strict=True):
        if docname is None:
            continue
        for key, output in extract_glue_data_cell(copy.deepcopy(cell)):
            glued.setdefault(docname, {})[key] = output
    return glued


def write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".ck-tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def cached_glue(
    root: Path, files: Mapping[str, Path], state: Path
) -> Mapping[str, Mapping[str, Any]]:
    """:func:`collect_glue` for every notebook that pastes glued values, with a cache.

    A notebook's values are reused while its glue cells and everything notebooks read
    besides themselves (the ``coursekit`` package, datasets, quiz banks:
    :func:`coursekit.sphinxext.inputs_fingerprint`) are unchanged.
    """
    import nbformat

    from coursekit.sphinxext import inputs_fingerprint

    fingerprint = inputs_fingerprint(root)
    wanted: dict[str, tuple[Path, str]] = {}
    for rel, path in files.items():
        if not rel.endswith(".ipynb") or "{glue" not in path.read_text(encoding="utf-8"):
            continue
        cells = [c.source for c in _glue_prefix(nbformat.read(path, as_version=4))]
        digest = hashlib.sha256(json.dumps([fingerprint, str(path.parent), cells]).encode())
        wanted[rel.rsplit(".", 1)[0]] = (path, digest.hexdigest())
    cache_file = state / "glue-cache.json"
    try:
        cache = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    result: dict[str, Mapping[str, Any]] = {}
    stale: dict[str, Path] = {}
    for docname, (path, key) in wanted.items():
        entry = cache.get(docname)
        if isinstance(entry, dict) and entry.get("key") == key:
            result[docname] = entry["outputs"]
        else:
            stale[docname] = path
    if stale:
        fresh = collect_glue(stale)
        for docname in stale:
            outputs = json.loads(json.dumps(fresh.get(docname, {})))
            result[docname] = outputs
            cache[docname] = {"key": wanted[docname][1], "outputs": outputs}
        cache = {k: v for k, v in cache.items() if k in wanted}
        write_file(cache_file, json.dumps(cache, sort_keys=True).encode())
    return result
