"""Sphinx side of the teaching kit: objectives, the instructors' map, time on task.

* ``{objectives}`` renders a page's learning objectives from ``book/objectives/*.yml``
  (:mod:`coursekit.teaching.objectives`); with page arguments
  (``{objectives} book/ptsd/04-fear-learning``) it renders those pages' objectives, as the
  teaching plan does for each session.
* ``{objective-table}`` renders the instructors' map, one table per chapter: objective →
  page → exercises → quiz items (:mod:`coursekit.teaching.mapping`).
* Time on task: when a page is read, its words (prose, not code), exercises and quiz items
  are counted; when it is written, an "Estimated time" line goes under its title. Pages
  with sections (chapter indexes) show their own time plus their sections'. The rates are
  the config values ``coursekit_reading_wpm``, ``coursekit_minutes_per_exercise``,
  ``coursekit_minutes_per_item`` and ``coursekit_minutes_per_open_item``; pages matching
  ``coursekit_time_exclude`` (reference pages) show none.
"""

from __future__ import annotations

import fnmatch
import re
from functools import cache
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive

from coursekit.teaching.timing import Rates, TimeEstimate, estimate, format_minutes

__all__ = ["ObjectiveTableDirective", "ObjectivesDirective", "setup_teaching"]

_ITEM = re.compile(r'data-item-type="([a-z]+)"')
_SKIP_WORDS = (nodes.literal_block, nodes.raw, nodes.comment, nodes.math_block, nodes.title)


@cache
def _load(srcdir: str) -> Any:
    from coursekit.teaching.objectives import load_objectives

    return load_objectives(Path(srcdir) / "book")


def _objectives(env: Any) -> Any:
    return _load(str(env.srcdir))


def _error(directive: Directive, message: str) -> list[nodes.Node]:
    return [directive.state.document.reporter.error(message, line=directive.lineno)]


class ObjectivesDirective(Directive):
    """``{objectives}``: the current page's (or the named pages') learning objectives."""

    optional_arguments = 20
    has_content = False

    def run(self) -> list[nodes.Node]:
        from coursekit.teaching.objectives import ObjectiveError

        env = self.state.document.settings.env
        try:
            objectives = _objectives(env)
        except ObjectiveError as exc:
            return _error(self, f"objectives data: {exc.problems[0]}")
        pages = self.arguments or [env.docname]
        listed = []
        for page in pages:
            found = objectives.for_page(page)
            if not found:
                return _error(self, f"{{objectives}}: no objectives for page {page!r}")
            listed.extend(found)
        bullet = nodes.bullet_list(classes=["ck-objectives"])
        for objective in listed:
            item = nodes.list_item(ids=[f"objective-{objective.id}"] if not self.arguments else [])
            item["classes"].append("ck-objective")
            paragraph = nodes.paragraph()
            text, _messages = self.state.inline_text(objective.text, self.lineno)
            paragraph.extend(text)
            item.append(paragraph)
            bullet.append(item)
        return [bullet]


def _doc_link(page: str, text: str | None, env: Any) -> nodes.Node:
    """A link to ``page``, titled with ``text`` or (``None``) the page's own title."""
    from sphinx.addnodes import pending_xref

    ref = pending_xref(
        "",
        refdomain="std",
        reftype="doc",
        reftarget="/" + page,
        refexplicit=text is not None,
        refdoc=env.docname,
    )
    ref.append(nodes.inline(text or page, text or page))
    return ref


def _label_link(label: str, title: str, env: Any) -> nodes.Node:
    """A link to the exercise ``label``, named by its title."""
    from sphinx.addnodes import pending_xref

    ref = pending_xref(
        "",
        refdomain="std",
        reftype="ref",
        reftarget=label,
        refexplicit=True,
        refdoc=env.docname,
    )
    ref.append(nodes.inline(title, title))
    return ref


