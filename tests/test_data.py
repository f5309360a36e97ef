"""Behaviour of the generic dataset loader in ``coursekit.data``."""

from __future__ import annotations

import csv
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from coursekit.evidence import datasets as data

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / "src" / "coursekit" / "datasets"
EXPECTED = {"epidemiology", "glossary", "timeline", "treatments", "trials"}


def _raw_rows(name: str) -> list[dict[str, str]]:
    with (DATASETS / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_names_lists_every_csv_with_a_sidecar() -> None:
    assert set(data.names()) >= EXPECTED
    assert data.names() == sorted(data.names())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_load_uses_declared_dtypes(name: str) -> None:
    df = data.load(name)
    spec = data.schema(name)
    assert list(df.columns) == list(spec["columns"])
    expected = {"string": "string", "int": "Int64", "float": "Float64", "bool": "boolean"}
    for col, cspec in spec["columns"].items():
        if cspec["dtype"] == "date":
            assert pd.api.types.is_datetime64_any_dtype(df[col]), col
        else:
            assert str(df[col].dtype) == expected[cspec["dtype"]], col
    assert len(df) == len(_raw_rows(name))


def test_load_returns_independent_copies() -> None:
    first = data.load("trials")
    first.loc[:, "label"] = "changed"
    second = data.load("trials")
    assert not (second["label"] == "changed").any()


def test_empty_cells_are_missing_not_zero() -> None:
    raw = {r["trial_id"]: r for r in _raw_rows("trials")}
    df = data.load("trials").set_index("trial_id")
    for tid, row in raw.items():
        for col in ("effect_size", "n_control", "status_date"):
            assert (row[col] == "") == bool(pd.isna(df.loc[tid, col])), (tid, col)


def test_unknown_dataset_names_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="unknown dataset 'nope'") as info:
        data.load("nope")
    for name in EXPECTED:
        assert name in str(info.value)
    with pytest.raises(ValueError, match="unknown dataset"):
        data.schema("nope")


def test_trial_returns_the_matching_row() -> None:
    raw = {r["trial_id"]: r for r in _raw_rows("trials")}
    t = data.trial("mapp1")
    assert isinstance(t, pd.Series)
    assert t["trial_id"] == "mapp1"
    assert t.n_total == int(raw["mapp1"]["n_total"])
    assert t.effect_size == pytest.approx(float(raw["mapp1"]["effect_size"]))


def test_unknown_trial_suggests_close_ids() -> None:
    with pytest.raises(ValueError, match="unknown trial_id 'abdallah2022'") as info:
        data.trial("abdallah2022")
    assert "abdallah2022_dose05" in str(info.value)
    with pytest.raises(ValueError, match="must be a string"):
        data.trial(3)  # type: ignore[arg-type]


def test_import_does_not_load_pandas() -> None:
    code = "import sys, coursekit.evidence.datasets; print('pandas' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "False"


def test_glossary_page_is_in_sync_with_dataset() -> None:
    page = (ROOT / "book" / "reference" / "glossary.md").read_text(encoding="utf-8")
    assert page == data.glossary_markdown(), (
        "book/reference/glossary.md is out of date; regenerate it with "
        "coursekit glossary > book/reference/glossary.md"
    )


def test_glossary_markdown_contains_every_term_and_alias() -> None:
    text = data.glossary_markdown()
    lines = set(text.splitlines())
    for row in _raw_rows("glossary"):
        assert row["term"] in lines
        for alias in filter(None, (a.strip() for a in row["aliases"].split(";"))):
            assert alias in lines
    assert text.count(":::{glossary}") == 1


# ---------------------------------------------------------------------------
# The loader is generic: exercise it on a throw-away dataset
# ---------------------------------------------------------------------------

