"""The query page in a real browser: headless Chromium against `kg serve` on a free port.

The server is the real one (gunicorn, started as `python -m kg serve`) over the real graph
built once per session. Chromium and chromedriver are Debian's (/usr/bin); Selenium never
downloads a driver. Without them the test is skipped, except under CI=true, where it fails.
Screenshots of the results and the error page are saved in test-artifacts/ at the repo root.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from live import fetch, live_server
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from kg.examples import examples

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
MISSING = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.is_file()]
IN_CI = os.environ.get("CI") == "true"
MISSING_REASON = (f"{' and '.join(MISSING)} missing: install Debian's chromium and "
                  "chromium-driver to run the browser test")

# Browser-internal URLs (the start page Chromium opens before the test navigates) and inline
# data: nothing on these goes over the network.
NOT_NETWORK = ("data:", "about:", "chrome:", "chrome-untrusted:", "chrome-extension:")
WAIT_S = 20.0  # for any one thing to appear on the page

# Without Chromium the test is skipped, except in CI, where the fixture fails it instead.
pytestmark = pytest.mark.skipif(bool(MISSING) and not IN_CI, reason=MISSING_REASON)


@pytest.fixture(scope="module")
def server(real_settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL (ending in '/') of `kg serve` over the session's real build."""
    if MISSING:  # only reached under CI=true, where a missing browser is a failure
        pytest.fail(MISSING_REASON)
    with live_server(ROOT, tmp_path_factory.mktemp("server"),
                     build_dir=real_settings.build_dir) as running:
        yield running.base


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebDriver]:
    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager must never fetch anything
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-background-networking", "--disable-component-update",
                     "--no-first-run", "--disable-sync", "--disable-quic",
                     "--window-size=1280,1400", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(argument)
    # Every network request the pages make, read back from the performance log.
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    service = Service(str(CHROMEDRIVER), log_output=str(tmp_path / "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    try:
        driver.set_page_load_timeout(WAIT_S)
        driver.set_script_timeout(WAIT_S)
        yield driver
    finally:
        driver.quit()


def select_variables(query: str) -> list[str]:
    """The projected variables of a SELECT query: `?v` and `(expression AS ?v)`."""
    clause = re.search(r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(.*?)\s*(?:WHERE\b|\{)",
                       query, re.IGNORECASE | re.DOTALL)
    assert clause, f"not a SELECT query:\n{query}"
    found = re.findall(r"\(.*?\bAS\s+\?(\w+)\s*\)|\?(\w+)", clause.group(1),
                       re.IGNORECASE | re.DOTALL)
    return [alias or plain for alias, plain in found]


def requested_urls(driver: WebDriver) -> list[str]:
    """The URLs of the requests the browser sent since the log was last read."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def page_resources(driver: WebDriver) -> list[str]:
    """The URLs of the current page and everything it loaded, as the page itself reports."""
    return driver.execute_script(
        "return [location.href].concat("
        "performance.getEntriesByType('resource').map(e => e.name));")


def screenshot(driver: WebDriver, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    assert driver.save_screenshot(str(path)), f"could not save {path}"
    return path


@contextmanager
def screenshot_on_failure(driver: WebDriver, name: str) -> Iterator[None]:
    try:
        yield
    except BaseException:
        with suppress(Exception):
            screenshot(driver, name)
        raise


def test_query_page_runs_an_example_and_shows_errors_inline(server: str, browser: WebDriver):
    with screenshot_on_failure(browser, "query-failure.png"):
        check_query_page(server, browser)


def check_query_page(server: str, browser: WebDriver) -> None:
    wait = WebDriverWait(browser, WAIT_S)
    seen: list[str] = []
    first = examples()[0]

    # The page opens with the prefixes predeclared in the editor.
    browser.get(server + "query")
    editor = wait.until(ec.presence_of_element_located((By.ID, "query")))
    text = editor.get_attribute("value") or ""
    prefix_lines = [line for line in text.splitlines() if line.startswith("PREFIX ")]
    assert text.startswith("PREFIX "), text[:200]
    assert len(prefix_lines) >= 5, text[:500]
    assert all(re.fullmatch(r"PREFIX [\w-]*: <[^<>\s]+>", line) for line in prefix_lines), text
    assert "PREFIX kg: <" in text
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
               browser.find_elements(By.CSS_SELECTOR, "section.results thead th")]
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
                 for a in browser.find_elements(By.CSS_SELECTOR, "section.results p.downloads a")}
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
    editor = browser.find_element(By.ID, "query")
    editor.clear()
    editor.send_keys("SELECT ?x WHERE { ?x kg:attends }")
    browser.find_element(By.CSS_SELECTOR, "form.query button[type=submit]").click()
    alert = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[role=alert]")))
    assert "syntax error" in alert.text, alert.text
    assert browser.find_element(By.ID, "query").get_attribute("value") \
        == "SELECT ?x WHERE { ?x kg:attends }"
    assert not browser.find_elements(By.CSS_SELECTOR, "section.results")
    seen += page_resources(browser)
    screenshot(browser, "query-error.png")

    # Nothing was asked of any origin but the server's own.
    seen += requested_urls(browser)
    assert any(url.startswith(server + "static/") for url in seen), seen
    foreign = sorted({url for url in seen if not url.startswith((server, *NOT_NETWORK))})
    assert not foreign, f"requests to other origins: {foreign}"
    blocked = [entry["message"] for entry in browser.get_log("browser")
               if "Content Security Policy" in entry["message"]]
    assert not blocked, blocked
