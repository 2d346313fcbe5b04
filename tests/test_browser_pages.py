"""The linked-data pages in a real browser: headless Chromium against `kg serve` on a free port.

The acceptance test of the pages: a person who has never seen the project can, from the home
page alone, find who attended Geneva IV and read the sentence that says so. Then the pictures
(timeline and neighbourhood), the keyboard path to the search box, and a phone-sized window.
The server, the browser and the skip-or-fail logic are in tests/browser.py; screenshots
(pages-*.png) are saved in test-artifacts/ at the repo root.
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
)
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = needs_browser

ENVOY = "Staffan de Mistura"
CONFERENCE = "Geneva IV"
ATTENDEE = "Syrian government delegation to Geneva IV"  # whose "attends" quote the test reads
ATTENDEES = {ATTENDEE, "Russia", ENVOY, "Opposition delegation to Geneva IV"}
PHONE = (390, 844)
MAX_TABS = 12  # from the top of the page to the header's search box
SOURCES_BADGE = re.compile(r"(\d+) sources?")

# The app has no favicon, so Chromium's own request for /favicon.ico is answered 404 and
# logged as a console error. Not the pages' doing: the only console error tolerated.
FAVICON_404 = re.compile(r"/favicon\.ico - Failed to load resource: .* 404\b")


def words(text: str) -> str:
    """Whitespace collapsed, for comparing a quote as shown with the source's text."""
    return " ".join(text.split())


def console_errors(driver: WebDriver) -> list[str]:
    """Console errors (CSP violations, script errors, failed loads) since last read."""
    return [str(entry["message"]) for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE" and not FAVICON_404.search(str(entry["message"]))]


def assert_clean(driver: WebDriver, server: str, seen: list[str]) -> None:
    """Only the server's origin was asked for anything, and the console shows no error."""
    assert_own_origin_only(driver, server, seen + page_resources(driver))
    errors = console_errors(driver)
    assert not errors, errors


def wait_for_heading(driver: WebDriver, text: str) -> WebElement:
    """The page's h1, once it reads `text` (after a navigation)."""
    WebDriverWait(driver, WAIT_S).until(
        ec.text_to_be_present_in_element((By.CSS_SELECTOR, "main h1"), text))
    heading = driver.find_element(By.CSS_SELECTOR, "main h1")
    assert heading.text.strip() == text
    return heading


def rect(driver: WebDriver, element: WebElement) -> dict[str, float]:
    return driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,"
        " width: r.width, height: r.height};", element)


def in_viewport(driver: WebDriver, element: WebElement) -> bool:
    """The element's box intersects the visible part of the page."""
    box = rect(driver, element)
    width, height = driver.execute_script("return [innerWidth, innerHeight];")
    return (box["height"] > 0 and box["bottom"] > 0 and box["top"] < height
            and box["right"] > 0 and box["left"] < width)


def show(driver: WebDriver, element: WebElement) -> None:
    """Scroll the element to the middle of the window (for the click and the screenshot)."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)


def facts(section: WebElement, predicate: str) -> list[WebElement]:
    """The <dd>s of a facts list that follow the <dt> naming the predicate."""
    return section.find_elements(
        By.XPATH, ".//dl[contains(@class, 'facts')]/dd"
                  f"[preceding-sibling::dt[1][normalize-space() = '{predicate}']]")


def fact_value(fact: WebElement) -> str:
    return fact.find_element(By.XPATH, "./a[1]").text.strip()


def open_provenance(driver: WebDriver, fact: WebElement) -> WebElement:
    """Click a fact's "N source(s)" badge: its first quote, now visible."""
    badge = fact.find_element(By.CSS_SELECTOR, "details.provenance > summary .badge")
    match = SOURCES_BADGE.fullmatch(badge.text.strip())
    assert match, f"not a sources badge: {badge.text!r}"
    show(driver, badge)
    badge.click()
    quote = fact.find_element(By.CSS_SELECTOR, "details.provenance blockquote")
    WebDriverWait(driver, WAIT_S).until(ec.visibility_of(quote))
    assert fact.find_element(By.CSS_SELECTOR, "details.provenance").get_attribute("open") \
        is not None
    assert quote.text.strip(), "an empty quote"
    # As many sources as the badge says: each quote links to its source document.
    links = fact.find_elements(By.CSS_SELECTOR, "details.provenance li > a")
    sources = {(a.get_attribute("href") or "").split("?")[0] for a in links}
    assert len(sources) == int(match.group(1)), (badge.text, sorted(sources))
    return quote


def click_svg_link(driver: WebDriver, link: WebElement) -> None:
    """Click a link of an SVG picture where a person would: on its label."""
    label = link.find_element(By.CSS_SELECTOR, "text")
    show(driver, label)
    label.click()


def check_picture(driver: WebDriver, picture: WebElement) -> None:
    box = rect(driver, picture)
    assert box["width"] > 100 and box["height"] > 100, f"the picture is not drawn: {box}"
    assert picture.find_elements(By.CSS_SELECTOR, "text"), "a picture with no text"