class ObjectiveTableDirective(Directive):
    """``{objective-table}``: objective → pages → exercises → quiz items, per chapter."""

    has_content = False

    @staticmethod
    def _overview_cell(ids: tuple[str, ...], lead: str) -> nodes.entry:
        """A map cell for a chapter overview objective: the objectives it sums up (linked)."""
        paragraph = nodes.paragraph(text=lead + (":" if ids else ""))
        entry = nodes.entry("", paragraph)
        if ids:
            listing = nodes.bullet_list()
            for oid in ids:
                link = nodes.reference("", "", internal=True, refid=f"map-{oid}")
                link.append(nodes.literal(oid, oid))
                listing.append(nodes.list_item("", nodes.paragraph("", "", link)))
            entry.append(listing)
        return entry

    def run(self) -> list[nodes.Node]:
        from coursekit.quiz.model import count_of
        from coursekit.teaching.mapping import course_map, coverage_problems, objective_map
        from coursekit.teaching.objectives import ObjectiveError

        env = self.state.document.settings.env
        try:
            objectives, exercises, items = course_map(Path(env.srcdir) / "book")
        except (ObjectiveError, ValueError) as exc:
            return _error(self, f"{{objective-table}}: {exc}")
        rows = objective_map(objectives, exercises, items)
        reporter = self.state.document.reporter
        out: list[nodes.Node] = [
            reporter.warning(f"course map: {problem}", line=self.lineno)
            for problem in coverage_problems(objectives, exercises, items)
        ]
        for chapter, title in objectives.chapters.items():
            table = nodes.table(classes=["ck-objective-table"])
            table.append(nodes.title(title, f"{title}: objectives, exercises and quiz items"))
            group = nodes.tgroup(cols=4)
            table.append(group)
            for width in (40, 20, 20, 20):
                group.append(nodes.colspec(colwidth=width))
            head = nodes.thead()
            head_row = nodes.row()
            for label in ("Objective", "Pages", "Exercises", "Quiz items"):
                head_row.append(nodes.entry("", nodes.paragraph(text=label)))
            head.append(head_row)
            group.append(head)
            body = nodes.tbody()
            for row in (r for r in rows if r.chapter == chapter):
                tr = nodes.row(ids=[f"map-{row.objective}"])
                objective = nodes.paragraph()
                objective.append(nodes.literal(row.objective, row.objective))
                objective.append(nodes.Text(" "))
                objective.extend(self.state.inline_text(row.text, self.lineno)[0])
                tr.append(nodes.entry("", objective))
                pages = nodes.bullet_list()
                for page in row.pages:
                    pages.append(
                        nodes.list_item("", nodes.paragraph("", "", _doc_link(page, None, env)))
                    )
                tr.append(nodes.entry("", pages))
                if row.includes:
                    tr.append(self._overview_cell(row.includes, "practised through"))
                    tr.append(
                        self._overview_cell(
                            (),
                            f"{count_of(len(row.items), 'quiz item')} in those rows",
                        )
                    )
                    body.append(tr)
                    continue
                exercises_cell = nodes.bullet_list()
                for label, title in row.exercises:
                    exercises_cell.append(
                        nodes.list_item("", nodes.paragraph("", "", _label_link(label, title, env)))
                    )
                tr.append(
                    nodes.entry("", exercises_cell)
                    if row.exercises
                    else nodes.entry("", nodes.paragraph(text="none"))
                )
                items_cell = nodes.bullet_list()
                for ref in row.items:
                    text = f"{ref.bank}: {ref.item}"
                    link = _doc_link(ref.page, text, env) if ref.page else nodes.Text(text)
                    items_cell.append(nodes.list_item("", nodes.paragraph("", "", link)))
                tr.append(
                    nodes.entry("", items_cell)
                    if row.items
                    else nodes.entry("", nodes.paragraph(text="none"))
                )
                body.append(tr)
            group.append(body)
            out.append(table)
        env.note_dependency(str(Path(env.srcdir) / "_toc.yml"))
        return out


def _count(doctree: nodes.document) -> tuple[int, int, int, int]:
    words = 0
    for text in doctree.findall(nodes.Text):
        if _is_code_or_markup(text):
            continue
        words += len(text.astext().split())
    exercises = 0
    try:
        from sphinx_exercise.nodes import exercise_enumerable_node, exercise_node

        exercises = sum(
            1
            for _ in doctree.findall(
                lambda n: isinstance(n, (exercise_node, exercise_enumerable_node))
            )
        )
    except ImportError:  # pragma: no cover - sphinx-exercise is a dependency
        pass
    items = open_items = 0
    for raw in doctree.findall(nodes.raw):
        if "html" not in raw.get("format", ""):
            continue
        kinds = _ITEM.findall(raw.astext())
        items += len(kinds)
        open_items += kinds.count("open")
    return words, exercises, items, open_items


