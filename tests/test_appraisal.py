"""The appraisal capstone: blinding index, completers vs ITT, RoB 2 records, the worksheet and its
data, and the capstone pages.

Worked examples and what they validate
--------------------------------------
* **Bang's blinding index.** The printed tables of Bang et al. (2004, Table 7, the CRISP trial) and
  Houweling et al. (2014, Table 2) could not be read here, so the index is *not* validated against a
  paper's printed numbers. It is checked (1) against the published test values of BlindingIndex.jl,
  a port of the R package ``BI`` (Schwartz & Mercaldo 2022), for the Houweling investigators' table
  ``[[48, 22], [4, 30], [330, 319]]`` (JuliaHealth/BlindingIndex.jl, ``test/runtests.jl``:
  estimates 0.115 and 0.022, SEs 0.018 and 0.019, 95% limits 0.08 to 0.15 and -0.016 to 0.06), and
  (2) against its defining properties: 1 when all guess right, 0 for balanced guesses, -1 when all
  guess the opposite arm. James's index is not implemented: no printed worked example was available.
* **Completers vs ITT.** Hand-computed examples (arithmetic in the comments), and MAPP1's completer
  d reproducing the published 0.91.
* **RoB 2.** The overall rule of Sterne et al. (2019): any high -> high; all low -> low; otherwise
  some concerns, which a reviewer may raise to high when several domains have some concerns.
"""

from __future__ import annotations

import base64
import json
import math
import re
from pathlib import Path

import pytest

from coursekit.chapters import appraisal as chapter
from coursekit.evidence import bibliography, datasets, lookup
from coursekit.models import appraisal as rob

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "book" / "appraisal"


# ================================================================ Bang's blinding index
def test_bang_reproduces_the_published_port_values_for_houweling_2014() -> None:
    """BlindingIndex.jl test values (3 decimals): Houweling et al. 2014, Table 2, investigators."""
    out = rob.bang_indices([[48, 22], [4, 30], [330, 319]])
    act, ctl = out["active"], out["control"]
    assert round(act.estimate, 3) == 0.115 and round(ctl.estimate, 3) == 0.022
    assert round(act.se, 3) == 0.018 and round(ctl.se, 3) == 0.019
    assert (round(act.ci_low, 2), round(act.ci_high, 2)) == (0.08, 0.15)
    assert (round(ctl.ci_low, 3), round(ctl.ci_high, 2)) == (-0.016, 0.06)


def test_bang_crisp_table_by_hand() -> None:
    """Bang 2004 Table 7 counts as encoded in the R package BI's help page, computed by hand:
    active (82 - 25) / 277, control (29 - 27) / 139."""
    out = rob.bang_indices([[82, 27], [25, 29], [170, 83]])
    assert out["active"].estimate == pytest.approx(57 / 277)
    assert out["control"].estimate == pytest.approx(2 / 139)
    assert out["active"].n == 277 and out["control"].n == 139
    pc, pi = 82 / 277, 25 / 277
    se = math.sqrt((pc * (1 - pc) + pi * (1 - pi) + 2 * pc * pi) / 277)
    assert out["active"].se == pytest.approx(se)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [((40, 0, 0), 1.0), ((20, 20, 0), 0.0), ((0, 40, 0), -1.0), ((10, 10, 30), 0.0)],
)
def test_bang_defining_properties(counts: tuple[int, int, int], expected: float) -> None:
    assert rob.bang_index(*counts).estimate == pytest.approx(expected)


def test_bang_one_sided_intervals_fix_the_far_limit() -> None:
    greater = rob.bang_index(30, 6, 14, alternative="greater")
    less = rob.bang_index(30, 6, 14, alternative="less")
    two = rob.bang_index(30, 6, 14)
    assert greater.ci_high == 1.0 and less.ci_low == -1.0
    assert two.ci_low < greater.ci_low < greater.estimate < less.ci_high < two.ci_high


