"""Every namespace the project uses, its named graphs and the prefix table.

No other module spells out a namespace IRI: they import from here.
"""

from __future__ import annotations

import re

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import (
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SH,
    SKOS,
    VOID,
    XSD,
    DefinedNamespace,
)

BASE = "https://w3id.org/syria-talks/"

ONTOLOGY_IRI = URIRef(BASE + "ontology")


class KG(DefinedNamespace):
    """The project vocabulary, closed: using a term the ontology does not declare is an error."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    # Classes
    Agenda: URIRef
    ArmedGroup: URIRef
    Attack: URIRef
    Bloc: URIRef
    City: URIRef
    Communique: URIRef
    Conference: URIRef
    ConferenceSeries: URIRef
    Conflict: URIRef
    Country: URIRef
    Declaration: URIRef
    Delegation: URIRef
    Document: URIRef
    EncyclopediaArticle: URIRef
    Envoy: URIRef
    Government: URIRef
    Incident: URIRef
    InternationalOrganization: URIRef
    Meeting: URIRef
    Membership: URIRef
    MilitaryOperation: URIRef
    NewsReport: URIRef
    NonGovernmentalOrganization: URIRef
    Organization: URIRef
    Party: URIRef
    Person: URIRef
    Place: URIRef
    Plan: URIRef
    PoliticalGroup: URIRef
    Proposal: URIRef
    Report: URIRef
    Resolution: URIRef
    SourceDocument: URIRef
    State: URIRef
    Statement: URIRef
    # Properties
    about: URIRef
    accuses: URIRef
    adoptedBy: URIRef
    adoptedUnanimously: URIRef
    affiliation: URIRef
    attendee: URIRef
    attends: URIRef
    author: URIRef
    basedIn: URIRef
    basedOn: URIRef
    capitalOf: URIRef
    casualties: URIRef
    coChairOf: URIRef
    condemnedBy: URIRef
    condemns: URIRef
    criticises: URIRef
    date: URIRef
    dateline: URIRef
    delegationOf: URIRef
    endDate: URIRef
    endorsedBy: URIRef
    endorses: URIRef
    envoyOf: URIRef
    expectedToAttend: URIRef
    fileName: URIRef
    hasDelegation: URIRef
    hasMember: URIRef
    hasMembership: URIRef
    hasRound: URIRef
    headOf: URIRef
    headedBy: URIRef
    inResponseTo: URIRef
    invitedTo: URIRef
    jobTitle: URIRef
    locatedIn: URIRef
    location: URIRef
    mediator: URIRef
    member: URIRef
    memberCount: URIRef
    memberOf: URIRef
    metWith: URIRef
    numberOfRounds: URIRef
    opposes: URIRef
    organization: URIRef
    organizer: URIRef
    outcome: URIRef
    partOfSeries: URIRef
    perpetrated: URIRef
    perpetrator: URIRef
    plannedDuration: URIRef
    plannedStartDate: URIRef
    produced: URIRef
    producedAt: URIRef
    proposedBy: URIRef
    proposes: URIRef
    provision: URIRef
    publisher: URIRef
    purpose: URIRef
    quote: URIRef
    rejects: URIRef
    represents: URIRef
    resolutionNumber: URIRef
    roundNumber: URIRef
    sha256: URIRef
    signatory: URIRef
    source: URIRef
    sponsor: URIRef
    startDate: URIRef
    subOrganizationOf: URIRef
    supportedBy: URIRef
    supports: URIRef
    suspendedOn: URIRef
    target: URIRef
    targetDate: URIRef
    topic: URIRef
    vetoCount: URIRef
    vetoedBy: URIRef
    vetoes: URIRef
    withdrewFrom: URIRef

ID = Namespace(BASE + "id/")
SRC = Namespace(BASE + "source/")
EV = Namespace(BASE + "evidence/")
GRAPH = Namespace(BASE + "graph/")
SCHEMA = Namespace("https://schema.org/")
XSD_STRING = str(XSD.string)  # the datatype of a plain string literal
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
W3C_FORMATS = Namespace("http://www.w3.org/ns/formats/")
DATASET_IRI = URIRef(BASE + "dataset")
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")

GRAPH_ONTOLOGY = GRAPH["ontology"]
GRAPH_SOURCES = GRAPH["sources"]
GRAPH_INFERRED = GRAPH["inferred"]
# The SHACL shapes the build validated against: in the artifact, outside the default graph.
GRAPH_SHAPES = GRAPH["shapes"]
SHAPES_IRI = URIRef(BASE + "shapes")
# The project's own graphs; every other graph: graph is one source's facts.
PROJECT_GRAPHS = frozenset({str(GRAPH_ONTOLOGY), str(GRAPH_SOURCES), str(GRAPH_INFERRED),
                            str(GRAPH_SHAPES)})
# Names a source stem may not take: the project's own graphs and the export selections.
RESERVED_NAMES = frozenset({"ontology", "sources", "inferred", "shapes", "all", "asserted"})

# Subjects in these namespaces are the project's own individuals; reasoning keeps
# only inferences about them.
INSTANCE_NAMESPACES: tuple[str, ...] = (str(ID), str(EV), str(SRC))

PREFIXES: dict[str, str] = {
    "kg": str(KG),
    "id": str(ID),
    "src": str(SRC),
    "ev": str(EV),
    "graph": str(GRAPH),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "foaf": str(FOAF),
    "dcterms": str(DCTERMS),
    "sh": str(SH),
    "sd": str(SD),
    "void": str(VOID),
}

__all__ = [
    "BASE", "DATASET_IRI", "DCTERMS", "EV", "FOAF", "GRAPH", "GRAPH_INFERRED", "GRAPH_ONTOLOGY",
    "GRAPH_SHAPES", "GRAPH_SOURCES", "ID", "INSTANCE_NAMESPACES", "KG", "LICENSE", "ONTOLOGY_IRI",
    "ORG", "OWL", "PREFIXES", "PROJECT_GRAPHS", "PROV", "RDF", "RDFS", "RESERVED_NAMES", "SCHEMA",
    "SD", "SH", "SHAPES_IRI", "SKOS", "SRC", "VOID", "W3C_FORMATS", "XSD", "XSD_STRING",
    "bind_prefixes", "curie", "graph_name", "is_source_graph", "local_href", "source_graph",
]

# Longest namespace first, so "ev:" wins over a shorter namespace it extends.
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: len(item[1]), reverse=True)
# Display form only: '/' is allowed so evidence nodes read as ev:<stem>/<hash>.
_LOCAL = re.compile(r"[A-Za-z0-9_][\w\-./]*(?<!\.)\Z")


def source_graph(stem: str) -> URIRef:
    """The named graph holding the facts extracted from source `stem`."""
    return GRAPH[stem]


def is_source_graph(iri: str) -> bool:
    """Whether `iri` names the graph of one source's facts."""
    return iri.startswith(str(GRAPH)) and iri not in PROJECT_GRAPHS


def graph_name(iri: str) -> str:
    """Short name of a project graph (`ontology`, `inferred`, a stem); else the IRI."""
    return iri[len(str(GRAPH)) :] if iri.startswith(str(GRAPH)) else iri


def local_href(iri: str, base: str) -> str | None:
    """The app's own URL for a project IRI (the stable namespace mapped onto `base`), the IRI
    itself for other web IRIs, and None for the rest (javascript:, data:, urn:…), which are
    shown but never made links."""
    if iri.startswith(BASE):
        return base + iri[len(BASE):]
    return iri if iri.startswith(("http://", "https://")) else None


def curie(iri: str) -> str:
    """`prefix:local` for display when a known namespace matches, else `<iri>`."""
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if local == "" or _LOCAL.match(local):
                return f"{prefix}:{local}"
    return f"<{iri}>"


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project prefixes (replacing rdflib's defaults) and return the graph."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
