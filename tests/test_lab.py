"""The instructors' live stack: the working copy (``coursekit lab``), live charts and the
JupyterHub/BinderHub files. The live JupyterLab run itself is ``tests/live``."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path, PurePosixPath

import nbformat
import pytest

from coursekit import lab
from coursekit.explore import render
from coursekit.lab.glue import collect_glue
from coursekit.lab.markdown import Context

ROOT = Path(__file__).resolve().parents[1]

BIB = """\
@article{smith2020,
  author = {Smith, Ann and Jones, Bo and Lee, Cy},
  title = {A trial},
  journal = {J},
  year = {2020},
}
@article{doe2019,
  author = {Doe, Dan},
  title = {Another},
  journal = {J},
  year = {2019},
}
"""


def ctx(page: str = "book/ch/02-b.ipynb", glue: dict | None = None) -> Context:
    docs = {
        "book/index": "book/index.ipynb",
        "book/ch/01-a": "book/ch/01-a.md",
        "book/ch/02-b": "book/ch/02-b.ipynb",
        "book/about/safety": "book/about/safety.md",
    }
    labels = {"sec-x": ("book/ch/01-a", "Section X")}
    names = {"smith2020": "Smith et al. 2020", "doe2019": "Doe 2019"}
    glued = glue or {}
    return Context(
        page=PurePosixPath(page),
        glue=glued,
        glue_by_page={"book/ch/02-b": glued},
        docs=docs,
        titles={"book/ch/01-a": "Chapter A", "book/about/safety": "Safety"},
        labels=labels,
        cite_label=lambda key: names.get(key, key),
    )


def text_output(value: str) -> dict:
    return {"data": {"text/plain": value}}


# ---------------------------------------------------------------- roles
def test_citations_become_author_year_text() -> None:
    c = ctx()
    out = lab.resolve_markdown("A {cite:p}`smith2020,doe2019`; {cite:t}`doe2019` said.", c)
    assert out == "A (Smith et al. 2020; Doe 2019); Doe (2019) said."
    assert not c.problems


def test_unknown_citation_is_reported() -> None:
    c = ctx()
    lab.resolve_markdown("{cite:p}`nobody1999`", c)
    assert c.problems and "nobody1999" in c.problems[0]


def test_glue_text_is_formatted_like_myst_nb() -> None:
    c = ctx(glue={"d": text_output("0.912345"), "name": text_output("'MAPP1'")})
    out = lab.resolve_markdown("d = {glue:text}`d:.2f`, {glue:text}`name`, {glue}`d`", c)
    assert out == "d = 0.91, MAPP1, 0.912345"
    assert not c.problems


def test_glue_from_another_page_and_missing_glue() -> None:
    c = ctx(page="book/index.ipynb", glue={})
    c.glue_by_page = {"book/ch/02-b": {"n": text_output("41")}}
    assert lab.resolve_markdown("{glue:text}`ch/02-b::n`", c) == "41"
    out = lab.resolve_markdown("{glue:text}`missing:.1f`", c)
    assert "not available" in out and c.problems


def test_terms_and_links() -> None:
    c = ctx()
    out = lab.resolve_markdown(
        "{term}`fear extinction <extinction>`, {term}`PTSD`, {doc}`01-a`, "
        "{doc}`the safety page </book/about/safety>`, {ref}`sec-x`, {ref}`see here <sec-x>`",
        c,
    )
    assert out == (
        "fear extinction, PTSD, [Chapter A](01-a.md), [the safety page](../about/safety.md), "
        "[Section X](01-a.md), [see here](01-a.md)"
    )
    assert not c.problems


def test_dataset_values(monkeypatch: pytest.MonkeyPatch) -> None:
    import coursekit.evidence.lookup as lookup

    monkeypatch.setattr(lookup, "format_value", lambda ref: {"t/r/c:.1f": "3.5"}[ref])
    assert lab.resolve_markdown("{ck}`t/r/c:.1f`", ctx()) == "3.5"


def test_values_are_escaped_for_markdown() -> None:
    c = ctx(glue={"v": text_output("'US$ 5 *net*'")})
    assert lab.resolve_markdown("{glue:text}`v`", c) == r"US\$ 5 \*net\*"


def test_code_is_left_alone_and_directives_are_resolved() -> None:
    source = (
        "```{admonition} Note\n:class: warning\nSee {cite:p}`doe2019`.\n```\n\n"
        "```python\nx = '{cite:p}`doe2019`'\n```\n\n"
        "Inline ``{cite:p}`doe2019` `` stays.\n\n"
        ":::{note}\nAfter {term}`PTSD`.\n:::\nEnd {cite:t}`doe2019`.\n"
    )
    out = lab.resolve_markdown(source, ctx())
    assert "```{admonition} Note\n:class: warning\nSee (Doe 2019).\n```" in out
    assert "x = '{cite:p}`doe2019`'" in out
    assert "``{cite:p}`doe2019` ``" in out
    assert ":::{note}\nAfter PTSD.\n:::\nEnd Doe (2019)." in out


def test_native_myst_roles_are_kept() -> None:
    assert lab.resolve_markdown("H{sub}`2`O", ctx()) == "H{sub}`2`O"


# ---------------------------------------------------------------- the working copy
def make_course(root: Path) -> Path:
    (root / "book" / "ch").mkdir(parents=True)
    (root / "book" / "quizzes").mkdir()
    (root / "_toc.yml").write_text("root: book/index\n")
    (root / "_config.yml").write_text("bibtex_bibfiles:\n  - book/references.bib\n")
    (root / "book" / "references.bib").write_text(BIB)
    (root / "book" / "quizzes" / "demo.yml").write_text("id: demo\n")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Index\n\nSee {doc}`ch/01-a` and {cite:p}`smith2020`."),
        nbformat.v4.new_code_cell("glue('n', 41)", metadata={"tags": ["remove-cell"]}),
        nbformat.v4.new_markdown_cell("n = {glue:text}`n`"),
    ]
    nbformat.write(nb, root / "book" / "index.ipynb")
    (root / "book" / "ch" / "01-a.md").write_text("# Chapter A\n\n(sec-x)=\n## X\n\n{term}`PTSD`\n")
    (root / "book" / "bib.md").write_text("# Works\n\n```{bibliography}\n:all:\n```\n")
    return root


GLUE = {"book/index": {"n": text_output("41")}}


def read_md_cells(path: Path) -> list[str]:
    nb = json.loads(path.read_text())
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def test_prepare_writes_a_resolved_copy(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course")
    report = lab.prepare(root, tmp_path / "lab", glue=GLUE)
    dest = tmp_path / "lab"
    assert not report.problems
    assert set(report.written) >= {"book/index.ipynb", "_toc.yml", "book/quizzes/demo.yml"}
    cells = read_md_cells(dest / "book" / "index.ipynb")
    assert cells[0] == "# Index\n\nSee [Chapter A](ch/01-a.md) and (Smith et al. 2020)."
    assert cells[1] == "n = 41"
    code = nbformat.read(dest / "book" / "index.ipynb", as_version=4).cells[1]
    assert code.source == "%%capture\nglue('n', 41)"  # removed in the book: silent live
    assert code.outputs == [] and code.execution_count is None
    assert (dest / "book" / "ch" / "01-a.md").read_text().endswith("PTSD\n")
    works = (dest / "book" / "bib.md").read_text()
    assert "- Doe 2019. Another." in works and "{bibliography}" not in works
    assert (dest / "README.md").is_file()
    # the source is untouched
    assert "{doc}`ch/01-a`" in (root / "book" / "index.ipynb").read_text()


def test_refresh_updates_unedited_files_and_keeps_edits(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course")
    dest = tmp_path / "lab"
    lab.prepare(root, dest, glue=GLUE)

    # The instructor runs the index (outputs only) and edits the chapter page.
    nb_path = dest / "book" / "index.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="ran")]
    nb.cells[1].execution_count = 3
    nbformat.write(nb, nb_path)
    page = dest / "book" / "ch" / "01-a.md"
    page.write_text("# Chapter A, my notes\n")
    # The course changes both files, and drops another.
    src = nbformat.read(root / "book" / "index.ipynb", as_version=4)
    src.cells[2].source = "n is {glue:text}`n`"
    nbformat.write(src, root / "book" / "index.ipynb")
    (root / "book" / "ch" / "01-a.md").write_text("# Chapter A (new)\n")
    (root / "book" / "bib.md").unlink()

    report = lab.prepare(root, dest, glue=GLUE)
    assert "book/index.ipynb" in report.updated  # running it was not an edit
    assert read_md_cells(nb_path)[1] == "n is 41"
    assert report.kept == ["book/ch/01-a.md"] and report.pending == ["book/ch/01-a.md"]
    assert page.read_text() == "# Chapter A, my notes\n"
    update = dest / ".coursekit" / "updates" / "book" / "ch" / "01-a.md"
    assert update.read_text() == "# Chapter A (new)\n"
    assert report.removed == ["book/bib.md"] and not (dest / "book" / "bib.md").exists()
    assert "kept your edited book/ch/01-a.md" in report.summary()

    # Running again changes nothing; the edit is still kept.
    again = lab.prepare(root, dest, glue=GLUE)
    assert again.kept == ["book/ch/01-a.md"] and not again.updated and not again.written

    # --reset puts the course version back and keeps the edit in a backup.
    reset = lab.prepare(root, dest, reset=True, glue=GLUE)
    assert reset.backed_up == ["book/ch/01-a.md"]
    assert page.read_text() == "# Chapter A (new)\n"
    assert (reset.backup_dir / "book" / "ch" / "01-a.md").read_text() == "# Chapter A, my notes\n"
    assert not update.exists()


def test_an_edited_file_the_course_no_longer_has_is_kept(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course")
    dest = tmp_path / "lab"
    lab.prepare(root, dest, glue=GLUE)
    (dest / "book" / "bib.md").write_text("# My list\n")
    (root / "book" / "bib.md").unlink()
    report = lab.prepare(root, dest, glue=GLUE)
    assert "book/bib.md" in report.kept and (dest / "book" / "bib.md").exists()


def test_content_key_ignores_outputs() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    before = lab.content_key("a.ipynb", nbformat.writes(nb).encode())
    nb.cells[0].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"})]
    nb.metadata["widgets"] = {"state": {}}
    assert lab.content_key("a.ipynb", nbformat.writes(nb).encode()) == before
    nb.cells[0].source = "1 + 2"
    assert lab.content_key("a.ipynb", nbformat.writes(nb).encode()) != before


def test_glue_is_read_from_the_notebooks_own_glue_cells(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from myst_nb import glue\nglue('x', 0.5, display=False)\nglue('s', 'ab')"
        ),
        nbformat.v4.new_code_cell("raise RuntimeError('cells after the last glue never run')"),
    ]
    path = tmp_path / "a.ipynb"
    nbformat.write(nb, path)
    glued = collect_glue({"a": path})
    assert glued["a"]["x"]["data"]["text/plain"] == "0.5"
    assert glued["a"]["s"]["data"]["text/plain"] == "'ab'"


def test_the_working_copy_of_the_course_has_no_book_only_roles(tmp_path: Path) -> None:
    """The real course, with glue values faked (their execution is tests/live's job)."""

    class AnyGlue(dict):
        def get(self, key: str, default: object = None) -> object:
            return text_output("1")

    class AllPages(dict):
        def get(self, key: str, default: object = None) -> object:
            return AnyGlue()

    report = lab.prepare(ROOT, tmp_path / "lab", glue=AllPages())
    assert not report.problems, report.problems
    role = re.compile(r"\{(?:glue|ck|cite|term|doc|ref)[\w:.-]*\}`")
    left = [
        str(p.relative_to(tmp_path))
        for p in (tmp_path / "lab" / "book").rglob("*")
        if p.suffix in {".md", ".ipynb"} and role.search(p.read_text())
    ]
    assert not left


# ---------------------------------------------------------------- live charts
def chart() -> render.StaticChart:
    import altair as alt
    import pandas as pd

    frame = pd.DataFrame({"x": [1, 2, 3], "y": [2, 1, 3]})
    return render.show(alt.Chart(frame).mark_line().encode(x="x:Q", y="y:Q"), "A line.")


def test_live_charts_are_svg_drawn_with_the_vega_lite_version_of_the_spec(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import altair as alt

    monkeypatch.delenv(render.OUTPUT_ENV, raising=False)
    bundle = chart()._repr_mimebundle_()
    assert render.VEGALITE_MIME in bundle  # still there for other frontends
    page = bundle["text/html"]
    version = re.search(r"v(\d+\.\d+)", alt.SCHEMA_VERSION)[1]
    assert f'data-vega-lite="{version}"' in page
    assert "<svg" in page and "Chart description: </span>A line." in page
    assert 'aria-label="A line."' in page
    assert not re.search(r"(?:src|href)=\"https?:", page)


def test_book_charts_hold_only_the_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(render.OUTPUT_ENV, "book")
    assert set(chart()._repr_mimebundle_()) == {render.VEGALITE_MIME, "text/plain"}


def test_the_sphinx_extension_selects_book_output(monkeypatch: pytest.MonkeyPatch) -> None:
    from coursekit import sphinxext

    class App:
        def __getattr__(self, name: str) -> object:
            return lambda *a, **k: None

    monkeypatch.setenv(render.OUTPUT_ENV, "live")  # restored after the test
    sphinxext.setup(App())
    import os

    assert os.environ[render.OUTPUT_ENV] == "book"


def test_explorer_grids_keep_only_the_spec_live(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(render.OUTPUT_ENV, raising=False)
    spec = {"params": [{"name": "d", "bind": {"input": "range"}}], "description": "x"}
    assert "text/html" not in render.StaticChart(spec, "x")._repr_mimebundle_()


def test_svg_ids_are_made_unique_per_chart() -> None:
    svg = '<clipPath id="clip1"/><g clip-path="url(#clip1)"/><use href="#clip1"/>'
    out = render._scope_svg_ids(svg, "ck-a")
    assert (
        out
        == '<clipPath id="ck-a-clip1"/><g clip-path="url(#ck-a-clip1)"/><use href="#ck-a-clip1"/>'
    )


# ---------------------------------------------------------------- make lab = JupyterHub
def _pip_installs(text: str) -> list[list[str]]:
    commands = []
    for line in text.splitlines():
        if "pip install" in line and "-e" in line:
            words = shlex.split(line.replace("$(BIN)/", "").strip())
            commands.append([w for w in words if w not in {"--quiet", "--no-cache-dir"}])
    return commands


def test_binder_installs_the_course_exactly_as_make_lab() -> None:
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("$(LAB_STAMP):", 1)[1].split("\n\n", 1)[0]
    post_build = (ROOT / "binder" / "postBuild").read_text()
    make_install = _pip_installs(recipe)
    binder_install = _pip_installs(post_build)
    assert make_install and make_install == binder_install
    command = " ".join(make_install[0])
    assert "-c constraints.txt" in command and "-e .[dev,lab]" in command
    assert "coursekit lab" in post_build and "$(BIN)/coursekit lab" in makefile
    assert "binder/jupyter-config" in post_build
    assert (ROOT / "binder" / "runtime.txt").read_text().startswith("python-3.")


def test_lab_packages_are_pinned() -> None:
    import tomllib

    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]["lab"]
    pins = {
        line.split("==")[0].lower().replace("_", "-")
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if "==" in line
    }
    for requirement in extra:
        name = re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        assert name in pins, f"{name} is in the lab extra but not pinned in constraints.txt"


def test_launch_buttons_are_off_by_default() -> None:
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["launch_buttons"]["binderhub_url"] == ""
    assert config["launch_buttons"]["jupyterhub_url"] == ""


def test_the_working_copy_is_git_ignored() -> None:
    assert "_lab/" in (ROOT / ".gitignore").read_text().split()
