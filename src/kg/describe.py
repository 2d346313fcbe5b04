"""Descriptions of the service and the dataset: SPARQL 1.1 Service Description and VoID.

Both are small RDF graphs built from the loaded store's counts and the format registry, so
they always say what the running server really holds and speaks.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef

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
    W3C_FORMATS,
    XSD,
    bind_prefixes,
)
from kg.store import LoadedStore

# The W3C's IRIs for the formats (https://www.w3.org/ns/formats/), by registry name.
RESULT_FORMAT_IRIS = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML",
                      "csv": "SPARQL_Results_CSV", "tsv": "SPARQL_Results_TSV"}
RDF_FORMAT_IRIS = {"ttl": "Turtle", "jsonld": "JSON-LD", "nt": "N-Triples", "xml": "RDF_XML",
                   "trig": "TriG", "nq": "N-Quads"}

TITLE = "Syrian peace talks knowledge graph"
DESCRIPTION = (
    "The Syrian peace talks 2012-2020 (Geneva, Astana, Vienna/ISSG, Munich), extracted from five "
    "source documents with a verbatim quote for every fact, plus OWL 2 RL inferences."
)


def _count(graph: Graph, node: URIRef | BNode, triples: int) -> None:
    graph.add((node, VOID.triples, Literal(triples, datatype=XSD.integer)))


def service_description(loaded: LoadedStore, endpoint: str, void_url: str) -> Graph:
    """The SPARQL 1.1 Service Description of the endpoint at `endpoint`."""
    graph = bind_prefixes(Graph())
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, RDFS.comment, Literal(
        "Read-only. The default graph is the merge of every named graph but graph:shapes: the "
        "facts of each source, the sources' descriptions, the ontology and the OWL 2 RL "
        "inferences. "
        "SERVICE, remote FROM graphs and updates are refused.", lang="en")))
    for fmt in RESULT_FORMATS:
        if fmt.name in RESULT_FORMAT_IRIS:
            graph.add((service, SD.resultFormat, W3C_FORMATS[RESULT_FORMAT_IRIS[fmt.name]]))
    for fmt in RDF_FORMATS:
        graph.add((service, SD.resultFormat, W3C_FORMATS[RDF_FORMAT_IRIS[fmt.name]]))
    graph.add((service, SD.defaultDataset, DATASET_IRI))
    graph.add((DATASET_IRI, RDF.type, SD.Dataset))
    graph.add((DATASET_IRI, RDFS.seeAlso, URIRef(void_url)))
    default = BNode("defaultGraph")
    graph.add((DATASET_IRI, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    _count(graph, default, loaded.default_triples)
    for name, triples in loaded.graph_triples.items():
        named, described = BNode(), BNode()
        graph.add((DATASET_IRI, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        _count(graph, described, triples)
    return graph


def _partitions(loaded: LoadedStore) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    store = loaded.store
    classes = store.query(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) { ?s a ?c FILTER isIRI(?c) } GROUP BY ?c ORDER BY ?c"
    )
    properties = store.query("SELECT ?p (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?p ORDER BY ?p")
    return ([(r["c"].value, int(r["n"].value)) for r in classes],  # type: ignore[union-attr]
            [(r["p"].value, int(r["n"].value)) for r in properties])  # type: ignore[union-attr]


def _distinct(loaded: LoadedStore, query: str) -> int:
    (row,) = loaded.store.query(query)  # type: ignore[misc]
    return int(row["n"].value)


def void_description(loaded: LoadedStore, endpoint: str, dumps: dict[str, str]) -> Graph:
    """The VoID description of the dataset, with counts, partitions and one subset per graph.

    `dumps` maps a named graph IRI (or "" for the whole dataset) to its download URL.
    """
    graph = bind_prefixes(Graph())
    dataset = DATASET_IRI
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, DCTERMS.title, Literal(TITLE, lang="en")))
    graph.add((dataset, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    graph.add((dataset, DCTERMS.license, LICENSE))
    graph.add((dataset, DCTERMS.modified, Literal(loaded.built.isoformat(), datatype=XSD.dateTime)))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(endpoint)))
    graph.add((dataset, VOID.uriSpace, Literal(str(ID))))
    graph.add((dataset, VOID.vocabulary, ONTOLOGY_IRI))
    graph.add((dataset, VOID.exampleResource, ID["geneva-iv"]))
    if "" in dumps:
        graph.add((dataset, VOID.dataDump, URIRef(dumps[""])))
    _count(graph, dataset, loaded.default_triples)
    integer = XSD.integer
    for prop, query in (
        (VOID.distinctSubjects, "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }"),
        (VOID.distinctObjects, "SELECT (COUNT(DISTINCT ?o) AS ?n) { ?s ?p ?o }"),
        (VOID.entities, f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s ?p ?o "
                        f"FILTER STRSTARTS(STR(?s), \"{ID}\") }}"),
    ):
        graph.add((dataset, prop, Literal(_distinct(loaded, query), datatype=integer)))
    classes, properties = _partitions(loaded)
    graph.add((dataset, VOID.classes, Literal(len(classes), datatype=integer)))
    graph.add((dataset, VOID.properties, Literal(len(properties), datatype=integer)))
    for cls, entities in classes:
        partition = BNode()
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(cls)))
        graph.add((partition, VOID.entities, Literal(entities, datatype=integer)))
    for prop, triples in properties:
        partition = BNode()
        graph.add((dataset, VOID.propertyPartition, partition))
        graph.add((partition, VOID.property, URIRef(prop)))
        _count(graph, partition, triples)
    for name, triples in loaded.graph_triples.items():
        subset = URIRef(name)
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, SD.name, subset))
        _count(graph, subset, triples)
        if name in dumps:
            graph.add((subset, VOID.dataDump, URIRef(dumps[name])))
    return graph
