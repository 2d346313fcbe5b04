"""Server-side SVG pictures for the linked-data pages: a timeline of the talks and the
neighbourhood of one entity, drawn from the plain data the read layer gives
(kg.read.timeline.timeline_events, kg.read.neighbours.neighbourhood).

The pictures are plain SVG strings: no script, no style sheet and no `style` attribute (the
pages' Content-Security-Policy forbids inline styles), only presentation attributes. Every
text and attribute value passes through xml.sax.saxutils, so labels from the data come out as
text. Links go through the caller's `href(iri)`, which maps an IRI to its page URL.

- svg: escaping, elements, links, text width and wrapping
- timeline_axis, timeline_marks, timeline_picture: drawing the timeline
- layout, spokes, neighbourhood_picture: drawing the neighbourhood
"""

from kg.web.pictures.neighbourhood_picture import neighbourhood_svg
from kg.web.pictures.svg import Href
from kg.web.pictures.timeline_picture import timeline_svg

__all__ = ["Href", "neighbourhood_svg", "timeline_svg"]
