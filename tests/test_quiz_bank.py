"""Quiz banks: schema validation with precise messages, loading, grading."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from coursekit import quiz
from coursekit.quiz import bank as qbank

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "book" / "quizzes" / "demo.yml"

BIB = """
@article{smith2020, author = {Smith, Ann}, title = {First}, journal = {J}, year = {2020}}
@article{jones2019, author = {Jones, Bo and Lee, Cy}, title = {Second}, year = {2019}}
"""

# The bib keys listed in the project contract for the main sources.
_CONTRACT_KEY_LIST = """
apa2022dsm5tr who2019icd11 weathers2013pcl5 blevins2015 weathers2018caps5 forkus2022
kessler1995 kessler2017 koenen2017 goldstein2016 lassemo2017 heir2019 lehavot2018
watkins2018 lewis2020efficacy lewis2020dropout cusack2016 brady2000 mitchell2021
mitchell2023 mithoefer2011 nader2000 bouton2004 rescorla1972 etkin2007 logue2018
gilbertson2002 meewisse2007 herman1992 siegel1999 cloitre2013 steenkamp2015 resick2012
freudenmann2006 benzenhofer2010 vizeli2017 hartung2002 vuori2003 mccann1998 amoroso2019
huestis2024 colcott2024 fda2024crl fda2024adcomm tga2023 feder2014 feder2021 abdallah2022
pradhan2017 pradhan2018 duek2023 borgogna2024 almeida2024 ragnhildstveit2023 zanos2018
duman2014 li2010 autry2011 zanos2016 williams2018 dore2019 wilkinson2017 dakwar2019
grabski2022 shahani2007 chong2006 rolan2014 albott2018 dadabayev2020 shiroma2020 mathai2022
spravato2025label ketalar2024label
"""
CONTRACT_KEYS = set(_CONTRACT_KEY_LIST.split())


def valid_bank(bank_id: str = "t") -> dict[str, Any]:
    """A small bank with one valid item of every type."""

    def common() -> dict[str, Any]:
        return {"objective": "test-objective", "sources": ["smith2020"], "explanation": "Because."}

    return {
        "id": bank_id,
        "title": "Test bank",
        "items": [
            {
                "id": f"{bank_id}-single",
                "type": "single",
                "prompt": "Pick A.",
                **common(),
                "options": [
                    {"text": "A", "correct": True, "feedback": "A is right."},
                    {"text": "B", "correct": False, "feedback": "B is wrong."},
                    {"text": "C", "correct": False, "feedback": "C is wrong."},
                ],
            },
            {
                "id": f"{bank_id}-multiple",
                "type": "multiple",
                "prompt": "Pick A and B.",
                **common(),
                "options": [
                    {"text": "A", "correct": True, "feedback": "A is right."},
                    {"text": "B", "correct": True, "feedback": "B is right."},
                    {"text": "C", "correct": False, "feedback": "C is wrong."},
                ],
            },
            {
                "id": f"{bank_id}-numeric",
                "type": "numeric",
                "prompt": "How many?",
                **common(),
                "answer": 16,
                "tolerance": 2,
                "unit": "%",
                "feedback": {"correct": "Yes.", "incorrect": "No."},
            },
            {
                "id": f"{bank_id}-match",
                "type": "match",
                "prompt": "Sort.",
                **common(),
                "categories": ["Cat A", "Cat B"],
                "pairs": [
                    {"text": "s1", "category": "Cat A", "feedback": "s1 is A."},
                    {"text": "s2", "category": "Cat B", "feedback": "s2 is B."},
                    {"text": "s3", "category": "Cat A", "feedback": "s3 is A."},
                ],
            },
            {
                "id": f"{bank_id}-order",
                "type": "order",
                "prompt": "Order.",
                **common(),
                "sequence": [
                    {"text": "first", "feedback": "1st."},
                    {"text": "second", "feedback": "2nd."},
                    {"text": "third", "feedback": "3rd."},
                ],
            },
        ],
    }


def write_project(root: Path, banks: dict[str, Any], bib: str | None = BIB) -> Path:
    """Create ``root/_toc.yml`` and ``root/book/{quizzes,references.bib}``; return the book dir."""
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/index\n", encoding="utf-8")
    quizzes = root / "book" / "quizzes"
    quizzes.mkdir(parents=True, exist_ok=True)
    for name, content in banks.items():
        text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False)
        filename = name if name.endswith((".yml", ".yaml")) else f"{name}.yml"
        (quizzes / filename).write_text(text, encoding="utf-8")
    if bib is not None:
        (root / "book" / "references.bib").write_text(bib, encoding="utf-8")
    return root / "book"


def problems_for(tmp_path: Path, data: Any, name: str = "t") -> list[qbank.Problem]:
    book = write_project(tmp_path, {name: data})
    return list(quiz.validate(book / "quizzes").problems)


def _item(data: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(it for it in data["items"] if it["type"] == kind)


# --------------------------------------------------------------------------- the demo bank


def test_demo_bank_loads_and_uses_every_item_type() -> None:
    bank = quiz.load_bank(DEMO)
    assert bank.id == "demo" == DEMO.stem
    assert {it.type for it in bank} == {"single", "multiple", "numeric", "match", "order"}
    assert len({it.id for it in bank}) == len(bank)
    assert all(it.id.startswith("demo-") for it in bank)


def test_demo_bank_cites_only_contract_keys_that_resolve_in_the_bibliography() -> None:
    bank = quiz.load_bank(DEMO)
    assert set(bank.sources) <= CONTRACT_KEYS
    report = quiz.validate([DEMO], bibliography=ROOT / "book" / "references.bib")
    assert report.ok, "\n".join(map(str, report.problems))
    assert [b.id for b in report.banks] == ["demo"]


def test_valid_test_bank_passes(tmp_path: Path) -> None:
    assert problems_for(tmp_path, valid_bank()) == []


# --------------------------------------------------------------------------- one problem each


def _mutate_item(kind: str, change: Callable[[dict[str, Any]], None]) -> Callable[[dict], None]:
    def mutate(data: dict[str, Any]) -> None:
        change(_item(data, kind))

    return mutate


def _del(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda item: item.pop(key)


def _options_correct(*flags: bool) -> Callable[[dict[str, Any]], None]:
    def change(item: dict[str, Any]) -> None:
        for option, flag in zip(item["options"], flags, strict=True):
            option["correct"] = flag

    return change


CASES: list[tuple[str, Callable[[dict[str, Any]], None], str, list[str]]] = [
    (
        "single with no correct option",
        _mutate_item("single", _options_correct(False, False, False)),
        "t-single",
        ["no correct option", "exactly one"],
    ),
    (
        "single with two correct options",
        _mutate_item("single", _options_correct(True, True, False)),
        "t-single",
        ["2 correct options", "exactly one"],
    ),
    (
        "multiple with no correct option",
        _mutate_item("multiple", _options_correct(False, False, False)),
        "t-multiple",
        ["no correct option", "at least one"],
    ),
    (
        "negative tolerance",
        _mutate_item("numeric", lambda it: it.update(tolerance=-1)),
        "t-numeric",
        ["tolerance must be 0 or more", "-1"],
    ),
    (
        "non-numeric answer",
        _mutate_item("numeric", lambda it: it.update(answer="16%")),
        "t-numeric",
        ["answer must be a number"],
    ),
    (
        "unknown type",
        _mutate_item("single", lambda it: it.update(type="essay")),
        "t-single",
        ["unknown type 'essay'", "single, multiple, numeric, match, order"],
    ),
    (
        "empty prompt",
        _mutate_item("order", lambda it: it.update(prompt="   ")),
        "t-order",
        ["prompt must not be empty"],
    ),
    (
        "order with a duplicate element",
        _mutate_item("order", lambda it: it["sequence"][2].update(text="First")),
        "t-order",
        ["sequence element", "appears more than once"],
    ),
    (
        "match pair with unknown category",
        _mutate_item("match", lambda it: it["pairs"][1].update(category="Cat C")),
        "t-match",
        ["unknown category 'Cat C'", "pairs[2]", "'Cat A', 'Cat B'"],
    ),
    (
        "misspelt field",
        _mutate_item("single", lambda it: it["options"][0].update(feeback="x")),
        "t-single",
        ["unknown field 'options[1].feeback'", "did you mean 'feedback'"],
    ),
    (
        "field of another type",
        _mutate_item("numeric", lambda it: it.update(sequence=[])),
        "t-numeric",
        ["'sequence' does not apply to numeric items"],
    ),
    (
        "option feedback missing",
        _mutate_item("multiple", lambda it: it["options"][2].pop("feedback")),
        "t-multiple",
        ["missing field 'options[3].feedback'"],
    ),
    (
        "boolean where text is expected",
        _mutate_item("single", lambda it: it["options"][1].update(text=True)),
        "t-single",
        ["options[2].text must be text", "quote the value"],
    ),
    (
        "item id with capitals",
        _mutate_item("single", lambda it: it.update(id="T_Single")),
        "T_Single",
        ["id must use lowercase letters", "got 'T_Single'"],
    ),
    (
        "unknown LaTeX command",
        _mutate_item("single", lambda it: it.update(prompt=r"What is $\foo x$?")),
        "t-single",
        ["prompt:", r"unknown LaTeX command \foo"],
    ),
    (
        "javascript link",
        _mutate_item("single", lambda it: it.update(explanation="See [this](javascript:x).")),
        "t-single",
        ["explanation:", "link target 'javascript:x' is not allowed"],
    ),
    (
        "empty sources",
        _mutate_item("match", lambda it: it.update(sources=[])),
        "t-match",
        ["sources must be a non-empty list of bib keys"],
    ),
    (
        "duplicate id within a bank",
        lambda data: _item(data, "multiple").update(id="t-single"),
        "t-single",
        ["duplicate item id", "already used in this bank"],
    ),
]


@pytest.mark.parametrize(
    ("mutate", "item_id", "fragments"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_mistake_gives_one_precise_message(
    tmp_path: Path, mutate: Callable[[dict[str, Any]], None], item_id: str, fragments: list[str]
) -> None:
    data = valid_bank()
    mutate(data)
    found = problems_for(tmp_path, data)
    assert len(found) == 1, "\n".join(map(str, found))
    problem = found[0]
    text = str(problem)
    assert problem.file.endswith("t.yml")
    assert text.startswith(problem.file + ":")
    assert problem.item_id == item_id
    assert f"item {item_id!r}:" in text
    for fragment in fragments:
        assert fragment in text, text
    # The line points into the file at the item (the YAML dump starts each item with "- ").
    lines = (tmp_path / "book" / "quizzes" / "t.yml").read_text().splitlines()
    assert problem.line is not None and 1 <= problem.line <= len(lines)


REQUIRED = [
    ("single", "prompt"),
    ("single", "objective"),
    ("single", "sources"),
    ("single", "explanation"),
    ("single", "options"),
    ("multiple", "options"),
    ("numeric", "answer"),
    ("numeric", "tolerance"),
    ("numeric", "feedback"),
    ("match", "categories"),
    ("match", "pairs"),
    ("order", "sequence"),
    ("order", "type"),
]


@pytest.mark.parametrize(("kind", "field"), REQUIRED)
def test_missing_required_field_is_named(tmp_path: Path, kind: str, field: str) -> None:
    data = valid_bank()
    _item(data, kind).pop(field)
    found = problems_for(tmp_path, data)
    assert len(found) == 1, "\n".join(map(str, found))
    assert f"missing field {field!r}" in str(found[0])
    assert found[0].item_id == f"t-{kind}"


def test_missing_item_id_names_the_item_position(tmp_path: Path) -> None:
    data = valid_bank()
    data["items"][2].pop("id")
    found = problems_for(tmp_path, data)
    assert [str(p).split(": ", 1)[1] for p in found] == ["item #3: missing field 'id'"]


def test_bank_id_must_equal_file_stem(tmp_path: Path) -> None:
    data = valid_bank()
    data["id"] = "other"
    found = problems_for(tmp_path, data, name="t")
    assert len(found) == 1
    assert "bank id 'other' must equal the file name 't'" in str(found[0])


@pytest.mark.parametrize("field", ["id", "title", "items"])
def test_bank_level_missing_field(tmp_path: Path, field: str) -> None:
    data = valid_bank()
    data.pop(field)
    found = problems_for(tmp_path, data)
    assert any(f"missing field {field!r}" in str(p) for p in found), found


def test_duplicate_id_across_banks_names_both_files(tmp_path: Path) -> None:
    first, second = valid_bank("a"), valid_bank("b")
    second["items"][0]["id"] = "a-single"
    book = write_project(tmp_path, {"a": first, "b": second})
    report = quiz.validate(book / "quizzes")
    assert len(report.problems) == 1
    text = str(report.problems[0])
    assert text.split(":")[0].endswith("b.yml")
    assert "item 'a-single': duplicate item id: already used in" in text
    assert "a.yml" in text
    assert [b.id for b in report.banks] == ["a"]


def test_unknown_source_key_is_reported_with_a_suggestion(tmp_path: Path) -> None:
    data = valid_bank()
    _item(data, "numeric")["sources"] = ["smith2021"]
    _item(data, "order")["sources"] = ["Jones2019"]
    found = problems_for(tmp_path, data)
    texts = sorted(map(str, found))
    assert len(texts) == 2
    numeric = next(t for t in texts if "t-numeric" in t)
    order = next(t for t in texts if "t-order" in t)
    assert "unknown source key 'smith2021'" in numeric and "did you mean 'smith2020'" in numeric
    assert "references.bib" in numeric
    assert "unknown source key 'Jones2019'" in order and "spells it 'jones2019'" in order


def test_missing_bibliography_is_a_problem(tmp_path: Path) -> None:
    book = write_project(tmp_path, {"t": valid_bank()}, bib=None)
    report = quiz.validate(book / "quizzes")
    assert [p.file.endswith("references.bib") for p in report.problems] == [True]
    assert "bibliography not found" in str(report.problems[0])


def test_yaml_extension_is_rejected(tmp_path: Path) -> None:
    book = write_project(tmp_path, {"t.yaml": valid_bank()})
    report = quiz.validate(book / "quizzes")
    assert len(report.problems) == 1
    assert "must use the .yml extension" in str(report.problems[0])


# --------------------------------------------------------------------------- malformed YAML

MALFORMED = [
    # (text, line of the mistake, words expected in the message)
    ('id: t\ntitle: T\nitems:\n  - id: a\n    prompt: "unclosed\n', 6, "malformed YAML"),
    (
        "id: t\ntitle: T\nitems:\n  - id: a\n     type: single\n",
        5,
        "mapping values are not allowed",
    ),
    ("id: t\ntitle: [a, b\nitems: []\n", 3, "malformed YAML"),
    ("id: t\ntitle: T\nid: u\nitems: []\n", 3, "duplicate key 'id'"),
    ("id: t\ntitle: T\nitems:\n\t- id: a\n", 4, "malformed YAML"),
]


@pytest.mark.parametrize(("text", "line", "words"), MALFORMED)
def test_malformed_yaml_reports_file_and_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    found = problems_for(tmp_path, text)
    assert len(found) == 1
    problem = found[0]
    assert problem.line == line
    assert str(problem).startswith(f"{problem.file}:{line}: malformed YAML")
    assert words in str(problem)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "file is empty"),
        ("- just\n- a list\n", "top level must be a mapping"),
        ("id: t\ntitle: T\nitems: []\n", "items must be a non-empty list"),
    ],
)
def test_wrong_shape_is_reported(tmp_path: Path, text: str, message: str) -> None:
    found = problems_for(tmp_path, text)
    assert len(found) == 1 and message in str(found[0])


def test_invalid_utf8_is_reported(tmp_path: Path) -> None:
    book = write_project(tmp_path, {})
    (book / "quizzes" / "t.yml").write_bytes(b"id: t\ntitle: \xff\xfe\n")
    report = quiz.validate(book / "quizzes")
    assert len(report.problems) == 1 and "not valid UTF-8" in str(report.problems[0])


# --------------------------------------------------------------------------- loading


def test_load_bank_by_id_walks_up_from_a_chapter_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = write_project(tmp_path, {"t": valid_bank()})
    chapter = book / "ptsd"
    chapter.mkdir()
    monkeypatch.delenv("COURSEKIT_ROOT", raising=False)
    monkeypatch.chdir(chapter)
    bank = quiz.load_bank("t")
    assert bank.path is not None and bank.path.resolve() == (book / "quizzes" / "t.yml").resolve()
    assert [it.type for it in bank] == ["single", "multiple", "numeric", "match", "order"]


def test_load_bank_unknown_id_lists_available(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(tmp_path, {"t": valid_bank(), "u": valid_bank("u")})
    monkeypatch.delenv("COURSEKIT_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"no quiz bank 'nope'.*available: t, u"):
        quiz.load_bank("nope")


def test_load_bank_raises_bank_error_with_every_problem(tmp_path: Path) -> None:
    data = valid_bank()
    _item(data, "numeric")["tolerance"] = -3
    _item(data, "single")["prompt"] = ""
    book = write_project(tmp_path, {"t": data})
    with pytest.raises(quiz.BankError) as info:
        quiz.load_bank(book / "quizzes" / "t.yml")
    assert {p.item_id for p in info.value.problems} == {"t-numeric", "t-single"}
    assert "tolerance must be 0 or more" in str(info.value)


def test_digest_changes_with_content_only(tmp_path: Path) -> None:
    book = write_project(tmp_path, {"t": valid_bank()})
    first = quiz.load_bank(book / "quizzes" / "t.yml").digest
    again = quiz.load_bank(book / "quizzes" / "t.yml").digest
    data = valid_bank()
    _item(data, "single")["options"][1]["feedback"] = "B is still wrong."
    write_project(tmp_path, {"t": data})
    changed = quiz.load_bank(book / "quizzes" / "t.yml").digest
    assert first == again != changed
    assert re.fullmatch(r"[0-9a-f]{16}", first)


def test_bibliography_labels_decode_latex(tmp_path: Path) -> None:
    path = tmp_path / "r.bib"
    path.write_text(
        '@article{b2010, author = {Benzenh{\\"o}fer, Udo and Passie, Torsten}, title = {T},'
        " year = {2010}}\n@misc{who2019, author = {{World Health Organization}}, title = {ICD},"
        " year = {2019}}\n@article{m2021, author = {Mitchell, Jen and others}, title = {P},"
        " year = {2021}}\n",
        encoding="utf-8",
    )
    bib = quiz.read_bibliography(path)
    assert bib.label("b2010") == "Benzenhöfer and Passie 2010"
    assert bib.label("who2019") == "World Health Organization 2019"
    assert bib.label("m2021") == "Mitchell et al. 2021"


def test_broken_bibliography_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    book = write_project(tmp_path, {"t": valid_bank()}, bib="@article{smith2020, title = {x")
    report = quiz.validate(book / "quizzes")
    assert len(report.problems) == 1
    assert "references.bib" in str(report.problems[0])


# --------------------------------------------------------------------------- grading


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> qbank.Bank:
    book = write_project(tmp_path_factory.mktemp("graded"), {"t": valid_bank()})
    return quiz.load_bank(book / "quizzes" / "t.yml")


def test_single_grading(graded: qbank.Bank) -> None:
    item = graded.item("t-single")
    right, wrong, blank = item.check(0), item.check(2), item.check(None)
    assert right.correct and right.feedback == ("A is right.",)
    assert not wrong.correct and wrong.answered and wrong.feedback == ("C is wrong.",)
    assert not blank.answered
    with pytest.raises(ValueError, match="option index below 3"):
        item.check(3)


def test_multiple_grading(graded: qbank.Bank) -> None:
    item = graded.item("t-multiple")
    assert item.check([1, 0]).correct
    subset = item.check([0])
    assert not subset.correct and "not selected" in subset.note and subset.right == 2
    superset = item.check([0, 1, 2])
    assert not superset.correct and superset.note == ""
    assert superset.feedback == ("A is right.", "B is right.", "C is wrong.")
    assert not item.check([]).answered


def test_numeric_grading_edges(graded: qbank.Bank) -> None:
    item = graded.item("t-numeric")
    assert item.check(18).correct and item.check(14.0).correct and item.check("16,5").correct
    assert not item.check(18.001).correct
    assert item.check(13).feedback == ("No.",)
    assert not item.check("").answered and not item.check("abc").answered
    assert not item.check(float("nan")).answered


@given(
    answer=st.floats(-1e6, 1e6),
    tolerance=st.floats(0, 1e3),
    offset=st.floats(-2e3, 2e3),
)
def test_numeric_accepts_exactly_the_tolerance_band(
    answer: float, tolerance: float, offset: float
) -> None:
    item = qbank.NumericItem(
        id="x", prompt="p", objective="o", sources=("k",), explanation="e",
        answer=answer, tolerance=tolerance,
    )  # fmt: skip
    value = answer + offset
    distance = abs(value - answer)
    margin = 1e-6 * max(1.0, abs(answer))
    if distance <= tolerance - margin:
        assert item.check(value).correct
    elif distance >= tolerance + margin:
        assert not item.check(value).correct


def test_match_grading(graded: qbank.Bank) -> None:
    item = graded.item("t-match")
    assert item.check(["Cat A", "Cat B", "Cat A"]).correct
    one_off = item.check(["Cat A", "Cat A", "Cat A"])
    assert not one_off.correct and one_off.right == 2
    assert one_off.feedback == ("s2 is B.",)
    assert not item.check(["Cat A", None, "Cat A"]).answered
    with pytest.raises(ValueError, match="category must be one of"):
        item.check(["Cat A", "Cat Z", "Cat A"])


def test_order_grading_and_display_order(graded: qbank.Bank) -> None:
    item = graded.item("t-order")
    assert item.check([0, 1, 2]).correct
    swapped = item.check([1, 0, 2])
    assert not swapped.correct and swapped.right == 1
    assert swapped.feedback == ("2nd.", "1st.")
    assert not item.check([0, 0, 2]).answered
    shown = item.display_order()
    assert sorted(shown) == [0, 1, 2] and list(shown) != [0, 1, 2]
    assert shown == item.display_order()


@given(st.lists(st.text(min_size=1, max_size=5), min_size=2, max_size=8, unique=True))
def test_display_order_is_never_already_solved(texts: list[str]) -> None:
    steps = tuple(qbank.Step(t, "f") for t in texts)
    item = qbank.OrderItem(
        id="-".join(str(len(t)) for t in texts) or "x",
        prompt="p", objective="o", sources=("k",), explanation="e", sequence=steps,
    )  # fmt: skip
    shown = item.display_order()
    assert sorted(shown) == list(range(len(texts)))
    assert list(shown) != list(range(len(texts)))
