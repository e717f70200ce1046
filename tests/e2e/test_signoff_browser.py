"""The census sign-off pack as a performance officer opens it: the HTML file ``hub census
compile`` writes, in a real headless Chromium, checked with axe-core (serious and critical
violations fail). The pack is compiled here from typed records through ``compile_census``,
with receipts, a validator report, an open review and last year's return, so every section
and chart is drawn.

``HUB_SIGNOFF_PACK`` may name a pack from a real ``./run demo``
(``out/census-2025-26/signoff_pack.html``): it is checked the same way and its screenshot
is saved as ``docs/screenshots/signoff-pack.png``. Chromium and chromedriver are required
(``./run test`` installs them): without them this test fails, it does not skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from hub.adapters.validator.cin_validator import ValidationReport, ValidatorIssue
from hub.census import signoff
from hub.domain.codes import AdditionalService, VolumeMeasure
from hub.domain.episodes.model import EpisodeBasis, EpisodeSource
from hub.domain.episodes.years import CensusYear
from hub.domain.intake_receipts import IntakeReceipt
from hub.domain.outputs.codes import TaskType
from hub.usecases.census_compile import CensusInputs, PreviousReturn, compile_census
from tests.conftest import REPO
from tests.contract.store_records import episode, task

pytestmark = pytest.mark.e2e
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
YEAR, LAST = CensusYear.parse("2025-26"), CensusYear.parse("2024-25")


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.is_file()]
    if missing:
        pytest.fail(f"browser tests need {' and '.join(missing)}: "
                    "apt-get install chromium chromium-driver (./run test does)")
    options = webdriver.ChromeOptions()
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--window-size=1280,900"):
        options.add_argument(arg)
    options.binary_location = str(CHROMIUM)
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


def serious_axe_violations(driver: WebDriver) -> list[dict[str, Any]]:
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact,"
        " nodes: v.nodes.map(n => n.target.join(' '))}))), e => done([{id: 'axe-error',"
        " impact: 'critical', nodes: [String(e)]}]));")
    return [v for v in found if v["impact"] in ("serious", "critical")]


def _day(month: int, year: int = 2025) -> dict[str, date]:
    day = date(year, month, 3)
    return {"start_date": day, "end_date": day, "last_event_date": day}


def compiled_pack(folder: Path) -> Path:
    episodes = [
        episode("ep-1", child_key="CH-a", la_child_id="LA101", **_day(5),
                volume_measure=VolumeMeasure.S, sessions=Decimal(3)),
        episode("ep-2", child_key="CH-b", la_child_id="LA102", service=AdditionalService.FS,
                basis=EpisodeBasis.PLANNED, source_kind=EpisodeSource.PANEL_LINE,
                start_date=date(2025, 6, 1), last_event_date=date(2025, 6, 1)),
        episode("ep-3", child_key="CH-c", basis=EpisodeBasis.NOTIFIED,
                source_kind=EpisodeSource.DISABLED_REGISTER, start_date=date(2025, 7, 1),
                last_event_date=date(2025, 7, 1)),
        episode("ep-4", child_key="CH-d", **_day(8)),  # a delivery with no volume: to chase
    ]
    last_year = [episode("ep-0", child_key="CH-a", **_day(6, 2024))]
    tasks = [task("t-1", 1, task_type=TaskType.POSSIBLE_MATCH_REVIEW, child_key="CH-b",
                  related_child_key="CH-e")]
    receipts = signoff.Receipts((
        IntakeReceipt("education-sen", "education_sen.csv", "a" * 64, 120, 117,
                      {"INVALID_DATE": 2, "MISSING_IDENTIFIER": 1}),
        IntakeReceipt("panel", "panel_decisions.xml", "b" * 64, 40, 40),
    ), found=True)
    report = ValidationReport("cin2025_26", 180, (
        ValidatorIssue("8875", "ERROR", "The Date of Initial Child Protection Conference "
                       "cannot be a weekend", "LA102", "CINdetails", "DateOfInitialCPC"),
        ValidatorIssue("8770Q", "QUERY", "Please check: a school-age child has no UPN",
                       "LA101", "ChildIdentifiers", "UPN"),
    ), ())
    old = compile_census(CensusInputs(episodes=last_year), LAST, folder / "census-2024-25",
                         la_code="938")
    compile_census(CensusInputs(episodes=episodes, tasks=tasks), YEAR, folder / "census-2025-26",
                   la_code="938", validate=lambda _xml, _year: report, receipts=receipts,
                   previous=PreviousReturn(LAST, old.files["additional_services.csv"]))
    return folder / "census-2025-26" / "signoff_pack.html"


def screenshot(driver: WebDriver, path: Path) -> None:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, max(800, min(int(height) + 40, 6000)))
    path.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 900)


def test_the_sign_off_pack_opens_in_chromium_with_no_serious_axe_violation(
    browser: WebDriver, tmp_path: Path
) -> None:
    pack = compiled_pack(tmp_path)
    browser.get(pack.as_uri())
    assert browser.title == "Sign-off pack, census year 2025-26 - CIN Hub"
    assert browser.find_element(By.ID, "rows-balance").text == "160 = 157 + 3"
    assert browser.find_element(By.ID, "validator-summary").text == "errors 1, queries 1"
    assert "2024-25" in browser.find_element(By.ID, "comparison").text
    charts = browser.find_elements(By.CSS_SELECTOR, "figure svg[role=img]")
    assert len(charts) == 4
    assert all(c.size["width"] > 200 and c.size["height"] > 40 for c in charts)
    first_row = browser.find_element(By.CSS_SELECTOR, "#rows-to-check tbody tr")
    assert "Open identity review" in first_row.get_attribute("textContent")
    stylesheet = browser.execute_script(
        "return getComputedStyle(document.querySelector('.govuk-table')).borderCollapse")
    assert stylesheet == "collapse"  # the GOV.UK Frontend stylesheet is applied
    assert serious_axe_violations(browser) == []

    real = os.environ.get("HUB_SIGNOFF_PACK")
    if real:  # a pack from a real ./run demo: same checks, and its screenshot for the docs
        browser.get(Path(real).resolve().as_uri())
        assert browser.find_elements(By.CSS_SELECTOR, "figure svg[role=img]")
        assert serious_axe_violations(browser) == []
        screenshot(browser, REPO / "docs" / "screenshots" / "signoff-pack.png")
