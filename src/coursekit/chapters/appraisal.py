"""Capstone (critical appraisal): the RoB 2 worksheet, the blinding and dropout figures, and the
figures of the "check the sources" lab.

* :func:`worksheet` builds the "Appraise a trial" worksheet from the ``rob2_judgements``
  dataset: static HTML for the book (model answers base64-encoded in a data attribute, decoded
  by ``appraisal.js`` only when a reader asks) and ipywidgets for JupyterLab, from one source.
* :func:`figures` (page 01) and :func:`source_check_figures` (page 02) return every figure the
  pages glue into their prose; the charts come from :mod:`coursekit.explore.appraisal_charts`.

Figures are read from the datasets. The only numbers typed here are the *claims under test*
quoted from the course's seed documents (:data:`SEED_CLAIMS`), and the clearly fictional
worked example (:data:`FICTIONAL_GUESSES`).
"""

from __future__ import annotations

import base64
import functools
import html
import json
from typing import TYPE_CHECKING, Any

from coursekit.models import appraisal as rob

if TYPE_CHECKING:  # pragma: no cover
    import ipywidgets
    import pandas as pd

    from coursekit.explore.render import StaticChart

__all__ = [
    "CLAIM_POPULATION",
    "FICTIONAL_GUESSES",
    "SEED_CLAIMS",
    "STORAGE_KEY",
    "Worksheet",
    "blinding_chart",
    "blinding_frame",
    "dropout_chart",
    "dropout_frame",
    "encode_payload",
    "example_chart",
    "figures",
    "model_payload",
    "model_records",
    "overall_problems",
    "source_check_figures",
    "study_summaries",
    "worksheet",
    "worksheet_html",
]

DATASET = "rob2_judgements"
STORAGE_KEY = "coursekit-appraisal:capstone-v1"

#: Claims quoted from the course's seed documents, to be checked (they are not evidence).
#: Keys: bibliography key of the seed plus the figure. Values exactly as the seeds print them.
SEED_CLAIMS: dict[str, float] = {
    "thesis_n_total": 105,  # seedthesis002: "n=105"
    "thesis_n_active": 74,  # seedthesis002: "Aktiv gruppe n = 74"
    "thesis_change_active": -30.4,  # seedthesis002: "-30.4 (3.20)"
    "thesis_change_control": -10.5,  # seedthesis002: "- 10.5 (4.46)"
    "therapist_norwegians": 50_000,  # seedtherapist001: "over 50,000 Norwegians"
}
CLAIM_POPULATION = SEED_CLAIMS["therapist_norwegians"]

#: A fictional blinding survey for the worked example (labelled fictional on the page):
#: (correct, incorrect, don't know) per arm.
FICTIONAL_GUESSES: dict[str, tuple[int, int, int]] = {
    "active": (30, 6, 14),
    "control": (14, 12, 24),
}


# ================================================================ data
@functools.cache
def _judgements() -> pd.DataFrame:
    from coursekit.evidence import datasets

    return datasets.load(DATASET).sort_values(["order", "domain"]).reset_index(drop=True)


def _labels() -> Any:
    from coursekit.evidence import bibliography

    path = bibliography.book_bibliography_path()
    return bibliography.read(path) if path is not None else None


def _source_labels(keys: str) -> list[str]:
    bib = _labels()
    out = []
    for key in (k.strip() for k in str(keys).split(";") if k.strip()):
        out.append(bib.label(key) if bib is not None else key)
    return out


def _studies() -> list[tuple[str, str]]:
    frame = _judgements()
    return list(dict.fromkeys(zip(frame["study_id"], frame["study_label"], strict=True)))


def model_records() -> dict[str, rob.RiskOfBiasRecord]:
    """The model appraisal of each study, as a
    :class:`~coursekit.models.appraisal.RiskOfBiasRecord`."""
    frame = _judgements()
    out = {}
    for sid, label in _studies():
        rows = frame[(frame["study_id"] == sid) & (frame["domain"] != "overall")]
        items = tuple(
            rob.DomainJudgement(
                str(r.domain),
                str(r.judgement),
                str(r.reason),
                tuple(k.strip() for k in str(r.citation_key).split(";")),
            )
            for r in rows.itertuples()
        )
        out[sid] = rob.RiskOfBiasRecord(label, "primary outcome", items)
    return out


