"""Search over labels and aliases: the find-a-thing box of the linked-data pages.

Built once from the store at app start. Every project entity (id:, src: and the ontology's kg:
terms; never ev: nodes or blank nodes) is findable by its rdfs:label and skos:altLabel texts.
Matching ignores case, accents and punctuation; results are ranked exact label > exact alias >
label prefix > alias prefix > every query word prefixes a word > substring, then by shorter
matched text, then alphabetically, with one hit per entity.

Each tier is a dictionary or bisect look-up (the substring tier one C-level scan of a joined
string), and lower tiers are only consulted while the limit is not yet filled, so a query costs
microseconds here and stays in the low milliseconds for 10^5 labels.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from kg.namespaces import ID, KG, RDF, RDFS, SKOS, SRC
from kg.store import QueryStore

MAX_QUERY = 200  # characters of a query that are looked at
INDEXED_NAMESPACES: tuple[str, ...] = (str(ID), str(SRC), str(KG))

# Scores of the match tiers, best first.
EXACT_LABEL, EXACT_ALIAS, LABEL_PREFIX, ALIAS_PREFIX, WORD_PREFIXES, SUBSTRING = 6, 5, 4, 3, 2, 1

_DROPPED = re.compile(r"['’‘ʼ`´.]")  # joined: "Da'esh" -> "daesh", "U.N." -> "un"
_SEPARATORS = re.compile(r"[\W_]+")  # everything else that is not a letter or digit: a space
_UNDECOMPOSED = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "æ": "ae", "œ": "oe"})
_SEP = "\x00"  # joins the keys for the substring scan; normalise() never produces it


def normalise(text: str) -> str:
    """Fold case, accents and punctuation: "Sinirlioğlu" -> "sinirlioglu", "al-Ja'afari" ->
    "al jaafari"."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = _DROPPED.sub("", bare.casefold().translate(_UNDECOMPOSED))
    return _SEPARATORS.sub(" ", folded).strip()


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str  # the entity's rdfs:label (English preferred; an alias if it has none)
    matched: str  # the label or alias text that matched
    types: list[str]  # rdf:type IRIs: kg: classes first, most specific first
    score: int  # the match tier, EXACT_LABEL (best) down to SUBSTRING


@dataclass(frozen=True)
class _Name:
    entity: int
    text: str
    key: str
    is_label: bool


@dataclass(frozen=True)
class _Entity:
    iri: str
    label: str
    types: tuple[str, ...]


