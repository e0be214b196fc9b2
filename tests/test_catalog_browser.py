"""The catalog in a real browser: headless Chromium (Debian's ``chromium`` and
``chromium-driver``) driven by Selenium loads the pages from ``file://``, and the
tests read the DOM after the pages' scripts ran.

Without Chromium these tests are skipped, except under CI (``CI=true``), where
.ci/run installs it and its absence is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import EXAMPLE, EXAMPLE_BUNDLE, FIXTURES, TESTS, run_cli

from skillwiki_sdk.card import figures
from skillwiki_sdk.validation import load_bundle

HOSTILE = FIXTURES / "catalog" / "hostile"
HOSTILE_INVALID = FIXTURES / "catalog" / "hostile-invalid"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def _find(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser():
    chromium = _find("chromium", "chromium-browser")
    driver_path = _find("chromedriver")
    if os.environ.get("CI"):
        from selenium import webdriver  # a test extra: under CI it must be there
    else:
        webdriver = pytest.importorskip("selenium.webdriver")
    if not chromium or not driver_path:
        message = "Chromium and chromedriver are needed (apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="skillwiki-chromium-")
    options = Options()
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument("--window-size=1280,900")
    options.binary_location = chromium
    options.unhandled_prompt_behavior = "ignore"  # an alert stays open, for the tests to see
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})  # every request, for the tests to see
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One catalog of the example, a hostile bundle that validates, one that does
    not, and two small domains that link to each other."""
    from plugin_factory import write_bundle

    root = tmp_path_factory.mktemp("catalog")
    first = write_bundle(
        root / "a",
        "linked-a",
        atoms={"one": {"related": ['"@linked-b/two"', '"@no-such/atom"']}, "three": {"related": ["one"]}},
    )
    second = write_bundle(root / "b", "linked-b", atoms={"two": {"related": ['"@linked-a/one"']}})
    out = root / "site"
    result = run_cli(
        "catalog", str(EXAMPLE), str(HOSTILE), str(HOSTILE_INVALID), str(first), str(second), "--out", str(out)
    )
    assert result.code == 1, result.out + result.err  # the invalid one is left out
    return out


def _requested(browser) -> list[str]:
    """The URLs the browser asked for since the last call (its DevTools network log)."""
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if not url.startswith("chrome://") or message["params"].get("documentURL", "").startswith("file:"):
                urls.append(url.split("#")[0])  # (the browser's own new-tab page is not the catalog's)
    return urls


def _open(browser, page: Path) -> None:
    _requested(browser)  # forget what earlier pages asked for
    browser.get(page.as_uri())
    for _ in range(100):
        if browser.execute_script("return document.readyState") == "complete":
            break
        time.sleep(0.05)


def _texts(browser, selector: str) -> list[str]:
    return browser.execute_script(
        f"return Array.from(document.querySelectorAll({json.dumps(selector)}),"
        " e => e.textContent.replace(/\\s+/g, ' ').trim())"
    )


def _shown_atoms(browser) -> list[str]:
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('#atom-list .atom-title a'), a => a.getAttribute('href'))"
    )