def overall_problems() -> list[str]:
    """Studies whose stored overall judgement disagrees with the RoB 2 rule (empty when fine).

    The stored overall may be "high" with several "some concerns" only when the rule says a
    reviewer may raise it.
    """
    frame = _judgements()
    problems = []
    for sid, record in model_records().items():
        stored = frame[(frame["study_id"] == sid) & (frame["domain"] == "overall")]
        if len(stored) != 1:
            problems.append(f"{sid}: needs exactly one overall row")
            continue
        value = str(stored["judgement"].iloc[0])
        rule = record.overall()
        allowed = {rule.judgement} | ({"high"} if rule.may_be_raised else set())
        if value not in allowed:
            problems.append(f"{sid}: overall {value!r}, but the rule gives {rule.judgement!r}")
    return problems


def study_summaries() -> dict[str, str]:
    """A neutral description of each appraised study (no judgement), built from the datasets."""
    from coursekit.evidence import datasets

    m = datasets.trial("mapp1")
    a05, a02 = datasets.trial("abdallah2022_dose05"), datasets.trial("abdallah2022_dose02")
    series = datasets.load("ketamine_realworld").set_index("row_id").loc["earleywine"]
    return {
        "mapp1": (
            f"A {m.design}: {m.n_total} adults ({m.population}) were randomised "
            f"({m.n_active} to MDMA, {m.n_control} to {m.comparator}). Primary outcome: "
            f"{m.primary_outcome} at {m.timepoint}; {m.n_analysed_active} and "
            f"{m.n_analysed_control} participants were analysed at the endpoint (the missing "
            "counts are inferred from these numbers, a secondary figure)."
        ),
        "abdallah2022": (
            f"A {a05.design}: {a05.n_total} {a05.population} were randomised to one of two "
            f"ketamine dose levels ({a05.n_active} and {a02.n_active}) or placebo "
            f"({a05.n_control}), with eight infusions over four weeks and a follow-up. Primary "
            "outcome: PCL-5 change. Result: no significant group-by-time difference on the "
            "PCL-5 or the CAPS-5; the higher dose improved depression ratings more than placebo."
        ),
        "clinic_series": (
            f"A preprint (not peer reviewed) describing {series.n} {series.population} who "
            "received at least six ketamine sessions in a clinic, with preparation, "
            "intention-setting and integration. The mean PCL-5 fell from "
            f"{series.pre_mean:.2f} to {series.post_mean:.2f} (before-after d = "
            f"{series.effect_size:.2f}); figures from a secondary summary of the abstract. "
            "Whether it was a chart review or an open-label study is unconfirmed."
        ),
    }


