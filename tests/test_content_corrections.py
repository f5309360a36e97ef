"""Regression tests for the content corrections of project issue 12.

Each test holds one correction that was checked against the fact tables in
``shared/reference`` (row numbers in the docstrings). Pages (``book/**/*.md``), notebooks
(``book/**/*.ipynb``, read only) and quiz banks (``book/quizzes/*.yml``) are scanned. Some
tests read notebooks that are corrected separately (see ``/work/nb-corrections.md``); they fail
until those corrections are applied.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
BANKS = BOOK / "quizzes"


def _datasets_dir() -> Path:
    for candidate in (
        ROOT / "src" / "coursekit" / "datasets",
        ROOT / "src" / "coursekit" / "evidence" / "datasets",
    ):
        if (candidate / "trials.csv").is_file():
            return candidate
    raise FileNotFoundError("no datasets directory")


def _rows(name: str) -> list[dict[str, str]]:
    with (_datasets_dir() / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def texts(kinds: tuple[str, ...] = ("page", "notebook", "bank")) -> Iterator[tuple[str, str]]:
    """(label, text) for every page, notebook cell and bank item in the book."""
    if "page" in kinds:
        for path in sorted(BOOK.rglob("*.md")):
            if "_build" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")
    if "notebook" in kinds:
        for path in sorted(BOOK.rglob("*.ipynb")):
            if ".ipynb_checkpoints" in path.parts or "_build" in path.parts:
                continue
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
            for i, cell in enumerate(cells):
                src = cell.get("source", "")
                text = "".join(src) if isinstance(src, list) else src
                yield f"{path.relative_to(ROOT).as_posix()} cell {i}", text
    if "bank" in kinds:
        for path in sorted(BANKS.glob("*.yml")):
            bank = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for item in bank.get("items", []) or []:
                yield f"{path.name}:{item.get('id')}", yaml.safe_dump(item, allow_unicode=True)


def item(bank: str, item_id: str) -> dict:
    data = yaml.safe_load((BANKS / f"{bank}.yml").read_text(encoding="utf-8"))
    for entry in data["items"]:
        if entry["id"] == item_id:
            return entry
    raise AssertionError(f"{bank}/{item_id} not found")


def item_text(entry: dict) -> str:
    return yaml.safe_dump(entry, allow_unicode=True, width=10_000)


def _hits(pattern: re.Pattern[str], kinds=("page", "notebook", "bank")) -> list[str]:
    return [
        f"{label}: {m.group(0)!r}" for label, text in texts(kinds) for m in pattern.finditer(text)
    ]


# ---------------------------------------------------------------------------
# 10. Terminology
# ---------------------------------------------------------------------------

BANNED_TERMS = re.compile(
    r"negative changes in (?:thinking|cognitions?) and mood"
    r"|negative[- ]cognitions?[- ]and[- ]mood"
    r"|\bthinking and mood\b"
    r"|\bcognition and mood\b"
    r"|\bmood and cognitions?\b"
    r"|\bcognitions?/mood\b"
    r"|\brefractory PTSD\b"
    r"|\btreatment[- ]resistant PTSD\b",
    re.IGNORECASE,
)


def test_banned_variants_detector() -> None:
    for bad in (
        "D: negative changes in thinking and mood",
        "the negative-cognition-and-mood cluster",
        "D: cognition and mood",
        "10 patients with refractory PTSD",
    ):
        assert BANNED_TERMS.search(bad), bad
    for good in (
        "D: negative alterations in cognitions and mood",
        "D: cognitions and mood",
        "long-lasting PTSD",
        "treatment-resistant depression",
    ):
        assert not BANNED_TERMS.search(good), good


# Naming the rejected term in order to state the rule ('says "long-lasting PTSD" rather than
# "treatment-resistant PTSD"') is not a use of it.
_STATING_THE_RULE = re.compile(r"(?:rather than|instead of)\s*[\"'“‘]?$", re.IGNORECASE)


def banned_uses(kinds: tuple[str, ...]) -> list[str]:
    out = []
    for label, text in texts(kinds):
        for m in BANNED_TERMS.finditer(text):
            if _STATING_THE_RULE.search(text[max(0, m.start() - 20) : m.start()]):
                continue
            out.append(f"{label}: {m.group(0)!r}")
    return out


@pytest.mark.parametrize("kind", ["page", "notebook", "bank"])
def test_terminology_is_consistent(kind: str) -> None:
    """Cluster D is 'negative alterations in cognitions and mood' (short: 'cognitions and mood',
    ptsd.md #4, DSM-5 wording); PTSD that has not responded to treatment is 'long-lasting PTSD'
    (glossary), never 'refractory' or 'treatment-resistant' PTSD."""
    hits = banned_uses((kind,))
    assert not hits, "banned variants:\n" + "\n".join(hits)


def test_glossary_defines_the_course_terms() -> None:
    terms = {row["term"] for row in _rows("glossary")}
    assert "long-lasting PTSD" in terms


def test_pradhan2017_population_uses_the_course_term() -> None:
    row = {r["trial_id"]: r for r in _rows("trials")}["pradhan2017"]
    assert not BANNED_TERMS.search(row["population"])


# ---------------------------------------------------------------------------
# 1. Ketamine half-lives (ketamine.md #40, common error 13)
# ---------------------------------------------------------------------------

REDISTRIBUTION_BETA = re.compile(
    r"redistribution \(beta\)|redistribution \(β\)|\(beta\) half-life[^.]{0,60}redistribution"
    r"|2\.5[- ]h(?:ours?)? \(redistribution|2\.5[^.]{0,60}\bis the redistribution"
    r"|redistribution versus terminal",
    re.IGNORECASE,
)


def test_half_life_item_calls_the_25h_phase_elimination() -> None:
    entry = item("ketamine", "ketamine-half-lives")
    explanation = entry["explanation"]
    assert "2.5" in explanation and "elimination" in explanation
    sentence = next(s for s in re.split(r"(?<=\.)\s", explanation) if "2.5" in s)
    assert "elimination" in sentence, sentence
    assert not REDISTRIBUTION_BETA.search(item_text(entry))


def test_no_text_calls_the_beta_phase_redistribution() -> None:
    hits = _hits(REDISTRIBUTION_BETA)
    assert not hits, "the ~2.5 h beta half-life is elimination, not redistribution:\n" + "\n".join(
        hits
    )


# ---------------------------------------------------------------------------
# 2. Unconfirmed or secondary-only claims
# ---------------------------------------------------------------------------


def test_mdma_hormones_item_drops_cortisol_and_prolactin() -> None:
    """mdma.md §7: cortisol and prolactin are U."""
    entry = item("mdma", "mdma-hormones")
    text = item_text(entry).lower()
    assert "cortisol" not in text and "prolactin" not in text
    correct = [o["text"] for o in entry["options"] if o.get("correct")]
    assert correct == ["Oxytocin"]


def test_no_text_says_mdma_raised_cortisol_or_prolactin() -> None:
    pattern = re.compile(r"MDMA[^.]{0,80}\braised?\b[^.]{0,80}(?:cortisol|prolactin)", re.I)
    hits = _hits(pattern)
    assert not hits, "\n".join(hits)


OPEN_CHANNEL = re.compile(r"open[- ](?:ion )?channel|once the channel has opened", re.I)


def test_open_channel_wording_is_not_published() -> None:
    """ketamine.md #29 (open-channel block) is U."""
    assert not OPEN_CHANNEL.search(item_text(item("ketamine", "ketamine-nmda")))
    hits = _hits(OPEN_CHANNEL)
    assert not hits, "\n".join(hits)


@pytest.mark.parametrize(
    ("pattern", "row"),
    [
        (r"12 August 1999", "ketamine.md #33 (M)"),
        (r"\bparoxetine[^.]{0,30}\(?December 2001", "ptsd.md #39 (M for 2001)"),
    ],
)
def test_secondary_only_dates_are_flagged(pattern: str, row: str) -> None:
    regex = re.compile(pattern, re.I)
    problems = []
    for label, text in texts():
        for para in _paragraphs(text):
            if regex.search(para) and not re.search(r"secondary", para, re.I):
                problems.append(f"{label}: {para.strip()[:120]!r}")
    assert not problems, f"{row}: flag the date as secondary:\n" + "\n".join(problems)


# ---------------------------------------------------------------------------
# 3-4. KAP conditions and the Borgogna one-week result
# ---------------------------------------------------------------------------


def test_kap_conditions_explanation_lists_all_controlled_ptsd_studies() -> None:
    """ketamine.md #68: TIMBER pilots, Duek 2023 and NCT04560660."""
    entry = item("ketamine", "ketamine-kap-conditions")
    explanation = entry["explanation"]
    assert "only the small TIMBER pilots" not in explanation
    for needle in ("TIMBER", "Duek", "NCT04560660"):
        assert needle in explanation, needle


def test_borgogna_one_week_result_is_borderline_not_nil() -> None:
    """ketamine.md #22: g = 0.24 (0.00 to 0.48) at one week."""
    text = item_text(item("ketamine", "ketamine-borgogna-reading"))
    assert "no meaningful difference at one week" not in text
    assert "0.24" in text and "0.48" in text


# ---------------------------------------------------------------------------
# 5. Chronology of the Phase 3 design (mdma.md §5: SPA agreed 28 July 2017)
# ---------------------------------------------------------------------------

DESIGN_CLAIM = re.compile(
    r"(?:used to|to|that) design (?:the )?Phase 3|pooled to\s+design", re.IGNORECASE
)


def test_no_text_says_the_2019_analysis_designed_phase_3() -> None:
    hits = _hits(DESIGN_CLAIM)
    assert not hits, "the Phase 3 design was agreed in 2017, before the 2019 paper:\n" + "\n".join(
        hits
    )


def test_spa_date_is_stored() -> None:
    rows = {r["event_id"]: r for r in _rows("timeline")}
    assert rows["mdma-2017-spa"]["date"] == "2017-07-28"


# ---------------------------------------------------------------------------
# 6. Feder 2021 sample (predominantly civilian, including combat exposure)
# ---------------------------------------------------------------------------

CIVILIANS_ONLY = re.compile(r"f21_n[^`]*`\s+civilians|\b30 civilians\b|civilians did not replicate")


def test_feder2021_is_not_described_as_civilians_only() -> None:
    hits = _hits(CIVILIANS_ONLY)
    assert not hits, "\n".join(hits)


def test_feder2021_population_in_data() -> None:
    row = {r["trial_id"]: r for r in _rows("trials")}["feder2021"]
    assert "civilians" not in row["population"].split() or "predominantly" in row["population"]


# ---------------------------------------------------------------------------
# 7. "Entactogen" dates to 1986 (Nichols), not to Vollenweider 1998
# ---------------------------------------------------------------------------


ENTACTOGEN_NAMING = re.compile(
    r"entactogens?\b[^.]{0,80}(?:class|term|name)|(?:class|term|name)[^.]{0,80}entactogen", re.I
)


def test_entactogen_is_not_credited_to_vollenweider() -> None:
    problems = []
    for label, text in texts(("page", "notebook")):
        for para in _paragraphs(text):
            named = ENTACTOGEN_NAMING.search(para) and "vollenweider1998" in para
            if named and "nichols1986" not in para:
                problems.append(f"{label}: {para.strip()[:120]!r}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------
# 8. Non-linearity example (mdma.md §7: a 1:3 dose ratio gave an AUC ratio above 1:10)
# ---------------------------------------------------------------------------


def test_nonlinearity_uses_the_documented_example() -> None:
    facts = {r["fact_id"]: r for r in _rows("facts")}
    assert facts["freye2009-dose-ratio"]["value"] == "1:3"
    assert facts["freye2009-auc-ratio"]["value"] == "1:10"
    hits = _hits(re.compile(r"peak rises by a larger factor than the dose", re.I))
    assert not hits, "75 vs 125 mg is nearly proportional; use the 1:3 -> >1:10 example:\n" + (
        "\n".join(hits)
    )


# ---------------------------------------------------------------------------
# 9. Supplemental dose timing: MAPP1 1.5-2.5 h, MAPP2 1.5-2 h
# ---------------------------------------------------------------------------


def test_supplement_timing_is_not_generalised_to_both_trials() -> None:
    problems = []
    for label, text in texts():
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if re.search(r"1\.5\s?[–-]\s?2 (?:h\b|hours)", sentence) and "MAPP2" not in sentence:
                problems.append(f"{label}: {sentence.strip()[:120]!r}")
    assert not problems, "MAPP1 used 1.5-2.5 h; say which trial:\n" + "\n".join(problems)


def test_trial_regimens_keep_their_own_timing() -> None:
    rows = {r["trial_id"]: r for r in _rows("trials")}
    assert "1.5-2.5 h" in rows["mapp1"]["regimen"]
    assert "1.5-2 h" in rows["mapp2"]["regimen"]


# ---------------------------------------------------------------------------
# 11. Figures moved into data
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fact_id", "value"),
    [
        ("heir2019-eligible", "4,961"),
        ("heir2019-response-rate", "36"),
        ("wright2024-dropout-civilian", "23"),
        ("meewisse2007-n-ptsd", "828"),
        ("meewisse2007-n-controls", "800"),
        ("vollenweider1998-n", "13"),
        ("vizeli2017-sbp-pct", "33"),
        ("dore2019-n", "235"),
        ("wilkinson2021-qids-d", "0.71"),
    ],
)
def test_checked_figures_are_in_the_facts_dataset(fact_id: str, value: str) -> None:
    facts = {r["fact_id"]: r for r in _rows("facts")}
    assert facts[fact_id]["value"] == value
    assert facts[fact_id]["confidence"] in {"H", "V", "M", "P"}


def test_secondary_facts_carry_a_note() -> None:
    for row in _rows("facts"):
        if row["confidence"] in {"M", "P"}:
            note = row["notes"].lower()
            assert "secondary" in note or "registry" in note, row["fact_id"]


def test_norwegian_incidence_in_quizzes_matches_epidemiology() -> None:
    """ptsd.md #32, common error 1: PTSD incidence women 88, men 31; trauma men 641, women 466."""
    incidence = {
        (r["sex"], r["outcome"]): float(r["incidence_per_100k"])
        for r in _rows("epidemiology")
        if r["incidence_per_100k"] and "lassemo2017" in r["citation_key"]
    }
    assert incidence[("female", "PTSD")] == 88 and incidence[("male", "PTSD")] == 31
    assert incidence[("male", "trauma exposure")] == 641
    assert incidence[("female", "trauma exposure")] == 466
