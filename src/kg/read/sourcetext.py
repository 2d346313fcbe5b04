"""A source document's full text cut into segments, with every extracted quote marked.

Quotes are verbatim up to whitespace (the data tests hold them to that), so each is found
by its words joined by any whitespace. Quotes overlap and repeat (one sentence backs many
facts), so the text is cut at every quote boundary and each segment lists the evidence
nodes covering it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.namespaces import KG, RDF
from kg.store import QueryStore, select


@dataclass
class Segment:
    text: str
    evidence: list[str] = field(default_factory=list)  # evidence IRIs whose quote covers it
    starts: list[str] = field(default_factory=list)  # evidence IRIs whose quote starts here


@dataclass(frozen=True)
class QuotedFact:
    evidence: str
    subject: str
    predicate: str
    object: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
    quote: str


def quoted_facts(store: QueryStore, graph: str) -> list[QuotedFact]:
    query = f"""SELECT ?ev ?s ?p ?o ?q WHERE {{ GRAPH <{graph}> {{
        ?ev a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:quote ?q
    }} }} ORDER BY ?ev"""
    return [QuotedFact(r["ev"].value, r["s"].value, r["p"].value, r["o"], r["q"].value)
            for r in select(store, query, {"rdf": str(RDF), "kg": str(KG)})]


def find(text: str, quote: str) -> tuple[int, int] | None:
    """Where `quote` stands in `text`, whitespace aside."""
    words = quote.split()
    if not words:
        return None
    match = re.search(r"\s+".join(map(re.escape, words)), text)
    return match.span() if match else None


def segments(text: str, facts: list[QuotedFact]) -> tuple[list[Segment], list[QuotedFact]]:
    """The text in marked segments, and the facts whose quote was not found (none, if the
    data tests pass)."""
    spans: dict[str, tuple[int, int]] = {}
    missing = []
    for fact in facts:
        span = find(text, fact.quote)
        if span is None:
            missing.append(fact)
        else:
            spans[fact.evidence] = span
    cuts = sorted({0, len(text), *(i for span in spans.values() for i in span)})
    result = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [ev for ev, (a, b) in spans.items() if a <= start and end <= b]
        starting = [ev for ev, (a, _) in spans.items() if a == start]
        result.append(Segment(text[start:end], covering, starting))
    return result, missing
