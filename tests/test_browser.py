"""The query page in a real browser: headless Chromium against `kg serve` on a free port.

The server, the browser and the skip-or-fail logic are in tests/browser.py. Screenshots of the
results and the error page are saved in test-artifacts/ at the repo root.
"""

from __future__ import annotations

import re

from browser import (
    WAIT_S,
    assert_own_origin_only,
    browser_fixture,  # noqa: F401 (a fixture)
    needs_browser,
    page_resources,
    screenshot,
    screenshot_on_failure,
    server_fixture,  # noqa: F401 (a fixture)
    type_query,
)
from live import fetch
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from kg.examples import examples

pytestmark = needs_browser


def select_variables(query: str) -> list[str]:
    """The projected variables of a SELECT query: `?v` and `(expression AS ?v)`."""
    clause = re.search(r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(.*?)\s*(?:WHERE\b|\{)",
                       query, re.IGNORECASE | re.DOTALL)
    assert clause, f"not a SELECT query:\n{query}"
    found = re.findall(r"\(.*?\bAS\s+\?(\w+)\s*\)|\?(\w+)", clause.group(1),
                       re.IGNORECASE | re.DOTALL)
    return [alias or plain for alias, plain in found]


def test_query_page_runs_an_example_and_shows_errors_inline(server: str, browser: WebDriver):
    with screenshot_on_failure(browser, "query-failure.png"):
        check_query_page(server, browser)


def check_query_page(server: str, browser: WebDriver) -> None:
    wait = WebDriverWait(browser, WAIT_S)
    seen: list[str] = []
    first = examples()[0]

    # The page opens with the first example in the editor, and the predeclared prefixes listed
    # folded beside it rather than pre-filled into the query.
    browser.get(server + "query")
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".editor-host")))
    text = browser.find_element(By.ID, "query").get_attribute("value") or ""
    assert text.strip() == first.query.strip() and "PREFIX" not in text
    folded = browser.find_element(By.CSS_SELECTOR, "details.prefixes")
    assert folded.get_attribute("open") is None
    prefix_lines = folded.get_attribute("textContent").split("\n")
    prefix_lines = [line for line in prefix_lines if line.startswith("PREFIX ")]
    assert len(prefix_lines) >= 5 and "PREFIX kg: <" in folded.get_attribute("textContent")
    assert all(re.fullmatch(r"PREFIX [\w-]*: <[^<>\s]+>", line) for line in prefix_lines)
    seen += page_resources(browser)

    # The first example, clicked, runs and shows its columns, rows, links and downloads.
    assert "\n" not in first.title and first.query.strip(), \
        f"kg.examples read no query for the first example; its title is {first.title[:300]!r}"
    columns = select_variables(first.query)
    assert columns, first.query
    link = browser.find_element(By.CSS_SELECTOR, "section.examples ol li a")
    assert link.text.strip() == first.title
    link.click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "section.results table")))
    headers = [th.text.strip() for th in
               browser.find_elements(By.CSS_SELECTOR, "section.results thead th .name")]
    assert headers == columns
    rows = browser.find_elements(By.CSS_SELECTOR, "section.results tbody tr")
    assert rows, "the example returned no rows"
    assert all(len(row.find_elements(By.TAG_NAME, "td")) == len(columns) for row in rows)
    count = browser.find_element(By.CSS_SELECTOR, "section.results p.count").text
    assert count.startswith(f"{len(rows)} row"), count
    assert browser.find_element(By.ID, "query").get_attribute("value").strip() \
        == first.query.strip()
    iri_links = browser.find_elements(By.CSS_SELECTOR, "section.results td.iri a")
    assert iri_links, "no IRI cell in the results"
    href = iri_links[0].get_attribute("href") or ""
    assert re.match(r"https?://[^/]+/.+", href), href
    assert iri_links[0].text.strip(), "an IRI cell shows no text"
    downloads = {a.text.strip().lower(): (a.get_attribute("href") or "", a.get_attribute("type"))
                 for a in browser.find_elements(By.CSS_SELECTOR, "section.results .downloads a")}
    assert {"json", "xml", "csv", "tsv"} <= downloads.keys(), downloads
    for name in ("json", "xml", "csv", "tsv"):
        href, media_type = downloads[name]
        assert href.startswith(server + "sparql?") and f"format={name}" in href, href
        status, headers, body = fetch(href, timeout=WAIT_S)
        answered = headers.get("Content-Type", "")
        assert status == 200 and body, (name, status, body[:300])
        assert media_type and answered.startswith(media_type), (name, media_type, answered)
    seen += page_resources(browser)
    screenshot(browser, "query-results.png")

    # A malformed query, typed and submitted, comes back as an inline error.
    type_query(browser, "SELECT ?x WHERE { ?x kg:attends }")
    browser.find_element(By.CSS_SELECTOR, "form.query button[type=submit]").click()
    alert = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[role=alert]")))
    assert "syntax error" in alert.text, alert.text
    assert browser.find_element(By.ID, "query").get_attribute("value") \
        == "SELECT ?x WHERE { ?x kg:attends }"
    assert not browser.find_elements(By.CSS_SELECTOR, "section.results")
    seen += page_resources(browser)
    screenshot(browser, "query-error.png")

    # Nothing was asked of any origin but the server's own, and the policy blocked nothing.
    assert_own_origin_only(browser, server, seen)
    blocked = [entry["message"] for entry in browser.get_log("browser")
               if "Content Security Policy" in entry["message"]]
    assert not blocked, blocked