def test_two_by_two_table_means_no_dont_know() -> None:
    assert rob.bang_indices([[8, 2], [2, 8]])["active"].estimate == pytest.approx(0.6)


def test_bang_bounds_from_share() -> None:
    assert rob.bang_bounds_from_share(0.9) == pytest.approx((0.8, 0.9))
    assert rob.bang_bounds_from_share(0.75, "guessers") == pytest.approx((0.0, 0.5))
    assert rob.bang_bounds_from_share(0.25, "guessers") == pytest.approx((-0.5, 0.0))


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.5, "more correct"), (0.1, "random"), (-0.3, "opposite"), (0.2, "more correct")],
)
def test_interpretation(value: float, text: str) -> None:
    assert text in rob.interpret_bang(value)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: rob.bang_index(-1, 2, 3), "correct"),
        (lambda: rob.bang_index(1, 2.5, 3), "incorrect"),
        (lambda: rob.bang_index(1, 2, True), "dont_know"),
        (lambda: rob.bang_index(0, 0, 5), "correct and incorrect"),
        (lambda: rob.bang_index(1, 2, 3, confidence=1.2), "confidence"),
        (lambda: rob.bang_index(1, 2, 3, alternative="up"), "alternative"),
        (lambda: rob.bang_indices([[1, 2, 3]]), "table"),
        (lambda: rob.bang_bounds_from_share(1.5), "correct_share"),
        (lambda: rob.bang_bounds_from_share(0.5, "some"), "basis"),
        (lambda: rob.interpret_bang(2.0), "value"),
    ],
)
def test_bad_blinding_input_names_the_argument(call, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        call()


# ================================================================ completers vs ITT
ACTIVE = rob.ArmOutcome(mean=-20, sd=10, n_completers=8, n_randomised=10)
CONTROL = rob.ArmOutcome(mean=-10, sd=10, n_completers=9, n_randomised=10)


def test_completers_d_by_hand() -> None:
    # pooled SD = 10, difference -10 -> d = -1
    scen = {s.key: s for s in rob.dropout_scenarios(ACTIVE, CONTROL)}
    assert scen["completers"].d == pytest.approx(-1.0)


def test_no_change_imputation_by_hand() -> None:
    # active: mean (8 * -20 + 2 * 0) / 10 = -16; SS = 7*100 + 8*(-4)^2 + 2*16^2 = 1340
    # control: mean (9 * -10 + 0) / 10 = -9;  SS = 8*100 + 9*(-1)^2 + 1*9^2 = 890
    # pooled variance (1340 + 890) / 18; d = -7 / sqrt(2230 / 18)
    mean, sd, n = rob.impute_arm(ACTIVE, 0.0)
    assert (mean, n) == (pytest.approx(-16.0), 10)
    assert sd == pytest.approx(math.sqrt(1340 / 9))
    scen = {s.key: s for s in rob.dropout_scenarios(ACTIVE, CONTROL)}
    assert scen["no_change"].d == pytest.approx(-7 / math.sqrt(2230 / 18))


def test_control_mean_imputation_by_hand() -> None:
    # active: mean (8 * -20 + 2 * -10) / 10 = -18; SS = 700 + 8*4 + 2*64 = 860
    # control: unchanged mean -10; SS = 800; d = -8 / sqrt(1660 / 18)
    scen = {s.key: s for s in rob.dropout_scenarios(ACTIVE, CONTROL)}
    assert scen["control_mean"].active_mean == pytest.approx(-18.0)
    assert scen["control_mean"].d == pytest.approx(-8 / math.sqrt(1660 / 18))


def test_no_dropout_leaves_every_scenario_equal() -> None:
    full = rob.ArmOutcome(-5, 4, 20, 20)
    ds = [s.d for s in rob.dropout_scenarios(full, rob.ArmOutcome(-2, 4, 20, 20))]
    assert ds == pytest.approx([ds[0]] * 3)


def test_mapp1_completers_reproduce_the_published_d() -> None:
    frame = chapter.dropout_frame().set_index("key")
    published = float(datasets.trial("mapp1").effect_size)
    assert abs(frame.loc["completers", "d"]) == pytest.approx(published, abs=0.005)
    assert abs(frame.loc["no_change", "d"]) < abs(frame.loc["completers", "d"])


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"mean": 1, "sd": 0, "n_completers": 5, "n_randomised": 6}, "sd"),
        ({"mean": float("nan"), "sd": 1, "n_completers": 5, "n_randomised": 6}, "mean"),
        ({"mean": 1, "sd": 1, "n_completers": 1, "n_randomised": 6}, "n_completers"),
        ({"mean": 1, "sd": 1, "n_completers": 7, "n_randomised": 6}, "n_completers"),
        ({"mean": 1, "sd": 1, "n_completers": 5, "n_randomised": 1.5}, "n_randomised"),
    ],
)
def test_bad_arm_input_names_the_argument(kwargs: dict, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        rob.ArmOutcome(**kwargs)


def test_bad_scenario_input_names_the_argument() -> None:
    with pytest.raises(ValueError, match="control"):
        rob.dropout_scenarios(ACTIVE, (1, 2, 3, 4))
    with pytest.raises(ValueError, match="fill"):
        rob.impute_arm(ACTIVE, float("inf"))


# ================================================================ RoB 2
def _all(value: str) -> dict[str, str]:
    return {d.id: value for d in rob.DOMAINS}


def test_rob2_overall_rule() -> None:
    assert rob.overall_judgement(_all("low")).judgement == "low"
    assert rob.overall_judgement({**_all("low"), "D3": "high"}).judgement == "high"
    one = rob.overall_judgement({**_all("low"), "D2": "some concerns"})
    assert (one.judgement, one.may_be_raised) == ("some concerns", False)
    two = {**_all("low"), "D2": "some concerns", "D4": "some concerns"}
    assert rob.overall_judgement(two).judgement == "some concerns"
    assert rob.overall_judgement(two).may_be_raised
    assert rob.overall_judgement(two, multiple_concerns_as_high=True).judgement == "high"
    # raising needs several domains with some concerns
    single = {**_all("low"), "D5": "some concerns"}
    assert (
        rob.overall_judgement(single, multiple_concerns_as_high=True).judgement == "some concerns"
    )


def test_domains_have_paraphrased_questions() -> None:
    assert [d.id for d in rob.DOMAINS] == ["D1", "D2", "D3", "D4", "D5"]
    assert all(len(d.questions) >= 3 for d in rob.DOMAINS)
    assert rob.domain("D4").short == "Measurement of the outcome"


def test_record_validates_and_sorts() -> None:
    items = [rob.DomainJudgement(d, "low", "fine") for d in ("D5", "D4", "D3", "D2", "D1")]
    record = rob.RiskOfBiasRecord("Trial X (fictional)", "primary", tuple(items))
    assert [j.domain for j in record.judgements] == ["D1", "D2", "D3", "D4", "D5"]
    assert record.overall().judgement == "low"
    with pytest.raises(ValueError, match="judgements"):
        rob.RiskOfBiasRecord("X", "primary", tuple(items[:4]))


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: rob.DomainJudgement("D6", "low", "x"), "domain"),
        (lambda: rob.DomainJudgement("D1", "unclear", "x"), "judgement"),
        (lambda: rob.DomainJudgement("D1", "low", " "), "reason"),
        (lambda: rob.DomainJudgement("D1", "low", "x", "key"), "sources"),
        (lambda: rob.overall_judgement({**_all("low"), "D1": "medium"}), "judgements"),
        (lambda: rob.overall_judgement({"D1": "low"}), "missing domain"),
        (lambda: rob.overall_judgement(_all("low"), multiple_concerns_as_high=1), "multiple"),
        (lambda: rob.overall_judgement(42), "judgements"),
        (lambda: rob.domain("D9"), "domain_id"),
        (lambda: rob.RiskOfBiasRecord("X", "primary", 0.0), "judgements"),
        (lambda: rob.RiskOfBiasRecord("X", "primary", "D1 low"), "judgements"),
        (lambda: rob.RiskOfBiasRecord("X", "primary", None), "judgements"),
    ],
)
def test_bad_rob_input_names_the_argument(call, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        call()


# ================================================================ the datasets
@pytest.mark.parametrize("name", ["rob2_judgements", "blinding_guesses"])
def test_datasets_validate(name: str) -> None:
    problems = [p for p in datasets.check_datasets() if p.startswith(name)]
    assert not problems, problems
    frame = datasets.load(name)
    assert not frame.empty
    assert set(frame["confidence"]) <= {"H", "V", "M", "P"}


def test_every_study_has_five_domains_and_an_overall() -> None:
    frame = datasets.load("rob2_judgements")
    for sid, rows in frame.groupby("study_id"):
        assert sorted(rows["domain"]) == ["D1", "D2", "D3", "D4", "D5", "overall"], sid
    assert frame["study_id"].nunique() == 3


def test_stored_overall_judgements_follow_the_rule() -> None:
    assert chapter.overall_problems() == []


def test_secondary_rows_are_flagged_in_the_model_answers() -> None:
    frame = datasets.load("rob2_judgements").set_index("row_id")
    payload = chapter.model_payload()
    for study in payload["studies"]:
        for dom, answer in study["answers"].items():
            row_id = f"{study['id'].replace('_', '-')}-{dom.lower()}"
            assert answer["secondary"] == (frame.loc[row_id, "confidence"] in ("M", "P"))


def test_blinding_rows_match_the_fact_table() -> None:
    """mdma.md section 8: about 90% (MDMA arm) and 75% (placebo arm), a secondary report."""
    frame = datasets.load("blinding_guesses").set_index("arm")
    assert float(frame.loc["active", "correct_pct"]) == 90
    assert float(frame.loc["control", "correct_pct"]) == 75
    assert set(frame["citation_key"]) == {"mittr2024"}
    assert set(frame["confidence"]) == {"M"}


# ================================================================ the worksheet
def test_worksheet_html_hides_the_model_answers() -> None:
    html = chapter.worksheet_html()
    frame = datasets.load("rob2_judgements")
    for reason in frame["reason"]:
        assert reason not in html
        assert reason[:40] not in html
    # judgement words appear only as the options of the menus, once per menu
    menus = html.count("<select")
    assert html.count(">High<") == menus and "Model judgement" not in html
    token = re.search(r'data-ck-rob-payload="([A-Za-z0-9+/=]+)"', html).group(1)
    payload = json.loads(base64.b64decode(token).decode("utf-8"))
    assert payload == chapter.model_payload()
    reasons = {a["reason"] for s in payload["studies"] for a in s["answers"].values()}
    assert reasons == set(frame["reason"])


def test_worksheet_html_is_accessible_and_private() -> None:
    html = chapter.worksheet_html()
    assert "Nothing is sent anywhere" in html
    assert 'role="status"' in html and 'aria-live="polite"' in html
    for ident in re.findall(r'<(?:select|textarea) id="([^"]+)"', html):
        assert f'<label for="{ident}">' in html
    assert html.count('data-action="reveal"') == 15
    assert "http" not in html


def test_live_worksheet_uses_the_same_answers() -> None:
    sheet = chapter.worksheet()
    text = sheet.reveal("mapp1", "D4")
    reason = datasets.load("rob2_judgements").set_index("row_id").loc["mapp1-d4", "reason"]
    assert reason.split(".")[0] in text.replace("&#x27;", "'")
    sheet._inputs[("mapp1", "D1")][0].value = "low"
    assert sheet.answers["mapp1"]["D1"] == "low"
    assert "You: low" in sheet.compare()
    sheet.reset()
    assert sheet.answers["mapp1"]["D1"] == "" and sheet._table.value == ""
    bundle = sheet._repr_mimebundle_()
    assert bundle["text/html"] == sheet.html
    with pytest.raises(ValueError, match="study"):
        sheet.reveal("nope", "D1")
    with pytest.raises(ValueError, match="domain"):
        sheet.reveal("mapp1", "D9")


def test_static_assets_exist_and_stay_offline() -> None:
    static = ROOT / "src" / "coursekit" / "static"
    js = (static / "appraisal.js").read_text(encoding="utf-8")
    css = (static / "appraisal.css").read_text(encoding="utf-8")
    assert "localStorage" in js and "textContent" in js
    for text in (js, css):
        assert not re.search(r"https?://|fetch\(|XMLHttpRequest|sendBeacon|innerHTML", text)


# ================================================================ figures and pages
def test_figures_are_finite() -> None:
    for figures in (chapter.figures(), chapter.source_check_figures()):
        for name, value in figures.items():
            assert name.isidentifier()
            assert isinstance(value, int) or math.isfinite(value), name


def test_thesis_arithmetic() -> None:
    fig = chapter.source_check_figures()
    assert fig["thesis_diff"] == pytest.approx(-19.9)
    assert fig["pooled_diff"] == pytest.approx(-22.0)
    assert fig["pooled_n_active"] + fig["pooled_n_control"] == fig["pooled_n_total"]


def test_charts_carry_descriptions() -> None:
    for chart in (chapter.blinding_chart(), chapter.dropout_chart(), chapter.example_chart()):
        assert chart.description and chart.spec["description"] == chart.description


def _page_texts() -> dict[str, str]:
    out = {}
    for path in sorted(PAGES.iterdir()):
        if path.suffix == ".md":
            out[path.name] = path.read_text(encoding="utf-8")
        elif path.suffix == ".ipynb":
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            out[path.name] = "\n\n".join(
                "".join(c["source"]) for c in cells if c["cell_type"] == "markdown"
            )
    return out


def test_pages_cite_known_keys() -> None:
    keys = bibliography.read(ROOT / "book" / "references.bib").keys()
    for name, text in _page_texts().items():
        for group in re.findall(r"\{cite(?::[a-z]+)?\}`([^`]*)`", text):
            for key in group.split(","):
                assert key.strip() in keys, f"{name}: {key}"


def test_pages_glue_and_ck_references_resolve() -> None:
    glued = set(chapter.figures()) | set(chapter.source_check_figures())
    for name, text in _page_texts().items():
        for ref in re.findall(r"\{glue:text\}`([^`:]+)", text):
            assert ref in glued, f"{name}: {ref}"
        for ref in re.findall(r"\{ck\}`([^`]+)`", text):
            assert lookup.format_value(ref), f"{name}: {ref}"


def test_pages_start_with_objectives_and_end_with_a_summary() -> None:
    for name, text in _page_texts().items():
        heads = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
        assert heads[0] == "Learning objectives" and heads[-1] == "Summary", name


def test_retracted_citations_say_so() -> None:
    for name, text in _page_texts().items():
        for para in re.split(r"\n\s*\n", text):
            if "mithoefer2019" in para:
                assert "retract" in para.lower(), f"{name}: {para[:80]}"


def test_pages_have_no_hand_typed_numeric_claims() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "_prose_audit", Path(__file__).resolve().parent / "test_prose_audit.py"
    )
    audit = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(audit)
    bad = [
        (rel, line)
        for rel, kind, line in audit.scanned_lines()
        if rel.startswith("book/appraisal/") and audit.unsupported_claims(rel, kind, line)
    ]
    assert not bad, bad
