"""Sphinx extension that keeps the built book offline, quiet and accessible.

* Drops sphinx-thebe's assets: the course has no live-code launch buttons, and
  the theme registers thebe's inline configuration twice, which is a console error.
* Starts every page in light mode unless the reader chose otherwise.
* Names the sidebar's expand/collapse toggles for screen readers: the theme
  renders them as empty ``<summary>`` elements.
* Repairs two accessibility faults in generated page bodies: myst-nb labels
  "show code" toggles with an ``aria-label`` that hides their visible text, and
  docutils marks bibliography entries with the deprecated ``doc-biblioentry``
  role inside a ``role="list"`` container, which then has no list items.
* Keeps outputs fresh: notebooks are executed when Sphinx reads them, and
  Sphinx only re-reads pages whose source changed. When ``coursekit`` itself
  (code, datasets, static assets) or a quiz bank changes, every page is re-read
  and so re-executed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

__all__ = ["setup"]


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
    package = Path(__file__).resolve().parent
    files = sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    files += sorted((Path(srcdir) / "book" / "quizzes").glob("*.yml"))
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
    """Register the extension with Sphinx."""
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("env-get-outdated", _outdated)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
