"""The inbox under a failing event log, its readiness, and what it leaves on the audit trail:
refused sign-ins (who, from where, why; never the password), sessions ended by a password
reset, lockout under a stream of wrong passwords, and child views moved from the former
``inbox_audit.db``. The real Starlette app; the broker itself is stopped in
tests/faults/test_inbox_outage.py."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from prometheus_client import REGISTRY
from starlette.testclient import TestClient

from hub import bootstrap
from hub.adapters.audit_sqlite import SqliteAuditLog
from hub.adapters.avro.codec import AvroCodec
from hub.adapters.keys.sign_in_attempts import SqliteSignInAttempts
from hub.adapters.keys.staff_users import SqliteStaffUsers
from hub.adapters.memory.log import InMemoryEventLog
from hub.adapters.memory.store import InMemoryHubStore
from hub.audit import AuditQuery
from hub.config import Settings
from hub.entrypoints.web.inbox.app import InboxParts, create_app
from hub.entrypoints.web.inbox.session import SessionSigner
from hub.entrypoints.web.readiness import ReadyCheck
from hub.topics_spec import load_topic_specs
from hub.usecases.child_views import CHILD_VIEW, ChildViews
from hub.usecases.publishing import Publisher
from tests.conftest import REPO
from tests.unit.entrypoints.web.inbox.test_access import CHILD, MINE, NOW, ROLES, Inbox


class UnreachableLog(InMemoryEventLog):
    """An event log whose broker does not acknowledge: what the bounded log raises then."""

    async def append_acked(self, topic: str, key: str, value: bytes) -> None:
        raise TimeoutError("not acknowledged within 4.5 s")


def make_inbox(tmp_path: Path, codec: AvroCodec, log: InMemoryEventLog,
               ready: dict[str, ReadyCheck] | None = None) -> Iterator[Inbox]:
    store = InMemoryHubStore()
    store.apply_many([MINE])
    users = SqliteStaffUsers(tmp_path / "users.db")
    passwords = {u: users.add(u, team, NOW, role=role) for u, (team, role) in ROLES.items()}
    parts = InboxParts(users, SqliteSignInAttempts(tmp_path / "users.db"),
                       SqliteAuditLog(tmp_path / "audit.db"),
                       SessionSigner(b"0123456789abcdef0123"))
    specs = load_topic_specs(REPO / "topics.yaml", "")

    @asynccontextmanager
    async def publisher() -> AsyncIterator[Publisher]:
        yield Publisher(log, codec, specs)

    with TestClient(create_app(publisher, store, parts, ready_checks=ready)) as client:
        yield Inbox(client, passwords, parts, log)


def partitions() -> dict[str, int]:
    return {s.name: s.partitions for s in load_topic_specs(REPO / "topics.yaml", "")}


@pytest.fixture
def inbox(tmp_path: Path, codec: AvroCodec) -> Iterator[Inbox]:
    yield from make_inbox(tmp_path, codec, InMemoryEventLog(partitions()))


@pytest.fixture
def cut_off(tmp_path: Path, codec: AvroCodec) -> Iterator[Inbox]:
    async def down() -> bool:
        return False

    async def up() -> bool:
        return True

    yield from make_inbox(tmp_path, codec, UnreachableLog(partitions()),
                          {"broker": down, "store": up})


def trail(inbox: Inbox, action: str) -> list[tuple[str, str | None, str]]:
    records = inbox.parts.audit.query(AuditQuery(action=action))
    return [(r.actor, r.address, r.outcome) for r in records]


def failures(reason: str) -> float:
    return REGISTRY.get_sample_value("hub_sign_in_failures_total", {"reason": reason}) or 0.0


def test_a_command_the_log_does_not_acknowledge_is_answered_503_not_sent(cut_off: Inbox):
    cut_off.sign_in("pat")
    token = cut_off.csrf("/")
    answer = cut_off.client.post("/tasks/t-mine/claim", data={"csrf": token},
                                 follow_redirects=False)
    assert answer.status_code == 503
    assert answer.headers["retry-after"].isdigit()
    assert "Not sent: try again" in answer.text and "nothing was sent" in answer.text
    assert 'class="govuk-' in answer.text  # the Design System's page, not a bare error
    assert trail(cut_off, "inbox.claim") == [("pat", "testclient", "not-sent")]
    bulk = cut_off.client.post("/tasks/claim", data={"csrf": token, "task": "t-mine"})
    assert bulk.status_code == 503 and "retry-after" in bulk.headers


def test_readyz_names_the_broker_while_healthz_stays_alive(cut_off: Inbox):
    ready = cut_off.client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"broker": "down", "store": "ok"}
    assert cut_off.client.get("/healthz").status_code == 200


def test_a_sent_command_is_on_the_trail_with_the_child_key(inbox: Inbox):
    inbox.sign_in("pat")
    token = inbox.csrf("/")
    sent = inbox.client.post("/tasks/t-mine/claim", data={"csrf": token}, follow_redirects=False)
    assert sent.status_code == 303
    [record] = inbox.parts.audit.query(AuditQuery(action="inbox.claim"))
    assert (record.actor, record.child_key, record.outcome) == ("pat", CHILD, "sent")


def test_refused_sign_ins_are_audited_with_user_id_and_address_and_counted(inbox: Inbox):
    wrong, unknown = failures("wrong-password"), failures("unknown-user")
    assert inbox.sign_in("pat", "hunter2-not-it").status_code == 401
    assert inbox.sign_in("Summer2024", "hunter2-not-it").status_code == 401  # a password?
    assert trail(inbox, "inbox.sign-in-refused") == [
        ("pat", "testclient", "wrong-password"), ("unknown-user", "testclient", "unknown-user")]
    assert (failures("wrong-password"), failures("unknown-user")) == (wrong + 1, unknown + 1)
    kept = (inbox.parts.audit.path).read_bytes()
    assert b"hunter2" not in kept and b"Summer2024" not in kept
    assert inbox.sign_in("pat").status_code == 303
    assert trail(inbox, "inbox.sign-in") == [("pat", "testclient", "signed-in")]
    metrics = inbox.client.get("/metrics").text
    assert 'hub_sign_in_failures_total{reason="wrong-password"}' in metrics


def test_100_wrong_passwords_in_a_row_lock_the_user_and_the_address_without_hashing(
        inbox: Inbox, monkeypatch: pytest.MonkeyPatch):
    hashed = 0
    real = inbox.parts.users.authenticate

    def counting(user: str, password: str) -> object:
        nonlocal hashed
        hashed += 1
        return real(user, password)

    monkeypatch.setattr(inbox.parts.users, "authenticate", counting)
    locked_before = failures("locked")
    token = inbox.csrf()  # one form, posted 100 times (a script would)
    statuses = [inbox.client.post("/sign-in", data={
        "csrf": token, "user": "pat", "password": f"guess-{n}"}).status_code for n in range(100)]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
    assert hashed == 5  # a locked user id costs no scrypt
    assert failures("locked") == locked_before + 95
    assert inbox.sign_in("pat").status_code == 429  # the right password too, while locked
    others = [inbox.sign_in(f"guess{n}", "x").status_code for n in range(16)]
    assert others[-1] == 429  # 20 failures from one address lock the address
    assert inbox.sign_in("tom").status_code == 429


def test_a_password_reset_ends_every_session_of_that_user(inbox: Inbox):
    inbox.sign_in("pat")
    pats_cookie = inbox.client.cookies.get("hub_inbox") or ""
    assert inbox.client.get("/", follow_redirects=False).status_code == 200
    inbox.client.cookies.clear()
    inbox.sign_in("ada")
    token = inbox.csrf("/users")
    reset = inbox.client.post("/users/pat/reset", data={"csrf": token})
    assert reset.status_code == 200
    assert trail(inbox, "inbox.reset-user") == [("ada", "testclient", "user:pat")]
    inbox.client.cookies.clear()
    inbox.client.cookies.set("hub_inbox", pats_cookie)  # the cookie replayed after the reset
    again = inbox.client.get("/", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/sign-in"


def test_child_views_go_to_the_shared_trail(inbox: Inbox):
    inbox.sign_in("pat")
    assert inbox.client.get("/tasks/t-mine").status_code == 200
    [record] = inbox.parts.audit.query(AuditQuery(action=CHILD_VIEW))
    assert (record.actor, record.child_key, record.address, record.outcome) == (
        "pat", CHILD, "testclient", "task:t-mine")


def test_views_in_the_former_inbox_audit_file_move_to_the_trail_once(tmp_path: Path):
    settings = Settings.model_validate({"home": tmp_path})
    settings.state_dir.mkdir(parents=True)
    old = settings.state_dir / "inbox_audit.db"
    with sqlite3.connect(old) as db:
        db.execute("CREATE TABLE child_views (viewed_at TEXT NOT NULL, user_id TEXT NOT NULL,"
                   " child_key TEXT NOT NULL, page TEXT NOT NULL, client_address TEXT NOT NULL)")
        db.executemany("INSERT INTO child_views VALUES (?, ?, ?, ?, ?)", [
            ("2026-01-05T09:00:00+00:00", "pat", CHILD, "task:t-mine", "10.0.0.7"),
            ("2026-01-05T09:01:00+00:00", "pat", CHILD, "child", "10.0.0.7")])
    db.close()
    views = bootstrap.child_views(settings)
    assert [(v.user_id, v.page, v.client_address) for v in views.of_child(CHILD)] == [
        ("pat", "task:t-mine", "10.0.0.7"), ("pat", "child", "10.0.0.7")]
    assert not old.exists() and old.with_name("inbox_audit.db.migrated").is_file()
    old.with_name("inbox_audit.db.migrated").rename(old)  # as if the rename had failed
    again = bootstrap.child_views(settings)
    assert len(again.of_child(CHILD)) == 2  # not copied twice
    assert len(ChildViews(SqliteAuditLog(settings.state_dir / "audit.db")).by_user("pat")) == 2
