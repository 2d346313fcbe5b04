"""SVG building blocks: escaped text and attributes, elements, links, and text measured and
wrapped without font metrics.

Every text and attribute value passes through xml.sax.saxutils, so labels from the data come
out as text, and characters XML 1.0 cannot hold are dropped. Only presentation attributes are
written: the pages' Content-Security-Policy forbids inline styles.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape, quoteattr

Href = Callable[[str], str | None]  # an IRI -> the URL of its page (None: no page)

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
INK, MUTED, LINKED = "#1f2328", "#57606a", "#0b57d0"
# XML 1.0 forbids these characters outright, escaped or not.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_UNSAFE_URL = re.compile(r"\s*(javascript|vbscript|data):", re.IGNORECASE)
_CHAR_WIDTH = 0.56  # an average sans-serif character, as a fraction of the font size


def text(value: str) -> str:
    """Character data for an element: escaped, with the characters XML cannot hold dropped."""
    return escape(_NOT_XML.sub("", value))


def attr(value: object) -> str:
    """A quoted attribute value, escaped (quotes, <, &, and newlines and tabs as references)."""
    return quoteattr(_NOT_XML.sub("", str(value)), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def tag(name: str, body: str = "", **attributes: object) -> str:
    """An element; attribute names take '-' for '_' (stroke_width -> stroke-width)."""
    attrs = "".join(f" {k.rstrip('_').replace('_', '-')}={attr(v)}"
                    for k, v in attributes.items() if v is not None)
    return f"<{name}{attrs}>{body}</{name}>" if body else f"<{name}{attrs}/>"


def title(value: str) -> str:
    """A <title> child: the tooltip, and the accessible name of its parent."""
    return f"<title>{text(value)}</title>"


def link(iri: str, href: Href, body: str, tooltip: str | None = None) -> str:
    """`body` inside a link to the IRI's page (left unlinked for a script or data URL)."""
    url = href(iri)
    inner = (title(tooltip) if tooltip else "") + body
    if url is None or _UNSAFE_URL.match(url):
        return tag("g", inner)
    return tag("a", inner, href=url)


def fmt(number: float) -> str:
    """Coordinates with at most one decimal: smaller output, same picture."""
    return f"{number:.1f}".rstrip("0").rstrip(".")


def text_width(value: str, size: float) -> float:
    """Estimated width of a line of sans-serif text (no font metrics on the server)."""
    return len(value) * size * _CHAR_WIDTH


def characters_in(width: float, size: float) -> int:
    """How many characters of sans-serif text of this size fit in `width`, estimated."""
    return int(width / (size * _CHAR_WIDTH))


def clip(value: str, width: int) -> str:
    """At most `width` characters: cut with '…' when longer."""
    return value if len(value) <= width else value[: max(width - 1, 0)] + "…"


def wrap(value: str, width: int, lines: int) -> list[str]:
    """At most `lines` lines of at most `width` characters, broken at spaces, '…' if cut."""
    words, out, current = value.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    out.append(current)
    out = [clip(line, width) for line in out]
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return out


def multiline(lines: Sequence[str], x: float, y: float, size: float, **attributes: object) -> str:
    """A <text> of stacked lines, the first baseline at y."""
    spans = "".join(tag("tspan", text(line), x=fmt(x), dy="0" if i == 0 else fmt(size * 1.2))
                    for i, line in enumerate(lines))
    return tag("text", spans, x=fmt(x), y=fmt(y), font_size=fmt(size), **attributes)


def svg_root(width: float, height: float, label: str, body: str) -> str:
    """The root element: scales to its container by its viewBox, labelled for assistive tech."""
    return tag("svg", title(label) + body, xmlns="http://www.w3.org/2000/svg",
               viewBox=f"0 0 {fmt(width)} {fmt(height)}", role="img", aria_label=label,
               font_family=FONT, fill=INK)
