"""The page in a real headless Chromium (the Debian package, driven by the Debian chromedriver —
never a browser download): search without diacritics, open a record, see the evidence highlighted
and the chart drawn. Screenshots go to test-artifacts/ for people to look at."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_data import build_archive
from api_server import serving

from models.text import fold
from service.api import create_app

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not (os.path.exists(p) and os.access(p, os.X_OK))]
    if missing:
        msg = f"{', '.join(missing)} missing: run scripts/ensure-test-deps.sh (Debian chromium, chromium-driver)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(msg)
        pytest.skip(msg)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # belt and braces: Selenium Manager must never download anything
    profile = tmp_path_factory.mktemp("chromium-profile")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1366,1000", "--lang=vi", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("browser") / "archive.db"
    build_archive(db)
    with serving(create_app(db)) as url:
        yield url


def shot(driver, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1366, max(1000, min(int(height) + 40, 4000)))
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))
    driver.set_window_size(1366, 1000)


def test_search_open_record_see_evidence_and_chart(browser, site: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    wait = WebDriverWait(driver, 15)
    driver.get(site + "/")
    box = wait.until(ec.element_to_be_clickable((By.ID, "q")))
    box.clear()
    box.send_keys("dang vien")
    driver.find_element(By.ID, "search-btn").click()

    wait.until(lambda d: "dang+vien" in d.current_url and "Tìm thấy 3" in d.find_element(By.ID, "result-count").text)
    hits = driver.find_elements(By.CSS_SELECTOR, "#results .hit")
    assert len(hits) == 3
    marks = driver.find_elements(By.CSS_SELECTOR, "#results .snippet mark")
    assert marks and all(fold(m.text) in ("dang", "vien", "dang vien") for m in marks)
    # The chart is a server-rendered SVG image: it must have loaded with real dimensions and bars.
    wait.until(lambda d: d.execute_script(
        "const i = document.getElementById('chart'); return i.complete && i.naturalWidth > 0"))
    chart_src = driver.find_element(By.ID, "chart").get_attribute("src")
    assert "/chart.svg?" in chart_src and "kind=new_members" in chart_src
    assert not driver.find_element(By.ID, "error").is_displayed()
    shot(driver, "search-dang-vien")

    link = next(h.find_element(By.CSS_SELECTOR, "a.hit-link") for h in hits if "Gia Bình" in h.text)
    link.click()
    wait.until(ec.visibility_of_element_located((By.ID, "record-view")))
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#rec-text mark.ent"))
    assert driver.find_element(By.ID, "rec-title").text == "Huyện Gia Bình kết nạp 89 đảng viên mới"
    spans = driver.find_elements(By.CSS_SELECTOR, "#rec-text mark.ent")
    assert [s.get_attribute("data-kind") for s in spans] == ["new_members", "transfers"]
    assert spans[0].text.startswith("89 đảng viên mới")
    assert "KẾT NẠP" in spans[0].find_element(By.CSS_SELECTOR, ".ent-label").text.upper()
    bg = spans[0].value_of_css_property("background-color")
    assert bg not in ("rgba(0, 0, 0, 0)", "transparent")  # really highlighted
    assert bg != spans[1].value_of_css_property("background-color")  # coloured by kind
    rows = driver.find_elements(By.CSS_SELECTOR, "#facts tbody tr")
    assert len(rows) == 2 and "89" in rows[0].text and "99" in rows[1].text
    shot(driver, "record-gia-binh")

    driver.find_element(By.ID, "back-btn").click()
    wait.until(ec.visibility_of_element_located((By.ID, "results-view")))


def test_place_picker_and_filtered_chart(browser, site: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    wait = WebDriverWait(driver, 15)
    driver.get(site + "/")
    district = driver.find_element(By.ID, "f-district")
    district.send_keys("gia bi")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#dl-district option[value='Gia Bình']"))
    district.clear()
    district.send_keys("Gia Bình")
    driver.find_element(By.ID, "search-btn").click()
    wait.until(lambda d: "Tìm thấy 2" in d.find_element(By.ID, "result-count").text)
    titles = sorted(h.text for h in driver.find_elements(By.CSS_SELECTOR, "#results .hit h3"))
    assert titles == ["Huyện Gia Bình kết nạp 89 đảng viên mới", "Lễ hội đầu xuân ở Đông Cứu"]
    wait.until(lambda d: d.execute_script(
        "const i = document.getElementById('chart'); return i.complete && i.naturalWidth > 0"))
    assert "district=Gia" in driver.find_element(By.ID, "chart").get_attribute("src")
    # A bad filter shows the server's message instead of failing silently.
    driver.execute_script("document.getElementById('f-from').value = '2024-12-31';"
                          "document.getElementById('f-to').value = '2023-01-01';")
    driver.find_element(By.ID, "search-btn").click()
    wait.until(lambda d: d.find_element(By.ID, "error").is_displayed())
    assert "date" in driver.find_element(By.ID, "error").text.lower()
    shot(driver, "filter-error")


def test_openapi_docs_render_offline(browser, site: str) -> None:
    """/docs must work without the Internet: Swagger UI comes from the installed package."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    driver.get(site + "/docs")
    WebDriverWait(driver, 20).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) >= 8)
    paths = {e.text for e in driver.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")}
    assert {"/extract", "/search", "/stats", "/ingest"} <= {p.replace("\u200b", "") for p in paths}
    shot(driver, "openapi-docs")


def test_archived_markup_is_shown_as_text(browser, site: str) -> None:
    """Titles, snippets and article text come from the web: the page must never run them."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    wait = WebDriverWait(driver, 15)
    driver.get(site + "/?q=tiep+cong+dan")
    wait.until(lambda d: "Tìm thấy 1" in d.find_element(By.ID, "result-count").text)
    title = driver.find_element(By.CSS_SELECTOR, "#results .hit h3")
    assert title.text.startswith('<img src=x onerror="window.__xss=1">')
    assert not driver.find_elements(By.CSS_SELECTOR, "#results img")
    title.find_element(By.CSS_SELECTOR, "a").click()
    wait.until(lambda d: "<script>" in d.find_element(By.ID, "rec-text").text)
    assert not driver.find_elements(By.CSS_SELECTOR, "#rec-text script, #rec-text b, #rec-title img")
    assert driver.execute_script("return window.__xss === undefined")


def test_estimated_total_reads_khoang(browser, site: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the ranking window of a big archive /search says ``total_exact: false``; the page then
    writes "khoảng N" and offers no page past a partial one. The thresholds are lowered so the
    three test records cross them (the server runs in this process), and the page renders the real
    answer to a one-hit request — its own 20-hit pages never leave the window with three records."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    import archive.search

    driver = browser
    wait = WebDriverWait(driver, 15)
    driver.get(site + "/?q=dang+vien")
    wait.until(lambda d: "Tìm thấy 3 bài" in d.find_element(By.ID, "result-count").text)
    assert driver.find_element(By.ID, "next-btn").get_attribute("hidden") is not None

    monkeypatch.setattr(archive.search, "BIG_RANK_WINDOW", 1)
    monkeypatch.setattr(archive.search, "BM25_MAX_RECORDS", 1)
    exact = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch('/search?q=dang+vien&limit=1').then(r => r.json())"
        ".then(d => { renderHits(d); done(d.total_exact); });")
    assert exact is False
    text = driver.find_element(By.ID, "result-count").text
    assert text.startswith("Tìm thấy khoảng ") and "(hiển thị 1–1)" in text, text
    assert len(driver.find_elements(By.CSS_SELECTOR, "#results .hit")) == 1
    assert driver.find_element(By.ID, "next-btn").get_attribute("hidden") is not None
