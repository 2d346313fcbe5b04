"""The timeline's time axis: year bands across the picture, and the lines and years marking
them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from kg.read.timeline import TimelineMark
from kg.web.pictures.svg import MUTED, fmt, tag

# The picture's width, the names' column left of the axis, and the margin right of it.
TL_WIDTH, TL_LEFT, TL_RIGHT = 1000.0, 290.0, 16.0
GRID = "#d0d7de"


@dataclass(frozen=True)
class Scale:
    """Year bands side by side: time runs evenly within a year, busy years get more width."""

    first_year: int
    bounds: tuple[float, ...]  # x of 1 January of each year shown, and of the year after

    @property
    def x0(self) -> float:
        return self.bounds[0]

    @property
    def x1(self) -> float:
        return self.bounds[-1]

    @property
    def years(self) -> range:
        return range(self.first_year, self.first_year + len(self.bounds) - 1)

    def x(self, day: date) -> float:
        index = min(max(day.year - self.first_year, 0), len(self.bounds) - 1)
        if index == len(self.bounds) - 1:
            return self.bounds[-1]
        start = date(day.year, 1, 1)
        fraction = (day - start).days / (date(day.year + 1, 1, 1) - start).days
        return self.bounds[index] + fraction * (self.bounds[index + 1] - self.bounds[index])

    def span(self, first: date, last: date) -> tuple[float, float]:
        """Left and right x of the days first..last (inclusive)."""
        return self.x(first), self.x(last + timedelta(days=1))


def scale_for(marks: Sequence[TimelineMark]) -> Scale:
    """A band per year from the first mark's to the last's, 1 + (marks in it, up to 6) wide."""
    first, last = min(m.first.year for m in marks), max(m.last.year for m in marks)
    weights = [1 + min(sum(m.first.year <= y <= m.last.year for m in marks), 6)
               for y in range(first, last + 1)]
    x0, x1 = TL_LEFT + 10, TL_WIDTH - TL_RIGHT
    bounds, total, acc = [x0], sum(weights), 0
    for weight in weights:
        acc += weight
        bounds.append(x0 + (x1 - x0) * acc / total)
    return Scale(first, tuple(bounds))


def axis(scale: Scale, top: float, bottom: float) -> str:
    """A line at each 1 January, with the year above, centred on its year."""
    lines = [tag("line", x1=fmt(x), x2=fmt(x), y1=fmt(top), y2=fmt(bottom), stroke=GRID)
             for x in scale.bounds]
    return "".join(lines) + axis_labels(scale, top + 10)


def axis_labels(scale: Scale, y: float) -> str:
    """Each year's number, centred on its band."""
    return "".join(
        tag("text", str(year), x=fmt((left + right) / 2), y=fmt(y), font_size="11",
            text_anchor="middle", fill=MUTED, font_weight="bold")
        for year, left, right in zip(scale.years, scale.bounds, scale.bounds[1:], strict=False))
