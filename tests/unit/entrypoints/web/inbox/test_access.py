"""The inbox's roles, need-to-know, audit of child views and session hardening, through the
real Starlette app with the in-memory store and event log (the browser tests drive the same
app over HTTP in Chromium)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from hub.adapters.audit_sqlite import SqliteAuditLog
from hub.adapters.avro.codec import AvroCodec
from hub.adapters.keys.sign_in_attempts import SqliteSignInAttempts
from hub.adapters.keys.staff_users import SqliteStaffUsers
from hub.adapters.memory.log import InMemoryEventLog
from hub.adapters.memory.store import InMemoryHubStore
from hub.domain.outputs.codes import TaskStatus, TaskType
from hub.entrypoints.web.inbox.app import InboxParts, create_app
from hub.entrypoints.web.inbox.session import SessionSigner
from hub.topics_spec import load_topic_specs
from hub.usecases.child_views import ChildViews
from hub.usecases.publishing import Publisher
from tests.conftest import REPO
from tests.contract import store_records as r

NOW = datetime.now(UTC)
CHILD, OTHER = "CH-aaaaaaaaaaaa", "CH-bbbbbbbbbbbb"
MINE = r.task("t-mine", team="SEN Liaison", child_key=CHILD)
THEIRS = r.task("t-theirs", team="Front Door", child_key=OTHER,
                task_type=TaskType.CONTACT_SCREENING)
REVIEW = r.task("t-review", team="Data Quality", child_key=OTHER,
                task_type=TaskType.POSSIBLE_MATCH_REVIEW, related_child_key=CHILD)
ROLES = {"pat": ("SEN Liaison", "practitioner"), "tom": ("SEN Liaison", "team_manager"),
         "dot": ("Data Quality", "data_officer"), "ada": ("IT", "admin"),
         "fay": ("Front Door", "practitioner")}


class Inbox:
    def __init__(self, client: TestClient, passwords: dict[str, str], parts: InboxParts,
                 log: InMemoryEventLog) -> None:
        self.client, self.passwords, self.parts, self.log = client, passwords, parts, log

    def csrf(self, path: str = "/sign-in") -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', self.client.get(path).text)
        assert found
        return found.group(1)

    def sign_in(self, user: str, password: str | None = None) -> Any:
        token = self.csrf()
        return self.client.post("/sign-in", data={
            "csrf": token, "user": user, "password": password or self.passwords[user]},
            follow_redirects=False)


@pytest.fixture
def inbox(tmp_path: Path, codec: AvroCodec) -> Iterator[Inbox]:
    store = InMemoryHubStore()
    store.apply_many([
        r.decision("d-1", r.snapshot("csc:LCS-7", source_system="csc", source_id="LCS-7",
                                     la_child_id="LA-77"), child_key=CHILD),
        MINE, THEIRS, REVIEW])
    users = SqliteStaffUsers(tmp_path / "users.db")
    passwords = {u: users.add(u, team, NOW, role=role) for u, (team, role) in ROLES.items()}
    parts = InboxParts(users, SqliteSignInAttempts(tmp_path / "users.db"),
                       SqliteAuditLog(tmp_path / "audit.db"),
                       SessionSigner(b"0123456789abcdef0123"))
    specs = load_topic_specs(REPO / "topics.yaml", "")
    log = InMemoryEventLog({spec.name: spec.partitions for spec in specs})

    @asynccontextmanager
    async def publisher() -> AsyncIterator[Publisher]:
        yield Publisher(log, codec, specs)

    with TestClient(create_app(publisher, store, parts)) as client:
        yield Inbox(client, passwords, parts, log)


def listed(html: str) -> list[str]:
    return re.findall(r'data-task-id="([^"]+)"', html)


@pytest.mark.parametrize(("user", "expected"), [
    ("pat", ["t-mine"]), ("tom", ["t-mine"]), ("dot", ["t-review"]), ("fay", ["t-theirs"])])
def test_each_role_lists_only_the_tasks_it_needs_to_know(inbox: Inbox, user: str,
                                                         expected: list[str]):
    inbox.sign_in(user)
    page = inbox.client.get("/")
    assert page.status_code == 200 and listed(page.text) == expected
    assert f"Signed in as <strong>{user}</strong> ({ROLES[user][1]}, {ROLES[user][0]})" in page.text


def test_another_teams_task_child_and_actions_are_refused_with_403(inbox: Inbox):
    inbox.sign_in("pat")
    assert inbox.client.get("/tasks/t-theirs").status_code == 403
    assert inbox.client.get(f"/children/{OTHER}").status_code == 403
    token = inbox.csrf("/")
    claim = inbox.client.post("/tasks/t-theirs/claim", data={"csrf": token})
    review = inbox.client.post("/tasks/t-review/review", data={"csrf": token, "same": "yes"})
    assert (claim.status_code, review.status_code) == (403, 403)
    bulk = inbox.client.post("/tasks/claim", data={"csrf": token, "task": "t-theirs"},
                             follow_redirects=False)
    assert bulk.headers["location"] == "/?claimed=0"
    assert not any(inbox.log._records.values())  # nothing was sent


def test_an_admin_sees_users_but_no_child_data(inbox: Inbox):
    assert inbox.sign_in("ada").headers["location"] == "/users"
    assert inbox.client.get("/users").status_code == 200
    for path in ("/", "/tasks/t-mine", f"/children/{CHILD}", "/data-quality"):
        assert inbox.client.get(path).status_code == 403, path
    assert ChildViews(inbox.parts.audit).by_user("ada") == []


def test_a_practitioner_sees_who_the_child_is_and_the_view_is_audited(inbox: Inbox):
    inbox.sign_in("pat")
    page = inbox.client.get("/tasks/t-mine").text
    for shown in ("Ada Lovelace", "10/12/2014", "LA-77", "A123456789012", "9434765919",
                  "LCS-7"):
        assert shown in page
    [view] = ChildViews(inbox.parts.audit).of_child(CHILD)
    assert (view.user_id, view.page, view.client_address) == ("pat", "task:t-mine",
                                                              "testclient")
    assert inbox.client.get("/users").status_code == 403


def test_a_data_officer_may_open_a_possible_matchs_candidate_child(inbox: Inbox):
    inbox.sign_in("dot")
    assert inbox.client.get(f"/children/{CHILD}").status_code == 200
    assert inbox.client.get("/tasks/t-mine").status_code == 403


def test_search_by_upn_name_and_date_of_birth_finds_the_child(inbox: Inbox):
    inbox.sign_in("pat")
    for query in ("A123456789012", "ada love", "10/12/2014", "LA-77"):
        assert listed(inbox.client.get("/", params={"q": query}).text) == ["t-mine"], query
    assert listed(inbox.client.get("/", params={"q": "Grace"}).text) == []


def test_repeated_failures_lock_the_user_out_even_with_the_right_password(inbox: Inbox):
    for _ in range(5):
        assert inbox.sign_in("pat", "wrong").status_code == 401
    locked = inbox.sign_in("pat")
    assert locked.status_code == 429 and "Too many failed sign-ins" in locked.text
    assert inbox.sign_in("tom").status_code == 303  # another user from the same address


def test_signing_out_ends_every_session_of_the_user(inbox: Inbox):
    inbox.sign_in("pat")
    copied = inbox.client.cookies.get("hub_inbox")
    token = inbox.csrf("/")
    inbox.client.post("/sign-out", data={"csrf": token})
    inbox.client.cookies.set("hub_inbox", copied or "")
    again = inbox.client.get("/", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/sign-in"


def test_a_session_idle_too_long_is_over(inbox: Inbox, monkeypatch: pytest.MonkeyPatch):
    inbox.sign_in("pat")
    assert inbox.client.get("/", follow_redirects=False).status_code == 200
    later = datetime.now(UTC).timestamp() + 31 * 60
    monkeypatch.setattr("hub.entrypoints.web.inbox.session.time.time", lambda: later)
    assert inbox.client.get("/", follow_redirects=False).status_code == 303


def test_pages_send_a_tight_csp_with_a_nonce_for_the_design_systems_script(inbox: Inbox):
    page = inbox.client.get("/sign-in")
    csp = page.headers["content-security-policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce and f'nonce="{nonce.group(1)}"' in page.text
    assert "unsafe-inline" not in csp and "default-src 'none'" in csp
    assert inbox.client.get("/assets/govuk-frontend.min.css").status_code == 200
    assert inbox.client.get("/assets/package.json").status_code == 404


def test_claimed_tasks_show_who_and_since_when(inbox: Inbox):
    store = inbox.client.app.state.store  # type: ignore[attr-defined]
    store.apply(MINE.model_copy(update={"status": TaskStatus.CLAIMED, "assignee": "tom",
                                        "version": 2, "changed_at": NOW - timedelta(hours=1)}))
    inbox.sign_in("pat")
    page = inbox.client.get("/").text
    assert re.search(r'class="govuk-table__cell claimed-by">tom<br><span class="govuk-body-s">'
                     r"since \d\d \w{3} \d{4} \d\d:\d\d", page)


def test_only_a_team_manager_assigns_and_only_to_the_tasks_team(inbox: Inbox, codec: AvroCodec):
    inbox.sign_in("pat")
    token = inbox.csrf("/")
    assert inbox.client.post("/tasks/t-mine/assign", data={
        "csrf": token, "assignee": "pat"}).status_code == 403
    inbox.sign_in("tom")
    token = inbox.csrf("/")
    page = inbox.client.get("/tasks/t-mine").text
    assert re.findall(r'<option value="([^"]+)"', page) == ["pat", "tom"]  # the team's staff
    outsider = inbox.client.post("/tasks/t-mine/assign", data={"csrf": token, "assignee": "fay"})
    assert outsider.status_code == 422
    given = inbox.client.post("/tasks/t-mine/assign", data={"csrf": token, "assignee": "pat"},
                              follow_redirects=False)
    assert given.status_code == 303
    [record] = [rec for recs in inbox.log._records.values() for rec in recs]
    command = codec.decode(record.value)
    assert (type(command).__name__, command.assignee, command.by) == ("AssignTask", "pat", "tom")
