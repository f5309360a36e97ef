"""The package's layout keeps its design: a chapter-free core, one home per chapter.

* Nothing outside ``coursekit.chapters`` imports a chapter module or names a chapter's
  drugs, trials, parameter sets or datasets.
* No module is over the size limit.
* Notebooks stay thin: no helper functions, no long code cells.
* Every third-party package the code imports is declared in ``pyproject.toml``.
"""

from __future__ import annotations

import ast
import csv
import json
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "coursekit"
CHAPTERS = PACKAGE / "chapters"
DATASETS = PACKAGE / "datasets"
MAX_MODULE_LINES = 600
MAX_CELL_LINES = 15

#: Datasets that belong to one chapter (the generic ones, e.g. ``trials``, serve every chapter).
CHAPTER_DATASETS = (
    "mdma_mechanisms",
    "ketamine_realworld",
    "synthesis_comparison",
    "rob2_judgements",
    "blinding_guesses",
)


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _core_modules() -> list[Path]:
    return [p for p in _modules() if CHAPTERS not in p.parents]


def _forbidden_words() -> set[str]:
    words = {"mdma", "ketamine", "esketamine", *CHAPTER_DATASETS}
    for name, column in (("trials", "trial_id"), ("pk_parameters", "param_set_id")):
        with (DATASETS / f"{name}.csv").open(encoding="utf-8") as fh:
            words |= {row[column] for row in csv.DictReader(fh)}
    return words


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


@pytest.mark.parametrize("path", _core_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_does_not_import_chapters(path: Path) -> None:
    chapter_imports = {m for m in _imported_modules(path) if m.startswith("coursekit.chapters")}
    assert not chapter_imports, f"{path.name} imports chapter code: {sorted(chapter_imports)}"


@pytest.mark.parametrize("path", _core_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_names_no_drug_trial_or_chapter_dataset(path: Path) -> None:
    text = path.read_text(encoding="utf-8").lower()
    hits = sorted(w for w in _forbidden_words() if re.search(rf"\b{re.escape(w)}\b", text))
    assert not hits, f"{path.relative_to(PACKAGE)} names chapter-specific things: {hits}"


def test_boundary_check_would_catch_a_chapter_word(tmp_path: Path) -> None:
    """The word scan is not vacuous: it finds a drug name and a trial id."""
    words = _forbidden_words()
    assert {"mdma", "ketamine", "mapp1"} <= words
    sample = tmp_path / "x.py"
    sample.write_text('"""Draw the MAPP1 forest."""\nfrom coursekit.chapters import mdma\n')
    assert "coursekit.chapters" in _imported_modules(sample)


def test_every_chapter_has_a_home() -> None:
    homes = {p.stem if p.is_file() else p.name for p in CHAPTERS.iterdir()}
    assert {"ptsd", "mdma", "ketamine"} <= homes


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_too_long(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.name} has {lines} lines; split it by concern"


NOTEBOOKS = sorted(
    p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)


def _code_cells(path: Path) -> list[tuple[int, str]]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [
        (i, "".join(c["source"]) if isinstance(c["source"], list) else c["source"])
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "code"
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebooks_are_thin(path: Path) -> None:
    problems = []
    for index, source in _code_cells(path):
        lines = [ln for ln in source.splitlines() if ln.strip()]
        if len(lines) > MAX_CELL_LINES:
            problems.append(f"cell {index}: {len(lines)} lines (limit {MAX_CELL_LINES})")
        tree = ast.parse(source)
        defined = [
            n.name
            for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda)
            and not isinstance(n, ast.Lambda)
        ]
        if defined:
            problems.append(f"cell {index} defines {defined}: move it into coursekit")
    assert not problems, "\n".join(problems)


def _declared_distributions() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = set()
    for requirement in project["dependencies"]:
        names.add(re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-"))
    return names


def _third_party_imports() -> set[str]:
    stdlib = set(sys.stdlib_module_names)
    top = set()
    for path in _modules():
        for module in _imported_modules(path):
            root = module.split(".")[0]
            if root not in stdlib and root != "coursekit" and root != "__future__":
                top.add(root)
    return top


def test_every_imported_package_is_declared() -> None:
    owners = metadata.packages_distributions()
    declared = _declared_distributions()
    undeclared = {}
    for module in sorted(_third_party_imports()):
        dists = {d.lower().replace("_", "-") for d in owners.get(module, [module])}
        if not dists & declared:
            undeclared[module] = sorted(dists)
    assert not undeclared, f"imported but not declared in pyproject dependencies: {undeclared}"


def test_importing_jsonschema_and_altair_builds_no_iri_parsers() -> None:
    """jsonschema 4.25+ would import rfc3987-syntax (through jupyter-events' format-nongpl
    extra), which compiles dozens of Lark parsers at import: 1.5 s added to every kernel
    that draws a chart. pyproject.toml keeps jsonschema below 4.25; this catches an upgrade."""
    code = "import sys, jsonschema, altair; print('rfc3987_syntax' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
