"""Where the neighbours go: evenly round an ellipse about the centre, each with its label
outward, and labels that would overlap moved apart."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from kg.read.neighbours import Neighbour
from kg.web.pictures.svg import text_width, wrap

NODE_R, NODE_FONT = 7.0, 11.0  # a neighbour's dot and its label
Box = tuple[float, float, float, float]  # (left, top, right, bottom)


@dataclass
class Placed:
    neighbour: Neighbour
    angle: float
    x: float
    y: float
    anchor: str  # text-anchor of its label
    lines: list[str]
    label_x: float
    label_y: float  # first baseline

    def box(self) -> Box:
        """(left, top, right, bottom) of the label, estimated."""
        width = max(text_width(line, NODE_FONT) for line in self.lines)
        left = {"start": self.label_x, "end": self.label_x - width,
                "middle": self.label_x - width / 2}[self.anchor]
        top = self.label_y - NODE_FONT
        return left, top, left + width, top + NODE_FONT * 1.2 * len(self.lines) + 2


def radii(count: int) -> tuple[float, float]:
    """The ellipse the neighbours sit on: larger with more of them."""
    return min(320.0, 220.0 + 5 * count), min(235.0, 150.0 + 4 * count)


def place(shown: Sequence[Neighbour], cx: float, cy: float) -> list[Placed]:
    """Neighbours evenly round an ellipse, clockwise from the top, labels outward."""
    rx, ry = radii(len(shown))
    placed = []
    for index, n in enumerate(shown):
        angle = -math.pi / 2 + (index + 0.5) * 2 * math.pi / len(shown)
        x, y = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        cos, sin = math.cos(angle), math.sin(angle)
        lines = wrap(n.label, 26, 2)
        if cos > 0.05:
            anchor, lx, ly = "start", x + NODE_R + 5, y + 4 - (len(lines) - 1) * 6
        elif cos < -0.05:
            anchor, lx, ly = "end", x - NODE_R - 5, y + 4 - (len(lines) - 1) * 6
        else:
            anchor, lx = "middle", x
            ly = y - NODE_R - 6 - (len(lines) - 1) * 13 if sin < 0 else y + NODE_R + 14
        placed.append(Placed(n, angle, x, y, anchor, lines, lx, ly))
    _separate(placed, cy)
    return placed


def overlap(a: Box, b: Box) -> bool:
    """Whether two boxes share any area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _separate(placed: list[Placed], cy: float) -> None:
    """Move labels that would overlap apart, away from the centre line (upper ones up)."""
    for upper in (True, False):
        half = [p for p in placed if (p.y < cy) == upper]
        half.sort(key=lambda p: -p.y if upper else p.y)  # nearest the centre line first
        done: list[Placed] = []
        for p in half:
            for _ in range(len(done) + 1):
                hit = next((d for d in done if overlap(p.box(), d.box())), None)
                if hit is None:
                    break
                mine, theirs = p.box(), hit.box()
                p.label_y += (theirs[1] - mine[3] - 1) if upper else (theirs[3] - mine[1] + 1)
            done.append(p)
