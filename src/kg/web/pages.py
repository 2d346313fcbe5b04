"""The data each linked-data page shows, from the app's state: plain dicts for templates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
from markupsafe import Markup

from kg.export import serialize_quads
from kg.formats import RdfFormat
from kg.namespaces import (
    FOAF,
    GRAPH,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    GRAPH_SHAPES,
    KG,
    ONTOLOGY_IRI,
    ORG,
    PROV,
    RDF,
    SCHEMA,
    SHAPES_IRI,
    SRC,
    graph_name,
)
from kg.web import catalog, pictures
from kg.web.entity import EntityView, Fact, covered, entity_view
from kg.web.sourcetext import quoted_facts, segments
from kg.web.values import label_map, literal_note, literal_text

Href = Callable[[str], str]

# The facts a one-line description is made of, in the order it names them.
SUMMARY_PROPERTIES = ("startDate", "endDate", "plannedStartDate", "location", "partOfSeries",
                      "basedOn", "jobTitle", "envoyOf", "memberOf", "locatedIn", "date")
ALIGNMENT_NAMESPACES = tuple(str(ns) for ns in (SCHEMA, PROV, ORG, FOAF))


def value_view(term: object, labels: dict[str, str]) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"iri": term.value, "text": labels.get(term.value, term.value)}
    if isinstance(term, ox.Literal):
        return {"text": literal_text(term), "raw": term.value, "note": literal_note(term)}
    return {"text": str(term)}


def _fact_view(fact: Fact, view: EntityView, sources: dict[str, str]) -> dict[str, Any]:
    evidence = [{"stem": e.stem, "source": e.source, "source_label": sources.get(e.stem, e.stem),
                 "quote": e.quote, "anchor": e.iri.rsplit("/", 1)[-1]} for e in fact.evidence]
    return {"value": value_view(fact.value, view.labels), "inferred": fact.inferred,
            "described": fact.described, "sources": sorted(fact.graphs), "evidence": evidence,
            "alignment": fact.predicate.startswith(ALIGNMENT_NAMESPACES)}


def _groups(view: EntityView, outgoing: bool, sources: dict[str, str]) -> list[dict[str, Any]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for fact in view.facts:
        if fact.outgoing == outgoing:
            grouped[fact.predicate].append(_fact_view(fact, view, sources))
    for facts in grouped.values():
        facts.sort(key=lambda f: (f["inferred"], f["value"]["text"].casefold()))
    return [{"predicate": p, "label": view.labels.get(p, p), "facts": facts,
             "alignment": facts[0]["alignment"]} for p, facts in grouped.items()]


def _description(view: EntityView) -> str:
    kinds = [view.labels[t] for t, inferred in view.types if not inferred]
    parts = [f"{view.label or view.iri} is {_article(kinds[0]) if kinds else 'a resource'}"]
    for name in SUMMARY_PROPERTIES:
        values = [f for f in view.facts if f.outgoing and f.predicate == str(KG[name])]
        values = [f for f in values if not any(
            isinstance(f.value, ox.Literal) and isinstance(o.value, ox.Literal)
            and covered(f.value, o.value) for o in values)]
        if values:
            ordered = sorted(values, key=lambda f: str(f.value))  # dates in time order
            shown = list(dict.fromkeys(value_view(f.value, view.labels)["text"] for f in ordered))
            parts.append(f"{view.labels.get(str(KG[name]), name)}: {', '.join(shown)}")
    attendees = {f.value for f in view.facts if not f.outgoing and f.predicate == str(KG.attends)}
    if attendees:
        parts.append(f"{len(attendees)} attendees")
    return "; ".join(parts) + "."


def _article(word: str) -> str:
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def source_labels(state: Any) -> dict[str, str]:
    stems = [graph_name(g) for g in state.loaded.graph_triples
             if graph_name(g) in state.source_texts]  # source graphs, not the project's own
    labels = label_map(state.loaded.store, [str(SRC[s]) for s in stems])
    return {stem: labels[str(SRC[stem])] for stem in stems}


def entity(state: Any, iri: str, href: Href) -> dict[str, Any] | None:
    view = entity_view(state.loaded.store, iri)
    if not view.exists:
        return None
    sources = source_labels(state)
    picture = pictures.neighbourhood_svg(pictures.neighbourhood(state.loaded.store, iri), href)
    return {"view": view, "description": _description(view), "sources": sources,
            "outgoing": _groups(view, True, sources), "incoming": _groups(view, False, sources),
            "neighbourhood_svg": Markup(picture)}  # noqa: S704 (pictures escape every value)


def rdf(state: Any, iri: str, fmt: RdfFormat) -> bytes | None:
    """The entity's description: its triples both ways, and the evidence for its facts."""
    query = f"""SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{
        {{ BIND(<{iri}> AS ?s) ?s ?p ?o }} UNION {{ BIND(<{iri}> AS ?o) ?s ?p ?o }} UNION
        {{ {{ ?s <{RDF.subject}> <{iri}> }} UNION {{ ?s <{RDF.object}> <{iri}> }} ?s ?p ?o }}
    }} }}"""
    quads = [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in state.loaded.store.query(query)]
    documents = {str(ONTOLOGY_IRI): GRAPH_ONTOLOGY, str(SHAPES_IRI): GRAPH_SHAPES}
    if iri in documents:  # a hash namespace's document holds every term's description
        quads += list(state.loaded.store.quads_for_pattern(
            None, None, None, ox.NamedNode(str(documents[iri]))))
    return serialize_quads(list(dict.fromkeys(quads)), fmt) if quads else None


