"""The query workbench in headless Chromium against `kg serve`: the editor (highlighting,
completion, the error marked in place, Ctrl+Enter), the results' table and views, permalinks,
code snippets and history, a query too long for a URL, and the phone layout.

Every test ends by reading the browser's log: the Content-Security-Policy refused nothing and
no script failed. Screenshots go to test-artifacts/ (desktop 1280×800, phone 390×844).
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pytest
from browser import (
    WAIT_S,
    assert_own_origin_only,
    browser_fixture,  # noqa: F401 (a fixture)
    editor,
    needs_browser,
    page_resources,
    screenshot,
    screenshot_on_failure,
    server_fixture,  # noqa: F401 (a fixture)
    type_query,
)
from live import fetch
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

pytestmark = needs_browser

DESKTOP, PHONE = (1280, 800), (390, 844)
XSD = "http://www.w3.org/2001/XMLSchema#"
DATE_TYPES = {XSD + t for t in ("date", "dateTime", "gYear", "gYearMonth")}
EVERYTHING = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
ROUNDS = ("SELECT ?meeting ?start ?end WHERE { ?meeting a kg:Conference ; kg:startDate ?start . "
          "OPTIONAL { ?meeting kg:endDate ?end } }")
ATTENDANCE = ("SELECT ?party (COUNT(?m) AS ?meetings) WHERE { ?party kg:attends ?m } "
              "GROUP BY ?party")
SUPPORT = "SELECT ?a ?b WHERE { ?a kg:supports ?b }"
NAMES = "SELECT ?name WHERE { ?x a kg:Person ; rdfs:label ?name }"


@pytest.fixture
def desktop(browser: WebDriver) -> WebDriver:
    browser.set_window_size(*DESKTOP)
    return browser


def answer(server: str, query: str) -> list[dict]:
    status, _, body = fetch(server + "sparql", urlencode({"query": query}).encode(),
                            {"Accept": "application/sparql-results+json"}, timeout=WAIT_S)
    assert status == 200, body[:300]
    return json.loads(body)["results"]["bindings"]


def wait(driver: WebDriver):
    return WebDriverWait(driver, WAIT_S)


def shadow(driver: WebDriver):
    return driver.find_element(By.CSS_SELECTOR, ".editor-host").shadow_root


def run_by_keyboard(driver: WebDriver) -> None:
    editor(driver).click()
    ActionChains(driver).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL) \
        .perform()


def drawn_results(driver: WebDriver, query: str) -> None:
    """Wait until the script has run `query` and drawn its results."""
    wait(driver).until(lambda d: d.find_element(By.ID, "query").get_attribute("value") == query
                       and d.find_elements(By.CSS_SELECTOR, "#results .table-view, #results "
                                                            ".boolean")
                       and d.find_element(By.CSS_SELECTOR, "button.run").is_enabled())


def open_query(driver: WebDriver, server: str, query: str) -> None:
    driver.get(server + "query?" + urlencode({"query": query}))
    drawn_results(driver, query)


def assert_clean_log(driver: WebDriver, allowed: tuple[str, ...] = ()) -> None:
    """The policy blocked nothing, no script failed, and nothing else went wrong unexpectedly."""
    log = [entry["message"] for entry in driver.get_log("browser")]
    assert not [m for m in log if "Content Security Policy" in m or "Content-Security" in m], log
    assert not [m for m in log if "Uncaught" in m or "TypeError" in m], log
    severe = [m for m in log if "Failed to load resource" in m
              and not any(a in m for a in allowed)]
    assert not severe, severe


def error_position(message: str) -> tuple[int, int]:
    found = re.search(r"\bline\s*:?\s*(\d+)\s*,?\s*col(?:umn)?\s*:?\s*(\d+)", message, re.I) \
        or re.search(r"(\d+):(\d+)", message)
    assert found, message
    return int(found.group(1)), int(found.group(2))


def test_the_editor_highlights_completes_and_marks_the_error(server: str, desktop: WebDriver):
    with screenshot_on_failure(desktop, "workbench-editor-failure.png"):
        desktop.get(server + "query")
        root = shadow(desktop)
        keywords = [e.text for e in root.find_elements(By.CSS_SELECTOR, ".tok-keyword")]
        assert "SELECT" in keywords and "WHERE" in keywords, keywords
        assert root.find_elements(By.CSS_SELECTOR, ".tok-variableName")
        assert desktop.find_element(By.ID, "query").is_displayed() is False  # the editor took over

        # A prefixed name completes from the graph's vocabulary; Enter takes the chosen one.
        assert type_query(desktop, "SELECT ?x WHERE { ?x a kg:Confer") \
            == "SELECT ?x WHERE { ?x a kg:Confer}"  # the brace closed as it was opened
        ActionChains(desktop).send_keys("e").perform()  # the cursor stayed before the brace
        chosen = wait(desktop).until(lambda d: shadow(d).find_element(
            By.CSS_SELECTOR, ".cm-tooltip-autocomplete li[aria-selected] .cm-completionLabel"))
        label = chosen.text
        assert label.startswith("kg:Confere"), label
        screenshot(desktop, "workbench-completion.png")
        ActionChains(desktop).send_keys(Keys.ENTER).perform()
        query = f"SELECT ?x WHERE {{ ?x a {label}}}"
        wait(desktop).until(lambda d: d.find_element(By.ID, "query").get_attribute("value")
                            == query)
        run_by_keyboard(desktop)  # Ctrl+Enter runs it
        drawn_results(desktop, query)
        count = desktop.find_element(By.CSS_SELECTOR, "#results .count").text
        assert count.startswith(f"{len(answer(server, query))} row"), count

        # An entity completes by its label and inserts its prefixed name.
        type_query(desktop, "DESCRIBE Lavr")
        ActionChains(desktop).send_keys("o").perform()  # type_query closed the completions
        option = wait(desktop).until(lambda d: next(
            (li for li in shadow(d).find_elements(By.CSS_SELECTOR,
                                                  ".cm-tooltip-autocomplete li")
             if li.find_element(By.CSS_SELECTOR, ".cm-completionLabel").text
             == "Sergey Lavrov"), None))
        assert "id:sergey-lavrov" in option.text
        option.click()
        wait(desktop).until(lambda d: d.find_element(By.ID, "query").get_attribute("value")
                            == "DESCRIBE id:sergey-lavrov")

        # A bad query: the endpoint's message is shown, and its place is marked in the editor.
        bad = "SELECT ?x WHERE { ?x kg:attends }"
        type_query(desktop, bad)
        run_by_keyboard(desktop)
        alert = wait(desktop).until(ec.visibility_of_element_located((By.ID, "error")))
        line, column = error_position(alert.text)
        mark = wait(desktop).until(lambda d: shadow(d).find_element(
            By.CSS_SELECTOR, ".cm-lintRange-error, .cm-lintPoint-error"))
        lines = shadow(desktop).find_elements(By.CSS_SELECTOR, ".cm-line")
        assert desktop.execute_script("return arguments[0].closest('.cm-line')", mark) \
            == lines[line - 1]
        expected = re.match(r"[\w:?$-]+|.", bad.splitlines()[line - 1][column - 1:]).group(0)
        assert mark.text == expected, (mark.text, expected, alert.text)
        assert shadow(desktop).find_elements(By.CSS_SELECTOR, ".cm-lint-marker-error")
        assert not desktop.find_elements(By.ID, "results")
        screenshot(desktop, "workbench-error.png")
        assert_clean_log(desktop, allowed=("400",))


def test_the_table_sorts_filters_and_pages(server: str, desktop: WebDriver):
    with screenshot_on_failure(desktop, "workbench-table-failure.png"):
        total = len(answer(server, EVERYTHING))
        open_query(desktop, server, EVERYTHING)
        def where() -> str:  # the pager is drawn anew on each page
            return desktop.find_element(By.CSS_SELECTOR, "#results .pager .where").text

        assert where() == f"Rows 1–100 of {total:,}"
        desktop.find_element(By.CSS_SELECTOR, "#results button[aria-label='Next page']").click()
        assert where() == f"Rows 101–200 of {total:,}"
        Select(desktop.find_element(By.ID, "page-size")).select_by_value("500")
        assert len(desktop.find_elements(By.CSS_SELECTOR, "#results tbody tr")) == 500
        desktop.execute_script("document.getElementById('results').scrollIntoView()")
        screenshot(desktop, "workbench-table.png")

        rows = answer(server, ATTENDANCE)
        open_query(desktop, server, ATTENDANCE)
        header = desktop.find_elements(By.CSS_SELECTOR, "#results thead th")[1]
        header.find_element(By.TAG_NAME, "button").click()
        assert header.get_attribute("aria-sort") == "ascending"
        values = [int(td.text) for td in
                  desktop.find_elements(By.CSS_SELECTOR, "#results tbody td:nth-child(2)")]
        numbers = sorted(int(r["meetings"]["value"]) for r in rows)
        assert values == sorted(values) and values[0] == numbers[0]
        header.find_element(By.TAG_NAME, "button").click()
        assert header.get_attribute("aria-sort") == "descending"
        first = desktop.find_element(By.CSS_SELECTOR, "#results tbody td:nth-child(2)").text
        assert int(first) == numbers[-1]

        # The filter matches what a row shows (labels) and what it holds (IRIs, values).
        iris = [r["party"]["value"] for r in rows]
        status, _, body = fetch(server + "query/labels", json.dumps({"iris": iris}).encode(),
                                {"Content-Type": "application/json"}, timeout=WAIT_S)
        labels = json.loads(body)["labels"]
        expected = sum(1 for r in rows if "united" in (labels.get(r["party"]["value"], "")
                       + r["party"]["value"] + r["meetings"]["value"]).lower())
        assert 0 < expected < len(rows)
        desktop.find_element(By.ID, "result-filter").send_keys("United")
        wait(desktop).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results tbody tr"))
                            == expected)
        matched = desktop.find_element(By.CSS_SELECTOR, "#results .matched").text
        assert matched == f"{expected} of {len(rows)} rows match"
        assert all("united" in tr.text.lower() or "united" in (tr.find_element(
            By.TAG_NAME, "a").get_attribute("href") or "").lower()
            for tr in desktop.find_elements(By.CSS_SELECTOR, "#results tbody tr"))
        assert_clean_log(desktop)


def tab_names(driver: WebDriver) -> list[str]:
    return [t.text for t in driver.find_elements(By.CSS_SELECTOR, "#results .view-tabs .tab")]


def show_view(driver: WebDriver, key: str, selector: str) -> list:
    driver.find_element(By.ID, f"tab-{key}").click()
    marks = wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, selector))
    assert driver.find_element(By.ID, f"tab-{key}").get_attribute("aria-selected") == "true"
    assert not driver.find_element(By.ID, "view-table").is_displayed()
    driver.execute_script("document.getElementById('results').scrollIntoView()")
    return marks


def test_the_views_are_chosen_from_the_columns(server: str, desktop: WebDriver):
    with screenshot_on_failure(desktop, "workbench-views-failure.png"):
        rounds = answer(server, ROUNDS)
        open_query(desktop, server, ROUNDS)
        assert tab_names(desktop) == ["Table", "Timeline"]
        marks = show_view(desktop, "timeline", "#view-timeline svg.timeline .mark")
        dated = [r for r in rounds if r["start"].get("datatype") in DATE_TYPES]
        assert len(marks) == len(dated) > 1
        screenshot(desktop, "workbench-timeline.png")

        attendance = answer(server, ATTENDANCE)
        open_query(desktop, server, ATTENDANCE)
        assert tab_names(desktop) == ["Table", "Bar chart"]
        bars = show_view(desktop, "bars", "#view-bars svg.bars rect.bar")
        assert len(bars) == min(60, len(attendance))
        widths = [float(b.get_attribute("width")) for b in bars]
        assert widths == sorted(widths, reverse=True) and widths[0] > widths[-1]
        screenshot(desktop, "workbench-bars.png")

        support = answer(server, SUPPORT)
        open_query(desktop, server, SUPPORT)
        assert tab_names(desktop) == ["Table", "Graph"]
        nodes = show_view(desktop, "graph", "#view-graph svg.graph g.node circle")
        iris = {r[v]["value"] for r in support for v in ("a", "b")}
        assert len(nodes) == len(iris)
        edges = desktop.find_elements(By.CSS_SELECTOR, "#view-graph svg.graph line.edge")
        assert len(edges) == len({(r["a"]["value"], r["b"]["value"]) for r in support})
        links = desktop.find_elements(By.CSS_SELECTOR, "#view-graph svg.graph g.node a")
        hrefs = [a.get_dom_attribute("href") for a in links]
        assert len(hrefs) == len(iris) and all(re.fullmatch(r"/id/[\w-]+", h) for h in hrefs)
        screenshot(desktop, "workbench-graph.png")

        open_query(desktop, server, NAMES)  # one column of text: a table and nothing else
        assert tab_names(desktop) == []
        assert_clean_log(desktop)


def test_permalink_snippets_and_history(server: str, desktop: WebDriver):
    with screenshot_on_failure(desktop, "workbench-share-failure.png"):
        desktop.execute_cdp_cmd("Browser.grantPermissions", {
            "origin": server.rstrip("/"),
            "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
        desktop.get(server + "query")
        first = "SELECT ?c WHERE { ?c a kg:Conference } ORDER BY ?c"
        type_query(desktop, first)
        run_by_keyboard(desktop)
        drawn_results(desktop, first)
        assert desktop.find_element(By.CSS_SELECTOR, "#history summary").text == "History (1)"

        desktop.find_element(By.CSS_SELECTOR, "button.share").click()
        link = wait(desktop).until(lambda d: d.find_element(By.ID, "permalink")
                                   .get_attribute("value"))
        assert re.fullmatch(re.escape(server) + r"q/[0-9A-Za-z]{8}", link), link

        # The snippets follow the query in the editor, and each copies to the clipboard.
        desktop.find_element(By.CSS_SELECTOR, "#snippets summary").click()
        code = desktop.find_element(By.CSS_SELECTOR, "#code-curl code")
        wait(desktop).until(lambda d: first in code.text)
        assert server + "sparql" in code.text
        for key in ("sparqlwrapper", "rdflib", "r"):
            assert first in desktop.find_element(By.CSS_SELECTOR, f"#code-{key} code").text
        copy = desktop.find_element(By.CSS_SELECTOR, "button[data-copy='code-curl']")
        copy.click()
        wait(desktop).until(lambda d: copy.find_element(By.XPATH, "following-sibling::span")
                            .text == "Copied.")
        pasted = desktop.execute_async_script(
            "navigator.clipboard.readText().then(arguments[0], e => arguments[0]('! ' + e))")
        assert pasted == code.get_attribute("textContent")
        desktop.execute_script("document.getElementById('share-result').scrollIntoView()")
        screenshot(desktop, "workbench-share.png")

        # History: newest first, kept across a reload, and a click puts a query back.
        second = "ASK { id:geneva-iv a kg:Conference }"
        type_query(desktop, second)
        run_by_keyboard(desktop)
        drawn_results(desktop, second)
        assert desktop.find_element(By.CSS_SELECTOR, "#results .boolean").text == "true"
        desktop.refresh()
        summary = wait(desktop).until(lambda d: d.find_element(By.CSS_SELECTOR, "#history summary"))
        assert summary.text == "History (2)"
        summary.click()
        picks = desktop.find_elements(By.CSS_SELECTOR, "#history button.pick")
        assert [p.get_attribute("title") for p in picks] == [second, first]
        picks[1].click()
        assert desktop.find_element(By.ID, "query").get_attribute("value") == first

        # The permalink opens the same query, run.
        desktop.get(link)
        drawn_results(desktop, first)
        shown = desktop.find_element(By.CSS_SELECTOR, "#results .count").text
        assert shown.startswith(f"{len(answer(server, first))} rows")
        assert_clean_log(desktop)


def test_a_query_too_long_for_a_url_runs_and_stays_out_of_the_address(server: str,
                                                                      desktop: WebDriver):
    with screenshot_on_failure(desktop, "workbench-long-failure.png"):
        query = "# a comment to make the query longer than any URL may be\n" * 300 + \
            "SELECT ?c WHERE { ?c a kg:Conference }"
        assert len(query) > 16_000
        status, _, body = fetch(server + "query/share", urlencode({"query": query}).encode(),
                                {"Accept": "application/json"}, timeout=WAIT_S)
        assert status == 200, body
        desktop.get(json.loads(body)["url"])
        drawn_results(desktop, query)
        run_by_keyboard(desktop)
        drawn_results(desktop, query)
        count = desktop.find_element(By.CSS_SELECTOR, "#results .count").text
        assert count.startswith(f"{len(answer(server, query))} rows"), count
        assert desktop.execute_script("return location.pathname + location.search") == "/query"
        downloads = desktop.find_elements(By.CSS_SELECTOR, "#results .downloads button.link")
        assert [b.text for b in downloads] == ["JSON", "XML", "CSV", "TSV"]
        assert_clean_log(desktop)


def test_the_phone_layout_fits_the_screen(server: str, browser: WebDriver):
    with screenshot_on_failure(browser, "workbench-phone-failure.png"):
        browser.set_window_size(*PHONE)
        seen: list[str] = []
        browser.get(server + "query")
        editor(browser)
        fits = "return document.documentElement.scrollWidth <= window.innerWidth"
        assert browser.execute_script(fits)
        screenshot(browser, "workbench-phone.png")
        open_query(browser, server, ROUNDS)
        seen += page_resources(browser)
        show_view(browser, "timeline", "#view-timeline svg.timeline .mark")
        assert browser.execute_script(fits)
        screenshot(browser, "workbench-phone-timeline.png")
        open_query(browser, server, ATTENDANCE)
        browser.execute_script("document.getElementById('results').scrollIntoView()")
        assert browser.execute_script(fits)
        screenshot(browser, "workbench-phone-table.png")
        seen += page_resources(browser)
        assert_own_origin_only(browser, server, seen)
        assert_clean_log(browser)
