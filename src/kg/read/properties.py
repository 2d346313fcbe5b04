"""The ontology's object properties, and what a link through one implies: its inverse, its
mirror when symmetric, and its super-properties."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from kg.namespaces import GRAPH_ONTOLOGY, KG, OWL, RDF, RDFS
from kg.read.labels import label_map
from kg.store import QueryStore

Form = tuple[str, bool]  # (property, outgoing from the centre)


@dataclass(frozen=True)
class Vocabulary:
    labels: dict[str, str]  # every kg: object property -> its label
    inverse: dict[str, str]  # both ways
    symmetric: frozenset[str]
    supers: dict[str, set[str]]  # property -> all its super-properties

    def entailed(self, forms: Iterable[Form]) -> set[Form]:
        """Every (property, outgoing) the given links imply by inverses, symmetry and
        sub-properties."""
        done: set[Form] = set()
        todo = list(forms)
        while todo:
            prop, out = todo.pop()
            if (prop, out) in done:
                continue
            done.add((prop, out))
            todo += [(sup, out) for sup in self.supers.get(prop, ())]
            todo += [(self.inverse[prop], not out)] if prop in self.inverse else []
            todo += [(prop, not out)] if prop in self.symmetric else []
        return done


def vocabulary(store: QueryStore) -> Vocabulary:
    """The kg: object properties as the ontology graph declares them."""
    graph = ox.NamedNode(str(GRAPH_ONTOLOGY))

    def pairs(predicate: str, obj: str | None = None) -> list[tuple[str, str]]:
        o = ox.NamedNode(obj) if obj else None
        return [(q.subject.value, q.object.value) for q in  # type: ignore[union-attr]
                store.quads_for_pattern(None, ox.NamedNode(predicate), o, graph)]

    props = {s for s, _ in pairs(str(RDF.type), str(OWL.ObjectProperty)) if s.startswith(str(KG))}
    inverse = dict(pairs(str(OWL.inverseOf)))
    inverse |= {b: a for a, b in inverse.items()}
    direct: dict[str, set[str]] = defaultdict(set)
    for sub, sup in pairs(str(RDFS.subPropertyOf)):
        direct[sub].add(sup)
    supers = {p: _closure(p, direct) for p in props}
    symmetric = frozenset(s for s, _ in pairs(str(RDF.type), str(OWL.SymmetricProperty)))
    return Vocabulary(label_map(store, props), inverse, symmetric, supers)


def _closure(start: str, edges: dict[str, set[str]]) -> set[str]:
    """Every node reachable from `start` (not itself, unless on a cycle)."""
    seen: set[str] = set()
    todo = list(edges.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(edges.get(node, ()))
    return seen