class SearchIndex:
    def __init__(self, entities: list[_Entity], names: list[_Name]) -> None:
        self._entities = entities
        # A name's id is its rank among equals: shorter text, label before alias, alphabetical.
        self._names = sorted(names, key=lambda n: (len(n.text), not n.is_label,
                                                   n.text.casefold(), entities[n.entity].iri))
        self._is_label = [n.is_label for n in self._names]
        # Ids in key order, so the names starting with a prefix are one contiguous run.
        self._by_key = sorted(range(len(self._names)), key=lambda i: self._names[i].key)
        self._keys = [self._names[i].key for i in self._by_key]
        self._exact: dict[str, list[int]] = {}
        words: dict[str, set[int]] = {}
        for i, name in enumerate(self._names):
            self._exact.setdefault(name.key, []).append(i)
            for word in name.key.split():
                words.setdefault(word, set()).add(i)
        self._words = sorted(words)
        self._postings = [words[w] for w in self._words]
        self._haystack = _SEP.join(self._keys)
        self._starts: list[int] = []
        offset = 0
        for key in self._keys:
            self._starts.append(offset)
            offset += len(key) + 1

    @classmethod
    def from_store(cls, store: QueryStore) -> SearchIndex:
        """Index every labelled entity in the project namespaces, across all graphs."""
        texts: dict[str, dict[tuple[str, str], bool]] = {}  # iri -> (text, lang) -> is label
        for predicate, is_label in ((SKOS.altLabel, False), (RDFS.label, True)):
            for subject, value in _literals(store, str(predicate)):
                known = texts.setdefault(subject, {})
                known[value] = is_label or known.get(value, False)
        types: dict[str, set[str]] = {}
        for quad in store.quads_for_pattern(None, NamedNode(str(RDF.type)), None, None):
            kind = quad.object
            if isinstance(quad.subject, NamedNode) and isinstance(kind, NamedNode):
                if quad.subject.value in texts:
                    types.setdefault(quad.subject.value, set()).add(kind.value)
        depth = _class_depths(store)
        entities: list[_Entity] = []
        names: list[_Name] = []
        for iri in sorted(texts):
            ranked = sorted(texts[iri].items(), key=lambda item: _preference(item[0], item[1]))
            order = sorted(types.get(iri, ()), key=lambda t: _type_order(t, depth))
            entities.append(_Entity(iri, ranked[0][0][0], tuple(order)))
            for (text, _), is_label in ranked:
                key = normalise(text)
                if key:
                    names.append(_Name(len(entities) - 1, text, key, is_label))
        return cls(entities, names)

    def __len__(self) -> int:
        return len(self._entities)

    def search(self, text: str, limit: int = 20) -> list[Hit]:
        query = normalise(text[:MAX_QUERY])
        if not query or limit <= 0:
            return []
        hits: list[Hit] = []
        seen: set[int] = set()
        for score, found in self._tiers(query):
            for i in sorted(found):
                name = self._names[i]
                if name.entity in seen:
                    continue
                seen.add(name.entity)
                entity = self._entities[name.entity]
                hits.append(Hit(entity.iri, entity.label, name.text, list(entity.types), score))
                if len(hits) == limit:
                    return hits
        return hits

    def _tiers(self, query: str) -> Iterable[tuple[int, Iterable[int]]]:
        """Candidate name ids per tier, best tier first, computed lazily."""
        exact = self._exact.get(query, [])
        yield EXACT_LABEL, [i for i in exact if self._is_label[i]]
        yield EXACT_ALIAS, [i for i in exact if not self._is_label[i]]
        lo = bisect_left(self._keys, query)
        run = self._by_key[lo : bisect_right(self._keys, query + "\U0010ffff", lo)]
        yield LABEL_PREFIX, [i for i in run if self._is_label[i]]
        yield ALIAS_PREFIX, [i for i in run if not self._is_label[i]]
        yield WORD_PREFIXES, self._word_prefixes(query.split())
        yield SUBSTRING, self._substrings(query)

    def _word_prefixes(self, words: list[str]) -> set[int]:
        found: set[int] | None = None
        for word in sorted(set(words), key=len, reverse=True):  # longest: fewest candidates
            lo = bisect_left(self._words, word)
            hi = bisect_right(self._words, word + "\U0010ffff")
            having: set[int] = set().union(*self._postings[lo:hi])
            found = having if found is None else found & having
            if not found:
                return set()
        return found or set()

    def _substrings(self, query: str) -> set[int]:
        found: set[int] = set()
        position = self._haystack.find(query)
        while position != -1:
            at = bisect_right(self._starts, position) - 1
            found.add(self._by_key[at])
            position = self._haystack.find(query, self._starts[at] + len(self._keys[at]))
        return found


def _literals(store: QueryStore, predicate: str) -> Iterable[tuple[str, tuple[str, str]]]:
    """(subject IRI, (text, language)) for each literal value of predicate on an indexed IRI."""
    for quad in store.quads_for_pattern(None, NamedNode(predicate), None, None):
        subject, obj = quad.subject, quad.object
        if (
            isinstance(subject, NamedNode)
            and isinstance(obj, Literal)
            and subject.value.startswith(INDEXED_NAMESPACES)
        ):
            yield subject.value, (obj.value, obj.language or "")


def _preference(text_lang: tuple[str, str], is_label: bool) -> tuple[bool, int, str]:
    """Which text an entity is shown by: a label before an alias; English, untagged, others."""
    text, lang = text_lang
    lang_rank = 0 if lang.lower().startswith("en") else 1 if not lang else 2
    return not is_label, lang_rank, text


def _class_depths(store: QueryStore) -> dict[str, int]:
    """Number of (transitive) superclasses of each class: more means more specific."""
    parents: dict[str, set[str]] = {}
    for quad in store.quads_for_pattern(None, NamedNode(str(RDFS.subClassOf)), None, None):
        if isinstance(quad.subject, NamedNode) and isinstance(quad.object, NamedNode):
            parents.setdefault(quad.subject.value, set()).add(quad.object.value)
    ancestors: dict[str, set[str]] = {}

    def up(cls: str) -> set[str]:
        if cls not in ancestors:
            ancestors[cls] = set()  # guards against cycles
            found: set[str] = set()
            for parent in parents.get(cls, ()):
                if parent != cls:
                    found |= {parent} | up(parent)
            ancestors[cls] = found - {cls}
        return ancestors[cls]

    return {cls: len(up(cls)) for cls in parents}


def _type_order(iri: str, depth: dict[str, int]) -> tuple[bool, int, str]:
    return not iri.startswith(str(KG)), -depth.get(iri, 0), iri
