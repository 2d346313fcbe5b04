"""Lists for browsing: classes with instance counts, instances of a class, conferences in
time order, and the ontology's terms. Plain data from the store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kg.namespaces import PREFIXES
from kg.store import QueryStore, select
from kg.terms import literal_text


@dataclass(frozen=True)
class Item:
    iri: str
    label: str
    note: str = ""  # a date, a count or a comment


def classes(store: QueryStore) -> list[Item]:
    """The project's classes with how many things are of each (inferred types included)."""
    query = """SELECT ?c ?label (COUNT(DISTINCT ?x) AS ?n) WHERE {
        GRAPH graph:ontology { ?c a owl:Class ; rdfs:label ?label }
        FILTER STRSTARTS(STR(?c), STR(kg:))
        OPTIONAL { ?x a ?c }
    } GROUP BY ?c ?label ORDER BY DESC(?n) ?label"""
    return [Item(r["c"].value, r["label"].value, r["n"].value)
            for r in select(store, query, PREFIXES)]


def instances(store: QueryStore, cls: str, limit: int = 2000) -> list[Item]:
    # Ordered outside the grouping: some stores (Virtuoso) refuse ORDER BY on an aggregate.
    query = f"""SELECT * {{ {{ SELECT ?x (MIN(?l) AS ?label) WHERE {{
        ?x a <{cls}> OPTIONAL {{ ?x rdfs:label ?l }} FILTER isIRI(?x)
    }} GROUP BY ?x }} }} ORDER BY LCASE(STR(?label)) ?x LIMIT {limit}"""
    return [Item(r["x"].value, r["label"].value if r["label"] else r["x"].value)
            for r in select(store, query, PREFIXES)]


def conferences(store: QueryStore) -> list[Item]:
    """Conferences and other meetings in time order (undated ones last), dates in words;
    a meeting known only by its planned date shows that, marked planned."""
    query = """SELECT * { { SELECT ?x (MIN(?l) AS ?label) (MIN(?actual) AS ?start)
                                (MIN(?plan) AS ?planned) WHERE {
        ?x a kg:Meeting ; rdfs:label ?l
        OPTIONAL { ?x kg:startDate ?actual FILTER(DATATYPE(?actual) != xsd:gMonthDay) }
        OPTIONAL { ?x kg:plannedStartDate ?plan FILTER(DATATYPE(?plan) != xsd:gMonthDay) }
    } GROUP BY ?x } } ORDER BY (!BOUND(?start) && !BOUND(?planned))
                             STR(COALESCE(?start, ?planned)) ?label"""
    items = []
    for row in select(store, query, PREFIXES):
        start, planned = row["start"], row["planned"]
        note = literal_text(start) if start else (
            f"{literal_text(planned)} (planned)" if planned else "")
        items.append(Item(row["x"].value, row["label"].value, note))
    return items


def terms(store: QueryStore) -> list[dict[str, str]]:
    """Every term the ontology declares: kind, label, comment, domain and range where given."""
    query = """SELECT ?t ?kind (SAMPLE(?l) AS ?label) (SAMPLE(?c) AS ?comment)
                      (MIN(STR(?sup)) AS ?parent) WHERE {
        GRAPH graph:ontology {
          VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty }
          ?t a ?kind OPTIONAL { ?t rdfs:label ?l } OPTIONAL { ?t rdfs:comment ?c }
          OPTIONAL { ?t rdfs:subClassOf|rdfs:subPropertyOf ?sup FILTER isIRI(?sup) }
        } FILTER STRSTARTS(STR(?t), STR(kg:))
    } GROUP BY ?t ?kind ORDER BY ?kind ?t"""
    return [{"iri": r["t"].value, "kind": r["kind"].value.rsplit("#", 1)[1],
             "label": r["label"].value if r["label"] else "",
             "comment": r["comment"].value if r["comment"] else "",
             "parent": r["parent"].value if r["parent"] else ""}
            for r in select(store, query, PREFIXES)]


def shapes(store: QueryStore) -> list[dict[str, Any]]:
    """Every SHACL node shape the build validated against: what it targets and checks."""
    query = """SELECT ?shape (SAMPLE(?l) AS ?label) (SAMPLE(?c) AS ?comment)
            (GROUP_CONCAT(DISTINCT STR(?target); separator=" ") AS ?targets)
            (GROUP_CONCAT(DISTINCT ?m; separator="\\n") AS ?messages) WHERE {
        GRAPH graph:shapes {
          ?shape a sh:NodeShape
          OPTIONAL { ?shape rdfs:label ?l } OPTIONAL { ?shape rdfs:comment ?c }
          OPTIONAL { ?shape sh:targetClass|sh:targetSubjectsOf|sh:targetObjectsOf ?target }
          OPTIONAL { ?shape sh:property/sh:message|sh:message ?m }
        }
    } GROUP BY ?shape ORDER BY ?shape"""
    rows = select(store, query, PREFIXES)
    return [{"iri": r["shape"].value, "label": r["label"].value if r["label"] else "",
             "comment": r["comment"].value if r["comment"] else "",
             "targets": sorted(r["targets"].value.split()) if r["targets"] else [],
             "messages": sorted(m for m in (r["messages"].value if r["messages"] else "")
                                .split("\n") if m)}
            for r in rows]
