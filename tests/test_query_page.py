"""The query page without JavaScript (Flask's test client): the plain form, posted or sent as
a link, runs the query; the results come a page at a time with previous and next links; IRIs
show by label and literals without noise; the prefixes are listed folded, not pre-filled."""

from __future__ import annotations

import html
import re

import pytest

from kg.examples import examples
from kg.namespaces import PREFIXES
from kg.read.resultpage import PAGE_SIZE

EVERYTHING = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
LABELS = "SELECT ?x ?name WHERE { ?x a kg:Conference ; rdfs:label ?name } ORDER BY ?name"
COUNTS = ("SELECT ?party (COUNT(?m) AS ?n) WHERE { ?party kg:attends ?m } GROUP BY ?party "
          "ORDER BY DESC(?n) ?party")


def count(client, query: str) -> int:
    response = client.post("/sparql", data={"query": query},
                           headers={"Accept": "application/sparql-results+json"})
    return len(response.json["results"]["bindings"])


def textarea(page: str) -> str:
    found = re.search(r'<textarea id="query"[^>]*>(.*?)</textarea>', page, flags=re.DOTALL)
    assert found, page[:2000]
    return html.unescape(found.group(1))


def body_rows(page: str) -> list[str]:
    section = page.split('id="results"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>", 1)[1], flags=re.DOTALL)


def test_the_form_posts_and_the_prefixes_are_listed_folded_not_prefilled(client):
    page = client.get("/query").text
    assert re.search(r'<form class="query" id="query-form" method="post" action="/query"', page)
    assert textarea(page).strip() == examples()[0].query.strip()
    assert "PREFIX" not in textarea(page)
    folded = re.search(r'<details class="prefixes".*?</details>', page, flags=re.DOTALL).group(0)
    assert " open" not in folded.split(">", 1)[0]
    for prefix, iri in PREFIXES.items():
        assert f"PREFIX {prefix}: &lt;{iri}&gt;" in folded
    assert f"{len(PREFIXES)} prefixes are predeclared" in folded


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_form_runs_the_query_by_get_or_post(client, method):
    query = "SELECT ?c WHERE { ?c a kg:Conference } ORDER BY ?c"
    response = (client.get("/query", query_string={"query": query}) if method == "GET"
                else client.post("/query", data={"query": query}))
    assert response.status_code == 200
    assert textarea(response.text) == query
    assert len(body_rows(response.text)) == count(client, query)
    assert 'href="http://localhost/id/geneva-iv"' in response.text


def test_a_query_too_long_for_a_url_runs_by_post(client):
    padding = "# a long comment line to pass the limits of a URL\n" * 200
    query = padding + "SELECT ?c WHERE { ?c a kg:Conference }"
    assert len(query) > 8190  # gunicorn's limit for a request line
    response = client.post("/query", data={"query": query})
    assert response.status_code == 200 and len(body_rows(response.text)) == count(client, query)
    # Its downloads are forms that post too, not links that would be too long.
    downloads = response.text.split('class="downloads"', 1)[1].split("</div>", 1)[0]
    assert "sparql?query=" not in downloads
    assert downloads.count('<form method="post" action="/sparql">') == 4


def test_big_results_come_a_page_at_a_time(client):
    total = count(client, EVERYTHING)
    assert total > 3 * PAGE_SIZE
    first = client.get("/query", query_string={"query": EVERYTHING})
    assert len(body_rows(first.text)) == PAGE_SIZE
    assert len(first.data) < 300_000  # not megabytes: one page of the answer
    assert f"{total:,} rows" in first.text
    pages = -(-total // PAGE_SIZE)
    assert f"Page 1 of {pages}" in first.text and 'rel="prev"' not in first.text
    following = html.unescape(re.search(r'<a rel="next" href="([^"]+)"', first.text).group(1))
    second = client.get(following)
    assert "page=2" in following and f"Page 2 of {pages}" in second.text
    assert body_rows(second.text) != body_rows(first.text)
    assert 'rel="prev"' in second.text
    assert f"rows {PAGE_SIZE + 1}–{2 * PAGE_SIZE} shown" in second.text
    last = client.get("/query", query_string={"query": EVERYTHING, "page": pages + 5})
    assert f"Page {pages} of {pages}" in last.text and 'rel="next"' not in last.text
    assert len(body_rows(last.text)) == total - (pages - 1) * PAGE_SIZE


def test_the_pages_of_a_long_query_are_buttons_of_a_post_form(client):
    query = "# " + "x" * 3000 + "\n" + EVERYTHING
    page = client.post("/query", data={"query": query, "page": "2"}).text
    pager = re.search(r'<nav class="pager".*?</nav>', page, flags=re.DOTALL).group(0)
    assert "href=" not in pager
    assert '<button type="submit" name="page" value="1"' in pager
    assert '<button type="submit" name="page" value="3"' in pager
    hidden = re.search(r'<input type="hidden" name="query" value="([^"]*)"', pager).group(1)
    assert html.unescape(hidden) == query


def test_a_permalink_pages_by_its_own_address(client):
    key = client.post("/query/share", data={"query": EVERYTHING},
                      headers={"Accept": "application/json"}).json["id"]
    page = client.get(f"/q/{key}").text
    assert f'href="/q/{key}?page=2"' in page
    assert "Page 2 of" in client.get(f"/q/{key}?page=2").text


def test_literals_come_without_noise(client):
    page = client.get("/query", query_string={"query": LABELS}).text
    head = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert '<th scope="col">name <span class="tag"' in head and ">@en</span>" in head
    cells = [re.sub(r' title="[^"]*"', "", row) for row in body_rows(page)]  # hover detail
    assert cells and not any("@en" in row for row in cells)  # said once, in the heading
    counts = client.get("/query", query_string={"query": COUNTS}).text
    assert ">xsd:integer</span></th>" in counts.split("</thead>", 1)[0]
    assert "xsd:integer" not in re.sub(r' title="[^"]*"', "", "".join(body_rows(counts)))
    # A column whose literals differ keeps each literal's own note, beside it and subdued.
    mixed = 'SELECT ?v WHERE { VALUES ?v { "a"@en 1 "b" } }'
    rows = body_rows(client.get("/query", query_string={"query": mixed}).text)
    assert '<span class="tag">@en</span>' in rows[0] and '<span class="tag">xsd:integer</span>' \
        in rows[1] and "tag" not in rows[2]


def test_iris_show_by_label_and_sources_by_title(client):
    page = client.get("/query", query_string={"query": LABELS}).text
    assert '<a href="http://localhost/id/geneva-iv" title="id:geneva-iv">Geneva IV</a>' in page
    sources = ("SELECT DISTINCT ?g ?source WHERE { GRAPH ?g { ?e kg:source ?source } }")
    rows = body_rows(client.get("/query", query_string={"query": sources}).text)
    assert rows and all("graph:" not in re.sub(r'title="[^"]*"', "", row) for row in rows)
    assert all("src:" not in re.sub(r'title="[^"]*"', "", row) for row in rows)


def test_the_code_snippets_are_on_the_page(client):
    query = "ASK { id:geneva-iv a kg:Conference }"
    page = client.post("/query", data={"query": query}).text
    snippets = page.split('id="snippets"', 1)[1].split("</details>", 1)[0]
    for title in ("curl", "Python: SPARQLWrapper", "Python: rdflib SPARQLStore", "R: httr2"):
        assert f">{title}</h3>" in snippets
    assert snippets.count(html.escape(query, quote=False)) == 4
    assert "http://localhost/sparql" in snippets


def test_an_error_keeps_the_query_and_says_what_is_wrong(client):
    query = "SELECT ?x WHERE {\n  ?x kg:attends\n}"
    response = client.post("/query", data={"query": query.replace("\n", "\r\n")})
    assert response.status_code == 400
    assert 'role="alert"' in response.text and "syntax error" in response.text
    assert textarea(response.text).replace("\r\n", "\n") == query
    assert 'id="results"' not in response.text
