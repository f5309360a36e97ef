"""Sphinx extension that builds the course: offline, quiet, accessible and fresh.

* Registers the course's static assets (the local Vega, Vega-Lite, vega-embed and MathJax
  builds, the chart and quiz scripts and styles) and its config defaults, so a book only
  needs ``coursekit.sphinxext`` in its extensions.
* Adds the ``{ck}`` role (:mod:`coursekit.sphinxext.roles`): figures from the datasets.
* Adds the teaching kit (:mod:`coursekit.sphinxext.teaching`): ``{objectives}``,
  ``{objective-table}`` and the time-on-task line under each page's title, and loads
  ``sphinx-exercise`` for the ``{exercise}``/``{solution}`` directives.
* Drops the ipywidgets state that myst-nb embeds in every page with a widget (the static
  book never uses it; it is most of a page's weight and holds quiz explanations in clear
  text). myst-nb adds it whenever a notebook's metadata has widget state, whatever
  ``nb_ipywidgets_js`` says (myst_nb.core.render ``render_nb_finalise``).
* Drops sphinx-thebe's assets: the course has no live-code launch buttons, yet
  sphinx-book-theme activates thebe itself rather than through sphinx-thebe's button node
  (executablebooks/sphinx-thebe#34), and its inline configuration is registered twice,
  which is a console error.
* Starts every page in light mode unless the reader chose otherwise (without a default the
  theme logs "Invalid theme mode").
* Names the sidebar's expand/collapse toggles for screen readers: since the keyboard-operable
  toctree (pydata/pydata-sphinx-theme#1582) they are ``<summary>`` elements holding only an
  icon, which axe reports as ``summary-name``.
* Repairs two accessibility faults in generated page bodies: myst-nb labels "show code"
  toggles with an ``aria-label`` that hides their visible text (no upstream issue found;
  axe ``label-content-name-mismatch``), and the bibliography marks entries with the role
  ``doc-biblioentry``, deprecated in DPUB-ARIA 1.1 because it is not a valid list child
  (w3c/dpub-aria#22, w3c/html-aria#369), inside a ``role="list"`` container.
* Keeps outputs fresh: notebooks are executed when Sphinx reads them, and
  Sphinx only re-reads pages whose source changed. When ``coursekit`` itself
  (code, datasets, static assets) or a quiz bank changes, every page is re-read
  and so re-executed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

__all__ = ["CSS_FILES", "JS_FILES", "inputs_fingerprint", "setup"]

#: Scripts every page loads, from the package's static folder (deferred, in this order).
JS_FILES: tuple[str, ...] = (
    "vendor/vega.min.js",
    "vendor/vega-lite.min.js",
    "vendor/vega-embed.min.js",
    "coursekit-charts.js",
    "coursekit-search.js",
    "quiz.js",
    "appraisal.js",
    "coursekit-exercises.js",
)
#: Stylesheets every page loads.
CSS_FILES: tuple[str, ...] = ("coursekit.css", "quiz.css", "appraisal.css")
#: Local MathJax build (no CDN).
MATHJAX_PATH = "vendor/tex-svg.js"


def _static_dir() -> str:
    from coursekit._paths import static_dir

    return str(static_dir())


def _config_inited(app: Any, config: Any) -> None:
    static = _static_dir()
    if static not in [str(p) for p in config.html_static_path]:
        config.html_static_path.append(static)
    mathjax = str(config.mathjax_path or "")
    if not mathjax or mathjax.startswith(("http://", "https://", "//")):
        config.mathjax_path = MATHJAX_PATH
    options = dict(config.mathjax3_config or {})
    options.setdefault("options", {}).setdefault("enableMenu", False)
    config.mathjax3_config = options


def _drop_widget_state(app: Any, doctree: Any) -> None:
    """Remove the ipywidgets state myst-nb registered for this page (see module docstring)."""
    metadata = getattr(app.env, "nb_metadata", None)
    if not metadata:
        return
    js_files = metadata.get(app.env.docname, {}).get("js_files", {})
    for key in [k for k in js_files if k.startswith("ipywidgets")]:
        del js_files[key]


def _is_thebe(asset: Any) -> bool:
    filename = str(getattr(asset, "filename", asset) or "")
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    return "thebe" in filename or "THEBE_JS_URL" in body


def _name_toggles(html: str) -> str:
    """Give every empty sidebar ``<summary>`` a visually hidden name."""
    if "<summary" not in html:
        return html
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for summary in soup.select("li.has-children > details > summary"):
        if summary.get_text(strip=True):
            continue
        link = summary.find_parent("li").find("a", recursive=False)
        title = link.get_text(" ", strip=True) if link else "this section"
        label = soup.new_tag("span", attrs={"class": "visually-hidden"})
        label.string = f"Show or hide the pages in {title}"
        summary.append(label)
    return str(soup)


_BODY_FIXES = (
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
    ('role="doc-biblioentry"', 'role="listitem"'),
)


def _fix_body(body: str) -> str:
    for old, new in _BODY_FIXES:
        body = body.replace(old, new)
    return body


def _page_context(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [a for a in context[key] if not _is_thebe(a)]
    context.setdefault("default_mode", "light")
    if isinstance(context.get("body"), str):
        context["body"] = _fix_body(context["body"])
    generate = context.get("generate_toctree_html")
    if callable(generate) and not getattr(generate, "_ck_wrapped", False):

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            return _name_toggles(str(generate(*args, **kwargs)))

        wrapped._ck_wrapped = True  # type: ignore[attr-defined]
        context["generate_toctree_html"] = wrapped


def inputs_fingerprint(srcdir: Path) -> str:
    """Hash of everything notebooks read besides their own source."""
    package = Path(__file__).resolve().parents[1]
    files = sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    files += sorted((Path(srcdir) / "book" / "quizzes").glob("*.yml"))
    files += sorted((Path(srcdir) / "book" / "objectives").glob("*.yml"))
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _outdated(app: Any, env: Any, added: set, changed: set, removed: set) -> list[str]:
    fingerprint = inputs_fingerprint(Path(app.srcdir))
    if getattr(env, "coursekit_fingerprint", None) == fingerprint:
        return []
    env.coursekit_fingerprint = fingerprint
    return sorted(set(env.found_docs) - added - changed)


def setup(app: Any) -> dict[str, Any]:
    """Register the extension with Sphinx: assets, config defaults, the role, the fixes."""
    import os

    from coursekit.explore.render import OUTPUT_ENV
    from coursekit.sphinxext.roles import ck_role
    from coursekit.sphinxext.teaching import setup_teaching

    # Kernels that execute the book inherit this: chart outputs keep only the Vega-Lite
    # spec, which VegaLiteMimeRenderer turns into the book's figure (no live SVG).
    os.environ[OUTPUT_ENV] = "book"

    for js in JS_FILES:
        app.add_js_file(js, defer="defer")
    for css in CSS_FILES:
        app.add_css_file(css)
    app.add_role("ck", ck_role)
    app.setup_extension("sphinx_exercise")
    setup_teaching(app)
    app.connect("config-inited", _config_inited)
    app.connect("doctree-read", _drop_widget_state)
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("env-get-outdated", _outdated)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