def source(state: Any, stem: str, quote: str | None) -> dict[str, Any] | None:
    text = state.source_texts.get(stem)
    if text is None:
        return None
    facts = quoted_facts(state.loaded.store, str(GRAPH[stem]))
    parts, missing = segments(text, facts)
    by_evidence = {f.evidence: f for f in facts}
    iris = {f.subject for f in facts} | {f.predicate for f in facts}
    iris |= {f.object.value for f in facts if isinstance(f.object, ox.NamedNode)}
    labels = label_map(state.loaded.store, iris)
    details = entity_view(state.loaded.store, str(SRC[stem]))
    current = next((ev for ev in by_evidence if quote and ev.rsplit("/", 1)[-1] == quote), None)
    return {"stem": stem, "iri": str(SRC[stem]), "segments": parts, "facts": by_evidence,
            "labels": labels, "missing": missing, "current": current, "view": details,
            "metadata": _groups(details, True, {}), "graph": str(GRAPH[stem]),
            "triples": state.loaded.graph_triples.get(str(GRAPH[stem]), 0),
            "value_view": value_view}


def graph(state: Any, iri: str) -> dict[str, Any]:
    name = graph_name(iri)
    return {"iri": iri, "name": name, "triples": state.loaded.graph_triples[iri],
            "source": str(SRC[name]) if name in state.source_texts else None,
            "inferred": iri == str(GRAPH_INFERRED)}


def ontology(store: ox.Store) -> dict[str, Any]:
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    for term in catalog.terms(store):
        grouped[term["kind"]].append(term)
    labels = label_map(store, [t["parent"] for terms in grouped.values() for t in terms
                               if t["parent"]])
    return {"groups": [(kind, grouped[kind]) for kind in
                       ("Class", "ObjectProperty", "DatatypeProperty") if grouped[kind]],
            "labels": labels, "iri": str(ONTOLOGY_IRI)}


def shapes(state: Any) -> dict[str, Any]:
    found = catalog.shapes(state.loaded.store)
    labels = label_map(state.loaded.store, [t for s in found for t in s["targets"]])
    return {"shapes": found, "labels": labels, "iri": str(SHAPES_IRI),
            "graph_iri": str(GRAPH_SHAPES), "validation": state.summary["validation"]}


def home(state: Any) -> dict[str, Any]:
    store = state.loaded.store
    return {
        "summary": state.summary,
        "classes": catalog.classes(store),
        "conferences": catalog.conferences(store),
        "envoys": catalog.instances(store, str(KG.Envoy)),
        "parties": catalog.instances(store, str(KG.Party)),
        "resolutions": catalog.instances(store, str(KG.Resolution)),
        "sources": source_labels(state),
        "default_triples": state.loaded.default_triples,
    }


def class_index(state: Any, name: str) -> dict[str, Any] | None:
    iri = str(KG) + name
    known = {item.iri: item for item in catalog.classes(state.loaded.store)}
    if iri not in known:
        return None
    return {"cls": known[iri], "items": catalog.instances(state.loaded.store, iri)}


def validation(state: Any) -> dict[str, Any]:
    return {"validation": state.summary["validation"], "summary": state.summary,
            "shapes_iri": str(SHAPES_IRI)}


def timeline(state: Any, href: Href) -> dict[str, Any]:
    events = pictures.timeline_events(state.loaded.store)
    return {"timeline_svg": Markup(pictures.timeline_svg(events, href))}  # noqa: S704
