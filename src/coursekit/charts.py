"""Accessible Altair charts that render the same way live and in the static book.

A chart is always shown through :func:`show`, which attaches a text description
for screen readers and returns a :class:`StaticChart`. Its display bundle holds
only the Vega-Lite specification:

* in JupyterLab the built-in Vega-Lite renderer draws it;
* in the built book the myst-nb plugin :class:`VegaLiteMimeRenderer` turns it
  into a ``<figure class="ck-chart">`` that the shared local script
  ``coursekit-charts.js`` draws with the shared local Vega files.

No chart ever loads anything from the network.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

__all__ = [
    "PALETTE",
    "VEGALITE_MIME",
    "StaticChart",
    "VegaLiteMimeRenderer",
    "enable_theme",
    "show",
    "static_html",
    "theme",
]

VEGALITE_MIME = "application/vnd.vegalite.v5+json"

#: Okabe–Ito palette: distinguishable with the common forms of colour-vision deficiency.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow (use for fills only, never for text)
)

_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def theme() -> dict[str, Any]:
    """Return the course's Vega-Lite config: colour-blind-safe palette, readable sizes."""
    text = "#1a1a1a"
    return {
        "config": {
            "font": _FONT,
            "background": "white",
            "view": {"stroke": None, "continuousWidth": 520, "continuousHeight": 300},
            "range": {"category": list(PALETTE)},
            "mark": {"color": PALETTE[0]},
            "axis": {
                "labelFontSize": 13,
                "titleFontSize": 14,
                "labelColor": text,
                "titleColor": text,
                "gridColor": "#e3e3e3",
                "domainColor": "#6b6b6b",
                "tickColor": "#6b6b6b",
            },
            "legend": {
                "labelFontSize": 13,
                "titleFontSize": 14,
                "labelColor": text,
                "titleColor": text,
                "symbolSize": 120,
            },
            "header": {"labelFontSize": 13, "titleFontSize": 14},
            "title": {"fontSize": 16, "color": text, "anchor": "start", "subtitleColor": text},
            "text": {"fontSize": 13, "color": text},
        }
    }


_THEME_NAME = "coursekit"
_theme_enabled = False


def enable_theme() -> None:
    """Register and enable the course theme in Altair (idempotent)."""
    global _theme_enabled
    if _theme_enabled:
        return
    import altair as alt

    alt.theme.register(_THEME_NAME, enable=True)(theme)
    _theme_enabled = True


def _json_for_script(spec: dict[str, Any]) -> str:
    """Serialise ``spec`` so it cannot close or confuse the surrounding ``<script>`` element."""
    text = json.dumps(spec, separators=(",", ":"), sort_keys=True, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def static_html(spec: dict[str, Any]) -> str:
    """Return the static-book markup for a Vega-Lite ``spec``.

    The figure carries the specification as inert JSON and a visible text
    description; ``coursekit-charts.js`` (shipped once per site) draws it.
    """
    description = str(spec.get("description") or "").strip()
    if not description:
        raise ValueError("chart spec needs a non-empty 'description' for screen readers")
    payload = _json_for_script(spec)
    ident = "ck-chart-" + hashlib.sha1(payload.encode()).hexdigest()[:10]
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    label = html.escape(str(title or "Interactive chart"))
    return (
        f'<figure class="ck-chart" id="{ident}" data-ck-chart="vega-lite">'
        f'<div class="ck-chart-view" aria-describedby="{ident}-desc">'
        f'<p class="ck-chart-fallback">{label}: the interactive chart needs JavaScript. '
        "Its description follows.</p></div>"
        f'<figcaption class="ck-chart-desc" id="{ident}-desc">'
        f'<span class="ck-chart-desc-label">Chart description: </span>{html.escape(description)}'
        "</figcaption>"
        f'<script type="application/json" class="ck-chart-spec">{payload}</script>'
        "</figure>"
    )


@dataclass(frozen=True)
class StaticChart:
    """A Vega-Lite chart with its text description, displayable live and statically."""

    spec: dict[str, Any] = field(repr=False)
    description: str

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {VEGALITE_MIME: self.spec, "text/plain": f"Chart: {self.description}"}

    def to_html(self) -> str:
        """Return the static-book markup (see :func:`static_html`)."""
        return static_html(self.spec)

    @property
    def data_bytes(self) -> int:
        """Size in bytes of the serialised specification, embedded data included."""
        return len(json.dumps(self.spec, separators=(",", ":")).encode())


def show(chart: alt.TopLevelMixin | dict[str, Any], description: str) -> StaticChart:
    """Attach ``description`` to ``chart`` and return it ready for display.

    ``description`` is required and becomes the chart's text alternative: it is
    the Vega ``description`` (read by screen readers from the SVG) and a visible
    caption in the static book.
    """
    if not isinstance(description, str) or not description.strip():
        raise ValueError("description must be a non-empty sentence describing the chart")
    if isinstance(chart, dict):
        spec = dict(chart)
    else:
        enable_theme()
        spec = chart.to_dict()
    spec["description"] = description.strip()
    return StaticChart(spec=spec, description=description.strip())


class VegaLiteMimeRenderer:
    """myst-nb plugin: render Vega-Lite outputs as static-book figures.

    Registered through the ``myst_nb.mime_renderers`` entry point. Chart outputs
    have no ``text/html`` of their own, so JupyterLab shows them with its native
    Vega-Lite renderer while the book gets markup for the shared local script.
    """

    mime_priority_overrides: ClassVar[list[tuple[str, str, int | None]]] = [
        ("html", VEGALITE_MIME, 5),
        ("dirhtml", VEGALITE_MIME, 5),
        ("singlehtml", VEGALITE_MIME, 5),
    ]

    @staticmethod
    def handle_mime(renderer: Any, data: Any, inline: bool) -> list[Any] | None:
        """Return a raw-HTML docutils node for a Vega-Lite output, else ``None``."""
        if inline or data.mime_type != VEGALITE_MIME:
            return None
        from docutils import nodes

        spec = data.content if isinstance(data.content, dict) else json.loads(data.content)
        return [nodes.raw("", static_html(spec), format="html", classes=["output", "ck-output"])]
