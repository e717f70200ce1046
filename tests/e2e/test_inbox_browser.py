"""The web inbox as CSC staff meet it: a real Chromium driving ``hub inbox serve``.

Each test runs ``hub inbox serve`` as a subprocess on a free port, against a SQLite hub store
filled through the store API with the tasks the worker would have written, and against the
session's real Kafka broker on private topics. Staff users are added with the real
``hub inbox add-user``. What the inbox sends is read back from the commands topic; what the
worker would answer is applied to the store by the test, and the page must show it.

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
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import WebDriverWait

from hub.adapters.avro.codec import AvroCodec
from hub.adapters.kafka.admin import apply_topics
from hub.adapters.kafka.log import read_topic
from hub.adapters.store.sql.store import SqlHubStore
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
USER, TEAM = "amira.khan", "SEN Liaison"
CHILD, OTHER_CHILD = "CH-3f9a0c61b2d4", "CH-77e1b09d5a30"
TODAY = datetime.now(UTC).date()
NOW = datetime.now(UTC)
PERSONAL = ("Ada", "Lovelace", "A123456789012", "9434765919", "LS1 4AP", "2014-12-10")
CHILD_RECORDS = ("education-sen:SEN-REQ-1001", "csc-lcs:LCS-7", "yjs:YOT-3")


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


def fill(store: SqlHubStore) -> None:
    store.apply_many([
        # the child's person records, with names and identifiers the inbox must not show
        *(r.decision(f"id-{i}", r.snapshot(record_id, source_system=record_id.split(":")[0]),
                     child_key=CHILD, kind=IdentityDecisionKind.NEW if i == 0 else
                     IdentityDecisionKind.LINK) for i, record_id in enumerate(CHILD_RECORDS)),
        r.entry("evt-SEN-REQ-1001", NOW - timedelta(days=1), child_key=CHILD,
                summary="SEN assessment requested by SCHOOL"),
        r.entry("evt-csc-1", NOW - timedelta(days=30), child_key=CHILD,
                event_type="CscStatusChanged", source_system="csc-lcs",
                summary="CSC status change: CIN_PLAN_STARTED"),
        r.raised("flag-1", FlagCode.SEN_ASSESSMENT_IN_PROGRESS, TODAY - timedelta(days=1),
                 child_key=CHILD, summary="SEN assessment requested"),
        SEN_TASK, SEN_URGENT_LATER, SEN_HIGH_SAME_DAY, SEN_DONE, YJ_TASK,
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
    password: str
    log_file: Path

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


@pytest.fixture
async def inbox(hub: Hub, tmp_path: Path) -> AsyncIterator[Inbox]:
    added = hub.hub("inbox", "add-user", USER, "--team", TEAM)
    assert added.returncode == 0, added.stderr
    port, log_file = free_port(), tmp_path / "inbox.log"
    with log_file.open("wb") as sink:
        server = subprocess.Popen(
            [str(HUB), "inbox", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=hub.env, stdout=sink, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        await wait_until_healthy(url, server, log_file)
        yield Inbox(url, added.stdout.strip(), log_file)
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
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"):
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


def sign_in(driver: WebDriver, inbox: Inbox, password: str) -> None:
    driver.get(f"{inbox.url}/sign-in")
    driver.find_element(By.ID, "user").send_keys(USER)
    driver.find_element(By.ID, "password").send_keys(password)
    click(driver, By.ID, "sign-in")


def wait_for(driver: WebDriver, css: str, expected: str, timeout: float = 20) -> None:
    """Wait until ``css`` shows ``expected`` (the task page refreshes itself while waiting)."""
    WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: expected in text_of(d, css), f"{css} never showed {expected!r}")


def listed(driver: WebDriver) -> list[str]:
    rows = driver.find_elements(By.CSS_SELECTOR, "#tasks tbody tr")
    return [row.get_attribute("data-task-id") or "" for row in rows]


async def test_sign_in_is_required_and_a_wrong_password_is_refused(
    inbox: Inbox, browser: WebDriver
):
    browser.get(f"{inbox.url}/")
    assert browser.current_url == f"{inbox.url}/sign-in"
    sign_in(browser, inbox, inbox.password[::-1])
    assert text_of(browser, "#problem") == "Wrong user id or password."
    assert not browser.find_elements(By.ID, "who")
    browser.get(f"{inbox.url}/tasks/{SEN_TASK.task_id}")
    assert browser.current_url == f"{inbox.url}/sign-in"
    sign_in(browser, inbox, inbox.password)
    assert browser.current_url == f"{inbox.url}/"
    assert text_of(browser, "#who") == f"{USER} ({TEAM})"
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
    sign_in(browser, inbox, inbox.password)
    # the team's open tasks, by due date then the most urgent; other teams' and done ones not
    assert listed(browser) == [SEN_HIGH_SAME_DAY.task_id, SEN_TASK.task_id,
                               SEN_URGENT_LATER.task_id]
    click(browser, By.ID, "show-all")
    assert listed(browser)[0] == YJ_TASK.task_id and SEN_DONE.task_id not in listed(browser)
    click(browser, By.CSS_SELECTOR, f'a[href="/tasks/{SEN_TASK.task_id}"]')
    assert text_of(browser, "#task-status") == "OPEN"
    assert text_of(browser, "#csc-status").startswith("CSC status: ")
    assert "SEN_ASSESSMENT_IN_PROGRESS" in text_of(browser, "#flags")
    assert "SEN assessment requested by SCHOOL" in text_of(browser, "#timeline")
    assert not any(value in browser.page_source for value in PERSONAL)

    click(browser, By.ID, "claim")
    wait_for(browser, "#notice", "Sent, waiting for the hub.")
    [(key, claim)] = await hub.commands(codec)  # flushed before the redirect
    assert key == CHILD and isinstance(claim, ClaimTask)
    assert (claim.task_id, claim.child_key, claim.by) == (SEN_TASK.task_id, CHILD, USER)

    claimed = SEN_TASK.model_copy(update={"status": TaskStatus.CLAIMED, "assignee": USER,
                                          "changed_by": USER, "version": 2})
    hub.store.apply(claimed)  # what the worker's sink writes after the child processor
    wait_for(browser, "#notice", "Done: the hub has recorded it. The task is CLAIMED")
    assert text_of(browser, "#task-claimed-by") == USER
    assert not browser.find_elements(By.ID, "claim")
    browser.get(f"{inbox.url}/?show=mine")
    assert listed(browser) == [SEN_TASK.task_id]
    assert text_of(browser, "#tasks .claimed-by") == USER

    audited = [(a["action"], a.get("task_id")) for a in inbox.audit_lines()]
    assert ("view", SEN_TASK.task_id) in audited and ("claim", SEN_TASK.task_id) in audited
    claim_line = next(a for a in inbox.audit_lines() if a["action"] == "claim")
    assert claim_line["user"] == USER and claim_line["command_id"] == claim.command_id
    log_text = inbox.log_file.read_text(encoding="utf-8")
    assert not any(value in log_text for value in PERSONAL)


async def test_a_refused_command_shows_the_hubs_reason_and_sen_decisions_are_sent(
    hub: Hub, inbox: Inbox, browser: WebDriver, codec: AvroCodec
):
    sign_in(browser, inbox, inbox.password)
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
    sign_in(browser, inbox, inbox.password)
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


async def test_the_cli_sends_the_same_commands_and_refuses_unknown_tasks(
    hub: Hub, codec: AvroCodec
):
    done = hub.hub("task", "complete", YJ_TASK.task_id, "--by", "sam.taylor",
                   "--outcome", "Plan reviewed with the YOT")
    assert done.returncode == 0, done.stderr
    sen = hub.hub("sen", "participation", CHILD, "SEN-REQ-1001", "--will", "--by", "sam.taylor")
    assert sen.returncode == 0, sen.stderr
    unknown = hub.hub("task", "claim", "no-such-task", "--by", "sam.taylor")
    assert unknown.returncode == 1 and "no task no-such-task" in unknown.stderr
    finished = hub.hub("task", "cancel", SEN_DONE.task_id, "--by", "sam.taylor",
                       "--reason", "duplicate")
    assert finished.returncode == 1 and "already DONE" in finished.stderr
    first = hub.hub("inbox", "add-user", "sam.taylor", "--team", "Front Door")
    again = hub.hub("inbox", "add-user", "sam.taylor", "--team", "Front Door")
    reset = hub.hub("inbox", "add-user", "sam.taylor", "--team", "Front Door", "--reset")
    assert (first.returncode, again.returncode, reset.returncode) == (0, 1, 0)
    assert "exists" in again.stderr and reset.stdout != first.stdout
    sent = await hub.commands(codec)
    assert [(key, type(c).__name__) for key, c in sent] == [
        (CHILD, "CompleteTask"), (CHILD, "RecordSenParticipation")]
    assert sent[0][1].outcome == "Plan reviewed with the YOT" and sent[1][1].will_participate


async def test_answering_a_possible_match_sends_review_possible_match(
    hub: Hub, inbox: Inbox, browser: WebDriver, codec: AvroCodec
):
    hub.store.apply(REVIEW_TASK)  # the worker raised it from the resolver's PossibleMatchRaised
    sign_in(browser, inbox, inbox.password)
    browser.get(f"{inbox.url}/tasks/{REVIEW_TASK.task_id}")
    assert text_of(browser, "#task-type") == "POSSIBLE_MATCH_REVIEW"
    assert OTHER_CHILD in text_of(browser, "#candidate")
    assert not browser.find_elements(By.ID, "complete")  # the answer closes the task
    assert browser.find_elements(By.ID, "not-same-child")
    assert browser.find_elements(By.CSS_SELECTOR, "#split form")  # undo a merge, on any task
    assert not any(value in browser.page_source for value in PERSONAL)

    click(browser, By.ID, "same-child")
    wait_for(browser, "#notice", "Sent, waiting for the hub.")
    [(key, review)] = await hub.commands(codec)  # flushed before the redirect
    assert key == CHILD and isinstance(review, ReviewPossibleMatch)
    assert (review.same_child, review.child_key, review.candidate_key, review.by) == (
        True, CHILD, OTHER_CHILD, USER)

    done = REVIEW_TASK.model_copy(update={"status": TaskStatus.DONE, "version": 2,
                                          "resolution": "Same child: merged",
                                          "changed_by": USER})
    hub.store.apply(done)  # what the child processor writes after the resolver merged
    wait_for(browser, "#notice", "Done: the hub has recorded it. The task is DONE.")
    line = next(a for a in inbox.audit_lines() if a["action"] == "review")
    assert (line["user"], line["task_id"], line["child_key"], line["command_id"]) == (
        USER, REVIEW_TASK.task_id, CHILD, review.command_id)


async def test_splitting_ticked_records_sends_split_child_and_shows_when_it_is_done(
    hub: Hub, inbox: Inbox, browser: WebDriver, codec: AvroCodec
):
    sign_in(browser, inbox, inbox.password)
    browser.get(f"{inbox.url}/tasks/{SEN_TASK.task_id}")
    browser.find_element(By.CSS_SELECTOR, "#split summary").click()  # the form is folded
    boxes = browser.find_elements(By.CSS_SELECTOR, '#person-records input[type="checkbox"]')
    assert sorted(box.get_attribute("value") or "" for box in boxes) == sorted(CHILD_RECORDS)
    assert "csc-lcs" in text_of(browser, "#person-records")
    assert not any(value in browser.page_source for value in PERSONAL)
    browser.find_element(By.CSS_SELECTOR, 'input[value="csc-lcs:LCS-7"]').click()
    browser.find_element(By.ID, "split-reason").send_keys("Twins merged by mistake")
    click(browser, By.ID, "split-records")
    wait_for(browser, "#notice", "Sent, waiting for the hub.")
    [(key, split)] = await hub.commands(codec)
    assert key == CHILD and isinstance(split, SplitChild)
    assert (split.record_ids, split.by, split.reason) == (
        ("csc-lcs:LCS-7",), USER, "Twins merged by mistake")

    hub.store.apply(r.decision(  # what the sink writes after the resolver split the record
        "s-1", r.snapshot("csc-lcs:LCS-7", source_system="csc-lcs"),
        kind=IdentityDecisionKind.SPLIT, child_key=OTHER_CHILD, candidate_key=CHILD,
        record_ids=("csc-lcs:LCS-7",)))
    wait_for(browser, "#notice", "Done: the hub has split the records out of this child.")
    assert [v.record_id for v in hub.store.person_records(CHILD)] == [
        "education-sen:SEN-REQ-1001", "yjs:YOT-3"]
    line = next(a for a in inbox.audit_lines() if a["action"] == "split")
    assert (line["user"], line["child_key"], line["record_ids"], line["result"]) == (
        USER, CHILD, ["csc-lcs:LCS-7"], "sent")


async def test_the_cli_answers_reviews_and_splits_records(hub: Hub, codec: AvroCodec):
    hub.store.apply(REVIEW_TASK)
    not_same = hub.hub("review", "not-same", REVIEW_TASK.task_id, "--by", "sam.taylor")
    assert not_same.returncode == 0, not_same.stderr
    split = hub.hub("review", "split", CHILD, "education-sen:SEN-REQ-1001", "csc-lcs:LCS-7",
                    "--by", "sam.taylor", "--reason", "Twins merged by mistake")
    assert split.returncode == 0, split.stderr
    assert f"for child {CHILD} to " in split.stdout
    not_review = hub.hub("review", "same", SEN_TASK.task_id, "--by", "sam.taylor")
    assert not_review.returncode == 1
    assert "not a possible-match review" in " ".join(not_review.stderr.split())  # rich wraps
    unknown = hub.hub("review", "split", "CH-000000000000", "csc-lcs:LCS-7", "--by",
                      "sam.taylor", "--reason", "wrong child")
    assert unknown.returncode == 1
    assert "no child CH-000000000000 in the hub store" in " ".join(unknown.stderr.split())
    not_held = hub.hub("review", "split", CHILD, "yjs:YOT-404", "--by", "sam.taylor",
                       "--reason", "wrong record")
    assert not_held.returncode == 1
    assert f"{CHILD} does not hold yjs:YOT-404" in " ".join(not_held.stderr.split())
    sent = await hub.commands(codec)
    assert [(key, type(c).__name__) for key, c in sent] == [
        (CHILD, "ReviewPossibleMatch"), (CHILD, "SplitChild")]
    review, split_child = sent[0][1], sent[1][1]
    assert isinstance(review, ReviewPossibleMatch) and not review.same_child
    assert review.candidate_key == OTHER_CHILD
    assert isinstance(split_child, SplitChild) and split_child.record_ids == (
        "education-sen:SEN-REQ-1001", "csc-lcs:LCS-7")
