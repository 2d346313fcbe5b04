"""A lexical check that runs before any parser sees a query text.

Safety cannot rest on one parser's reading of a text that another parser executes: rdflib
and Oxigraph disagree on where some strings and comments end (a `\\u` escape, a bare CR), and
a SERVICE hidden from one can be run by the other. So the text itself is held to rules that
need no parser:

- no `\\u`/`\\U` escapes (rare in real queries; the character itself works everywhere);
- the word "service" only inside a name (`ex:service`, `?service`, `my_service`) or an IRI:
  anywhere else, even in a string or a comment, it is refused, since SERVICE is the one
  construct that makes the store connect to another server. An IRI is read by the strict
  IRIREF rule, which no parser can read otherwise: it holds no space, `<`, `{` or quote, so
  no SERVICE clause (which needs `<` or `{` after the keyword) can hide inside one;
- nesting and operator chains a worker thread's stack can evaluate.
"""

from __future__ import annotations

import re

ESCAPES = re.compile(r"\\[uU]")
# Preceded by a name character, ':', '?' or '$', the word is inside a prefixed name or a
# variable, which every lexer reads as one token; anything else might start a keyword.
SERVICE_WORD = re.compile(r"(?<![\w:?$])service", re.IGNORECASE)
IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
MAX_NESTING = 500
MAX_OPERATORS = 5000
_OPENERS, _CLOSERS = frozenset("({["), frozenset(")}]")
_QUOTED = re.compile(r"<[^<>\s]*>|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n\r]*")
_OPERATORS = re.compile(r"\|\||&&|!=|<=|>=|[-+*/=<>!]")


class GuardError(ValueError):
    """The text breaks a rule; `refused` tells a refusal (SERVICE) from a mere limit."""

    def __init__(self, message: str, refused: bool = False) -> None:
        super().__init__(message)
        self.refused = refused


def _nesting(text: str) -> int:
    depth = deepest = 0
    for char in text:
        if char in _OPENERS:
            depth += 1
            deepest = max(deepest, depth)
        elif char in _CLOSERS:
            depth -= 1
    return deepest


def check_text(text: str) -> None:
    """Raise GuardError if the text breaks one of the rules above."""
    if ESCAPES.search(text):
        raise GuardError("\\u and \\U escapes are not accepted: write the character itself")
    if SERVICE_WORD.search(IRIREF.sub("<>", text)):
        raise GuardError(
            "SERVICE is not allowed: queries never call other endpoints (the word 'service' "
            "is refused anywhere outside a name, even in a string or a comment)",
            refused=True,
        )
    if _nesting(text) > MAX_NESTING:
        raise GuardError(f"the query nests brackets more than {MAX_NESTING} levels deep")
    operators = len(_OPERATORS.findall(_QUOTED.sub(" ", text)))
    if operators > MAX_OPERATORS:
        raise GuardError(f"the query has {operators} operators; the limit is {MAX_OPERATORS}")
