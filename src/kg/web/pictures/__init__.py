"""Server-side SVG pictures for the linked-data pages: a timeline of the talks and the
neighbourhood of one entity.

The pictures are plain SVG strings: no script, no style sheet and no `style` attribute (the
pages' Content-Security-Policy forbids inline styles), only presentation attributes. Every
text and attribute value passes through xml.sax.saxutils, so labels from the data come out as
text. Links go through the caller's `href(iri)`, which maps an IRI to its page URL.

Each picture is read from the store into plain data first (`timeline_events`,
`neighbourhood`), then drawn from that data alone (`timeline_svg`, `neighbourhood_svg`):

- svg: escaping, elements, links, text width and wrapping
- labels: the store behind either kind, labels for IRIs and graphs
- dates, timeline: the meetings' dates on the calendar, as marks
- timeline_axis, timeline_marks, timeline_picture: drawing the timeline
- vocabulary, neighbours: an entity's links, less what inference merely restates
- layout, spokes, neighbourhood_picture: drawing the neighbourhood
"""

from kg.web.pictures.labels import AnyStore
from kg.web.pictures.neighbourhood_picture import neighbourhood_svg
from kg.web.pictures.neighbours import (
    KIND_COLOURS,
    KINDS,
    Link,
    Neighbour,
    Neighbourhood,
    neighbourhood,
)
from kg.web.pictures.svg import Href
from kg.web.pictures.timeline import (
    ACTUAL,
    PLANNED,
    SUSPENDED,
    TimelineEvent,
    TimelineMark,
    timeline_events,
)
from kg.web.pictures.timeline_picture import timeline_svg

__all__ = [
    "ACTUAL",
    "KINDS",
    "KIND_COLOURS",
    "PLANNED",
    "SUSPENDED",
    "AnyStore",
    "Href",
    "Link",
    "Neighbour",
    "Neighbourhood",
    "TimelineEvent",
    "TimelineMark",
    "neighbourhood",
    "neighbourhood_svg",
    "timeline_events",
    "timeline_svg",
]
