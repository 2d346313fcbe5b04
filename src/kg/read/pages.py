"""The data each linked-data page shows: plain dicts for the templates, from the Site."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyoxigraph as ox

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
from kg.read import catalog
from kg.read.entity import EntityView, Fact, entity_view
from kg.read.labels import label_map, source_titles
from kg.read.site import Site
from kg.read.sourcetext import quoted_facts, segments
from kg.report import validation_words
from kg.store import QueryStore, select
from kg.terms import covered, literal_note, literal_text

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


def source_labels(site: Site) -> dict[str, str]:
    """Source stem -> the title of its document."""
    return source_titles(site.store, site.stems)


def entity(site: Site, iri: str) -> dict[str, Any] | None:
    view = entity_view(site.store, iri)
    if not view.exists:
        return None
    sources = source_labels(site)
    return {"view": view, "description": _description(view), "sources": sources,
            "outgoing": _groups(view, True, sources), "incoming": _groups(view, False, sources)}


def entity_quads(site: Site, iri: str) -> list[ox.Quad]:
    """The entity's description: its triples both ways, and the evidence for its facts."""
    query = f"""SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{
        {{ BIND(<{iri}> AS ?s) ?s ?p ?o }} UNION {{ BIND(<{iri}> AS ?o) ?s ?p ?o }} UNION
        {{ {{ ?s <{RDF.subject}> <{iri}> }} UNION {{ ?s <{RDF.object}> <{iri}> }} ?s ?p ?o }}
    }} }}"""
    quads = [ox.Quad(r["s"], r["p"], r["o"], r["g"])
             for r in select(site.store, query)]
    documents = {str(ONTOLOGY_IRI): GRAPH_ONTOLOGY, str(SHAPES_IRI): GRAPH_SHAPES}
    if iri in documents:  # a hash namespace's document holds every term's description
        quads += list(site.store.quads_for_pattern(
            None, None, None, ox.NamedNode(str(documents[iri]))))
    return list(dict.fromkeys(quads))


def source(site: Site, stem: str, quote: str | None) -> dict[str, Any] | None:
    text = site.source_texts.get(stem)
    if text is None:
        return None
    facts = quoted_facts(site.store, str(GRAPH[stem]))
    parts, missing = segments(text, facts)
    by_evidence = {f.evidence: f for f in facts}
    iris = {f.subject for f in facts} | {f.predicate for f in facts}
    iris |= {f.object.value for f in facts if isinstance(f.object, ox.NamedNode)}
    labels = label_map(site.store, iris)
    details = entity_view(site.store, str(SRC[stem]))
    current = next((ev for ev in by_evidence if quote and ev.rsplit("/", 1)[-1] == quote), None)
    return {"stem": stem, "iri": str(SRC[stem]), "segments": parts, "facts": by_evidence,
            "labels": labels, "missing": missing, "current": current, "view": details,
            "metadata": _groups(details, True, {}), "graph": str(GRAPH[stem]),
            "triples": site.loaded.graph_triples.get(str(GRAPH[stem]), 0),
            "value_view": value_view}


def graph(site: Site, iri: str) -> dict[str, Any]:
    name = graph_name(iri)
    return {"iri": iri, "name": name, "triples": site.loaded.graph_triples[iri],
            "source": str(SRC[name]) if name in site.source_texts else None,
            "inferred": iri == str(GRAPH_INFERRED)}


def ontology(store: QueryStore) -> dict[str, Any]:
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    for term in catalog.terms(store):
        grouped[term["kind"]].append(term)
    labels = label_map(store, [t["parent"] for terms in grouped.values() for t in terms
                               if t["parent"]])
    return {"groups": [(kind, grouped[kind]) for kind in
                       ("Class", "ObjectProperty", "DatatypeProperty") if grouped[kind]],
            "labels": labels, "iri": str(ONTOLOGY_IRI)}


def shapes(site: Site) -> dict[str, Any]:
    found = catalog.shapes(site.store)
    labels = label_map(site.store, [t for s in found for t in s["targets"]])
    return {"shapes": found, "labels": labels, "iri": str(SHAPES_IRI),
            "graph_iri": str(GRAPH_SHAPES), "validation": site.summary["validation"],
            "verdict": validation_words(site.summary["validation"])}


def home(site: Site) -> dict[str, Any]:
    store = site.store
    return {
        "summary": site.summary,
        "classes": catalog.classes(store),
        "conferences": catalog.conferences(store),
        "envoys": catalog.instances(store, str(KG.Envoy)),
        "parties": catalog.instances(store, str(KG.Party)),
        "resolutions": catalog.instances(store, str(KG.Resolution)),
        "sources": source_labels(site),
        "default_triples": site.loaded.default_triples,
    }


def class_index(site: Site, name: str) -> dict[str, Any] | None:
    iri = str(KG) + name
    known = {item.iri: item for item in catalog.classes(site.store)}
    if iri not in known:
        return None
    return {"cls": known[iri], "items": catalog.instances(site.store, iri)}


def validation(site: Site) -> dict[str, Any]:
    return {"validation": site.summary["validation"], "summary": site.summary,
            "verdict": validation_words(site.summary["validation"]),
            "shapes_iri": str(SHAPES_IRI)}
