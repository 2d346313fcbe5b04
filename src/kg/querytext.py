"""What a SPARQL text says about itself, read once per distinct text: its form, its dataset
clauses, the prefixes it declares and uses, and whether it asks for SERVICE or an update.

Every module that needs to know these things about a query (the safety checks, the remote
store's Accept header and prologue) asks `analyse`, never a regular expression of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


@dataclass(frozen=True)
class QueryFacts:
    """The facts about one query text that decide how it may run."""

    form: str | None  # SELECT, ASK, CONSTRUCT or DESCRIBE; None when the text shows no form
    update: str | None = None  # the first update keyword (LOAD, INSERT, ...) if it is one
    service: bool = False  # SERVICE appears as a keyword
    # FROM / FROM NAMED IRIs, resolved against the prologue; a prefixed name whose prefix the
    # text does not declare (the endpoint predeclares some) is kept as written, so no FROM is
    # missed.
    dataset: tuple[str, ...] = ()
    declared: frozenset[str] = frozenset()  # prefixes the text declares with PREFIX
    used: frozenset[str] = frozenset()  # prefixes its prefixed names use

    @property
    def graph_form(self) -> bool:
        """Whether the answer is RDF (CONSTRUCT, DESCRIBE) rather than results."""
        return self.form in ("CONSTRUCT", "DESCRIBE")

    def undeclared(self) -> frozenset[str]:
        """Prefixes used but not declared in the text (the predeclared ones fill them)."""
        return self.used - self.declared


# Provisional reading by regular expressions; replaced by a SPARQL lexer.
_FORM = re.compile(r"(?:\s+|#[^\n]*|BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)*"
                   r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_DECLARED = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*|):", re.IGNORECASE)
_USED = re.compile(r"(?<![\w<?$])([A-Za-z][\w-]*|):[\w]")
_FROM = re.compile(r"\bFROM\s+(?:NAMED\s+)?(?:<([^>]*)>|((?:[A-Za-z][\w.-]*)?:[\w.-]*))",
                   re.IGNORECASE)
_PREFIX_IRI = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*|):\s*<([^>]*)>", re.IGNORECASE)


def _expand(name: str, iris: dict[str, str]) -> str:
    prefix, _, local = name.partition(":")
    return iris[prefix] + local if prefix in iris else name


@lru_cache(maxsize=1024)
def analyse(text: str) -> QueryFacts:
    """The facts of `text` (cached: the same text is read once)."""
    form = _FORM.match(text)
    return QueryFacts(
        form=form.group(1).upper() if form else None,
        dataset=tuple(iri or _expand(name, dict(_PREFIX_IRI.findall(text)))
                      for iri, name in _FROM.findall(text)),
        declared=frozenset(_DECLARED.findall(text)),
        used=frozenset(_USED.findall(text)),
    )
