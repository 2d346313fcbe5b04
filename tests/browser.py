"""Shared pieces of the browser tests: headless Chromium against `kg serve` on a free port.

The server is the real one (gunicorn, started as `python -m kg serve`) over the real graph
built once per session. Chromium and chromedriver are Debian's (/usr/bin); Selenium never
downloads a driver. Without them the tests are skipped, except under CI=true, where they fail.
Screenshots are saved in test-artifacts/ at the repo root.

A test module imports the fixtures `browser` and `server` by their function names
(browser_fixture, server_fixture: so the test arguments do not shadow the imports; each with
`# noqa: F401`, as Ruff cannot see a fixture's use) and sets `pytestmark = needs_browser`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from live import live_server
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

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
WINDOW = (1280, 1400)  # the desktop window, in CSS pixels

# Without Chromium the tests are skipped, except in CI, where the fixture fails them instead.
needs_browser = pytest.mark.skipif(bool(MISSING) and not IN_CI, reason=MISSING_REASON)


@pytest.fixture(name="server", scope="module")
def server_fixture(real_settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL (ending in '/') of `kg serve` over the session's real build."""
    if MISSING:  # only reached under CI=true, where a missing browser is a failure
        pytest.fail(MISSING_REASON)
    with live_server(ROOT, tmp_path_factory.mktemp("server"),
                     build_dir=real_settings.build_dir) as running:
        yield running.base


@pytest.fixture(name="browser")
def browser_fixture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebDriver]:
    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager must never fetch anything
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-background-networking", "--disable-component-update",
                     "--no-first-run", "--disable-sync", "--disable-quic",
                     "--window-size={},{}".format(*WINDOW),
                     f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(argument)
    # Every network request the pages make, read back from the performance log; and the
    # console's messages (CSP violations, script errors), from the browser log.
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    service = Service(str(CHROMEDRIVER), log_output=str(tmp_path / "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    try:
        driver.set_page_load_timeout(WAIT_S)
        driver.set_script_timeout(WAIT_S)
        yield driver
    finally:
        driver.quit()


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


def assert_own_origin_only(driver: WebDriver, server: str, seen: list[str]) -> None:
    """Nothing was asked of any origin but the server's: `seen` plus the performance log."""
    seen = seen + requested_urls(driver)
    assert any(url.startswith(server + "static/") for url in seen), seen
    foreign = sorted({url for url in seen if not url.startswith((server, *NOT_NETWORK))})
    assert not foreign, f"requests to other origins: {foreign}"


def editor(driver: WebDriver) -> WebElement:
    """The query page's editor: CodeMirror's content element, inside the editor's shadow root."""
    host = WebDriverWait(driver, WAIT_S).until(
        lambda d: d.find_element(By.CSS_SELECTOR, ".editor-host"))
    return host.shadow_root.find_element(By.CSS_SELECTOR, ".cm-content")


def type_query(driver: WebDriver, text: str) -> str:
    """Replace the editor's text by typing `text` (one line: Enter would take a completion),
    and return what the editor then holds: the text, and the brackets and quotes it closed."""
    content = editor(driver)
    content.click()
    ActionChains(driver).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL) \
        .send_keys(Keys.DELETE).send_keys(text).send_keys(Keys.ESCAPE).perform()

    def typed(d: WebDriver) -> str | None:
        value = d.find_element(By.ID, "query").get_attribute("value") or ""
        done = value.startswith(text) and set(value[len(text):]) <= set(")]}\"'")
        return value if done else None

    return WebDriverWait(driver, WAIT_S).until(typed)


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
