"""The spokes of the neighbourhood: a line from the centre to each neighbour, its arrows
pointing from subject to object, with the relations written along it."""

from __future__ import annotations

import math

from kg.read.neighbours import Link, Neighbour, Neighbourhood
from kg.web.pictures.layout import NODE_R, Placed
from kg.web.pictures.svg import MUTED, characters_in, clip, fmt, tag, text, text_width, title

EDGE_FONT = 9.5
ARROW = "kg-nb-arrow"  # the id of the arrowhead marker
CentreBox = tuple[list[str], float, float]  # the centre's label lines, width and height
Words = list[list[tuple[str, bool]]]  # lines of (words, inferred) parts


def arrow_defs() -> str:
    """The arrowhead the spokes' ends refer to."""
    arrow = tag("marker", tag("path", d="M0,0L10,5L0,10z", fill=MUTED), id=ARROW,
                viewBox="0 0 10 10", refX="9", refY="5", markerWidth="7", markerHeight="7",
                orient="auto-start-reverse", markerUnits="userSpaceOnUse")
    return tag("defs", arrow)


def sentences(n: Neighbour, centre: str) -> str:
    """Each of the neighbour's links as a sentence, one a line."""
    return "\n".join(_sentence(k, centre, n.label) for k in n.links)


def _sentence(link_: Link, centre: str, other: str) -> str:
    subject, obj = (centre, other) if link_.outgoing else (other, centre)
    if link_.inferred:
        how = "inferred by OWL-RL"
    else:
        how = f"stated in {link_.sources} source{'s' if link_.sources != 1 else ''}"
    return f"{subject} — {link_.label} → {obj} ({how})"


def spoke(p: Placed, hood: Neighbourhood, cx: float, cy: float, centre: CentreBox) -> str:
    """The line from the centre to one neighbour, with the relations written along it."""
    n = p.neighbour
    dx, dy = p.x - cx, p.y - cy
    length = math.hypot(dx, dy)
    ux, uy = dx / length, dy / length
    _, width, height = centre
    inner = min(width / 2 / max(abs(ux), 1e-9), height / 2 / max(abs(uy), 1e-9)) + 2
    x0, y0 = cx + ux * inner, cy + uy * inner
    x1, y1 = p.x - ux * (NODE_R + 2), p.y - uy * (NODE_R + 2)
    outs = {k.outgoing for k in n.links}
    line = tag("line", x1=fmt(x0), y1=fmt(y0), x2=fmt(x1), y2=fmt(y1), stroke=MUTED,
               stroke_width="1.3", stroke_dasharray="5 4" if n.inferred else None,
               marker_end=f"url(#{ARROW})" if True in outs else None,
               marker_start=f"url(#{ARROW})" if False in outs else None)
    room = math.hypot(x1 - x0, y1 - y0)
    lines = _lines(n, room)
    # As far out as the words fit: the spokes are furthest apart there.
    width = max(text_width("".join(part for part, _ in row), EDGE_FONT) for row in lines)
    along = max(room / 2, room - 12 - width / 2)
    words = _words(lines, x0 + ux * along, y0 + uy * along, p.angle)
    return tag("g", title(sentences(n, hood.label)) + line + words)


def _lines(n: Neighbour, room: float) -> Words:
    """(words, inferred) per relation, in at most two lines that fit along the spoke."""
    fits = max(characters_in(room - 16, EDGE_FONT), 4)
    lines: Words = [[]]
    used = 0
    for k in n.links:
        part = f" · {k.label}" if lines[-1] else k.label
        if lines[-1] and used + len(part) > fits:
            if len(lines) == 2:
                lines[-1].append((" …", False))
                return lines
            lines.append([])
            part, used = k.label, 0
        part = clip(part, fits)
        lines[-1].append((part, k.inferred))
        used += len(part)
    return lines


def _words(lines: Words, x: float, y: float, angle: float) -> str:
    """The relation names along the spoke (a second line below it), upright, inferred ones in
    italics."""
    degrees = math.degrees(angle)
    rotate = degrees + 180 if not -90 <= degrees <= 90 else degrees
    out = []
    for index, parts in enumerate(lines):
        spans = "".join(tag("tspan", text(part), font_style="italic" if inferred else None)
                        for part, inferred in parts)
        out.append(tag("text", spans, x=fmt(x), y=fmt(y - 3 + index * (EDGE_FONT + 4)),
                       font_size=fmt(EDGE_FONT), text_anchor="middle", fill=MUTED,
                       transform=f"rotate({fmt(rotate)} {fmt(x)} {fmt(y)})"))
    return "".join(out)