def test_a_newcomer_finds_who_attended_geneva_iv_and_the_sentence_that_says_so(
        server: str, browser: WebDriver):
    with screenshot_on_failure(browser, "pages-flow-failure.png"):
        check_flow(server, browser)


def check_flow(server: str, browser: WebDriver) -> None:
    wait = WebDriverWait(browser, WAIT_S)
    seen: list[str] = []

    # 1. The home page; the envoy's name, typed into the header's search box, finds him first.
    browser.get(server)
    box = wait.until(ec.element_to_be_clickable((By.ID, "site-search")))
    screenshot(browser, "pages-home.png")
    seen += page_resources(browser)
    box.click()
    box.send_keys("de mistura")
    browser.find_element(By.CSS_SELECTOR, "header.site form.search button[type=submit]").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "ol.hits li a")))
    assert browser.current_url.startswith(server + "search?"), browser.current_url
    assert browser.find_element(By.ID, "q").get_attribute("value") == "de mistura"
    hits = browser.find_elements(By.CSS_SELECTOR, "ol.hits > li > a")
    assert [hit.text.strip() for hit in hits][:1] == [ENVOY], [hit.text for hit in hits]
    screenshot(browser, "pages-search.png")
    seen += page_resources(browser)
    hits[0].click()

    # 2. His page: facts, each with its sources; one opened shows its quote; on to Geneva IV.
    wait_for_heading(browser, ENVOY)
    assert browser.current_url == server + "id/staffan-de-mistura", browser.current_url
    screenshot(browser, "pages-envoy.png")
    outgoing = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=out-title]")
    incoming = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=in-title]")
    badges = [b.text.strip() for b in outgoing.find_elements(By.CSS_SELECTOR, ".badge.asserted")]
    assert len(badges) >= 5 and all(SOURCES_BADGE.fullmatch(b) for b in badges), badges
    mediated = [f for f in facts(incoming, "mediator") if fact_value(f) == CONFERENCE]
    assert mediated, f"no '{CONFERENCE} mediator {ENVOY}' among the facts referring to him"
    quote = open_provenance(browser, mediated[0])
    assert "de Mistura" in quote.text, quote.text
    seen += page_resources(browser)
    screenshot(browser, "pages-envoy-provenance.png")
    attended = [fact_value(f) for f in facts(outgoing, "attends")]
    assert CONFERENCE in attended, attended
    link = mediated[0].find_element(By.LINK_TEXT, CONFERENCE)
    show(browser, link)
    link.click()

    # 3. Geneva IV: who attends it, each with its sources; the source link next to one quote.
    wait_for_heading(browser, CONFERENCE)
    assert browser.current_url == server + "id/geneva-iv", browser.current_url
    incoming = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=in-title]")
    assert incoming.find_element(By.TAG_NAME, "h2").text.strip() == "Referred to by"
    attends = {fact_value(f): f for f in facts(incoming, "attends")}
    assert ATTENDEES <= attends.keys(), sorted(attends)
    quote = open_provenance(browser, attends[ATTENDEE])
    sentence = words(quote.text)
    assert "Geneva" in sentence and "government" in sentence, sentence
    source = quote.find_element(By.XPATH, "./following-sibling::a[1]")
    target = source.get_attribute("href") or ""
    assert re.fullmatch(re.escape(server) + r"source/[\w-]+\?quote=(\w+)#ev-\1", target), target
    seen += page_resources(browser)
    screenshot(browser, "pages-geneva-iv.png")
    source.click()

    # 4. The source text, with that quote highlighted as current and scrolled into view.
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "a.quote.current mark")))
    assert browser.current_url == target, browser.current_url
    marks = browser.find_elements(By.CSS_SELECTOR, "a.quote.current mark")
    highlighted = words(" ".join(mark.text for mark in marks))
    assert highlighted.startswith(sentence[:60]), (highlighted[:200], sentence)
    wait.until(lambda driver: in_viewport(driver, marks[0]))
    assert browser.execute_script("return scrollY;") > 0, "the page did not scroll to the quote"
    seen += page_resources(browser)
    screenshot(browser, "pages-source.png")

    assert_clean(browser, server, seen)


def test_the_pictures_are_drawn_and_their_links_work(server: str, browser: WebDriver):
    with screenshot_on_failure(browser, "pages-pictures-failure.png"):
        check_pictures(server, browser)


