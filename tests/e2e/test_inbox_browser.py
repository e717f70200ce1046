"""The web inbox as CSC staff meet it: a real Chromium driving ``hub inbox serve``.

Each test runs ``hub inbox serve`` as a subprocess on a free port, against a SQLite hub store
filled through the store API with the tasks the worker would have written, and against the
session's real Kafka broker on private topics. Staff users of two teams and four roles are
added with the real ``hub inbox add-user``. What the inbox sends is read back from the
commands topic; what the worker would answer is applied to the store by the test, and the
page must show it. Every page is checked with axe-core (the npm package ``./run`` installs)
for serious and critical violations; the screenshots in docs/screenshots/ are taken here.

Chromium and chromedriver are required (``./run test`` installs them): without them these
tests fail, they do not skip.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import WebDriverWait

from hub.adapters.avro.codec import AvroCodec
from hub.adapters.kafka.admin import apply_topics
from hub.adapters.kafka.log import read_topic
from hub.adapters.store.sql.store import SqlHubStore
from hub.census import quality, quality_html
from hub.domain.child.task_rules import DEFAULT_TASK_RULES
from hub.domain.child.tasks import task_id_for
from hub.domain.outputs import (
    ClaimTask,
    CommandRejected,
    ReviewPossibleMatch,
    SplitChild,
    TaskChanged,
)
from hub.domain.outputs.codes import FlagCode, Priority, RejectionCode, TaskStatus, TaskType
from hub.domain.outputs.identity import IdentityDecisionKind
from hub.topics_spec import load_topic_specs
from tests.contract import store_records as r
from tests.e2e.test_push_intake import hub_env
from tests.integration.kafka_fixtures import REPO, free_port

pytestmark = pytest.mark.e2e

HUB = Path(sys.executable).parent / "hub"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "docs" / "screenshots"
USER, TEAM = "amira.khan", "SEN Liaison"
STAFF = {  # two casework teams, four roles
    USER: (TEAM, "practitioner"),
    "tom.okafor": (TEAM, "team_manager"),
    "yusuf.ali": ("Youth Justice Liaison", "practitioner"),
    "dee.harper": ("Data Quality", "data_officer"),
    "ali.admin": ("Digital", "admin"),
}
CHILD, OTHER_CHILD = "CH-3f9a0c61b2d4", "CH-77e1b09d5a30"
TODAY = datetime.now(UTC).date()
NOW = datetime.now(UTC)
NAME, DOB, UPN, NHS, LA_ID, CASE_ID = ("Ada Lovelace", "10/12/2014", "A123456789012",
                                       "9434765919", "LA-000777", "LCS-7")
PERSONAL = ("Ada", "Lovelace", UPN, NHS, "LS1 4AP", "2014-12-10", LA_ID)
CHILD_RECORDS = ("education-sen:SEN-REQ-1001", "csc:LCS-7", "yjs:YOT-3")


def task(source_record_id: str, task_type: TaskType, due: date, priority: Priority,
         child_key: str = CHILD, **changes: Any) -> TaskChanged:
    """A task as the worker opens it (``hub.domain.child.tasks.open_task``), default rules."""
    rule = DEFAULT_TASK_RULES[task_type]
    values: dict[str, Any] = {
        "task_id": task_id_for(task_type, "education-sen", source_record_id),
        "task_type": task_type, "child_key": child_key, "status": TaskStatus.OPEN,
        "title": rule.title, "what_happened": "Education asked for a statutory SEN assessment "
        "(requested by SCHOOL) and invites CSC.", "what_to_do": rule.what_to_do,
        "team": rule.team, "due_date": due, "priority": priority, "version": 1,
        "source_event_id": f"evt-{source_record_id}", "reference": source_record_id,
        "changed_at": NOW,
    }
    return TaskChanged(**(values | changes))


SEN_TASK = task("SEN-REQ-1001", TaskType.SEN_PARTICIPATION, TODAY + timedelta(days=5),
                Priority.NORMAL)
SEN_URGENT_LATER = task("SEN-REQ-1002", TaskType.SEN_PARTICIPATION, TODAY + timedelta(days=9),
                        Priority.URGENT, OTHER_CHILD)
SEN_HIGH_SAME_DAY = task("SEN-REQ-1003", TaskType.SEN_PARTICIPATION, TODAY + timedelta(days=5),
                         Priority.HIGH, OTHER_CHILD)
SEN_DONE = task("SEN-REQ-0999", TaskType.SEN_PARTICIPATION, TODAY, Priority.NORMAL,
                status=TaskStatus.DONE, version=3)
YJ_TASK = task("YOT-REF-88", TaskType.YOUTH_JUSTICE_LIAISON, TODAY + timedelta(days=2),
               Priority.HIGH, what_happened="A child known to CSC was referred to the Youth "
               "Offending Team after a court disposal.", reference=None)

REVIEW_TASK = task("SEN-REQ-1001", TaskType.POSSIBLE_MATCH_REVIEW, TODAY + timedelta(days=7),
                   Priority.NORMAL, task_id=task_id_for(TaskType.POSSIBLE_MATCH_REVIEW,
                                                        *sorted((CHILD, OTHER_CHILD))),
                   what_happened="A record may belong to a child the hub already knows "
                   "(match score 0.93).", reference="education-sen:SEN-REQ-1001",
                   related_child_key=OTHER_CHILD)


def snapshot(record_id: str) -> Any:
    """The child as each source holds them: the case system adds its LA child id and own id."""
    system, source_id = record_id.split(":")
    extra = {"la_child_id": LA_ID} if system == "csc" else {}
    return r.snapshot(record_id, source_system=system, source_id=source_id, **extra)


def fill(store: SqlHubStore) -> None:
    store.apply_many([
        # the child's person records: names and identifiers only pages may show, never logs
        *(r.decision(f"id-{i}", snapshot(record_id), child_key=CHILD,
                     kind=IdentityDecisionKind.NEW if i == 0 else IdentityDecisionKind.LINK)
          for i, record_id in enumerate(CHILD_RECORDS)),
        r.entry("evt-SEN-REQ-1001", NOW - timedelta(days=1), child_key=CHILD,
                summary="SEN assessment requested by SCHOOL"),
        r.entry("evt-csc-1", NOW - timedelta(days=30), child_key=CHILD,
                event_type="CscStatusChanged", source_system="csc-lcs",
                summary="CSC status change: CIN_PLAN_STARTED"),
        r.raised("flag-1", FlagCode.SEN_ASSESSMENT_IN_PROGRESS, TODAY - timedelta(days=1),
                 child_key=CHILD, summary="SEN assessment requested"),
        SEN_TASK, SEN_URGENT_LATER, SEN_HIGH_SAME_DAY, SEN_DONE, YJ_TASK, REVIEW_TASK,
    ])


@dataclass
class Hub:
    home: Path
    env: dict[str, str]
    store: SqlHubStore
    bootstrap: str
    commands_topic: str

    def hub(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(HUB), *args], env=self.env, capture_output=True, text=True,
                              timeout=120, check=False)

    async def commands(self, codec: AvroCodec) -> list[tuple[str, Any]]:
        records = await read_topic(self.bootstrap, self.commands_topic)
        return [(rec.key, codec.decode(rec.value)) for rec in records]


@dataclass
class Inbox:
    url: str
    passwords: dict[str, str]
    log_file: Path
    reports: Path
    axe: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def password(self) -> str:
        return self.passwords[USER]

    def audit_lines(self) -> list[dict[str, Any]]:
        lines = self.log_file.read_text(encoding="utf-8").splitlines()
        parsed = [json.loads(line) for line in lines if line.startswith("{")]
        return [line for line in parsed if line.get("event") == "inbox audit"]


async def wait_until_healthy(url: str, server: subprocess.Popen[bytes], log_file: Path) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=2.0) as client:
        for _ in range(300):
            if server.poll() is not None:
                pytest.fail(f"inbox server exited:\n{log_file.read_text(encoding='utf-8')}")
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    pytest.fail("inbox server did not become healthy in 30 s")


@pytest.fixture
async def hub(kafka_broker: str, topic_namespace: str, tmp_path: Path) -> AsyncIterator[Hub]:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(REPO / "topics.yaml", home / "topics.yaml")
    (home / "schemas").symlink_to(REPO / "schemas")
    await apply_topics(kafka_broker, load_topic_specs(home / "topics.yaml", topic_namespace))
    database = f"sqlite:///{home / '.hub' / 'state' / 'hub.db'}"
    env = hub_env(home, kafka_broker, topic_namespace) | {"HUB_DATABASE_URL": database}
    store = SqlHubStore(database)
    fill(store)
    try:
        yield Hub(home, env, store, kafka_broker, f"{topic_namespace}.cin.hub.commands.v1")
    finally:
        store.close()


def add_staff(hub: Hub) -> dict[str, str]:
    """Every user of STAFF through the real ``hub inbox add-user``; their passwords."""
    adding = {user: subprocess.Popen(
        [str(HUB), "inbox", "add-user", user, "--team", team, "--role", role], env=hub.env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for user, (team, role) in STAFF.items()}
    passwords = {}
    for user, process in adding.items():
        out, errors = process.communicate(timeout=120)
        assert process.returncode == 0, errors
        passwords[user] = out.strip()
    return passwords


def compiled_report(reports: Path) -> Path:
    """A data-quality report as ``hub census compile`` writes it (JSON and standalone HTML)."""
    from tests.unit.census.test_quality import _report  # noqa: PLC0415 - figures from one place

    out = reports / "census-2025-26"
    out.mkdir(parents=True)
    report = _report()
    (out / "data_quality.json").write_bytes(quality.quality_json(report))
    (out / "data_quality.html").write_bytes(quality_html.render(report))
    return out / "data_quality.html"


@pytest.fixture
async def inbox(hub: Hub, tmp_path: Path) -> AsyncIterator[Inbox]:
    passwords = add_staff(hub)
    reports = tmp_path / "reports"
    compiled_report(reports)
    port, log_file = free_port(), tmp_path / "inbox.log"
    with log_file.open("wb") as sink:
        server = subprocess.Popen(
            [str(HUB), "inbox", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--reports", str(reports)], env=hub.env, stdout=sink, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        await wait_until_healthy(url, server, log_file)
        checked = Inbox(url, passwords, log_file, reports)
        yield checked
        record_axe(checked.axe)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


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


def text_of(driver: WebDriver, css: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, css).text


def click(driver: WebDriver, by: str, value: str) -> None:
    """Click, then wait until the browser has left the page (the click submits or links)."""
    element = driver.find_element(by, value)
    element.click()
    # Chromium may answer the staleness probe mid-navigation with "Node with given id does
    # not belong to the document" (a plain WebDriverException): probe again.
    WebDriverWait(driver, 20, ignored_exceptions=(WebDriverException,)).until(
        staleness_of(element), f"{value} did not navigate")


def sign_in(driver: WebDriver, inbox: Inbox, password: str | None = None, user: str = USER
            ) -> None:
    driver.delete_all_cookies()
    driver.get(f"{inbox.url}/sign-in")
    driver.find_element(By.ID, "user").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password or inbox.passwords[user])
    click(driver, By.ID, "sign-in")


def wait_for(driver: WebDriver, css: str, expected: str, timeout: float = 20) -> None:
    """Wait until ``css`` shows ``expected``, reloading the page as a user presses "Check
    again" (the page does not refresh itself)."""
    def shown(d: WebDriver) -> bool:
        if expected in text_of(d, css):
            return True
        d.refresh()
        return False

    WebDriverWait(driver, timeout, poll_frequency=0.5,
                  ignored_exceptions=(StaleElementReferenceException,)).until(
        shown, f"{css} never showed {expected!r}")