def _wait(condition, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def test_the_domain_page_shows_the_card_s_figures(browser, site: Path) -> None:
    card = figures(load_bundle(EXAMPLE_BUNDLE))
    seed = (TESTS / "data" / "backend-architecture-card.txt").read_text(encoding="utf-8")
    _open(browser, site / "domains/backend-architecture/index.html")
    assert browser.find_element("css selector", "h1").text == card["name"]
    figures_shown = _texts(browser, ".figures li")
    assert figures_shown == [
        f"v{card['version']}",
        f"{card['counts']['atoms']} atoms",
        f"{card['counts']['tags']} tags",
        f"{card['counts']['axes']} axes",
    ]
    assert " ".join(figures_shown) in seed  # v1.0.0 18 atoms 22 tags 3 axes
    rows = browser.execute_script(
        "return Array.from(document.querySelectorAll('#kind-counts tbody tr'),"
        " r => [r.cells[0].textContent.trim(), Number(r.cells[1].textContent)])"
    )
    assert dict(rows) == card["kinds"]
    for kind, count in card["kinds"].items():
        assert f"{kind} {count}" in seed
    assert _texts(browser, "#tag-vocabulary li") == card["tags"]
    assert "".join(card["tags"]) in seed
    axes = browser.execute_script(
        "return Array.from(document.querySelectorAll('.axis'), s => ({id: s.dataset.axis,"
        " heading: s.querySelector('h3').textContent.replace(/\\s+/g, ' ').trim(),"
        " description: s.querySelector('p').textContent,"
        " values: Array.from(s.querySelectorAll('li'), li => li.textContent.trim())}))"
    )
    assert [axis["id"] for axis in axes] == [axis["id"] for axis in card["axes"]]
    for shown, axis in zip(axes, card["axes"], strict=True):
        assert shown["heading"] == f"{axis['id']} · {axis['matches']} matches"
        assert shown["heading"] in seed
        assert shown["values"] == axis["values"]
        assert " ".join(shown["description"].split()) == " ".join(axis["description"].split())
    samples = browser.execute_script(
        "return Array.from(document.querySelectorAll('#sample-atoms .atom-card'),"
        " c => ({kind: c.querySelector('.kind').textContent, title: c.querySelector('.atom-title').textContent.trim(),"
        " excerpt: c.querySelector('.atom-excerpt').textContent,"
        " meta: c.querySelector('.atom-meta').textContent.replace(/\\s+/g, ' ').trim()}))"
    )
    assert len(samples) == len(card["samples"]) == 12
    for shown, sample in zip(samples, card["samples"], strict=True):
        assert (shown["kind"], shown["title"], shown["excerpt"]) == (sample["kind"], sample["title"], sample["excerpt"])
        assert shown["meta"] == f"{card['name']} ↗ {sample['related']} · q{sample['quality']:.1f}"
        assert (
            f"{sample['title']}\n\n{sample['excerpt']}\n\n"
            f"{card['name']} ↗ {sample['related']} · q{sample['quality']:.1f}" in seed
        )
    see_all = browser.find_element("id", "see-all")
    assert see_all.text.startswith(f"See all {card['counts']['atoms']} atoms in {card['name']}")
    see_all.click()
    assert _wait(lambda: len(browser.find_elements("css selector", ".atom-card")) == card["counts"]["atoms"])


def test_search_finds_the_saga_from_compensating_transaction(browser, site: Path) -> None:
    _open(browser, site / "index.html")
    assert _wait(lambda: browser.execute_script("return document.documentElement.dataset.ready") == "true")
    everything = len(_shown_atoms(browser))
    box = browser.find_element("id", "q")
    box.send_keys("compensating transaction")
    assert _wait(lambda: _shown_atoms(browser) and len(_shown_atoms(browser)) < everything)
    shown = _shown_atoms(browser)
    assert shown[0] == "domains/backend-architecture/atoms/saga.html"
    assert _texts(browser, "#atom-list .atom-title")[0] == "Saga"
    assert "match" in browser.find_element("id", "status").text
    # the domain is listed as having the match; the others are hidden
    visible = browser.execute_script(
        "return Array.from(document.querySelectorAll('#domain-list .domain-card'),"
        " li => [li.dataset.domain, !li.hidden])"
    )
    assert dict(visible)["backend-architecture"] is True and dict(visible)["linked-a"] is False


def test_a_filter_by_axis_value_narrows_the_list(browser, site: Path) -> None:
    from selenium.webdriver.support.ui import Select

    catalog = json.loads((site / "catalog.json").read_text(encoding="utf-8"))
    layer_data = {
        f"domains/{d['name']}/atoms/{a['id']}.html"
        for d in catalog["domains"]
        for a in d["atoms"]
        if "data" in a["axes"].get("layer", [])
    }
    _open(browser, site / "index.html")
    assert _wait(lambda: browser.execute_script("return document.documentElement.dataset.ready") == "true")
    before = _shown_atoms(browser)
    Select(browser.find_element("id", "f-axis")).select_by_value("layer=data")
    assert _wait(lambda: len(_shown_atoms(browser)) < len(before))
    after = _shown_atoms(browser)
    assert set(after) == layer_data and len(after) == len(layer_data) > 0
    # and with a kind too, narrower still; the state is in the address, so a link can hold it
    Select(browser.find_element("id", "f-kind")).select_by_value("pattern")
    assert _wait(lambda: 0 < len(_shown_atoms(browser)) < len(after))
    assert "axis=layer%3Ddata" in browser.current_url and "kind=pattern" in browser.current_url
    kinds = {f"domains/{d['name']}/atoms/{a['id']}.html": a["kind"] for d in catalog["domains"] for a in d["atoms"]}
    assert {kinds[href] for href in _shown_atoms(browser)} == {"pattern"}
    # a tag link of a domain page opens Browse filtered by that tag
    _open(browser, site / "domains/backend-architecture/index.html")
    browser.find_element("link text", "saga").click()
    assert _wait(
        lambda: (
            browser.execute_script("return document.getElementById('f-tag') && document.getElementById('f-tag').value")
            == "saga"
        )
    )
    tagged = {
        f"domains/{d['name']}/atoms/{a['id']}.html"
        for d in catalog["domains"]
        for a in d["atoms"]
        if "saga" in a["tags"]
    }
    assert set(_shown_atoms(browser)) == tagged


def test_search_and_filters_work_with_the_keyboard_alone(browser, site: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    _open(browser, site / "index.html")
    assert _wait(lambda: browser.execute_script("return document.documentElement.dataset.ready") == "true")
    everything = len(_shown_atoms(browser))
    keys = ActionChains(browser)
    keys.send_keys(Keys.TAB).perform()
    assert browser.switch_to.active_element.text == "Skip to content"
    for _ in range(12):  # from the skip link through the header to the search field
        if browser.switch_to.active_element.get_attribute("id") == "q":
            break
        ActionChains(browser).send_keys(Keys.TAB).perform()
    assert browser.switch_to.active_element.get_attribute("id") == "q"
    ActionChains(browser).send_keys("circuit").perform()
    assert _wait(lambda: 0 < len(_shown_atoms(browser)) < everything)
    found = len(_shown_atoms(browser))
    ActionChains(browser).send_keys(Keys.TAB).perform()
    assert browser.switch_to.active_element.get_attribute("id") == "f-kind"
    ActionChains(browser).send_keys(Keys.ARROW_DOWN).perform()  # a kind chosen with the arrow keys
    assert _wait(lambda: browser.find_element("id", "f-kind").get_attribute("value") != "")
    assert _wait(lambda: len(_shown_atoms(browser)) <= found)
    ActionChains(browser).send_keys(Keys.TAB).perform()
    assert browser.switch_to.active_element.get_attribute("id") == "f-tag"
    ActionChains(browser).send_keys(Keys.TAB).perform()
    assert browser.switch_to.active_element.get_attribute("id") == "f-axis"
    # the Clear button, reached and pressed with the keyboard, shows everything again
    ActionChains(browser).send_keys(Keys.TAB, Keys.ENTER).perform()
    assert _wait(lambda: len(_shown_atoms(browser)) == everything)
    assert browser.find_element("id", "q").get_attribute("value") == ""
    # a result is a link: Enter on it opens the atom
    first = browser.find_element("css selector", "#atom-list .atom-title a")
    browser.execute_script("arguments[0].focus()", first)
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    assert _wait(lambda: "/atoms/" in browser.current_url)


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)


def _ids(path: Path) -> set[str]:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.ids


def test_every_link_resolves(browser, site: Path) -> None:
    start = (site / "index.html").as_uri()
    seen: set[str] = set()
    queue = [start]
    checked = 0
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        browser.get(url)
        if url == start:  # the atoms the script lists are links too
            assert _wait(lambda: browser.execute_script("return document.documentElement.dataset.ready") == "true")
        links = browser.execute_script(
            "return [].concat(Array.from(document.querySelectorAll('a[href]'), a => a.href),"
            " Array.from(document.querySelectorAll('link[href]'), l => l.href),"
            " Array.from(document.querySelectorAll('script[src]'), s => s.src))"
        )
        for link in links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https"):
                assert parts.netloc, link  # an outside link: not followed (no network here)
                continue
            assert parts.scheme == "file", link
            target = Path(unquote(parts.path))
            assert target.is_file(), f"{url} links to {link}, which does not exist"
            assert site in target.parents, f"{url} links outside the catalog: {link}"
            if parts.fragment and "=" not in parts.fragment:
                assert parts.fragment in _ids(target), (
                    f"{url} links to #{parts.fragment}, which {target.name} does not have"
                )
            checked += 1
            if target.suffix == ".html":
                queue.append(target.as_uri())
    pages = {Path(unquote(urlsplit(url).path)) for url in seen}
    assert pages == set(site.rglob("*.html"))  # every page reached from Browse
    assert checked > 500


def _no_payload_ran(browser) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        alert = browser.switch_to.alert
        text = alert.text
        alert.dismiss()
        pytest.fail(f"an alert opened: {text!r}")
    except NoAlertPresentException:
        pass
    state = browser.execute_script(
        "const bad = []; for (const el of document.querySelectorAll('*')) { for (const a of el.attributes) {"
        " if (/^on/i.test(a.name) || /^(srcdoc|formaction)$/i.test(a.name)"
        " || (/^(href|src|action|data)$/i.test(a.name) && /^\\s*(javascript|data|vbscript):/i.test(a.value)))"
        " bad.push(el.tagName + ' ' + a.name + '=' + a.value); } }"
        " return {pwned: window.__pwned === undefined ? null : String(window.__pwned), bad: bad,"
        " tags: Array.from(document.querySelectorAll('svg, iframe, img, object, embed, math, style, base, frame'),"
        " e => e.tagName),"
        " scripts: Array.from(document.scripts,"
        " s => s.src ? new URL(s.src).pathname.split('/').slice(-2).join('/') : s.type)}"
    )
    assert state["pwned"] is None, f"a payload ran: {state['pwned']}"
    assert state["bad"] == [] and state["tags"] == []
    assert all(script in ("assets/catalog.js", "application/json") for script in state["scripts"]), state["scripts"]


def test_a_hostile_bundle_runs_none_of_its_script(browser, site: Path) -> None:
    pages = sorted((site / "domains" / "hostile-domain").rglob("*.html")) + [
        site / "problems.html",
        site / "sitemap.html",
    ]
    for page in pages:
        _open(browser, page)
        time.sleep(0.1)
        _no_payload_ran(browser)
    # the hostile text, rendered by the Browse page's script: text, still
    _open(browser, site / "index.html")
    assert _wait(lambda: browser.execute_script("return document.documentElement.dataset.ready") == "true")
    browser.find_element("id", "q").send_keys("compensating payload")
    assert _wait(lambda: len(_shown_atoms(browser)) == 1)
    time.sleep(0.2)
    _no_payload_ran(browser)
    assert "<script>window.__pwned='atom-title'</script>" in _texts(browser, "#atom-list .atom-title")[0]
    # with every element hovered and focused, nothing runs either
    from selenium.webdriver.common.action_chains import ActionChains

    _open(browser, site / "domains/hostile-domain/atoms/script-everywhere.html")
    for element in browser.find_elements("css selector", "main *")[:200]:
        try:
            ActionChains(browser).move_to_element(element).perform()
        except Exception:  # noqa: BLE001, S112 - elements without a box cannot be hovered: skipped
            continue
    _no_payload_ran(browser)
    problems = site / "problems.html"
    _open(browser, problems)
    assert "<script>window.__pwned='kind'</script>" in browser.find_element("tag name", "main").text


def _outline(browser) -> dict:
    return browser.execute_script(
        "return {lang: document.documentElement.lang,"
        " levels: Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6'), h => Number(h.tagName[1])),"
        " unlabelled: Array.from(document.querySelectorAll('input, select, textarea'), c => c)"
        ".filter(c => !(c.labels && c.labels.length) && !c.getAttribute('aria-label')).map(c => c.id),"
        " main: document.querySelectorAll('main').length, title: document.title,"
        " overflow: document.documentElement.scrollWidth - window.innerWidth}"
    )


def test_pages_are_accessible_and_fit_a_phone(browser, site: Path) -> None:
    pages = [
        site / "index.html",
        site / "domains/backend-architecture/index.html",
        site / "domains/backend-architecture/atoms.html",
        site / "domains/backend-architecture/atoms/saga.html",
        site / "sitemap.html",
        site / "problems.html",
    ]
    pages += sorted((site / "domains" / "hostile-domain").rglob("*.html"))
    try:
        for width in (1280, 390):
            browser.set_window_size(width, 900)
            for page in pages:
                _open(browser, page)
                outline = _outline(browser)
                assert outline["lang"] == "en" and outline["main"] == 1 and outline["title"], page
                levels = outline["levels"]
                assert levels[0] == 1 and levels.count(1) == 1, (page, levels)
                assert all(after <= before + 1 for before, after in pairwise(levels)), (page, levels)
                assert outline["unlabelled"] == [], page
                assert outline["overflow"] <= 1, (
                    f"{page.name} is wider than a {width}px window by {outline['overflow']}px"
                )
                # everything the page loaded came from the catalog's folder: nothing from the network
                loaded = _requested(browser)
                assert page.as_uri() in loaded and all(url.startswith(site.as_uri() + "/") for url in loaded), (
                    page,
                    loaded,
                )
    finally:
        browser.set_window_size(1280, 900)


def test_pages_print_without_their_controls(browser, site: Path) -> None:
    _open(browser, site / "index.html")
    assert _wait(lambda: browser.execute_script("return document.documentElement.dataset.ready") == "true")
    shown = (
        "return ['finder', 'status'].map(id => getComputedStyle(document.getElementById(id)).display)"
        ".concat([getComputedStyle(document.querySelector('.site-header')).display])"
    )
    assert "none" not in browser.execute_script(shown)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert browser.execute_script(shown) == ["none", "none", "none"]
        _open(browser, site / "domains/backend-architecture/atoms/saga.html")
        after = browser.execute_script(
            "return getComputedStyle(document.querySelector('.sources a'), '::after').content"
        )
        assert "microservices.io" in after  # a printed link says where it goes
        pdf = browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})
        assert len(pdf["data"]) > 1000
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_screenshots_of_the_three_pages_at_two_widths(browser, site: Path, tmp_path: Path) -> None:
    """Screenshots as a reader sees the pages (docs/ keeps one of each, made by
    scripts/catalog_screenshots.py the same way); here they must be real images."""
    pages = {
        "browse": "index.html",
        "domain": "domains/backend-architecture/index.html",
        "atom": "domains/backend-architecture/atoms/saga.html",
    }
    try:
        for width, height, label in ((1280, 900, "desktop"), (390, 844, "phone")):
            browser.set_window_size(width, height)
            for name, relative in pages.items():
                _open(browser, site / relative)
                target = tmp_path / f"{name}-{label}.png"
                assert browser.save_screenshot(str(target))
                data = target.read_bytes()
                assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    finally:
        browser.set_window_size(1280, 900)


def test_the_detector_sees_a_payload_that_does_run(browser, tmp_path: Path) -> None:
    """The check above is worth something only if it catches what runs: here a page
    with no catalog's defences, its payloads as the hostile bundle writes them."""
    page = tmp_path / "unsafe.html"
    page.write_text(
        "<!DOCTYPE html><html lang='en'><body><img src=x onerror=\"window.__pwned='body-img'\"></body></html>",
        encoding="utf-8",
    )
    _open(browser, page)
    assert _wait(lambda: browser.execute_script("return window.__pwned") == "body-img")
    with pytest.raises(AssertionError, match="a payload ran: body-img"):
        _no_payload_ran(browser)
    page.write_text(
        "<!DOCTYPE html><html lang='en'><body><script>alert('boom')</script></body></html>", encoding="utf-8"
    )
    browser.get(page.as_uri())
    with pytest.raises(pytest.fail.Exception, match="an alert opened"):
        _no_payload_ran(browser)
