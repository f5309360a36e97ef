"""Safe Markdown for quiz text: markdown-it-py with a small allow-list.

Quiz prompts, options, feedback and explanations are written by people, but they end up
inside web pages. Parsing is done by ``markdown-it-py`` (CommonMark) starting from its
``zero`` preset with raw HTML disabled, and only these rules switched on:

- emphasis: ``**bold**``, ``*italic*``, ``_italic_``
- code spans: ```code``` (shown literally)
- links ``[text](target)``: only ``http``, ``https``, ``mailto`` and relative targets
  become links; any other scheme (``javascript:``, ``data:``, ...) is shown as text and
  reported by :func:`problems`
- backslash escapes (``\\$``, ``\\*``) and line breaks (folded into spaces)
- inline math ``$d = 0.8$`` (``mdit-py-plugins`` dollarmath), converted to MathML on the
  server with ``latex2mathml``

Everything else (raw HTML, images, headings, lists, autolinks) stays plain text, escaped.

What is hand-written here, and why: the renderer is a short walk over markdown-it's
tokens rather than markdown-it's HTML renderer, because the output must fit inside a
``<legend>`` or ``<label>`` (paragraphs joined with ``<br>``) and every link must pass
our own scheme check. The MathML is rebuilt from latex2mathml's element tree (not its
serialised string) through an allow-list of MathML elements and attributes, with every
text node escaped by us, so a formula such as ``$\\text{a<b}$`` keeps its text and the
markup stays balanced; a formula that cannot be converted is reported.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from html.parser import HTMLParser
from typing import Literal
from xml.etree.ElementTree import Element

from latex2mathml.converter import convert_to_element as _latex_to_element
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

__all__ = [
    "MathStyle",
    "problems",
    "safe_href",
    "text_content",
    "to_html",
    "to_plain",
    "to_text",
]

MathStyle = Literal["mathml", "tex"]

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
_TOKEN_TAGS = frozenset({"mi", "mo", "mn", "mtext", "ms"})
_MATHML_NS = "http://www.w3.org/1998/Math/MathML"
_SAFE_ATTRIBUTE_VALUE = re.compile(r"^[\w .%:+#,-]*$")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_UNSAFE_CHARS = re.compile(r"[\x00-\x20\x7f<>\"'`\\]")
_MAX_MATH = 2000
_SPACE = re.compile(r"[ \t\n\r\f\v]+")


def _parser() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False})
    md.enable(["escape", "backticks", "emphasis", "link", "newline"])
    dollarmath_plugin(
        md, allow_labels=False, allow_space=False, allow_digits=False, double_inline=True
    )
    md.disable(["math_block"])
    md.validateLink = lambda url: True  # every target is checked by safe_href instead
    return md


_MD = _parser()


def safe_href(href: str) -> bool:
    """Whether a link target is allowed: http(s), mailto or relative, no odd characters."""
    if not href or _UNSAFE_CHARS.search(href):
        return False
    scheme = _SCHEME.match(href)
    return scheme is None or scheme.group(1).lower() in _SAFE_SCHEMES


# --------------------------------------------------------------------------- math


def _mathml(node: Element, out: list[str], tokens: list[str], unknown: list[str]) -> None:
    tag = node.tag.split("}")[-1] if isinstance(node.tag, str) else ""
    known = tag in _MATHML_TAGS
    if known:
        parts = [tag]
        for name, value in sorted(node.attrib.items()):
            if name == "xmlns" and value == _MATHML_NS:
                parts.append(f'xmlns="{_MATHML_NS}"')
            elif name in _MATHML_ATTRIBUTES and _SAFE_ATTRIBUTE_VALUE.match(value):
                parts.append(f'{name}="{html.escape(value, quote=True)}"')
        out.append("<" + " ".join(parts) + ">")
    if node.text:
        text = html.unescape(node.text)
        if known and tag in _TOKEN_TAGS and text.strip():
            tokens.append(text.strip())
            if re.match(r"^\\[A-Za-z]+$", text.strip()):
                unknown.append(text.strip())
        out.append(html.escape(text, quote=False))
    for child in node:
        _mathml(child, out, tokens, unknown)
        if child.tail:
            out.append(html.escape(html.unescape(child.tail), quote=False))
    if known:
        out.append(f"</{tag}>")


@lru_cache(maxsize=4096)
def _math_html(latex: str, style: MathStyle) -> tuple[str, tuple[str, ...]]:
    """Return (html, problems) for one inline formula."""
    shown = latex if len(latex) <= 60 else latex[:59] + "…"
    if style == "tex":
        return r"\(" + html.escape(latex, quote=False) + r"\)", ()
    fallback = f'<code class="ck-math-error">{html.escape(latex, quote=False)}</code>'
    if len(latex) > _MAX_MATH:
        return fallback, (f"inline math ${shown}$ is longer than {_MAX_MATH} characters",)
    try:
        root = _latex_to_element(latex)
    except Exception as exc:  # latex2mathml raises many exception types
        reason = " ".join(str(exc).split())[:80] or type(exc).__name__
        return fallback, (f"cannot convert inline math ${shown}$: {reason}",)
    out: list[str] = []
    tokens: list[str] = []
    unknown: list[str] = []
    _mathml(root, out, tokens, unknown)
    found = tuple(f"unknown LaTeX command {cmd} in inline math ${shown}$" for cmd in unknown)
    # A spoken-text name: accessibility checkers (and some screen readers) ignore MathML.
    spoken = html.escape(" ".join(tokens), quote=True)
    markup = "".join(out)
    if markup.startswith("<math"):
        markup = f'<math aria-label="{spoken}" alttext="{spoken}"' + markup[len("<math") :]
    return markup, found


# --------------------------------------------------------------------------- rendering

_Mode = Literal["html", "plain"]


def _inline(
    children: list[Token], math: MathStyle, found: list[str], mode: _Mode, *, links: bool = True
) -> str:
    out: list[str] = []
    link_stack: list[tuple[bool, str]] = []

    def esc(text: str) -> str:
        return text if mode == "plain" else html.escape(text, quote=False)

    for token in children:
        kind = token.type
        if kind == "text":
            out.append(esc(_SPACE.sub(" ", token.content)))
        elif kind in ("softbreak", "hardbreak"):
            out.append(" ")
        elif kind == "code_inline":
            code = esc(_SPACE.sub(" ", token.content))
            out.append(code if mode == "plain" else f"<code>{code}</code>")
        elif kind in ("math_inline", "math_inline_double"):
            if mode == "plain":
                out.append(token.content)
            else:
                rendered, issues = _math_html(token.content, math)
                found.extend(issues)
                out.append(rendered)
        elif kind in ("em_open", "em_close", "strong_open", "strong_close"):
            if mode == "html":
                tag = "em" if kind.startswith("em") else "strong"
                out.append(f"</{tag}>" if kind.endswith("close") else f"<{tag}>")
        elif kind == "link_open":
            href = str(token.attrs.get("href", ""))
            ok = links and not link_stack and safe_href(href)
            if not ok and links and not link_stack:
                shown = href if len(href) <= 60 else href[:59] + "…"
                found.append(
                    f"link target {shown!r} is not allowed "
                    "(use an http, https or mailto URL, or a relative link)"
                )
            link_stack.append((ok, href))
            if mode == "html":
                out.append(f'<a href="{html.escape(href, quote=True)}">' if ok else esc("["))
        elif kind == "link_close":
            ok, href = link_stack.pop() if link_stack else (False, "")
            if mode == "html":
                out.append("</a>" if ok else esc(f"]({href})"))
        else:  # any other token: keep its source text, escaped
            out.append(esc(token.content or token.markup))
    return "".join(out)


def _paragraphs(text: str) -> list[list[Token]]:
    return [
        list(token.children or [])
        for token in _MD.parse(str(text))
        if token.type == "inline" and token.content.strip()
    ]


@lru_cache(maxsize=8192)
def _render(text: str, math: MathStyle, block: bool) -> tuple[str, tuple[str, ...]]:
    found: list[str] = []
    rendered = [_SPACE.sub(" ", _inline(p, math, found, "html")).strip() for p in _paragraphs(text)]
    markup = "".join(f"<p>{p}</p>" for p in rendered) if block else "<br>".join(rendered)
    return markup, tuple(dict.fromkeys(found))


def to_html(text: str, *, math: MathStyle = "mathml", block: bool = False) -> str:
    """Render ``text`` (the safe Markdown subset) as HTML that cannot run code.

    ``block=True`` wraps each paragraph in ``<p>``; otherwise paragraphs are joined with
    ``<br>`` so the result can sit inside a ``<legend>`` or ``<label>``. ``math="tex"``
    keeps formulas as ``\\(...\\)`` for systems that typeset TeX themselves (Moodle).
    """
    return _render(str(text), math, block)[0]


def to_plain(text: str) -> str:
    """Return ``text`` without markup: for widget labels and ``<option>`` elements.

    Formulas keep their LaTeX source and links keep only their text.
    """
    found: list[str] = []
    parts = [_inline(p, "tex", found, "plain") for p in _paragraphs(str(text))]
    return " ".join(" ".join(parts).split())


def to_text(text: str) -> str:
    """Return what a reader sees of ``text`` as plain characters (formulas as Unicode).

    For places that cannot hold markup: ``<option>`` elements, widget labels, GIFT answers.
    """
    return text_content(to_html(text))


def problems(text: str) -> list[str]:
    """Return what is wrong with ``text``: formulas that do not convert, disallowed links."""
    return list(_render(str(text), "mathml", False)[1])


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
