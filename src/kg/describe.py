"""Descriptions of the service and the dataset: SPARQL 1.1 Service Description and VoID.

Both are small sets of triples built from the loaded store's counts and the format registry,
so they always say what the running server really holds and speaks.
"""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from kg.formats import RDF_FORMATS, RESULT_FORMATS
from kg.namespaces import (
    DATASET_IRI,
    DCTERMS,
    ID,
    LICENSE,
    ONTOLOGY_IRI,
    RDF,
    RDFS,
    SD,
    VOID,
    XSD,
)
from kg.store import LoadedStore, select

TITLE = "Syrian peace talks knowledge graph"
DESCRIPTION = (
    "The Syrian peace talks 2012-2020 (Geneva, Astana, Vienna/ISSG, Munich), extracted from five "
    "source documents with a verbatim quote for every fact, plus OWL 2 RL inferences."
)
Node = NamedNode | BlankNode


class Description(list[Triple]):
    """The triples of a description; `add` takes IRIs as strings (or namespace terms)."""

    def add(self, subject: Node | str, predicate: str, obj: Node | Literal | str) -> None:
        self.append(Triple(_node(subject), NamedNode(str(predicate)),
                           obj if isinstance(obj, Literal) else _node(obj)))

    def add_count(self, node: Node | str, triples: int) -> None:
        self.add(node, VOID.triples, integer(triples))


def _node(term: Node | str) -> Node:
    return term if isinstance(term, NamedNode | BlankNode) else NamedNode(str(term))


def integer(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(str(XSD.integer)))


def english(text: str) -> Literal:
    return Literal(text, language="en")


def service_description(loaded: LoadedStore, endpoint: str, void_url: str) -> Description:
    """The SPARQL 1.1 Service Description of the endpoint at `endpoint`."""
    graph = Description()
    graph.add(endpoint, RDF.type, SD.Service)
    graph.add(endpoint, SD.endpoint, endpoint)
    graph.add(endpoint, SD.supportedLanguage, SD.SPARQL11Query)
    graph.add(endpoint, RDFS.comment, english(
        "Read-only. The default graph is the merge of every named graph but graph:shapes: the "
        "facts of each source, the sources' descriptions, the ontology and the OWL 2 RL "
        "inferences. SERVICE, remote FROM graphs and updates are refused."))
    for fmt in (*(f for f in RESULT_FORMATS if f.endpoint), *RDF_FORMATS):
        if fmt.iri is not None:
            graph.add(endpoint, SD.resultFormat, fmt.iri)
    graph.add(DATASET_IRI, RDF.type, SD.Dataset)
    graph.add(endpoint, SD.defaultDataset, DATASET_IRI)
    graph.add(DATASET_IRI, RDFS.seeAlso, void_url)
    default = BlankNode("defaultGraph")
    graph.add(DATASET_IRI, SD.defaultGraph, default)
    graph.add(default, RDF.type, SD.Graph)
    graph.add_count(default, loaded.default_triples)
    for name, triples in loaded.graph_triples.items():
        named, described = BlankNode(), BlankNode()
        graph.add(DATASET_IRI, SD.namedGraph, named)
        graph.add(named, RDF.type, SD.NamedGraph)
        graph.add(named, SD.name, name)
        graph.add(named, SD.graph, described)
        graph.add(described, RDF.type, SD.Graph)
        graph.add_count(described, triples)
    return graph


def _partitions(loaded: LoadedStore) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    store = loaded.store
    classes = select(store, 
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) { ?s a ?c FILTER isIRI(?c) } GROUP BY ?c ORDER BY ?c"
    )
    properties = select(store, "SELECT ?p (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?p ORDER BY ?p")
    return ([(r["c"].value, int(r["n"].value)) for r in classes],
            [(r["p"].value, int(r["n"].value)) for r in properties])


def _distinct(loaded: LoadedStore, query: str) -> int:
    (row,) = select(loaded.store, query)
    return int(row["n"].value)


def void_description(loaded: LoadedStore, endpoint: str, dumps: dict[str, str]) -> Description:
    """The VoID description of the dataset, with counts, partitions and one subset per graph.

    `dumps` maps a named graph IRI (or "" for the whole dataset) to its download URL.
    """
    graph = Description()
    dataset = DATASET_IRI
    graph.add(dataset, RDF.type, VOID.Dataset)
    graph.add(dataset, DCTERMS.title, english(TITLE))
    graph.add(dataset, DCTERMS.description, english(DESCRIPTION))
    graph.add(dataset, DCTERMS.license, LICENSE)
    graph.add(dataset, DCTERMS.modified,
              Literal(loaded.built.isoformat(), datatype=NamedNode(str(XSD.dateTime))))
    graph.add(dataset, VOID.sparqlEndpoint, endpoint)
    graph.add(dataset, VOID.uriSpace, Literal(str(ID)))
    graph.add(dataset, VOID.vocabulary, ONTOLOGY_IRI)
    graph.add(dataset, VOID.exampleResource, ID["geneva-iv"])
    if "" in dumps:
        graph.add(dataset, VOID.dataDump, dumps[""])
    graph.add_count(dataset, loaded.default_triples)
    for prop, query in (
        (VOID.distinctSubjects, "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }"),
        (VOID.distinctObjects, "SELECT (COUNT(DISTINCT ?o) AS ?n) { ?s ?p ?o }"),
        (VOID.entities, f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s ?p ?o "
                        f"FILTER STRSTARTS(STR(?s), \"{ID}\") }}"),
    ):
        graph.add(dataset, prop, integer(_distinct(loaded, query)))
    classes, properties = _partitions(loaded)
    graph.add(dataset, VOID.classes, integer(len(classes)))
    graph.add(dataset, VOID.properties, integer(len(properties)))
    for cls, entities in classes:
        partition = BlankNode()
        graph.add(dataset, VOID.classPartition, partition)
        graph.add(partition, VOID["class"], cls)
        graph.add(partition, VOID.entities, integer(entities))
    for used, triples in properties:
        partition = BlankNode()
        graph.add(dataset, VOID.propertyPartition, partition)
        graph.add(partition, VOID.property, used)
        graph.add_count(partition, triples)
    for name, triples in loaded.graph_triples.items():
        graph.add(dataset, VOID.subset, name)
        graph.add(name, RDF.type, VOID.Dataset)
        graph.add(name, SD.name, name)
        graph.add_count(name, triples)
        if name in dumps:
            graph.add(name, VOID.dataDump, dumps[name])
    return graph
