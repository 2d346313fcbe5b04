"""Code that runs the current query from elsewhere: curl, Python (SPARQLWrapper, rdflib) and R.

Plain functions of the query text and the endpoint URL (no Flask), shown on the query page
and served as JSON to its script. Each snippet embeds the query verbatim, quoted so that no
text can break out of its string: a shell here-document, a Python string literal, an R raw
string. The tests run the curl and Python ones against a live server.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from kg.querytext import analyse


@dataclass(frozen=True)
class Snippet:
    key: str
    title: str
    language: str
    code: str

    def as_json(self) -> dict[str, str]:
        return asdict(self)


# What each query form is asked for: a table where it is one, RDF otherwise.
ACCEPT = {"SELECT": "text/csv", "ASK": "application/sparql-results+json",
          "CONSTRUCT": "text/turtle", "DESCRIBE": "text/turtle"}


def _delimiter(text: str, base: str) -> str:
    """A here-document or raw-string marker that appears nowhere in `text`."""
    marker, n = base, 0
    while marker in text:
        n += 1
        marker = f"{base}{n}"
    return marker


def _python_string(text: str) -> str:
    """A triple-quoted Python literal of `text`, exact for any text."""
    body = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return f'"""\n{body}\n"""'


def _r_string(text: str) -> str:
    """An R raw string of `text` (R 4.0 and later), its closing marker absent from the text."""
    dashes = ""
    while f'){dashes}"' in text:
        dashes += "-"
    return f'r"{dashes}(\n{text}\n){dashes}"'


def curl(query: str, endpoint: str, form: str) -> str:
    end = _delimiter(query, "SPARQL")
    return (f"curl -sS {endpoint} \\\n  -H 'Accept: {ACCEPT[form]}' \\\n"
            f"  --data-urlencode query@- <<'{end}'\n{query}\n{end}\n")


def sparqlwrapper(query: str, endpoint: str, form: str) -> str:
    wanted = "TURTLE" if form in ("CONSTRUCT", "DESCRIBE") else "JSON"
    lines = [f"from SPARQLWrapper import {wanted}, SPARQLWrapper", "",
             f'sparql = SPARQLWrapper("{endpoint}")', "sparql.setMethod(\"POST\")",
             f"sparql.setQuery({_python_string(query)})"]
    if form in ("CONSTRUCT", "DESCRIBE"):
        lines += ["sparql.setReturnFormat(TURTLE)", "print(sparql.queryAndConvert().decode())"]
    elif form == "ASK":
        lines += ["sparql.setReturnFormat(JSON)", 'print(sparql.queryAndConvert()["boolean"])']
    else:
        lines += ["sparql.setReturnFormat(JSON)",
                  'for row in sparql.queryAndConvert()["results"]["bindings"]:',
                  '    print({name: value["value"] for name, value in row.items()})']
    return "\n".join(lines) + "\n"


def rdflib_store(query: str, endpoint: str, form: str) -> str:
    lines = ["from rdflib import Graph", "from rdflib.plugins.stores.sparqlstore import "
             "SPARQLStore", "", f'graph = Graph(SPARQLStore("{endpoint}", method="POST"))',
             f"result = graph.query({_python_string(query)})"]
    if form in ("CONSTRUCT", "DESCRIBE"):
        lines.append('print(result.graph.serialize(format="turtle"))')
    elif form == "ASK":
        lines.append("print(result.askAnswer)")
    else:
        lines += ["for row in result:", "    print(row.asdict())"]
    return "\n".join(lines) + "\n"


def r_httr2(query: str, endpoint: str, form: str) -> str:
    lines = ["library(httr2)", "", f"query <- {_r_string(query)}", "",
             f'response <- request("{endpoint}") |>',
             f'  req_headers(Accept = "{ACCEPT[form]}") |>',
             "  req_body_form(query = query) |>", "  req_perform()"]
    if form == "SELECT":
        lines += ["results <- read.csv(text = resp_body_string(response))", "print(results)"]
    elif form == "ASK":
        lines.append("print(resp_body_json(response)$boolean)")
    else:
        lines.append("cat(resp_body_string(response))")
    return "\n".join(lines) + "\n"


_MAKERS = (("curl", "curl", "bash", curl),
           ("sparqlwrapper", "Python: SPARQLWrapper", "python", sparqlwrapper),
           ("rdflib", "Python: rdflib SPARQLStore", "python", rdflib_store),
           ("r", "R: httr2", "r", r_httr2))


def snippets(query: str, endpoint: str) -> list[Snippet]:
    """Every snippet for `query` (line ends as LF, outer blank space cut) at `endpoint`."""
    text = re.sub(r"\r\n?", "\n", query).strip()
    form = analyse(text).form or "SELECT"
    return [Snippet(key, title, language, make(text, endpoint, form))
            for key, title, language, make in _MAKERS]
