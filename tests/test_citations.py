"""Every citation in the course resolves to an entry in book/references.bib."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pybtex.database
import pytest
import yaml

from coursekit.evidence import datasets as data

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
BIB = BOOK / "references.bib"

# Keys the project contract fixes for the main sources.
CONTRACT_KEYS = [
    "apa2022dsm5tr",
    "who2019icd11",
    "weathers2013pcl5",
    "blevins2015",
    "weathers2018caps5",
    "forkus2022",
    "kessler1995",
    "kessler2017",
    "koenen2017",
    "goldstein2016",
    "lassemo2017",
    "heir2019",
    "lehavot2018",
    "watkins2018",
    "lewis2020efficacy",
    "lewis2020dropout",
    "cusack2016",
    "brady2000",
    "mitchell2021",
    "mitchell2023",
    "mithoefer2019",
    "jerome2020",
    "feduccia2021",
    "mithoefer2011",
    "nader2000",
    "bouton2004",
    "rescorla1972",
    "etkin2007",
    "logue2018",
    "gilbertson2002",
    "meewisse2007",
    "herman1992",
    "siegel1999",
    "cloitre2013",
    "steenkamp2015",
    "resick2012",
    "freudenmann2006",
    "benzenhofer2010",
    "vizeli2017",
    "hartung2002",
    "vuori2003",
    "mccann1998",
    "ricaurte2002",
    "amoroso2019",
    "huestis2024",
    "colcott2024",
    "fda2024crl",
    "fda2024adcomm",
    "tga2023",
    "feder2014",
    "feder2021",
    "abdallah2022",
    "pradhan2017",
    "pradhan2018",
    "duek2023",
    "borgogna2024",
    "almeida2024",
    "ragnhildstveit2023",
    "zanos2018",
    "duman2014",
    "li2010",
    "autry2011",
    "zanos2016",
    "williams2018",
    "dore2019",
    "wilkinson2017",
    "dakwar2019",
    "grabski2022",
    "shahani2007",
    "chong2006",
    "rolan2014",
    "albott2018",
    "dadabayev2020",
    "shiroma2020",
    "mathai2022",
    "spravato2025label",
    "ketalar2024label",
    "freye2009",
    "young1986",
    "fr1984",
    "fr1988",
    "grinspoon1987",
    "maps2017btd",
    "lykos2024crl",
]

RETRACTED = {"mithoefer2019", "jerome2020", "feduccia2021", "ricaurte2002"}
RETRACTED_2024 = {"mithoefer2019", "jerome2020", "feduccia2021"}

CITE_ROLE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]*)`")


@pytest.fixture(scope="module")
def bib() -> pybtex.database.BibliographyData:
    return pybtex.database.parse_file(str(BIB))


def _keys_in(text: str) -> list[str]:
    return [k.strip() for group in CITE_ROLE.findall(text) for k in group.split(",") if k.strip()]


def _markdown_sources() -> list[tuple[str, str]]:
    """(label, markdown text) for every .md page and every notebook markdown cell."""
    out: list[tuple[str, str]] = []
    for path in sorted(BOOK.rglob("*.md")):
        out.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")))
    for path in sorted(BOOK.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb.get("cells", [])):
            if cell.get("cell_type") == "markdown":
                src = cell.get("source", "")
                text = "".join(src) if isinstance(src, list) else src
                out.append((f"{path.relative_to(ROOT)} cell {i}", text))
    return out


def test_bibliography_parses_and_has_no_duplicate_keys(bib) -> None:
    text = BIB.read_text(encoding="utf-8")
    keys = re.findall(r"^\s*@\w+\s*\{\s*([^,\s]+)\s*,", text, flags=re.MULTILINE)
    assert len(keys) == len(set(keys)), sorted({k for k in keys if keys.count(k) > 1})
    assert len(bib.entries) == len(keys)


def test_contract_keys_exist(bib) -> None:
    missing = [k for k in CONTRACT_KEYS if k not in bib.entries]
    assert not missing, f"missing from references.bib: {missing}"


def test_entries_have_title_and_author(bib) -> None:
    for key, entry in bib.entries.items():
        assert entry.fields.get("title"), key
        assert entry.persons.get("author") or entry.fields.get("author"), key


def test_dois_look_like_dois(bib) -> None:
    for key, entry in bib.entries.items():
        doi = entry.fields.get("doi")
        if doi:
            assert re.fullmatch(r"10\.\d{4,9}/\S+", doi), (key, doi)


@pytest.mark.parametrize("key", sorted(RETRACTED))
def test_retracted_works_are_marked(bib, key: str) -> None:
    note = bib.entries[key].fields.get("note", "")
    assert note.startswith("RETRACTED"), key
    assert re.search(r"\b(19|20)\d\d\b", note), f"{key}: note must give the retraction date"
    if key in RETRACTED_2024:
        assert "10 August 2024" in note
        assert bib.entries[key].fields["title"].startswith("{RETRACTED ARTICLE}")
    else:
        assert "2003" in note


def test_only_retracted_works_carry_a_retraction_note(bib) -> None:
    marked = {k for k, e in bib.entries.items() if e.fields.get("note", "").startswith("RETRACTED")}
    assert marked == RETRACTED


@pytest.mark.parametrize("name", data.names())
def test_dataset_sources_resolve(bib, name: str) -> None:
    missing = sorted(data.source_keys(name) - set(bib.entries))
    assert not missing, f"{name}: unknown source keys {missing}"


def test_quiz_bank_sources_resolve(bib) -> None:
    problems = []
    for path in sorted((BOOK / "quizzes").glob("*.yml")):
        bank = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in bank.get("items", []) or []:
            for key in item.get("sources", []) or []:
                if key not in bib.entries:
                    problems.append(f"{path.name}: item {item.get('id')!r} cites {key!r}")
    assert not problems, "\n".join(problems)


def test_chapter_citations_resolve(bib) -> None:
    problems = []
    for label, text in _markdown_sources():
        for key in _keys_in(text):
            if key not in bib.entries:
                problems.append(f"{label}: {key!r}")
    assert not problems, "unknown citation keys:\n" + "\n".join(problems)


def test_pharmacology_sources_resolve(bib) -> None:
    """The teaching PK parameter sets cite works that are in the bibliography."""
    from coursekit.evidence import datasets

    keys = datasets.source_keys("pk_parameters") | datasets.source_keys("pk_routes")
    assert keys, "the PK datasets must cite their sources"
    assert not [k for k in keys if k not in bib.entries]


def test_citing_a_retracted_work_says_so() -> None:
    """A paragraph that cites a retracted work must call it retracted."""
    problems = []
    for label, text in _markdown_sources():
        if label.endswith("bibliography.md"):
            continue
        for para in re.split(r"\n\s*\n", text):
            cited = set(_keys_in(para)) & RETRACTED
            if cited and "retract" not in para.lower():
                problems.append(f"{label}: cites {sorted(cited)} without saying 'retracted'")
    assert not problems, "\n".join(problems)


def test_role_pattern_finds_all_forms() -> None:
    sample = "A {cite:p}`a,b` B {cite:t}`c` C {cite}`d` D {cite:ps}`e`."
    assert _keys_in(sample) == ["a", "b", "c", "d", "e"]
