"""The neighbourhood picture: the entity in the middle, its neighbours round it coloured by
kind, each joined to it by a labelled spoke."""

from __future__ import annotations

from collections.abc import Sequence

from kg.read.neighbours import KIND_COLOURS, Neighbour, Neighbourhood
from kg.web.pictures.layout import NODE_FONT, NODE_R, Placed, place, radii
from kg.web.pictures.spokes import CentreBox, arrow_defs, sentences, spoke
from kg.web.pictures.svg import (
    INK,
    LINKED,
    MUTED,
    Href,
    fmt,
    link,
    multiline,
    svg_root,
    tag,
    text,
    text_width,
    wrap,
)

NB_WIDTH, NB_TOP = 1000.0, 56.0  # the picture's width; the top of the ellipse's bounding box


def neighbourhood_svg(hood: Neighbourhood, href: Href, limit: int = 24) -> str:
    """The centre with up to `limit` neighbours round it, each link a labelled spoke.

    Spokes are solid for links a source states and dashed for links only inferred; an arrow
    points from subject to object. Nodes are coloured by kind and link to their pages; the
    footer says how many neighbours were left out.
    """
    # The most telling `limit`, then round the circle grouped by relation.
    shown = sorted(hood.neighbours[:limit], key=lambda n: (n.links[0].label,
                                                           n.links[0].outgoing, n.label, n.iri))
    _, ry = radii(len(shown))
    cx, cy = NB_WIDTH / 2, NB_TOP + ry + 40
    placed = place(shown, cx, cy)
    bottom = max([cy + 60, *(p.box()[3] for p in placed)])
    centre_box = _centre_size(hood)
    body = [arrow_defs(), _legend(hood, shown)]
    body += [spoke(p, hood, cx, cy, centre_box) for p in placed]
    body.append(_centre(hood, cx, cy, centre_box, href))
    body += [_node(p, hood, href) for p in placed]
    body.append(_footer(hood, len(shown), bottom + 24))
    label = (f"Links of {hood.label}: {len(hood.neighbours)} linked entities"
             + (f", {len(shown)} shown" if len(shown) < len(hood.neighbours) else ""))
    return svg_root(NB_WIDTH, bottom + 40, label, "".join(body))


def _centre_size(hood: Neighbourhood) -> CentreBox:
    lines = wrap(hood.label, 24, 3)
    width = max(text_width(line, 13) for line in lines) + 24
    return lines, width, len(lines) * 16 + 14


def _centre(hood: Neighbourhood, cx: float, cy: float, size: CentreBox, href: Href) -> str:
    """The entity itself: its name in a box coloured by its kind, linked to its page."""
    lines, width, height = size
    colour = KIND_COLOURS[hood.kind]
    box = tag("rect", x=fmt(cx - width / 2), y=fmt(cy - height / 2), width=fmt(width),
              height=fmt(height), rx="8", fill="#ffffff", stroke=colour, stroke_width="2.5")
    words = multiline(lines, cx, cy - height / 2 + 21, 13, text_anchor="middle",
                      font_weight="bold", fill=INK)
    return link(hood.iri, href, box + words, f"{hood.label} ({hood.kind})")


def _node(p: Placed, hood: Neighbourhood, href: Href) -> str:
    """A neighbour: a dot coloured by its kind and its name, linked to its page."""
    n = p.neighbour
    dot = tag("circle", cx=fmt(p.x), cy=fmt(p.y), r=fmt(NODE_R), fill=KIND_COLOURS[n.kind],
              stroke="#ffffff", stroke_width="1.5")
    words = multiline(p.lines, p.label_x, p.label_y, NODE_FONT, text_anchor=p.anchor,
                      fill=LINKED)
    return link(n.iri, href, dot + words, f"{n.label} ({n.kind})\n" + sentences(n, hood.label))


def _legend(hood: Neighbourhood, shown: Sequence[Neighbour]) -> str:
    """The kinds' colours and the two kinds of spoke, in one line at the top."""
    kinds = [k for k in KIND_COLOURS if k in {n.kind for n in shown} | {hood.kind}]
    out, x, y = [], 8.0, 20.0
    for kind in kinds:
        out.append(tag("circle", cx=fmt(x + 6), cy=fmt(y - 4), r="6", fill=KIND_COLOURS[kind]))
        out.append(tag("text", text(kind), x=fmt(x + 16), y=fmt(y), font_size="11", fill=MUTED))
        x += 28 + text_width(kind, 11)
    x += 10
    for dash, words in ((None, "stated by a source"), ("5 4", "inferred only (italic label)")):
        out.append(tag("line", x1=fmt(x), x2=fmt(x + 26), y1=fmt(y - 4), y2=fmt(y - 4),
                       stroke=MUTED, stroke_width="1.3", stroke_dasharray=dash))
        out.append(tag("text", text(words), x=fmt(x + 32), y=fmt(y), font_size="11",
                       fill=MUTED))
        x += 44 + text_width(words, 11)
    note = "Arrows point from subject to object. Hover a spoke for its sources."
    out.append(tag("text", text(note), x="8", y=fmt(y + 18), font_size="10", fill=MUTED))
    return "".join(out)


def _footer(hood: Neighbourhood, shown: int, y: float) -> str:
    """How many neighbours are shown, and how many were left out."""
    total = len(hood.neighbours)
    if total == 0:
        words = f"{hood.label} has no links to other entities."
    elif shown < total:
        words = f"Showing {shown} of {total} linked entities; {total - shown} more not shown."
    else:
        words = f"All {total} linked entities shown."
    return tag("text", text(words), x="8", y=fmt(y), font_size="11", fill=MUTED)
