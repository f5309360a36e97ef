"""A small, safe Markdown subset for quiz text.

Quiz prompts, options, feedback and explanations are written by people, but they end up
inside web pages. This module turns them into HTML that cannot run code: every character
of the source is escaped first, and only the following constructs become markup.

- ``**bold**`` and ``*italic*`` (or ``_italic_``)
- ```code``` (back-ticks; the content is shown literally)
- ``[link text](https://example.org)``: only ``http`` and ``https`` targets become links
- inline math ``$d = 0.8$``, converted to MathML on the server with ``latex2mathml``;
  the MathML is rebuilt from an allow-list of elements and attributes
- a blank line starts a new paragraph
- a backslash makes the next punctuation character literal (``\\$``, ``\\*``)

Anything else (raw HTML, images, headings, lists) is shown as plain text.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Literal

from latex2mathml.converter import convert as _latex_to_mathml

__all__ = [
    "MathStyle",
    "problems",
    "text_content",
    "to_html",
    "to_plain",
    "to_text",
]

MathStyle = Literal["mathml", "tex"]

_INLINE = re.compile(
    r"""
      (?P<escape>\\(?P<escaped>[\\`*_$\[\]()\#~=<>!{}|.+-]))
    | (?P<code>(?P<ticks>`+)(?P<code_body>.+?)(?P=ticks))
    | (?P<math>\$(?!\s)(?P<math_body>(?:\\.|[^$\\])+?)(?<!\s)\$(?!\d))
    | (?P<link>\[(?P<link_text>(?:\\.|[^\]\\])+)\]\((?P<link_href>[^()\s]+)\))
    | (?P<strong>\*\*(?!\s)(?P<strong_body>.+?)(?<!\s)\*\*)
    | (?P<em>\*(?![\s*])(?P<em_body>[^*]+?)(?<!\s)\*)
    | (?P<em_u>(?<![\w\\])_(?![\s_])(?P<em_u_body>[^_]+?)(?<!\s)_(?!\w))
    """,
    re.VERBOSE | re.DOTALL,
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
_SAFE_LINK = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)

# MathML Core elements and presentation attributes that latex2mathml produces.
_MATHML_TAGS = frozenset(
    {
        "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup", "msubsup",
        "mfrac", "msqrt", "mroot", "mstyle", "mpadded", "mphantom", "menclose", "munder",
        "mover", "munderover", "mtable", "mtr", "mtd", "mlabeledtr", "semantics", "annotation",
        "merror", "mmultiscripts", "mprescripts", "none", "maligngroup", "malignmark",
    }
)  # fmt: skip
_MATHML_ATTRIBUTES = frozenset(
    {
        "display", "mathvariant", "stretchy", "fence", "separator", "accent", "accentunder",
        "lspace", "rspace", "linethickness", "columnalign", "rowalign", "columnspacing",
        "rowspacing", "displaystyle", "scriptlevel", "width", "height", "depth", "notation",
        "minsize", "maxsize", "movablelimits", "symmetric", "largeop", "form", "columnlines",
        "rowlines", "frame", "framespacing", "equalrows", "equalcolumns", "align", "bevelled",
        "numalign", "denomalign", "mathsize", "encoding",
    }
)  # fmt: skip
_MATHML_NS = "http://www.w3.org/1998/Math/MathML"
_SAFE_ATTRIBUTE_VALUE = re.compile(r"^[\w .%:+#,-]*$")


class _MathMLCleaner(HTMLParser):
    """Rebuild MathML from an allow-list; text is always escaped, everything else is dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.tokens: list[str] = []
        self.unknown_commands: list[str] = []
        self._in_token = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _MATHML_TAGS:
            return
        parts = [tag]
        for name, value in attrs:
            if name == "xmlns" and value == _MATHML_NS:
                parts.append(f'xmlns="{_MATHML_NS}"')
            elif (
                name in _MATHML_ATTRIBUTES
                and value is not None
                and _SAFE_ATTRIBUTE_VALUE.match(value)
            ):
                parts.append(f'{name}="{html.escape(value, quote=True)}"')
        self.out.append("<" + " ".join(parts) + ">")
        if tag in {"mi", "mo", "mn", "mtext"}:
            self._in_token += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _MATHML_TAGS:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _MATHML_TAGS:
            return
        if tag in {"mi", "mo", "mn", "mtext"} and self._in_token:
            self._in_token -= 1
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self._in_token and data.strip():
            self.tokens.append(data.strip())
            if re.match(r"^\\[A-Za-z]+$", data.strip()):
                self.unknown_commands.append(data.strip())
        self.out.append(html.escape(data, quote=False))