# ================================================================ the worksheet (static)
def encode_payload(data: Any) -> str:
    """Base64 of UTF-8 JSON: keeps model answers out of the readable page (not security)."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return base64.b64encode(raw.encode("utf-8")).decode("ascii")


def model_payload() -> dict[str, Any]:
    """The model answers for appraisal.js: per study, per domain and overall."""
    frame = _judgements()
    studies = []
    for sid, label in _studies():
        rows = frame[frame["study_id"] == sid]
        answers = {
            str(r.domain): {
                "judgement": str(r.judgement),
                "reason": str(r.reason),
                "sources": _source_labels(str(r.citation_key)),
                "secondary": str(r.confidence) in ("M", "P"),
            }
            for r in rows.itertuples()
        }
        studies.append({"id": sid, "label": label, "answers": answers})
    return {"studies": studies, "judgements": list(rob.JUDGEMENTS)}


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _domain_html(sid: str, dom: rob.Domain) -> str:
    base = f"ck-rob-{sid}-{dom.id.lower()}"
    options = '<option value="">Choose a judgement…</option>' + "".join(
        f'<option value="{_e(j)}">{_e(j.capitalize())}</option>' for j in rob.JUDGEMENTS
    )
    questions = "".join(f"<li>{_e(q)}</li>" for q in dom.questions)
    return (
        f'<fieldset class="ck-rob-domain" data-domain="{dom.id}">'
        f"<legend>{dom.id}. {_e(dom.name)}</legend>"
        f'<details class="ck-rob-questions"><summary>Signalling questions</summary>'
        f"<ul>{questions}</ul></details>"
        f'<label for="{base}-j">Your judgement</label>'
        f'<select id="{base}-j" data-field="judgement">{options}</select>'
        f'<label for="{base}-r">Your reason</label>'
        f'<textarea id="{base}-r" data-field="reason" rows="3"></textarea>'
        f'<button type="button" class="ck-rob-reveal" data-action="reveal" '
        f'aria-expanded="false" aria-controls="{base}-m">Show the model answer</button>'
        f'<div class="ck-rob-model" id="{base}-m" hidden></div>'
        "</fieldset>"
    )


def worksheet_html() -> str:
    """The static worksheet. Needs ``appraisal.js``/``appraisal.css`` (loaded on every page).

    The HTML holds the studies' neutral descriptions and the empty form; model answers travel
    only in the base64 ``data-ck-rob-payload`` attribute.
    """
    summaries = study_summaries()
    parts = [
        f'<section class="ck-rob" data-ck-rob="{STORAGE_KEY}" '
        f'data-ck-rob-payload="{encode_payload(model_payload())}" '
        'aria-label="Risk-of-bias worksheet">',
        '<p class="ck-rob-privacy"><strong>Private by design:</strong> your answers are saved '
        "only in this browser (local storage) so they are still here when you come back. "
        "Nothing is sent anywhere, and <em>Reset</em> deletes them.</p>",
        '<noscript><p class="ck-rob-privacy">This worksheet needs JavaScript to save answers '
        "and show model answers. The model answers are also in the notebook version.</p>"
        "</noscript>",
    ]
    for number, (sid, label) in enumerate(_studies(), start=1):
        parts.append(f'<div class="ck-rob-study" data-study="{_e(sid)}">')
        parts.append(f"<h3>Study {number}: {_e(label)}</h3>")
        parts.append(f'<p class="ck-rob-summary">{_e(summaries.get(sid, ""))}</p>')
        parts.extend(_domain_html(sid, dom) for dom in rob.DOMAINS)
        parts.append(
            f'<div class="ck-rob-overall"><button type="button" data-action="reveal-overall" '
            f'aria-expanded="false" aria-controls="ck-rob-{_e(sid)}-overall">Show the model '
            f'overall judgement</button><div class="ck-rob-model" id="ck-rob-{_e(sid)}-overall" '
            "hidden></div></div></div>"
        )
    parts.append(
        '<div class="ck-rob-actions">'
        '<button type="button" data-action="compare" aria-expanded="false" '
        'aria-controls="ck-rob-compare">Compare the three studies</button>'
        '<button type="button" data-action="reset">Reset my answers</button></div>'
        '<div class="ck-rob-compare" id="ck-rob-compare" hidden></div>'
        '<p class="ck-rob-status" role="status" aria-live="polite"></p></section>'
    )
    return "".join(parts)


# ================================================================ the worksheet (live)
def _answer_html(answer: dict[str, Any]) -> str:
    sources = "; ".join(answer["sources"])
    flag = " (rests partly on a secondary source)" if answer.get("secondary") else ""
    return (
        f"<p><strong>Model judgement: {_e(answer['judgement'])}</strong>{_e(flag)}</p>"
        f"<p>{_e(answer['reason'])}</p><p><em>Sources:</em> {_e(sources)}</p>"
    )


def _your_overall(answers: dict[str, str]) -> str:
    picks = {d.id: answers.get(d.id, "") for d in rob.DOMAINS}
    if not all(picks.values()):
        return "answer all five domains first"
    return rob.overall_judgement(picks).judgement


def _compare_html(payload: dict[str, Any], yours: dict[str, dict[str, str]]) -> str:
    heads = "".join(f'<th scope="col">{_e(s["label"])}</th>' for s in payload["studies"])
    body = []
    for dom in [*(d.id for d in rob.DOMAINS), "overall"]:
        cells = []
        for s in payload["studies"]:
            mine = yours.get(s["id"], {}).get(dom, "") or "not answered"
            if dom == "overall" and not yours.get(s["id"], {}).get(dom):
                mine = _your_overall(yours.get(s["id"], {}))
            model = s["answers"][dom]["judgement"]
            cells.append(f"<td>You: {_e(mine)}<br>Model: {_e(model)}</td>")
        name = "Overall" if dom == "overall" else f"{dom} {rob.domain(dom).short}"
        body.append(f'<tr><th scope="row">{_e(name)}</th>{"".join(cells)}</tr>')
    return (
        '<table class="ck-rob-table"><caption>Your judgements and the model judgements'
        f'</caption><thead><tr><th scope="col">Domain</th>{heads}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


class Worksheet:
    """The worksheet in both renderings: ipywidgets live, :func:`worksheet_html` in the book.

    ``answers`` holds the live choices; ``reveal(study, domain)`` shows a model answer and
    ``compare()`` the comparison table, as the buttons do.
    """

    def __init__(self) -> None:
        import ipywidgets as w

        self.payload = model_payload()
        self.html = worksheet_html()
        self._inputs: dict[tuple[str, str], tuple[Any, Any, Any]] = {}
        summaries = study_summaries()
        boxes: list[ipywidgets.Widget] = [
            w.HTML("<p>Your answers stay in this notebook; nothing is sent anywhere.</p>")
        ]
        for study in self.payload["studies"]:
            sid = study["id"]
            boxes.append(w.HTML(f"<h3>{_e(study['label'])}</h3><p>{_e(summaries[sid])}</p>"))
            for dom in [*rob.DOMAINS, None]:
                key = dom.id if dom else "overall"
                title = f"{dom.id}. {dom.name}" if dom else "Overall judgement"
                pick = w.Dropdown(
                    options=[("Choose…", ""), *((j.capitalize(), j) for j in rob.JUDGEMENTS)],
                    description="Your judgement",
                    style={"description_width": "initial"},
                )
                reason = w.Textarea(placeholder="Your reason", layout=w.Layout(width="36em"))
                shown = w.HTML("")
                button = w.Button(description="Show the model answer")
                button.on_click(lambda _b, s=sid, k=key: self.reveal(s, k))
                self._inputs[(sid, key)] = (pick, reason, shown)
                boxes.append(w.VBox([w.HTML(f"<strong>{_e(title)}</strong>"), pick, reason,
                                     button, shown]))  # fmt: skip
        self._table = w.HTML("")
        compare = w.Button(description="Compare the three studies")
        compare.on_click(lambda _b: self.compare())
        reset = w.Button(description="Reset my answers")
        reset.on_click(lambda _b: self.reset())
        boxes += [w.HBox([compare, reset]), self._table]
        self.widget = w.VBox(boxes)

    @property
    def answers(self) -> dict[str, dict[str, str]]:
        """The live judgements: ``{study_id: {domain: judgement}}`` (empty string if unanswered)."""
        out: dict[str, dict[str, str]] = {}
        for (sid, key), (pick, _reason, _shown) in self._inputs.items():
            out.setdefault(sid, {})[key] = pick.value
        return out

    def reveal(self, study: str, domain: str) -> str:
        """Show (and return) the model answer for ``study`` and ``domain`` (or ``"overall"``)."""
        ids = [s["id"] for s in self.payload["studies"]]
        if study not in ids:
            raise ValueError(f"study must be one of {ids}, got {study!r}")
        answers = self.payload["studies"][ids.index(study)]["answers"]
        if domain not in answers:
            raise ValueError(f"domain must be one of {sorted(answers)}, got {domain!r}")
        text = _answer_html(answers[domain])
        self._inputs[(study, domain)][2].value = text
        return text

    def reset(self) -> None:
        """Clear every choice, reason, revealed answer and the comparison table."""
        for pick, reason, shown in self._inputs.values():
            pick.value, reason.value, shown.value = "", "", ""
        self._table.value = ""

    def compare(self) -> str:
        """Show (and return) the table of your judgements beside the model judgements."""
        self._table.value = _compare_html(self.payload, self.answers)
        return self._table.value

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle: dict[str, Any] = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle["text/html"] = self.html
        bundle["text/plain"] = (
            "Risk-of-bias worksheet: open the notebook in JupyterLab or the built book."
        )
        return bundle


def worksheet() -> Worksheet:
    """The capstone worksheet (display it as the last expression of a cell)."""
    return Worksheet()


# ================================================================ figures for page 01
def blinding_frame() -> pd.DataFrame:
    """Bounds on Bang's index for each reported arm under both readings of the percentage."""
    import pandas as pd

    from coursekit.evidence import datasets

    rows = []
    for r in datasets.load("blinding_guesses").itertuples():
        share = float(r.correct_pct) / 100
        for basis, text in (("all", "of everyone"), ("guessers", "of those who guessed")):
            low, high = rob.bang_bounds_from_share(share, basis)
            rows.append(
                {
                    "label": f"{r.arm_label}: {r.correct_pct:.0f}% {text}",
                    "arm": str(r.arm_label),
                    "basis": basis,
                    "low": low,
                    "high": high,
                }
            )
    return pd.DataFrame(rows)