def check_pictures(server: str, browser: WebDriver) -> None:
    wait = WebDriverWait(browser, WAIT_S)
    seen: list[str] = []

    # The timeline: drawn, and its labels link to the conferences' pages.
    browser.get(server + "timeline")
    picture = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR,
                                                            "figure.picture svg")))
    check_picture(browser, picture)
    screenshot(browser, "pages-timeline.png")
    seen += page_resources(browser)
    links = picture.find_elements(By.CSS_SELECTOR, "a")
    assert len(links) >= 10, f"{len(links)} links on the timeline"
    hrefs = [link.get_dom_attribute("href") or "" for link in links]
    assert all(href.startswith(server + "id/") for href in hrefs), hrefs
    click_svg_link(browser, links[hrefs.index(server + "id/geneva-iv")])
    wait_for_heading(browser, CONFERENCE)
    assert browser.current_url == server + "id/geneva-iv"

    # Geneva IV's neighbourhood: drawn, and a node's label leads to that node's page.
    picture = browser.find_element(
        By.CSS_SELECTOR, "section[aria-labelledby=graph-title] figure.picture svg")
    show(browser, picture)
    check_picture(browser, picture)
    screenshot(browser, "pages-neighbourhood.png")
    seen += page_resources(browser)
    links = {link.get_dom_attribute("href"): link
             for link in picture.find_elements(By.CSS_SELECTOR, "a")}
    others = sorted(href for href in links if href and href != browser.current_url)
    assert len(others) >= 5 and all(href.startswith(server + "id/") for href in others), others
    click_svg_link(browser, links[others[0]])
    wait.until(ec.url_to_be(others[0]))
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "main h1")))
    seen += page_resources(browser)

    assert_clean(browser, server, seen)


def test_the_keyboard_reaches_the_skip_link_first_and_then_the_search_box(
        server: str, browser: WebDriver):
    with screenshot_on_failure(browser, "pages-keyboard-failure.png"):
        check_keyboard(server, browser)


def check_keyboard(server: str, browser: WebDriver) -> None:
    wait = WebDriverWait(browser, WAIT_S)
    browser.get(server)
    wait.until(ec.presence_of_element_located((By.ID, "site-search")))
    seen = page_resources(browser)

    def tab() -> WebElement:
        ActionChains(browser).send_keys(Keys.TAB).perform()
        return browser.switch_to.active_element

    # The first Tab lands on the skip link, which then shows, and leads to the main content.
    skip = tab()
    assert skip.get_attribute("class") == "skip", skip.get_attribute("outerHTML")
    assert skip.get_attribute("href") == server + "#main"
    assert in_viewport(browser, skip) and skip.is_displayed(), rect(browser, skip)
    assert browser.find_element(By.ID, "main").tag_name == "main"
    screenshot(browser, "pages-skip-link.png")

    # A few more reach the header's search box; typing there and Enter search.
    for _ in range(MAX_TABS):
        if tab().get_attribute("id") == "site-search":
            break
    else:
        raise AssertionError(f"the search box is not within {MAX_TABS} Tabs of the top")
    ActionChains(browser).send_keys(CONFERENCE, Keys.ENTER).perform()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "ol.hits li a")))
    first = browser.find_element(By.CSS_SELECTOR, "ol.hits > li > a")
    assert first.text.strip() == CONFERENCE, first.text
    seen += page_resources(browser)

    assert_clean(browser, server, seen)


def test_entity_pages_fit_a_phone(server: str, browser: WebDriver):
    with screenshot_on_failure(browser, "pages-phone-failure.png"):
        check_phone(server, browser)


def check_phone(server: str, browser: WebDriver) -> None:
    browser.set_window_size(*PHONE)
    seen: list[str] = []
    for local, heading, shot in (("id/geneva-iv", CONFERENCE, "pages-phone"),
                                 ("id/staffan-de-mistura", ENVOY, None)):
        browser.get(server + local)
        wait_for_heading(browser, heading)
        width = browser.execute_script("return innerWidth;")
        assert width <= PHONE[0], f"the window is {width} px wide, not a phone's {PHONE[0]}"
        if shot:
            screenshot(browser, f"{shot}.png")
        seen += page_resources(browser)
        # Only the pictures may be wider than the screen, and they scroll inside their figure.
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - innerWidth;")
        assert overflow <= 1, (local, overflow, wider_than_the_window(browser))
        figures = browser.find_elements(By.CSS_SELECTOR, "figure.picture")
        assert figures, f"no picture on {local}"
        for figure in figures:
            box = rect(browser, figure)
            assert box["right"] <= width + 1, (local, box)
            scrolls = browser.execute_script(
                "const f = arguments[0]; return f.scrollWidth <= f.clientWidth"
                " || ['auto', 'scroll'].includes(getComputedStyle(f).overflowX);", figure)
            assert scrolls, f"a picture on {local} is wider than its figure, which cannot scroll"
        if shot:
            show(browser, figures[0])
            screenshot(browser, f"{shot}-picture.png")
    assert_clean(browser, server, seen)


def wider_than_the_window(driver: WebDriver) -> list[str]:
    """What sticks out to the right of the window (outside the pictures), for the message."""
    return driver.execute_script(
        "return [...document.querySelectorAll('body *')]"
        ".filter(e => !e.closest('figure.picture')"
        " && e.getBoundingClientRect().right > innerWidth + 1)"
        ".slice(0, 10).map(e => e.outerHTML.slice(0, 120));")