SIDECAR = textwrap.dedent(
    """
    title: Toy
    id_column: id
    source_column: source
    confidence_column: confidence
    columns:
      id: {dtype: string, required: true, pattern: "^[a-z]+$"}
      count: {dtype: int, min: 0, max: 10}
      share: {dtype: float, min: 0, max: 1}
      flag: {dtype: bool}
      when: {dtype: date, min: "2000-01-01"}
      kind: {dtype: string, allowed: [a, b]}
      source: {dtype: string, required: true}
      confidence: {dtype: string, required: true, allowed: [H, V, M, P]}
    """
)
HEADER = "id,count,share,flag,when,kind,source,confidence\n"


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Point the loader at a temporary directory holding one dataset called ``toy``."""
    monkeypatch.setattr(data, "DATASETS_DIR", tmp_path)
    data.clear_cache()

    def write(body: str) -> Path:
        (tmp_path / "toy.yml").write_text(SIDECAR, encoding="utf-8")
        (tmp_path / "toy.csv").write_text(HEADER + body, encoding="utf-8")
        data.clear_cache()
        return tmp_path

    yield write
    data.clear_cache()


def test_generic_loader_parses_every_dtype(toy) -> None:
    toy("abc,3,0.5,true,2020-02-29,a,key1,H\nxyz,,,no,,,key2;key3,M\n")
    assert data.names() == ["toy"]
    df = data.load("toy")
    assert df["count"].tolist()[0] == 3 and pd.isna(df["count"].iloc[1])
    assert str(df["count"].dtype) == "Int64"
    assert str(df["share"].dtype) == "Float64"
    assert df["flag"].tolist() == [True, False]
    assert df["when"].iloc[0] == pd.Timestamp("2020-02-29")
    assert pd.isna(df["when"].iloc[1])
    assert data.check_datasets(bib_path=Path("/nonexistent.bib")) == []
    assert data.source_keys("toy") == {"key1", "key2", "key3"}


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("abc,x,0.5,true,2020-01-01,a,k,H\n", "'count': 'x' is not a whole number"),
        ("abc,11,0.5,true,2020-01-01,a,k,H\n", "'count': 11 is above the maximum 10"),
        ("abc,1,-0.1,true,2020-01-01,a,k,H\n", "'share': -0.1 is below the minimum 0"),
        ("abc,1,0.5,maybe,2020-01-01,a,k,H\n", "'flag': 'maybe' is not true/false"),
        ("abc,1,0.5,true,2020-02-30,a,k,H\n", "not a valid calendar date"),
        ("abc,1,0.5,true,01/02/2020,a,k,H\n", "not a date in YYYY-MM-DD form"),
        ("abc,1,0.5,true,1999-12-31,a,k,H\n", "'when': 1999-12-31 is below the minimum"),
        ("abc,1,0.5,true,2020-01-01,c,k,H\n", "'kind': 'c' is not one of a, b"),
        ("abc,1,0.5,true,2020-01-01,a,,H\n", "'source': value is required but empty"),
        ("abc,1,0.5,true,2020-01-01,a,k,U\n", "unconfirmed (U) rows must not be stored"),
        ("ABC,1,0.5,true,2020-01-01,a,k,H\n", "does not match"),
        ("abc,1,0.5,true,,a,k,H\nabc,1,0.5,true,,a,k,V\n", "duplicate id 'abc'"),
    ],
)
def test_generic_loader_reports_bad_cells(toy, body: str, fragment: str) -> None:
    toy(body)
    problems = data.check_datasets(bib_path=Path("/nonexistent.bib"))
    assert any(fragment in p for p in problems), problems
    assert any(p.startswith("toy.csv, row ") for p in problems), problems
    with pytest.raises(ValueError, match="failed its checks"):
        data.load("toy")


def test_generic_loader_reports_undeclared_and_missing_columns(toy) -> None:
    directory = toy("abc,1,0.5,true,2020-01-01,a,k,H\n")
    (directory / "toy.csv").write_text(
        "id,count,extra,source,confidence\nabc,1,z,k,H\n", encoding="utf-8"
    )
    data.clear_cache()
    problems = "\n".join(data.check_datasets(bib_path=Path("/nonexistent.bib")))
    assert "not declared in toy.yml: extra" in problems
    assert "missing declared column(s): share, flag, when, kind" in problems


def test_csv_without_sidecar_is_reported(toy) -> None:
    directory = toy("abc,1,0.5,true,2020-01-01,a,k,H\n")
    (directory / "orphan.csv").write_text("a\n1\n", encoding="utf-8")
    assert "orphan" not in data.names()
    problems = data.check_datasets(bib_path=Path("/nonexistent.bib"))
    assert any("orphan.csv: no orphan.yml sidecar" in p for p in problems)


def test_unknown_source_key_is_reported(toy, tmp_path: Path) -> None:
    toy("abc,1,0.5,true,2020-01-01,a,known;missing,H\n")
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{known,\n  title = {T},\n  year = {2000}\n}\n", encoding="utf-8")
    problems = data.check_datasets(bib_path=bib)
    assert problems == ["toy.csv, row 2: source key 'missing' is not in references.bib"]


def test_bad_sidecar_dtype_is_reported(toy) -> None:
    directory = toy("abc,1,0.5,true,2020-01-01,a,k,H\n")
    (directory / "toy.yml").write_text(SIDECAR.replace("dtype: bool", "dtype: boolean"))
    data.clear_cache()
    problems = data.check_datasets(bib_path=Path("/nonexistent.bib"))
    assert any("dtype 'boolean' is not one of" in p for p in problems)


def test_readme_documents_every_dataset() -> None:
    readme = (DATASETS / "README.md").read_text(encoding="utf-8")
    for name in data.names():
        assert f"### `{name}`" in readme, f"add a section for {name} to datasets/README.md"
        for col in data.schema(name)["columns"]:
            assert f"| `{col}` |" in readme, f"{name}.{col} is not documented in README.md"


def test_chapter_term_links_exist_in_the_glossary() -> None:
    """Every {term}`...` role in the book points at a glossary headword or alias."""
    import json
    import re

    names = set()
    for row in _raw_rows("glossary"):
        names.add(row["term"].casefold())
        names.update(a.strip().casefold() for a in row["aliases"].split(";") if a.strip())
    role = re.compile(r"\{term\}`(?:[^`<]*<([^>`]+)>|([^`]+))`")
    problems = []
    for path in sorted((ROOT / "book").rglob("*")):
        if path.suffix == ".md":
            texts = [path.read_text(encoding="utf-8")]
        elif path.suffix == ".ipynb" and ".ipynb_checkpoints" not in path.parts:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
            texts = ["".join(c.get("source", "")) for c in cells if c["cell_type"] == "markdown"]
        else:
            continue
        for text in texts:
            for target, plain in role.findall(text):
                term = (target or plain).strip()
                if term.casefold() not in names:
                    problems.append(f"{path.relative_to(ROOT)}: {term!r}")
    assert not problems, "glossary terms not found:\n" + "\n".join(problems)