def _is_code_or_markup(node: nodes.Node) -> bool:
    """Whether a text node is code, raw output, maths or a title (not counted as reading)."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, _SKIP_WORDS):
            return True
        if isinstance(parent, nodes.container) and "cell_input" in parent.get("classes", ()):
            return True
        parent = parent.parent
    return False


def _rates(config: Any) -> Rates:
    return Rates(
        words_per_minute=config.coursekit_reading_wpm,
        minutes_per_exercise=config.coursekit_minutes_per_exercise,
        minutes_per_item=config.coursekit_minutes_per_item,
        minutes_per_open_item=config.coursekit_minutes_per_open_item,
    )


def _excluded(config: Any, docname: str) -> bool:
    return any(fnmatch.fnmatch(docname, p) for p in config.coursekit_time_exclude)


def _doctree_read(app: Any, doctree: nodes.document) -> None:
    env = app.env
    if not hasattr(env, "coursekit_time"):
        env.coursekit_time = {}
    words, exercises, items, open_items = _count(doctree)
    env.coursekit_time[env.docname] = estimate(
        words, exercises, items, open_items, rates=_rates(app.config)
    )


def _purge(app: Any, env: Any, docname: str) -> None:
    getattr(env, "coursekit_time", {}).pop(docname, None)


def _merge(app: Any, env: Any, docnames: Any, other: Any) -> None:
    if not hasattr(env, "coursekit_time"):
        env.coursekit_time = {}
    for name in docnames:
        if name in getattr(other, "coursekit_time", {}):
            env.coursekit_time[name] = other.coursekit_time[name]


def page_total(env: Any, docname: str, seen: set[str] | None = None) -> TimeEstimate:
    """The page's estimate plus those of every page below it in the table of contents."""
    seen = seen if seen is not None else set()
    if docname in seen:
        return TimeEstimate()
    seen.add(docname)
    total = getattr(env, "coursekit_time", {}).get(docname, TimeEstimate())
    for child in env.toctree_includes.get(docname, ()):
        if not _excluded(env.config, child):
            total = total + page_total(env, child, seen)
    return total


def _sentence(est: TimeEstimate, rates: Rates) -> str:
    parts = [f"reading at {rates.words_per_minute} words a minute"]
    if est.exercises:
        n = est.exercises
        parts.append(f"{n} exercise{'s' if n != 1 else ''} at {rates.minutes_per_exercise} minutes")
    if est.items:
        n = est.items
        parts.append(f"{n} quiz item{'s' if n != 1 else ''}")
    return ", ".join(parts)


def _doctree_resolved(app: Any, doctree: nodes.document, docname: str) -> None:
    env = app.env
    if _excluded(app.config, docname) or docname not in getattr(env, "coursekit_time", {}):
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not section.children:
        return
    rates = _rates(app.config)
    children = [c for c in env.toctree_includes.get(docname, ()) if not _excluded(app.config, c)]
    if children:
        est = page_total(env, docname)
        whole = docname == app.config.root_doc
        lead = "The whole course" if whole else "This chapter"
        text = (
            f"{lead}: about {format_minutes(est.minutes)} of study "
            f"({_sentence(est, rates)}, over this page and the pages below it)."
        )
    else:
        est = env.coursekit_time[docname]
        text = f"Estimated time: about {format_minutes(est.minutes)} ({_sentence(est, rates)})."
    paragraph = nodes.paragraph(text, "", classes=["ck-time"])
    paragraph["ids"] = ["ck-time"]
    paragraph.append(nodes.Text(text))
    section.insert(1, paragraph)


def setup_teaching(app: Any) -> None:
    """Register the directives, the time-on-task events and their config values."""
    defaults = Rates()
    app.add_config_value("coursekit_reading_wpm", defaults.words_per_minute, "env", [int])
    app.add_config_value("coursekit_minutes_per_exercise", defaults.minutes_per_exercise, "env")
    app.add_config_value("coursekit_minutes_per_item", defaults.minutes_per_item, "env")
    app.add_config_value("coursekit_minutes_per_open_item", defaults.minutes_per_open_item, "env")
    app.add_config_value(
        "coursekit_time_exclude",
        ["book/reference/glossary", "book/reference/bibliography", "book/progress", "book/about/*"],
        "env",
    )
    app.add_directive("objectives", ObjectivesDirective)
    app.add_directive("objective-table", ObjectiveTableDirective)
    app.connect("doctree-read", _doctree_read)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("doctree-resolved", _doctree_resolved)