def axe_check(driver: WebDriver, inbox: Inbox, name: str) -> list[dict[str, Any]]:
    """Run axe-core on the page; its serious and critical violations (all are kept by name)."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact,"
        " nodes: v.nodes.map(n => n.target.join(' '))}))), e => done([{id: 'axe-error',"
        " impact: 'critical', nodes: [String(e)]}]));")
    inbox.axe[name] = found
    return [v for v in found if v["impact"] in ("serious", "critical")]


def record_axe(results: dict[str, list[dict[str, Any]]]) -> None:
    """Keep every page's axe-core result (all impacts) in docs/screenshots/axe.json."""
    path = SCREENSHOTS / "axe.json"
    kept = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    kept.update({page: [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])}
                        for v in found] for page, found in results.items()})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict(sorted(kept.items())), indent=1) + "\n", encoding="utf-8")


def screenshot(driver: WebDriver, name: str) -> Path:
    """The whole page as a PNG in docs/screenshots/ (the window grown to the page's height)."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, max(800, min(int(height) + 40, 6000)))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 900)
    return path


def listed(driver: WebDriver) -> list[str]:
    rows = driver.find_elements(By.CSS_SELECTOR, "#tasks tbody tr")
    return [row.get_attribute("data-task-id") or "" for row in rows]


def assert_no_personal_data_in_logs(inbox: Inbox) -> None:
    log_text = inbox.log_file.read_text(encoding="utf-8")
    assert not any(value in log_text for value in PERSONAL)


async def test_sign_in_is_required_and_a_wrong_password_is_refused(
    inbox: Inbox, browser: WebDriver
):
    browser.get(f"{inbox.url}/")
    assert browser.current_url == f"{inbox.url}/sign-in"
    assert not axe_check(browser, inbox, "sign-in")
    sign_in(browser, inbox, inbox.password[::-1])
    assert "Wrong user id or password." in text_of(browser, "#problem")
    assert not axe_check(browser, inbox, "sign-in, wrong password")
    assert not browser.find_elements(By.ID, "who")
    browser.get(f"{inbox.url}/tasks/{SEN_TASK.task_id}")
    assert browser.current_url == f"{inbox.url}/sign-in"
    sign_in(browser, inbox)
    assert browser.current_url == f"{inbox.url}/"
    assert text_of(browser, "#who") == f"Signed in as {USER} (practitioner, {TEAM})"
    forged = browser.get_cookie("hub_inbox")
    assert forged is not None
    value = forged["value"]
    browser.add_cookie({"name": "hub_inbox", "value": value[:-1] + "AB"[value[-1] == "A"]})
    browser.get(f"{inbox.url}/")
    assert browser.current_url == f"{inbox.url}/sign-in"
    assert [line["action"] for line in inbox.audit_lines()][:2] == ["sign-in-refused", "sign-in"]


async def test_claiming_a_task_sends_claim_task_and_shows_the_hub_result(
    hub: Hub, inbox: Inbox, browser: WebDriver, codec: AvroCodec
):
    sign_in(browser, inbox)
    # the team's open tasks, by due date then the most urgent; other teams' and done ones not
    assert listed(browser) == [SEN_HIGH_SAME_DAY.task_id, SEN_TASK.task_id,
                               SEN_URGENT_LATER.task_id]
    click(browser, By.CSS_SELECTOR, f'a[href="/tasks/{SEN_TASK.task_id}"]')
    assert text_of(browser, "#task-status") == "OPEN"
    assert text_of(browser, "#csc-status")
    assert "SEN_ASSESSMENT_IN_PROGRESS" in text_of(browser, "#flags")
    assert "SEN assessment requested by SCHOOL" in text_of(browser, "#timeline")

    click(browser, By.ID, "claim")
    wait_for(browser, "#notice", "Sent, waiting for the hub.")
    assert not axe_check(browser, inbox, "task, waiting for the hub")
    [(key, claim)] = await hub.commands(codec)  # flushed before the redirect
    assert key == CHILD and isinstance(claim, ClaimTask)
    assert (claim.task_id, claim.child_key, claim.by) == (SEN_TASK.task_id, CHILD, USER)

    claimed = SEN_TASK.model_copy(update={"status": TaskStatus.CLAIMED, "assignee": USER,
                                          "changed_by": USER, "version": 2})
    hub.store.apply(claimed)  # what the worker's sink writes after the child processor
    wait_for(browser, "#notice", "Done: the hub has recorded it. The task is CLAIMED")
    assert text_of(browser, "#task-claimed-by").startswith(f"{USER}, since ")
    assert not browser.find_elements(By.ID, "claim")
    browser.get(f"{inbox.url}/?show=mine")
    assert listed(browser) == [SEN_TASK.task_id]
    assert text_of(browser, "#tasks .claimed-by").startswith(f"{USER}\nsince ")

    audited = [(a["action"], a.get("page")) for a in inbox.audit_lines()]
    assert ("view", f"task:{SEN_TASK.task_id}") in audited
    claim_line = next(a for a in inbox.audit_lines() if a["action"] == "claim")
    assert claim_line["user"] == USER and claim_line["command_id"] == claim.command_id
    assert_no_personal_data_in_logs(inbox)


async def test_a_refused_command_shows_the_hubs_reason_and_sen_decisions_are_sent(
    hub: Hub, inbox: Inbox, browser: WebDriver, codec: AvroCodec
):
    sign_in(browser, inbox)
    browser.get(f"{inbox.url}/tasks/{SEN_URGENT_LATER.task_id}")
    browser.find_element(By.ID, "reason").send_keys("Raised twice for the same request")
    click(browser, By.ID, "cancel")
    wait_for(browser, "#notice", "Sent, waiting for the hub.")
    [(_, cancel)] = await hub.commands(codec)
    assert (type(cancel).__name__, cancel.reason) == ("CancelTask",
                                                      "Raised twice for the same request")
    hub.store.apply(CommandRejected(
        command_id=cancel.command_id, command_type="CancelTask", child_key=OTHER_CHILD,
        target_id=SEN_URGENT_LATER.task_id, reason_code=RejectionCode.TASK_CLOSED,
        reason="the task is already done or cancelled", rejected_at=NOW))
    wait_for(browser, "#notice", "The hub refused this: the task is already done or cancelled.")
    assert not axe_check(browser, inbox, "task, refused by the hub")

    browser.get(f"{inbox.url}/tasks/{SEN_TASK.task_id}")
    click(browser, By.ID, "will-not")
    wait_for(browser, "#notice", "Sent, waiting for the hub.")
    [decision] = [c for _, c in await hub.commands(codec)
                  if type(c).__name__ == "RecordSenParticipation"]
    assert (decision.child_key, decision.request_record_id, decision.will_participate,
            decision.by) == (CHILD, "SEN-REQ-1001", False, USER)


async def test_a_post_without_the_csrf_token_is_refused_and_sends_nothing(
    hub: Hub, inbox: Inbox, browser: WebDriver, codec: AvroCodec
):
    sign_in(browser, inbox)
    cookie = browser.get_cookie("hub_inbox")
    assert cookie is not None
    cookies = {"hub_inbox": cookie["value"]}
    async with httpx.AsyncClient(base_url=inbox.url, cookies=cookies) as client:
        no_token = await client.post(f"/tasks/{SEN_TASK.task_id}/claim", data={})
        wrong = await client.post(f"/tasks/{SEN_TASK.task_id}/claim", data={"csrf": "forged"})
        page = await client.get(f"/tasks/{SEN_TASK.task_id}")
    assert (no_token.status_code, wrong.status_code, page.status_code) == (403, 403, 200)
    assert "did not come from the inbox" in no_token.text
    async with httpx.AsyncClient(base_url=inbox.url) as stranger:  # a sign-in from elsewhere
        forged = await stranger.post("/sign-in", data={"user": USER, "password": inbox.password})
    assert forged.status_code == 403 and "hub_inbox" in forged.cookies  # a fresh form only
    assert [a["action"] for a in inbox.audit_lines()].count("sign-in") == 1  # the browser's
    assert await hub.commands(codec) == []
    assert [a["action"] for a in inbox.audit_lines()].count("csrf-refused") == 2


async def test_each_role_sees_its_tasks_only_and_another_teams_task_is_refused(
    hub: Hub, inbox: Inbox, browser: WebDriver
):
    expected = {
        USER: [SEN_HIGH_SAME_DAY.task_id, SEN_TASK.task_id, SEN_URGENT_LATER.task_id],
        "tom.okafor": [SEN_HIGH_SAME_DAY.task_id, SEN_TASK.task_id, SEN_URGENT_LATER.task_id],
        "yusuf.ali": [YJ_TASK.task_id],
        "dee.harper": [REVIEW_TASK.task_id],
    }
    for user, tasks in expected.items():
        sign_in(browser, inbox, user=user)
        team, role = STAFF[user]
        assert text_of(browser, "#who") == f"Signed in as {user} ({role}, {team})"
        assert listed(browser) == tasks, user
        assert not axe_check(browser, inbox, f"inbox as {role} of {team}")
    # another team's task and child: refused, not hidden
    sign_in(browser, inbox, user="yusuf.ali")
    browser.get(f"{inbox.url}/tasks/{SEN_TASK.task_id}")
    assert browser.title.startswith("You cannot see this")
    assert "another team" in text_of(browser, "#problem")
    assert not any(value in browser.page_source for value in PERSONAL)
    assert not axe_check(browser, inbox, "403, another team's task")
    async with httpx.AsyncClient(base_url=inbox.url, cookies={
            "hub_inbox": (browser.get_cookie("hub_inbox") or {})["value"]}) as client:
        task_page = await client.get(f"/tasks/{SEN_TASK.task_id}")
        child_page = await client.get(f"/children/{OTHER_CHILD}")
    assert (task_page.status_code, child_page.status_code) == (403, 403)
    # the administrator manages users and sees no child data
    sign_in(browser, inbox, user="ali.admin")
    assert browser.current_url == f"{inbox.url}/users"  # no tasks: the users page
    assert not browser.find_elements(By.ID, "tasks")
    assert [row.get_attribute("data-user") for row in browser.find_elements(
        By.CSS_SELECTOR, "#users tbody tr")] == ["dee.harper", "ali.admin", USER, "tom.okafor",
                                                 "yusuf.ali"]  # by team, then user id
    assert not axe_check(browser, inbox, "users (admin)")
    browser.find_element(By.ID, "new-user").send_keys("nia.brooks")
    browser.find_element(By.ID, "new-team").send_keys("Front Door")
    click(browser, By.ID, "add-user")
    assert len(text_of(browser, "#new-password")) >= 20
    assert not axe_check(browser, inbox, "users, password issued")
    for path in (f"/tasks/{SEN_TASK.task_id}", f"/children/{CHILD}", "/data-quality"):
        browser.get(f"{inbox.url}{path}")
        assert browser.title.startswith("You cannot see this"), path
    assert_no_personal_data_in_logs(inbox)


async def test_a_practitioner_sees_who_the_child_is_and_the_view_is_audited(
    hub: Hub, inbox: Inbox, browser: WebDriver
):
    sign_in(browser, inbox)
    assert not axe_check(browser, inbox, "inbox")
    browser.find_element(By.ID, "q").send_keys(UPN)
    click(browser, By.ID, "apply")
    assert listed(browser) == [SEN_TASK.task_id]  # the child's task, found by UPN
    assert not axe_check(browser, inbox, "inbox, searched by UPN")
    click(browser, By.CSS_SELECTOR, f'a[href="/tasks/{SEN_TASK.task_id}"]')
    identity = {row.get_attribute("data-field"): row.text for row in
                browser.find_elements(By.CSS_SELECTOR, "#identity .govuk-summary-list__row")}
    assert NAME in identity["name"] and DOB in identity["date-of-birth"]
    assert LA_ID in identity["la-child-id"] and "from csc" in identity["la-child-id"]
    assert UPN in identity["upn"] and NHS in identity["nhs-number"]
    assert "from csc, education-sen, yjs" in identity["upn"]  # one value, every source
    assert CASE_ID in identity["case-system-id"] and "from csc" in identity["case-system-id"]
    assert not axe_check(browser, inbox, "task")
    screenshot(browser, "task")
    click(browser, By.ID, "child-link")
    assert browser.title.startswith(f"Child {CHILD}") and NAME in text_of(browser, "#identity")
    assert not axe_check(browser, inbox, "child")
    screenshot(browser, "child")

    audit = hub.hub("inbox", "audit", "--child", CHILD)
    assert audit.returncode == 0, audit.stderr
    rows = [line.split("\t") for line in audit.stdout.splitlines()[1:]]
    assert [(row[1], row[2], row[3], row[4]) for row in rows] == [
        (USER, CHILD, f"task:{SEN_TASK.task_id}", "127.0.0.1"), (USER, CHILD, "child", "127.0.0.1")]
    by_user = hub.hub("inbox", "audit", "--user", USER)
    assert by_user.stdout.count(CHILD) == 2
    audit_db = (hub.home / ".hub" / "state" / "audit.db").read_bytes()
    assert not any(value.encode() in audit_db for value in PERSONAL)
    assert_no_personal_data_in_logs(inbox)


async def test_filters_paging_counts_and_bulk_claim(
    hub: Hub, inbox: Inbox, browser: WebDriver, codec: AvroCodec
):
    many = [task(f"SEN-REQ-2{i:03}", TaskType.SEN_PARTICIPATION, TODAY - timedelta(days=i % 3),
                 Priority.LOW, OTHER_CHILD) for i in range(30)]
    hub.store.apply_many(many)
    sign_in(browser, inbox, user="tom.okafor")
    counts = browser.find_element(By.CSS_SELECTOR, '#counts tr[data-type="SEN_PARTICIPATION"]')
    overdue = sum(1 for t in many if t.due_date < TODAY)
    assert (counts.find_element(By.CSS_SELECTOR, ".open").text,
            counts.find_element(By.CSS_SELECTOR, ".overdue").text) == ("33", str(overdue))
    assert len(listed(browser)) == 25 and "page 1 of 2" in text_of(browser, "#total")
    click(browser, By.CSS_SELECTOR, ".govuk-pagination__next a")
    assert len(listed(browser)) == 8
    assert not axe_check(browser, inbox, "inbox, page 2")
    browser.get(f"{inbox.url}/?due=overdue&priority=LOW&sort=priority")
    assert len(listed(browser)) == overdue
    assert not axe_check(browser, inbox, "inbox, filtered")
    browser.get(f"{inbox.url}/?priority=URGENT")
    assert listed(browser) == [SEN_URGENT_LATER.task_id]
    browser.find_element(By.ID, "select-1").click()
    click(browser, By.ID, "claim-selected")
    assert "Sent 1 claim(s)" in text_of(browser, "#notice")
    [(_, claim)] = await hub.commands(codec)
    assert isinstance(claim, ClaimTask)
    assert (claim.task_id, claim.by) == (SEN_URGENT_LATER.task_id, "tom.okafor")
    # the team manager gives another task to a practitioner of the team
    browser.get(f"{inbox.url}/tasks/{SEN_TASK.task_id}")
    options = [o.get_attribute("value") for o in browser.find_elements(
        By.CSS_SELECTOR, "#assignee option")]
    assert options == [USER, "tom.okafor"]  # the team's casework staff only
    assert not axe_check(browser, inbox, "task, as team manager (assign)")
    click(browser, By.ID, "assign")
    wait_for(browser, "#notice", "Sent, waiting for the hub.")
    [assign] = [c for _, c in await hub.commands(codec) if type(c).__name__ == "AssignTask"]
    assert (type(assign).__name__, assign.task_id, assign.assignee, assign.by) == (
        "AssignTask", SEN_TASK.task_id, USER, "tom.okafor")
    hub.store.apply(SEN_URGENT_LATER.model_copy(update={  # what the worker records
        "status": TaskStatus.CLAIMED, "assignee": "tom.okafor", "version": 2}))
    browser.get(f"{inbox.url}/")
    screenshot(browser, "inbox")

async def test_the_data_quality_page_and_report_share_the_look(
    inbox: Inbox, browser: WebDriver
):
    sign_in(browser, inbox, user="dee.harper")
    click(browser, By.LINK_TEXT, "Data quality")
    assert browser.title.startswith("Data quality, census year 2025-26")
    assert text_of(browser, "#missing-upn") == "1"
    assert "Identity reviews waiting: 1" in text_of(browser, "#reviews-link")
    assert not axe_check(browser, inbox, "data quality (inbox)")
    sign_in(browser, inbox, user=USER)
    browser.get(f"{inbox.url}/data-quality")
    assert browser.title.startswith("You cannot see this")  # a practitioner's role
    standalone = inbox.reports / "census-2025-26" / "data_quality.html"
    browser.get(standalone.as_uri())
    assert browser.title.startswith("Data quality, census year 2025-26")
    assert text_of(browser, "#missing-upn") == "1"
    background = browser.execute_script(
        "return getComputedStyle(document.querySelector('.govuk-service-navigation'))"
        ".backgroundColor")
    assert background != "rgba(0, 0, 0, 0)"  # the Design System's stylesheet applies
    assert not axe_check(browser, inbox, "data-quality report (standalone file)")
    screenshot(browser, "data-quality-report")


async def test_the_inbox_works_with_the_keyboard_alone(inbox: Inbox, browser: WebDriver):
    browser.get(f"{inbox.url}/sign-in")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Skip to main content"
    browser.switch_to.active_element.send_keys(Keys.ENTER)

    def tab_to(element_id: str) -> None:
        for _ in range(40):
            if browser.switch_to.active_element.get_attribute("id") == element_id:
                return
            browser.switch_to.active_element.send_keys(Keys.TAB)
        pytest.fail(f"tabbing never reached #{element_id}")

    tab_to("user")
    browser.switch_to.active_element.send_keys(USER)
    tab_to("password")
    browser.switch_to.active_element.send_keys(inbox.password + Keys.ENTER)
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "tasks"))
    first = browser.find_element(By.CSS_SELECTOR, "#tasks tbody a")
    for _ in range(60):
        if browser.switch_to.active_element == first:
            break
        browser.switch_to.active_element.send_keys(Keys.TAB)
    assert browser.switch_to.active_element == first, "tabbing never reached the first task"
    first.send_keys(Keys.ENTER)
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "task-status"))
    tab_to("claim")
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait_for(browser, "#notice", "Sent, waiting for the hub.")


async def test_the_cli_sends_the_same_commands_and_refuses_unknown_tasks(
    hub: Hub, codec: AvroCodec
):
    # the CLI sends only for someone the staff directory knows (docs/security.md)
    added = hub.hub("inbox", "add-user", "pat.cli", "--team", "Front Door")
    assert added.returncode == 0, added.stderr
    done = hub.hub("task", "complete", YJ_TASK.task_id, "--by", "pat.cli",
                   "--outcome", "Plan reviewed with the YOT")
    assert done.returncode == 0, done.stderr
    sen = hub.hub("sen", "participation", CHILD, "SEN-REQ-1001", "--will", "--by", "pat.cli")
    assert sen.returncode == 0, sen.stderr
    unknown = hub.hub("task", "claim", "no-such-task", "--by", "pat.cli")
    assert unknown.returncode == 1 and "no task no-such-task" in unknown.stderr
    finished = hub.hub("task", "cancel", SEN_DONE.task_id, "--by", "pat.cli",
                       "--reason", "duplicate")
    assert finished.returncode == 1 and "already DONE" in finished.stderr
    first = hub.hub("inbox", "add-user", "sam.taylor", "--team", "Front Door")
    again = hub.hub("inbox", "add-user", "sam.taylor", "--team", "Front Door")
    reset = hub.hub("inbox", "add-user", "sam.taylor", "--team", "Front Door", "--reset")
    bad_role = hub.hub("inbox", "add-user", "sam.t2", "--team", "Front Door", "--role", "boss")
    assert (first.returncode, again.returncode, reset.returncode, bad_role.returncode) == (
        0, 1, 0, 1)
    assert "exists" in again.stderr and reset.stdout != first.stdout
    assert "role must be one of practitioner, team_manager, data_officer, admin" in " ".join(
        bad_role.stderr.split())
    users = hub.hub("inbox", "list-users").stdout.splitlines()
    assert [line.split("\t")[:3] for line in users] == [
        ["pat.cli", "Front Door", "practitioner"], ["sam.taylor", "Front Door", "practitioner"]]
    sent = await hub.commands(codec)
    assert [(key, type(c).__name__) for key, c in sent] == [
        (CHILD, "CompleteTask"), (CHILD, "RecordSenParticipation")]
    assert sent[0][1].outcome == "Plan reviewed with the YOT" and sent[1][1].will_participate


async def test_answering_a_possible_match_sends_review_possible_match(
    hub: Hub, inbox: Inbox, browser: WebDriver, codec: AvroCodec
):
    sign_in(browser, inbox, user=USER)
    browser.get(f"{inbox.url}/tasks/{REVIEW_TASK.task_id}")
    assert browser.title.startswith("You cannot see this")  # Data Quality's task
    sign_in(browser, inbox, user="dee.harper")
    browser.get(f"{inbox.url}/tasks/{REVIEW_TASK.task_id}")
    assert text_of(browser, "#task-type") == "Possible match review"
    assert OTHER_CHILD in text_of(browser, "#candidate")
    assert not browser.find_elements(By.ID, "complete")  # the answer closes the task
    assert browser.find_elements(By.ID, "not-same-child")
    assert browser.find_elements(By.CSS_SELECTOR, "#split form")  # undo a merge
    browser.find_element(By.CSS_SELECTOR, "#split summary").click()
    assert not axe_check(browser, inbox, "possible match review, split form open")

    click(browser, By.ID, "same-child")
    wait_for(browser, "#notice", "Sent, waiting for the hub.")
    [(key, review)] = await hub.commands(codec)  # flushed before the redirect
    assert key == CHILD and isinstance(review, ReviewPossibleMatch)
    assert (review.same_child, review.child_key, review.candidate_key, review.by) == (
        True, CHILD, OTHER_CHILD, "dee.harper")

    done = REVIEW_TASK.model_copy(update={"status": TaskStatus.DONE, "version": 2,
                                          "resolution": "Same child: merged",
                                          "changed_by": "dee.harper"})
    hub.store.apply(done)  # what the child processor writes after the resolver merged
    wait_for(browser, "#notice", "Done: the hub has recorded it. The task is DONE.")
    assert not axe_check(browser, inbox, "task, done")
    line = next(a for a in inbox.audit_lines() if a["action"] == "review")
    assert (line["user"], line["task_id"], line["child_key"], line["command_id"]) == (
        "dee.harper", REVIEW_TASK.task_id, CHILD, review.command_id)


async def test_splitting_ticked_records_sends_split_child_and_shows_when_it_is_done(
    hub: Hub, inbox: Inbox, browser: WebDriver, codec: AvroCodec
):
    sign_in(browser, inbox)
    browser.get(f"{inbox.url}/tasks/{SEN_TASK.task_id}")
    assert not browser.find_elements(By.ID, "split")  # a data officer's work
    sign_in(browser, inbox, user="dee.harper")
    browser.get(f"{inbox.url}/tasks/{REVIEW_TASK.task_id}")
    browser.find_element(By.CSS_SELECTOR, "#split summary").click()  # the form is folded
    boxes = browser.find_elements(By.CSS_SELECTOR, '#person-records input[type="checkbox"]')
    assert sorted(box.get_attribute("value") or "" for box in boxes) == sorted(CHILD_RECORDS)
    box = browser.find_element(By.CSS_SELECTOR, 'input[value="csc:LCS-7"]')
    browser.find_element(By.CSS_SELECTOR, f'label[for="{box.get_attribute("id")}"]').click()
    browser.find_element(By.ID, "split-reason").send_keys("Twins merged by mistake")
    click(browser, By.ID, "split-records")
    wait_for(browser, "#notice", "Sent, waiting for the hub.")
    [(key, split)] = await hub.commands(codec)
    assert key == CHILD and isinstance(split, SplitChild)
    assert (split.record_ids, split.by, split.reason) == (
        ("csc:LCS-7",), "dee.harper", "Twins merged by mistake")

    hub.store.apply(r.decision(  # what the sink writes after the resolver split the record
        "s-1", snapshot("csc:LCS-7"), kind=IdentityDecisionKind.SPLIT,
        child_key=OTHER_CHILD, candidate_key=CHILD, record_ids=("csc:LCS-7",)))
    wait_for(browser, "#notice", "Done: the hub has split the records out of this child.")
    assert [v.record_id for v in hub.store.person_records(CHILD)] == [
        "education-sen:SEN-REQ-1001", "yjs:YOT-3"]
    line = next(a for a in inbox.audit_lines() if a["action"] == "split")
    assert (line["user"], line["child_key"], line["record_ids"], line["result"]) == (
        "dee.harper", CHILD, ["csc:LCS-7"], "sent")


async def test_the_cli_answers_reviews_and_splits_records(hub: Hub, codec: AvroCodec):
    added = hub.hub("inbox", "add-user", "dana.cli", "--team", "Data", "--role", "data_officer")
    assert added.returncode == 0, added.stderr
    not_same = hub.hub("review", "not-same", REVIEW_TASK.task_id, "--by", "dana.cli")
    assert not_same.returncode == 0, not_same.stderr
    split = hub.hub("review", "split", CHILD, "education-sen:SEN-REQ-1001", "csc:LCS-7",
                    "--by", "dana.cli", "--reason", "Twins merged by mistake")
    assert split.returncode == 0, split.stderr
    assert f"for child {CHILD} to " in split.stdout
    not_review = hub.hub("review", "same", SEN_TASK.task_id, "--by", "dana.cli")
    assert not_review.returncode == 1
    assert "not a possible-match review" in " ".join(not_review.stderr.split())  # rich wraps
    unknown = hub.hub("review", "split", "CH-000000000000", "csc:LCS-7", "--by",
                      "dana.cli", "--reason", "wrong child")
    assert unknown.returncode == 1
    assert "no child CH-000000000000 in the hub store" in " ".join(unknown.stderr.split())
    not_held = hub.hub("review", "split", CHILD, "yjs:YOT-404", "--by",
                       "dana.cli", "--reason", "wrong record")
    assert not_held.returncode == 1
    assert f"{CHILD} does not hold yjs:YOT-404" in " ".join(not_held.stderr.split())
    sent = await hub.commands(codec)
    assert [(key, type(c).__name__) for key, c in sent] == [
        (CHILD, "ReviewPossibleMatch"), (CHILD, "SplitChild")]
    review, split_child = sent[0][1], sent[1][1]
    assert isinstance(review, ReviewPossibleMatch) and not review.same_child
    assert review.candidate_key == OTHER_CHILD
    assert isinstance(split_child, SplitChild) and split_child.record_ids == (
        "education-sen:SEN-REQ-1001", "csc:LCS-7")


def test_the_axe_check_finds_violations_when_there_are_some(browser: WebDriver, tmp_path: Path):
    """The accessibility check can fail: a page with an unlabelled field and an image
    without alternative text gets serious and critical violations."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!doctype html><html><head><title>x</title></head><body>'
                   '<img src="x.png"><form><input type="text"></form></body></html>',
                   encoding="utf-8")
    browser.get(bad.as_uri())
    found = {v["id"] for v in axe_check(browser, Inbox("", {}, bad, tmp_path), "bad page")}
    assert {"image-alt", "label"} <= found