def blinding_chart() -> StaticChart:
    """The blinding-index ranges allowed by the reported guess percentages."""
    from coursekit.explore.appraisal_charts import blinding_ranges

    return blinding_ranges(blinding_frame(), group="arm")


def _mapp1_arms() -> tuple[rob.ArmOutcome, rob.ArmOutcome]:
    from coursekit.evidence import datasets

    m = datasets.trial("mapp1")
    return (
        rob.ArmOutcome(
            float(m.change_active), float(m.spread_active), int(m.n_analysed_active),
            int(m.n_active)),
        rob.ArmOutcome(
            float(m.change_control), float(m.spread_control), int(m.n_analysed_control),
            int(m.n_control)),
    )  # fmt: skip


def dropout_frame() -> pd.DataFrame:
    """Cohen's d for MAPP1 on completers and under the two imputation rules."""
    import pandas as pd

    rows = [
        {"key": s.key, "label": s.label, "d": s.d, "assumption": s.assumption}
        for s in rob.dropout_scenarios(*_mapp1_arms())
    ]
    return pd.DataFrame(rows)


def dropout_chart() -> StaticChart:
    """The MAPP1 sensitivity chart (d is negative when MDMA improved more)."""
    from coursekit.evidence import datasets
    from coursekit.explore.appraisal_charts import dropout_sensitivity

    published = -float(datasets.trial("mapp1").effect_size)
    return dropout_sensitivity(
        dropout_frame(),
        published=published,
        title="MAPP1: Cohen's d under three assumptions about missing participants",
    )


