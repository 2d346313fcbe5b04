"""Are two servers' answers the same? Each answer read as a list (a SELECT's bindings, a
graph's triples), compared as sorted items; where they differ, the differences SPARQL allows
(SAMPLE's choice, integer subtypes, decimal precision) are tried in turn."""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Sequence
from typing import Any

from harness.client import fetch
from harness.peers import OURS, RDFLIB, Server
from harness.queries import Query

XSD = "http://www.w3.org/2001/XMLSchema#"
# Oxigraph stores these as xsd:integer ("4"^^xsd:positiveInteger comes back "4"^^xsd:integer).
INTEGER_SUBTYPES = ("nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
                    "negativeInteger", "long", "int", "short", "byte", "unsignedLong",
                    "unsignedInt", "unsignedShort", "unsignedByte")
# Ways two correct answers may differ, tried in this order when the answers are not equal.
LOOSENINGS = ("SAMPLE's choice", "integer subtypes read as xsd:integer", "decimal precision")


def answer_items(query: Query, body: bytes, media_type: str) -> list[Any]:
    """The answer as a list: a SELECT's bindings (dicts of terms), a graph's triples (strings,
    blank nodes renamed alike), parsed in the format the server says it sent; rdflib-endpoint
    labels its DESCRIBE answer, RDF/XML, as SPARQL XML results, and is read as RDF/XML."""
    if query.graph:
        from pyoxigraph import RdfFormat, parse

        rdf_format = RdfFormat.from_media_type(media_type.split(";")[0].strip())
        if rdf_format is None and b"<rdf:RDF" in body[:2000]:
            rdf_format = RdfFormat.RDF_XML
        if rdf_format is None:
            raise ValueError(f"not an RDF format: {media_type}")
        return [re.sub(r"_:[^\s>]+", "_:b", str(t)) for t in parse(body, rdf_format)]
    answer = json.loads(body)
    if "boolean" in answer:
        return [{"boolean": answer["boolean"]}]
    rows = []
    for binding in answer["results"]["bindings"]:
        row = {}
        for var, term in binding.items():
            term = dict(term)
            if term["type"] == "typed-literal":
                term["type"] = "literal"
            if term["type"] == "bnode":
                term["value"] = ""
            if term.get("datatype") == XSD + "string":
                del term["datatype"]
            row[var] = term
        rows.append(row)
    return rows


def loosen(query: Query, items: list[Any], how: int) -> list[str]:
    """The items as sorted strings, after the first `how` LOOSENINGS."""
    sampled = set(re.findall(r"SAMPLE\s*\([^)]*\)\s+AS\s+\?(\w+)", query.text, re.I))
    subtypes = "|".join(INTEGER_SUBTYPES)
    out = []
    for item in items:
        if isinstance(item, str):  # a triple
            if how >= 2:
                item = re.sub(rf'"\^\^<{XSD}(?:{subtypes})>', f'"^^<{XSD}integer>', item)
            out.append(item)
            continue
        row = {}
        for var, term in item.items():
            if how >= 1 and var in sampled:
                continue
            if isinstance(term, dict):
                term = dict(term)
                datatype = term.get("datatype", "")
                if how >= 2 and datatype[len(XSD):] in INTEGER_SUBTYPES:
                    term["datatype"] = XSD + "integer"
                if how >= 3 and datatype == XSD + "decimal":
                    term["value"] = f"{float(term['value']):.12g}"
            row[var] = term
        out.append(json.dumps(row, sort_keys=True, ensure_ascii=False))
    return sorted(out)


def compare(query: Query, ours: list[Any], theirs: list[Any]) -> dict[str, Any]:
    """Whether two answers are equal, else equal up to which LOOSENINGS, else how they differ."""
    used: list[str] = []
    before = None
    for how in range(len(LOOSENINGS) + 1):
        a, b = loosen(query, ours, how), loosen(query, theirs, how)
        if before is not None and (a, b) != before:
            used.append(LOOSENINGS[how - 1])  # this loosening changed something
        if a == b:
            return {"same": how == 0, "same_up_to": used}
        before = (a, b)
    mine, other = set(loosen(query, ours, 0)), set(loosen(query, theirs, 0))
    return {"same": False, "same_up_to": None, "only_ours": len(mine - other),
            "only_theirs": len(other - mine), "example_ours": sorted(mine - other)[:1],
            "example_theirs": sorted(other - mine)[:1]}


def check_answers(servers: Sequence[Server], mix: Sequence[Query]) -> list[dict[str, Any]]:
    """Run each query once on every server; compare each peer's answer with ours."""
    report = []
    for query in mix:
        answers: dict[str, Any] = {}
        for server in servers:
            try:
                status, headers, body = fetch(server.port, server.request(query), timeout=60)
            except (OSError, http.client.HTTPException) as error:
                status, headers, body = 0, {}, f"no answer: {error!r}".encode()
            entry: dict[str, Any] = {"status": status, "bytes": len(body),
                                     "media_type": headers.get("content-type", "")}
            if status == 200:
                try:
                    entry["items"] = answer_items(query, body, entry["media_type"])
                    entry["cut"] = headers.get("x-sparql-maxrows")
                except (SyntaxError, ValueError) as error:
                    entry.update(status=-1, error=f"unreadable answer: {error}")
            else:
                entry["error"] = body[:300].decode("utf-8", "replace")
            answers[server.name] = entry
        ours = answers[OURS]
        row: dict[str, Any] = {"query": query.key, "counts": {}, "bytes": {}, "compared": {}}
        for name, entry in answers.items():
            row["counts"][name] = len(entry["items"]) if "items" in entry else None
            row["bytes"][name] = entry["bytes"]
            if name == OURS:
                continue
            if "items" in entry and "items" in ours:
                row["compared"][name] = compare(query, ours["items"], entry["items"])
            else:
                row["compared"][name] = {"same": False, "same_up_to": None,
                                         "error": entry.get("error") or ours.get("error")}
            if entry["media_type"] and query.graph and RDFLIB == name:
                row["compared"][name]["media_type"] = entry["media_type"]
        if ours.get("cut"):
            row["cut"] = ours["cut"]
        report.append(row)
    return report


def mismatch_lines(check: list[dict[str, Any]], peer: str | None = None) -> list[str]:
    """One line per answer that was not identical to ours."""
    lines = []
    for row in check:
        for name, result in row["compared"].items():
            if result["same"] or peer not in (None, name):
                continue
            counts = f"{row['counts'][OURS]} vs {row['counts'][name]} rows or triples"
            if result["same_up_to"]:
                detail = "same up to: " + ", ".join(result["same_up_to"])
            elif "only_ours" in result:
                detail = (f"{result['only_ours']} only in ours, {result['only_theirs']} only "
                          "in theirs")
            else:
                detail = f"error: {result['error']}"
            lines.append(f"{row['query']} vs {name}: {counts}; {detail}")
    return lines


def real_mismatches(check: list[dict[str, Any]], peer: str) -> list[str]:
    return [row["query"] for row in check
            if not row["compared"][peer]["same"] and not row["compared"][peer]["same_up_to"]]
