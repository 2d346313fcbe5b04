"""The query mix of the server benchmarks: the README examples (`kg.examples`) and heavier
queries (multi-hop joins, aggregates, OPTIONAL with FILTER, a DESCRIBE of a busy entity and a
CONSTRUCT of the whole default graph), each sent after PREFIX lines for the prefixes it uses,
since Oxigraph predeclares none."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.examples import examples
from kg.namespaces import PREFIXES

HEAVY = (
    ("Multi-hop: the rounds of each series, who attended, their blocs and supporters", """
SELECT ?series ?round ?party ?bloc ?supporter WHERE {
  ?r kg:partOfSeries ?s ; rdfs:label ?round .
  ?s rdfs:label ?series .
  ?p kg:attends ?r ; rdfs:label ?party .
  OPTIONAL { ?p kg:memberOf/rdfs:label ?bloc }
  OPTIONAL { ?x kg:supports ?p . ?x rdfs:label ?supporter }
} ORDER BY ?series ?round ?party
"""),
    ("Multi-hop: parties at the same meeting where one supports, opposes or condemns the other",
     """
SELECT ?meeting ?a ?relation ?b WHERE {
  VALUES ?rel { kg:supports kg:opposes kg:condemns kg:criticises kg:metWith }
  ?x ?rel ?y .
  ?x kg:attends ?m . ?y kg:attends ?m .
  ?m rdfs:label ?meeting . ?x rdfs:label ?a . ?y rdfs:label ?b . ?rel rdfs:label ?relation .
} ORDER BY ?meeting ?a ?b
"""),
    ("Aggregate: triples and subjects per named graph and property", """
SELECT ?g ?p (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) WHERE {
  GRAPH ?g { ?s ?p ?o }
} GROUP BY ?g ?p ORDER BY ?g DESC(?triples) ?p
"""),
    ("Aggregate: facts and mean quote length per source and property", """
SELECT ?title ?property (COUNT(?e) AS ?facts) (AVG(STRLEN(?q)) AS ?quote_chars) WHERE {
  ?e rdf:predicate ?p ; kg:source ?src ; kg:quote ?q .
  ?src dcterms:title ?title .
  OPTIONAL { ?p rdfs:label ?property }
} GROUP BY ?title ?property ORDER BY ?title DESC(?facts) ?property
"""),
    ("OPTIONAL and FILTER: labelled entities with their aliases, types and comments", """
SELECT ?e ?label ?alias ?type ?comment WHERE {
  ?e rdfs:label ?label .
  OPTIONAL { ?e skos:altLabel ?alias FILTER(LCASE(?alias) != LCASE(?label)) }
  OPTIONAL { ?e a ?type FILTER(STRSTARTS(STR(?type), STR(kg:))) }
  OPTIONAL { ?e rdfs:comment ?comment }
  FILTER(!isBlank(?e) && (BOUND(?alias) || CONTAINS(LCASE(STR(?label)), "syria")))
} ORDER BY ?label
"""),
    ("DESCRIBE a busy entity: Geneva IV", "DESCRIBE id:geneva-iv\n"),
    ("CONSTRUCT the whole default graph (an export)",
     "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n"),
)


@dataclass(frozen=True)
class Query:
    key: str  # ex1…ex13 for the README examples, h1… for the heavier ones
    title: str
    text: str  # without PREFIX lines
    graph: bool  # CONSTRUCT or DESCRIBE: the answer is triples

    @property
    def readme(self) -> bool:
        return self.key.startswith("ex")

    def with_prefixes(self, every: bool = False) -> str:
        """The query after PREFIX lines for the prefixes it uses (every one with `every`)."""
        used = [p for p in PREFIXES if every or re.search(rf"(?<![\w.-]){p}:", self.text)]
        return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in used) + self.text


def query_mix() -> list[Query]:
    mix = [Query(f"ex{n}", e.title, e.query, False) for n, e in enumerate(examples(), start=1)]
    for n, (title, text) in enumerate(HEAVY, start=1):
        graph = text.lstrip().startswith(("CONSTRUCT", "DESCRIBE"))
        mix.append(Query(f"h{n}", title, text.lstrip("\n"), graph))
    return mix