def example_chart() -> StaticChart:
    """A traffic-light chart of a fictional trial (the worked example; no real study)."""
    import pandas as pd

    from coursekit.explore.appraisal_charts import traffic_light

    fictional = {"D1": "low", "D2": "some concerns", "D3": "low", "D4": "high", "D5": "low"}
    overall = rob.overall_judgement(fictional).judgement
    rows = [
        {"study": "Fictional trial X", "domain": k, "judgement": v} for k, v in fictional.items()
    ]
    rows.append({"study": "Fictional trial X", "domain": "Overall", "judgement": overall})
    return traffic_light(pd.DataFrame(rows), title="Worked example: a fictional trial")


def figures() -> dict[str, Any]:
    """Every figure page 01 glues into its prose."""
    from coursekit.evidence import datasets

    guesses = datasets.load("blinding_guesses").set_index("arm")
    act, ctl = (
        float(guesses.loc["active", "correct_pct"]),
        float(guesses.loc["control", "correct_pct"]),
    )
    a_all, c_all = rob.bang_bounds_from_share(act / 100), rob.bang_bounds_from_share(ctl / 100)
    fic = {arm: rob.bang_index(*counts, arm=arm) for arm, counts in FICTIONAL_GUESSES.items()}
    scen = {s.key: s for s in rob.dropout_scenarios(*_mapp1_arms())}
    m = datasets.trial("mapp1")
    out: dict[str, Any] = {
        "guess_active_pct": act,
        "guess_control_pct": ctl,
        "bi_active_low": a_all[0],
        "bi_active_high": a_all[1],
        "bi_control_low": c_all[0],
        "bi_control_high": c_all[1],
        "mapp1_n_rand_active": int(m.n_active),
        "mapp1_n_rand_control": int(m.n_control),
        "mapp1_n_comp_active": int(m.n_analysed_active),
        "mapp1_n_comp_control": int(m.n_analysed_control),
        "mapp1_d_published": float(m.effect_size),
        "d_completers": scen["completers"].d,
        "d_no_change": scen["no_change"].d,
        "d_control_mean": scen["control_mean"].d,
    }
    for key, sc in scen.items():
        out[f"mean_active_{key}"] = sc.active_mean
        out[f"mean_control_{key}"] = sc.control_mean
        out[f"diff_{key}"] = sc.active_mean - sc.control_mean
    for arm, bi in fic.items():
        c, i, k = FICTIONAL_GUESSES[arm]
        out |= {
            f"fic_{arm}_correct": c, f"fic_{arm}_incorrect": i, f"fic_{arm}_dk": k,
            f"fic_{arm}_n": bi.n, f"fic_{arm}_bi": bi.estimate,
            f"fic_{arm}_low": bi.ci_low, f"fic_{arm}_high": bi.ci_high,
        }  # fmt: skip
    return out