def _math_html(latex: str, style: MathStyle) -> tuple[str, list[str]]:
    """Return (html, problems) for one inline formula."""
    if style == "tex":
        return r"\(" + html.escape(latex, quote=False) + r"\)", []
    try:
        raw = _latex_to_mathml(latex)
    except Exception as exc:  # latex2mathml raises many exception types
        fallback = f'<code class="ck-math-error">{html.escape(latex, quote=False)}</code>'
        return fallback, [f"cannot convert inline math ${latex}$: {exc}"]
    cleaner = _MathMLCleaner()
    cleaner.feed(raw)
    cleaner.close()
    found = [
        f"unknown LaTeX command {cmd} in inline math ${latex}$" for cmd in cleaner.unknown_commands
    ]
    # A spoken-text name: accessibility checkers (and some screen readers) ignore MathML content.
    spoken = html.escape(" ".join(cleaner.tokens), quote=True)
    markup = "".join(cleaner.out)
    if markup.startswith("<math"):
        markup = f'<math aria-label="{spoken}" alttext="{spoken}"' + markup[len("<math") :]
    return markup, found


def _inline(
    text: str, math: MathStyle, found: list[str], *, links: bool = True, plain: bool = False
) -> str:
    out: list[str] = []
    pos = 0

    def literal(chunk: str) -> str:
        return chunk if plain else html.escape(chunk, quote=False)

    for match in _INLINE.finditer(text):
        out.append(literal(text[pos : match.start()]))
        pos = match.end()
        kind = match.lastgroup
        if match.group("escape"):
            out.append(literal(match.group("escaped")))
        elif match.group("code"):
            body = match.group("code_body").strip() or match.group("code_body")
            out.append(body if plain else f"<code>{html.escape(body, quote=False)}</code>")
        elif match.group("math"):
            body = match.group("math_body")
            if plain:
                out.append(body)
            else:
                rendered, issues = _math_html(body, math)
                found.extend(issues)
                out.append(rendered)
        elif match.group("link"):
            href = match.group("link_href")
            inner = _inline(match.group("link_text"), math, found, links=False, plain=plain)
            if plain:
                out.append(inner)
            elif links and _SAFE_LINK.match(href):
                out.append(f'<a href="{html.escape(href, quote=True)}">{inner}</a>')
            else:
                if links:
                    found.append(f"link target {href!r} is not allowed (use an http or https URL)")
                out.append(literal(match.group(0)))
        elif kind in {"strong", "em", "em_u"}:
            body = match.group(f"{kind}_body")
            inner = _inline(body, math, found, links=links, plain=plain)
            tag = "strong" if kind == "strong" else "em"
            out.append(inner if plain else f"<{tag}>{inner}</{tag}>")
    out.append(literal(text[pos:]))
    return "".join(out)


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text.strip()) if p.strip()]


def to_html(text: str, *, math: MathStyle = "mathml", block: bool = False) -> str:
    """Render ``text`` (the safe Markdown subset) as HTML that cannot run code.

    ``block=True`` wraps each paragraph in ``<p>``; otherwise paragraphs are joined with
    ``<br>`` so the result can sit inside a ``<legend>`` or ``<label>``. ``math="tex"``
    keeps formulas as ``\\(...\\)`` for systems that typeset TeX themselves (Moodle).
    """
    found: list[str] = []
    rendered = [_inline(p, math, found) for p in _paragraphs(str(text))]
    if block:
        return "".join(f"<p>{p}</p>" for p in rendered)
    return "<br>".join(rendered)


def to_plain(text: str) -> str:
    """Return ``text`` without markup: for widget labels and ``<option>`` elements.

    Formulas keep their LaTeX source and links keep only their text.
    """
    found: list[str] = []
    return " ".join(_inline(p, "tex", found, plain=True) for p in _paragraphs(str(text)))


def to_text(text: str) -> str:
    """Return what a reader sees of ``text`` as plain characters (formulas as Unicode).

    For places that cannot hold markup: ``<option>`` elements, widget labels, GIFT answers.
    """
    return text_content(to_html(text))


def problems(text: str) -> list[str]:
    """Return what is wrong with ``text``: formulas that do not convert, disallowed links."""
    found: list[str] = []
    for paragraph in _paragraphs(str(text)):
        _inline(paragraph, "mathml", found)
    return found


class _TextContent(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text_content(fragment: str) -> str:
    """Return the text a browser shows for an HTML ``fragment``, whitespace collapsed.

    Matches the DOM's ``textContent`` for markup produced by :func:`to_html`.
    """
    parser = _TextContent()
    parser.feed(fragment)
    parser.close()
    return " ".join("".join(parser.parts).split())
