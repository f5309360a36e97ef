"""Accessible Altair charts that render the same way live and in the static book.

A chart is always shown through :func:`show`, which attaches a text description
for screen readers and returns a :class:`StaticChart`. Its display bundle always holds
the Vega-Lite specification:

* in the built book the myst-nb plugin :class:`VegaLiteMimeRenderer` turns it
  into a ``<figure class="ck-chart">`` that the shared local script
  ``coursekit-charts.js`` draws with the shared local Vega files. The Sphinx
  extension sets ``COURSEKIT_OUTPUT=book`` (:data:`OUTPUT_ENV`) and the kernels that
  execute the book inherit it, so book outputs hold only the specification;
* live (JupyterLab, any other kernel) the bundle adds ``text/html``: the chart drawn
  as SVG by ``vl-convert-python``, which bundles the Vega-Lite release the specification
  targets (its ``$schema``; JupyterLab's own Vega-Lite renderer is older and warns), with
  the text description as a visible caption (:func:`live_html`). JupyterLab prefers
  ``text/html`` to the Vega-Lite type, so its Vega renderer never runs. A chart with
  controls bound to page inputs (an explorer's static grid, whose live version is an
  ipywidget) keeps the specification only.

No chart ever loads anything from the network.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt


__all__ = [
    "OUTPUT_ENV",
    "PALETTE",
    "VEGALITE_MIME",
    "StaticChart",
    "VegaLiteMimeRenderer",
    "live_html",
    "show",
    "static_html",
    "theme",
    "themed_spec",
]

VEGALITE_MIME = "application/vnd.vegalite.v5+json"
#: Set to ``book`` by the Sphinx extension: chart outputs then carry the specification only.
OUTPUT_ENV = "COURSEKIT_OUTPUT"

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


def themed_spec(chart: alt.TopLevelMixin, *, validate: bool) -> dict[str, Any]:
    """Serialise ``chart`` with the course theme enabled for this call only.

    ``alt.theme.enable`` returns a context manager that restores the previous theme on exit,
    so an instructor's own Altair charts in the same kernel keep their theme.
    """
    import altair as alt

    if _THEME_NAME not in alt.theme.names():
        alt.theme.register(_THEME_NAME, enable=False)(theme)
    with alt.theme.enable(_THEME_NAME):
        return chart.to_dict(validate=validate)


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


def _has_bound_params(spec: Any) -> bool:
    """Whether ``spec`` (or a nested view) has a parameter bound to a page input."""
    if isinstance(spec, dict):
        params = spec.get("params")
        if isinstance(params, list) and any(isinstance(p, dict) and "bind" in p for p in params):
            return True
        return any(_has_bound_params(v) for k, v in spec.items() if k not in ("data", "datasets"))
    if isinstance(spec, list):
        return any(_has_bound_params(v) for v in spec)
    return False


def _vl_version(spec: dict[str, Any], available: list[str]) -> str:
    """The ``major.minor`` Vega-Lite release ``spec`` was written for, if vl-convert has it."""
    match = re.search(r"/v(\d+)\.(\d+)(?:\.\d+)?\.json$", str(spec.get("$schema", "")))
    if not match:
        raise ValueError("chart spec has no Vega-Lite $schema, so its version is unknown")
    wanted = f"{match[1]}.{match[2]}"
    if wanted not in available:
        raise ValueError(
            f"chart spec targets Vega-Lite {wanted}; vl-convert-python offers {available}"
        )
    return wanted


_SVG_ID = re.compile(r'\bid="([^"]+)"')


def _scope_svg_ids(svg: str, prefix: str) -> str:
    """Prefix every id of ``svg`` (and references to it): many charts share one page."""
    for ident in sorted(set(_SVG_ID.findall(svg)), key=len, reverse=True):
        new = f"{prefix}-{ident}"
        svg = svg.replace(f'id="{ident}"', f'id="{new}"')
        svg = svg.replace(f"url(#{ident})", f"url(#{new})")
        svg = svg.replace(f'href="#{ident}"', f'href="#{new}"')
    return svg


def live_html(spec: dict[str, Any]) -> str:
    """Return the live markup for ``spec``: an SVG drawing and its visible description.

    The SVG comes from ``vl-convert-python`` with the Vega-Lite release named by the
    spec's ``$schema`` and with no base URL allowed, so nothing is fetched. The figure
    uses the book's classes (``ck-chart``, ``ck-chart-desc``).
    """
    import vl_convert

    description = str(spec.get("description") or "").strip()
    if not description:
        raise ValueError("chart spec needs a non-empty 'description' for screen readers")
    version = _vl_version(spec, list(vl_convert.get_vegalite_versions()))
    svg = vl_convert.vegalite_to_svg(spec, vl_version=version, allowed_base_urls=[])
    payload = _json_for_script(spec)
    ident = "ck-live-" + hashlib.sha1(payload.encode()).hexdigest()[:10]
    svg = _scope_svg_ids(svg, ident)
    label = html.escape(description, quote=True)
    return (
        f'<figure class="ck-chart ck-chart-live" id="{ident}" data-ck-chart="svg" '
        f'data-vega-lite="{version}">'
        f'<div class="ck-chart-view" role="img" aria-label="{label}">{svg}</div>'
        f'<figcaption class="ck-chart-desc">'
        f'<span class="ck-chart-desc-label">Chart description: </span>{html.escape(description)}'
        "</figcaption></figure>"
    )


@dataclass(frozen=True)
class StaticChart:
    """A Vega-Lite chart with its text description, displayable live and statically."""

    spec: dict[str, Any] = field(repr=False)
    description: str

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = {VEGALITE_MIME: self.spec, "text/plain": f"Chart: {self.description}"}
        if os.environ.get(OUTPUT_ENV) != "book" and not _has_bound_params(self.spec):
            bundle["text/html"] = live_html(self.spec)
        return bundle

    def to_html(self) -> str:
        """Return the static-book markup (see :func:`static_html`)."""
        return static_html(self.spec)

    @property
    def data_bytes(self) -> int:
        """Size in bytes of the serialised specification, embedded data included."""
        return len(json.dumps(self.spec, separators=(",", ":")).encode())


def show(
    chart: alt.TopLevelMixin | dict[str, Any], description: str, *, validate: bool = True
) -> StaticChart:
    """Attach ``description`` to ``chart`` and return it ready for display.

    ``description`` is required and becomes the chart's text alternative: it is
    the Vega ``description`` (read by screen readers from the SVG) and a visible
    caption in the static book. ``validate=False`` skips Altair's schema check;
    live redraws use it because the same builder was validated when the static
    version was made.
    """
    if not isinstance(description, str) or not description.strip():
        raise ValueError("description must be a non-empty sentence describing the chart")
    spec = dict(chart) if isinstance(chart, dict) else themed_spec(chart, validate=validate)
    spec["description"] = description.strip()
    return StaticChart(spec=spec, description=description.strip())


class VegaLiteMimeRenderer:
    """myst-nb plugin: render Vega-Lite outputs as static-book figures.

    Registered through the ``myst_nb.mime_renderers`` entry point. In the book build chart
    outputs hold only the Vega-Lite type (see the module docstring), and this plugin
    turns it into markup for the shared local script.
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