# ================================================================ figures for page 02
def _epi(row_id: str) -> float:
    from coursekit.evidence import lookup

    return float(lookup.value(f"epidemiology/{row_id}/prevalence_pct"))


def source_check_figures() -> dict[str, Any]:
    """Every figure page 02 glues: the seed claims and what the course's data say."""
    from coursekit.evidence import datasets

    p = datasets.trial("mithoefer2019")
    seed = SEED_CLAIMS
    out: dict[str, Any] = {
        "thesis_n_total": int(seed["thesis_n_total"]),
        "thesis_n_active": int(seed["thesis_n_active"]),
        "thesis_change_active": seed["thesis_change_active"],
        "thesis_change_control": seed["thesis_change_control"],
        "thesis_diff": seed["thesis_change_active"] - seed["thesis_change_control"],
        "pooled_diff": float(p["diff"]),
        "pooled_diff_se": float(p.diff_se),
        "pooled_n_active": int(p.n_active),
        "pooled_n_control": int(p.n_control),
        "pooled_n_total": int(p.n_total),
        "pooled_d": float(p.effect_size),
        "claim_population": int(CLAIM_POPULATION),
    }
    out["diff_gap"] = out["thesis_diff"] - out["pooled_diff"]
    periods = {
        "lifetime": ("norway-lifetime-female", "norway-lifetime-male"),
        "12month": ("norway-12month-female", "norway-12month-male"),
        "point": ("norway-pcl5-point-female", "norway-pcl5-point-male"),
    }
    for name, (women, men) in periods.items():
        pw, pm = _epi(women), _epi(men)
        mean = (pw + pm) / 2
        out |= {f"no_{name}_women": pw, f"no_{name}_men": pm, f"no_{name}_mean": mean}
        # adults needed for the claim to hold, assuming equal numbers of women and men
        out[f"no_{name}_needed_millions"] = CLAIM_POPULATION / (mean / 100) / 1e6
    return out
