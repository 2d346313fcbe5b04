"""The SVG pictures: the timeline of the talks and an entity's neighbourhood.

The first half asks the real graph; the second draws hand-made data for the edge cases
(nothing to draw, one event, undated events, disputed dates, hostile labels).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pyoxigraph as ox
import pytest

from kg.namespaces import EV, GRAPH, ID, KG, PREFIXES, local_href
from kg.read.neighbours import Link, Neighbour, Neighbourhood, neighbourhood
from kg.read.timeline import (
    ACTUAL,
    PLANNED,
    SUSPENDED,
    TimelineEvent,
    TimelineMark,
    timeline_events,
)
from kg.store import QueryStore, load_store
from kg.web.pictures import layout, neighbourhood_svg, timeline_svg

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & Sons "Ltd"'


def href(iri: str) -> str:
    return local_href(iri, "/")


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg"
    return root


def titled(root: ET.Element, start: str) -> list[ET.Element]:
    """Elements whose own <title> starts with `start`."""
    return [e for e in root.iter() if (t := e.find(SVG + "title")) is not None
            and (t.text or "").startswith(start)]


def links(root: ET.Element) -> set[str]:
    return {a.get("href", "") for a in root.iter(SVG + "a")}


# ------------------------------------------------------------------------------------------
# The real graph
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def loaded(real_settings) -> QueryStore:
    return load_store(real_settings.artifact).store


@pytest.fixture(scope="module")
def events(loaded) -> dict[str, TimelineEvent]:
    return {e.iri: e for e in timeline_events(loaded)}


@pytest.fixture(scope="module")
def timeline(events) -> str:
    return timeline_svg(list(events.values()), href)


def test_geneva_iv_is_on_the_timeline_with_its_dates(events, timeline):
    event = events[str(ID["geneva-iv"])]
    assert event.label == "Geneva IV" and event.series == str(ID["geneva-process"])
    (held,) = [m for m in event.marks if m.kind == ACTUAL]
    assert (held.first, held.last, held.exact) == (date(2017, 2, 23), date(2017, 3, 3), True)
    assert held.label == "23 Feb – 3 Mar 2017"
    assert len(held.sources) == 2  # one source gives "--02-23", folded into the full date
    planned = {m.first: m for m in event.marks if m.kind == PLANNED}
    assert sorted(planned) == [date(2017, 2, 8), date(2017, 2, 20), date(2017, 2, 23)]
    # Iran Focus's "February 23" has no year: it is the meeting's only year, 2017.
    assert planned[date(2017, 2, 23)].year_inferred
    assert not planned[date(2017, 2, 8)].year_inferred
    root = parse(timeline)
    assert "/id/geneva-iv" in links(root)
    assert titled(root, "Geneva IV: held 23 Feb – 3 Mar 2017")
    assert "23 Feb – 3 Mar 2017" in "".join(root.itertext())


def test_a_planned_only_meeting_is_drawn_as_planned(events, timeline):
    event = events[str(ID["geneva-v"])]
    assert [m.kind for m in event.marks] == [PLANNED]
    root = parse(timeline)
    (ring,) = titled(root, "Geneva V: planned to begin 20 Mar 2017")
    assert ring.tag == SVG + "circle"
    assert ring.get("fill") == "none" and ring.get("stroke-dasharray")
    assert not titled(root, "Geneva V: held")
    (dot,) = titled(root, "Geneva VII: held 10 Jul 2017")
    assert dot.get("fill") not in (None, "none")


def test_a_vaguer_date_folds_into_the_finer_one_and_suspension_shows(events):
    event = events[str(ID["geneva-2016"])]  # "2016" in one source, 1 February 2016 in another
    held = [m for m in event.marks if m.kind == ACTUAL]
    assert [(m.first, m.exact) for m in held] == [(date(2016, 2, 1), True)]
    assert len(held[0].sources) == 2 and not event.disputed
    assert [m.first for m in event.marks if m.kind == SUSPENDED] == [date(2016, 2, 3)]
    only_year = events[str(ID["geneva-2012"])].marks[0]
    assert (only_year.first, only_year.last, only_year.exact) == (
        date(2012, 1, 1), date(2012, 12, 31), False)


def test_what_cannot_be_placed_is_listed_not_guessed(events, timeline):
    astana = events[str(ID["astana-2017-02"])]  # planned for "--02-16" and nothing else
    assert astana.marks == () and astana.unplaced == ("planned 16 Feb",)
    assert events[str(ID["geneva-vi"])].marks == ()
    root = parse(timeline)
    words = "".join(root.itertext())
    assert "Not on the axis" in words
    assert "Astana talks of February 2017" in words and "no source gives the year" in words
    assert {"/id/astana-2017-02", "/id/geneva-vi"} <= links(root)


def test_the_timeline_is_grouped_by_series_and_every_meeting_is_linked(events, timeline):
    root = parse(timeline)
    words = set(root.itertext())
    assert {"Geneva peace talks on Syria", "Astana talks", "Vienna peace talks for Syria",
            "Other meetings"} <= words
    assert {href(iri) for iri in events} <= links(root)
    assert {"2012", "2015", "2017"} <= words


@pytest.mark.parametrize("picture", ["timeline", "neighbourhood"])
def test_the_pictures_are_self_contained_accessible_svg(picture, timeline, loaded):
    svg = timeline if picture == "timeline" else neighbourhood_svg(
        neighbourhood(loaded, str(ID["geneva-iv"])), href)
    root = parse(svg)
    assert root.get("role") == "img" and root.get("aria-label")
    assert root.get("viewBox", "").startswith("0 0 ") and root.get("width") is None
    assert root[0].tag == SVG + "title"
    tags = {e.tag for e in root.iter()}
    assert SVG + "script" not in tags and SVG + "style" not in tags
    assert not any(e.get("style") for e in root.iter())  # the pages' CSP allows no inline style
    assert "http" not in " ".join(links(root))  # nothing from elsewhere: every link is the app's
    assert all(a.find(SVG + "title") is not None for a in root.iter(SVG + "a"))


def test_geneva_iv_neighbourhood_has_its_attendees_linked(loaded):
    hood = neighbourhood(loaded, str(ID["geneva-iv"]))
    rows = loaded.query(f"SELECT ?x {{ ?x <{KG.attends}> <{ID['geneva-iv']}> }}")
    attendees = {r["x"].value for r in rows}
    assert len(attendees) >= 15
    by_iri = {n.iri: n for n in hood.neighbours}
    assert attendees <= set(by_iri)
    for iri in attendees:
        assert any(k.prop == str(KG.attends) and not k.outgoing and not k.inferred
                   for k in by_iri[iri].links)
    # The inferred inverse (Geneva IV attendee X) says nothing new: it is folded away.
    assert not any(k.prop == str(KG.attendee) for n in hood.neighbours for k in n.links)
    assert not any(n.iri.startswith(str(EV)) for n in hood.neighbours)
    assert by_iri[str(ID["russia"])].label == "Russia"
    root = parse(neighbourhood_svg(hood, href, limit=24))
    shown = {a for a in links(root) if a != "/id/geneva-iv"}
    assert len(shown) == 24 and shown <= {href(n.iri) for n in hood.neighbours}
    assert len(shown & {href(iri) for iri in attendees}) >= 5
    # The cap keeps every kind of link: each relation has at least one neighbour shown.
    kinds = {(n.links[0].prop, n.links[0].outgoing) for n in hood.neighbours}
    assert kinds == {(n.links[0].prop, n.links[0].outgoing) for n in hood.neighbours[:24]}
    assert f"Showing 24 of {len(hood.neighbours)} linked entities" in "".join(root.itertext())
    first = next(n for n in hood.neighbours[:24] if n.iri in attendees)
    assert titled(root, f"{first.label} ({first.kind})")
    assert titled(root, f"{first.label} — attends → Geneva IV (stated in ")


def test_inferred_only_links_are_dashed(loaded):
    hood = neighbourhood(loaded, str(ID["knc"]))
    by_iri = {n.iri: n for n in hood.neighbours}
    delegation = by_iri[str(ID["geneva-iv-opposition-delegation"])]
    assert delegation.inferred  # the membership chain, in graph:inferred only
    assert by_iri[str(ID["geneva-iv"])].links[0].graphs != (str(GRAPH["inferred"]),)
    root = parse(neighbourhood_svg(hood, href))
    (spoke,) = titled(root, "Kurdish National Council — member of → Opposition delegation")
    assert spoke.find(SVG + "line").get("stroke-dasharray")
    assert spoke.find(f".//{SVG}tspan[@font-style='italic']") is not None
    (stated,) = titled(root, "Kurdish National Council — attends → Geneva IV")
    assert stated.find(SVG + "line").get("stroke-dasharray") is None


def test_the_pictures_are_deterministic(loaded):
    first = neighbourhood_svg(neighbourhood(loaded, str(ID["geneva-iv"])), href)
    again = neighbourhood_svg(neighbourhood(loaded, str(ID["geneva-iv"])), href)
    assert first == again
    assert timeline_svg(timeline_events(loaded), href) == timeline_svg(
        timeline_events(loaded), href)


# ------------------------------------------------------------------------------------------
# Hand-made data
# ------------------------------------------------------------------------------------------

PROLOGUE = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())


def store_of(trig: str) -> ox.Store:
    """A store like the real one: the named graphs, and their merge as the default graph."""
    store = ox.Store()
    store.load(PROLOGUE + trig, format=ox.RdfFormat.TRIG)
    store.extend([ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                  for q in list(store)])
    return store


ONTOLOGY = """graph:ontology {
    kg:attends a owl:ObjectProperty ; rdfs:label "attends"@en ; owl:inverseOf kg:attendee .
    kg:attendee a owl:ObjectProperty ; rdfs:label "attendee"@en .
    kg:condemns a owl:ObjectProperty ; rdfs:label "condemns"@en .
    kg:quote a owl:DatatypeProperty .
}
"""


def mark(kind: str, first: date, last: date | None = None, exact: bool = True) -> TimelineMark:
    return TimelineMark(kind, first, last or first, exact, first.isoformat(), ("A source",))


def event(name: str, *marks: TimelineMark, series: str | None = None) -> TimelineEvent:
    return TimelineEvent(str(ID[name]), name.title(), series, series and series.title(), marks)


def test_nothing_to_draw_still_makes_a_picture():
    root = parse(timeline_svg([], href))
    assert "No dated meetings to show." in "".join(root.itertext())
    assert "no dated meetings" in root.get("aria-label", "")
    hood = Neighbourhood(str(ID["alone"]), "Alone", "other", ())
    root = parse(neighbourhood_svg(hood, href))
    assert "Alone has no links to other entities." in "".join(root.itertext())
    assert links(root) == {"/id/alone"}


def test_one_event_gets_one_year():
    one = event("solo", mark(ACTUAL, date(2016, 5, 1), date(2016, 5, 3)), series="s")
    root = parse(timeline_svg([one], href))
    words = list(root.itertext())
    assert words.count("2016") == 2  # the axis above and below
    assert "2015" not in words and "2017" not in words
    assert links(root) == {"/id/solo"}


def test_undated_events_are_listed_below_not_drawn():
    dated = event("dated", mark(PLANNED, date(2015, 1, 10)))
    undated = event("undated")
    root = parse(timeline_svg([undated, dated], href))
    (note,) = [a for a in root.iter(SVG + "a") if a.get("href") == "/id/undated"]
    assert "not shown: no date in the sources" in "".join(note.itertext())
    assert not titled(root, "Undated: held") and not titled(root, "Undated: planned")
    assert titled(root, "Dated: planned to begin")
    root = parse(timeline_svg([undated], href))
    assert "No dated meetings to show." in "".join(root.itertext())
    assert "/id/undated" in links(root)


def test_disagreeing_sources_show_both_dates():
    store = store_of(ONTOLOGY + """
    graph:a { id:m a kg:Conference ; rdfs:label "Talks"@en ; kg:startDate "2016-03-14"^^xsd:date ;
              kg:plannedStartDate "--03-01"^^xsd:gMonthDay . }
    graph:b { id:m kg:startDate "2016-04-02"^^xsd:date . }
    graph:c { id:n a kg:Meeting ; rdfs:label "Other"@en ; kg:startDate "2015-12"^^xsd:gYearMonth ;
              kg:endDate "2016-01-05"^^xsd:date ; kg:plannedStartDate "--11-30"^^xsd:gMonthDay . }
    """)
    found = {e.iri: e for e in timeline_events(store)}
    talks = found[str(ID.m)]
    held = [m for m in talks.marks if m.kind == ACTUAL]
    assert [m.first for m in held] == [date(2016, 3, 14), date(2016, 4, 2)] and talks.disputed
    (planned,) = [m for m in talks.marks if m.kind == PLANNED]
    assert planned.first == date(2016, 3, 1) and planned.year_inferred
    other = found[str(ID.n)]  # dates in two years: "30 November" has no single year to take
    assert other.unplaced == ("planned 30 Nov",) and not other.disputed
    (span,) = other.marks
    assert (span.first, span.last, span.exact) == (date(2015, 12, 1), date(2016, 1, 5), False)
    root = parse(timeline_svg(list(found.values()), href))
    assert "sources differ" in "".join(root.itertext())
    assert len(titled(root, "Talks: held")) == 2


def test_hostile_labels_come_out_as_text():
    store = store_of(ONTOLOGY + """
    graph:a {
        id:m a kg:Conference ; rdfs:label "<script>alert(\\"x\\")</script> & Sons \\"Ltd\\""@en ;
             kg:startDate "2016-03-14"^^xsd:date .
        id:p a kg:Person ; rdfs:label "Tom & Jerry <b>"@en ; kg:attends id:m ; kg:condemns id:m .
    }
    graph:inferred { id:m kg:attendee id:p . }
    """)
    strange = lambda iri: "/page?x=1&y=\"2\"&z=<3>"  # noqa: E731
    for svg in (timeline_svg(timeline_events(store), strange),
                neighbourhood_svg(neighbourhood(store, str(ID.m)), strange)):
        assert "<script>" not in svg and "<b>" not in svg
        assert "&lt;script&gt;" in svg and "&amp; Sons" in svg
        root = parse(svg)
        assert SVG + "script" not in {e.tag for e in root.iter()}
        assert HOSTILE in "".join(root.itertext())
        assert links(root) == {'/page?x=1&y="2"&z=<3>'}
    hood = neighbourhood(store, str(ID.m))
    (person,) = hood.neighbours
    assert person.label == "Tom & Jerry <b>"
    assert [k.label for k in person.links] == ["attends", "condemns"]  # attendee folded away


def test_script_urls_are_not_linked():
    hood = Neighbourhood(str(ID.c), "C", "other", (Neighbour(
        str(ID.x), "X", "person", (Link(str(KG.attends), "attends", True, ("g",), 1),)),))
    svg = neighbourhood_svg(hood, lambda iri: " JavaScript:alert(1)")
    root = parse(svg)
    assert links(root) == set() and "javascript" not in svg.lower()
    assert "X" in "".join(root.itertext())


def test_characters_xml_cannot_hold_are_dropped():
    svg = timeline_svg([event("bad\x01name", mark(ACTUAL, date(2014, 1, 1)))], href)
    assert "\x01" not in svg
    parse(svg)


def many(count: int, name: str = "Neighbour with a rather long name number") -> Neighbourhood:
    neighbours = tuple(Neighbour(str(ID[f"n{i:02}"]), f"{name} {i}", "person", (
        Link(str(KG.attends), "attends", i % 2 == 0, ("g",), 1),)) for i in range(count))
    return Neighbourhood(str(ID.c), "The centre", "meeting", neighbours)


def test_the_cap_says_how_many_were_left_out():
    root = parse(neighbourhood_svg(many(30), href, limit=24))
    assert len(links(root)) == 25  # 24 neighbours and the centre
    assert "Showing 24 of 30 linked entities; 6 more not shown." in "".join(root.itertext())
    root = parse(neighbourhood_svg(many(3), href))
    assert "All 3 linked entities shown." in "".join(root.itertext())


@pytest.mark.parametrize("count", [1, 2, 5, 12, 24])
def test_node_labels_do_not_overlap(count):
    placed = layout.place(many(count).neighbours, 500, 320)
    boxes = [p.box() for p in placed]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not layout.overlap(a, b), (a, b)
    angles = [p.angle for p in placed]
    assert angles == sorted(angles) and len(set(angles)) == count
