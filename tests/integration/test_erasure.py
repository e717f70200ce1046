"""Issue 10 item 4: erasing one child on the real broker, then ``hub replay``.

An authority is published as the connectors publish it (personal fields sealed per person
record), the worker processes it, ``hub erase`` erases one child, and ``hub replay`` rebuilds
everything from the topics. Afterwards the child's name, date of birth, postcode and NHS number
cannot be read in either store or in any retained topic of either namespace, decoded with the
hub's own key store; the census counts are unchanged; the audit trail records the erasure.
(Who may erase, and a reason that is not free text: tests/unit/usecases/test_erasure.py.)
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from hub.adapters.audit_sqlite import SqliteAuditLog
from hub.adapters.avro.codec import AvroCodec, UndecodableMessageError, load_codec
from hub.adapters.kafka.client import admin_client
from hub.adapters.kafka.connection import KafkaTarget
from hub.adapters.kafka.log import read_topics
from hub.adapters.keys.subject_keys import SqliteSubjectKeys
from hub.audit import AuditQuery
from hub.domain.topic_access import ADMIN, WORKER
from hub.ports import LogRecord
from tests.integration.worker_harness import REPO, SCHEMAS, hub_cli, publish_authority

pytestmark = pytest.mark.integration
YEAR = "2025-26"
NAMESPACE = "it-erase"
REPLAY = "it-erase-replay"  # its own: the session broker is shared (test_replay uses r1)


def _home(tmp: Path) -> Path:
    home = tmp / "home"
    home.mkdir()
    (home / "topics.yaml").symlink_to(REPO / "topics.yaml")
    (home / "schemas").symlink_to(REPO / "schemas")
    return home


def _rows(database: str, sql: str, *args: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database.removeprefix("sqlite:///")) as db:
        return db.execute(sql, args).fetchall()


def _someone(database: str) -> tuple[str, dict[str, str], list[str]]:
    """A child in the census (an LA child id) with every personal detail, an NHS number and
    records from more than one source: the erasure has something to do everywhere."""
    found = _rows(database, """
        SELECT p.child_key, p.given_name, p.family_name, p.date_of_birth, p.postcode,
               n.identifier_value
        FROM person p
        JOIN linked_identifiers n ON n.child_key = p.child_key AND n.identifier_type = 'NHS_NUMBER'
        JOIN linked_identifiers l ON l.child_key = p.child_key AND l.identifier_type = 'LA_CHILD_ID'
        WHERE p.given_name IS NOT NULL AND p.family_name IS NOT NULL
          AND p.date_of_birth IS NOT NULL AND p.postcode IS NOT NULL
          AND (SELECT count(DISTINCT source_system) FROM person_records r
               WHERE r.child_key = p.child_key) > 1
        ORDER BY p.child_key LIMIT 1""")
    assert found, "the synthetic authority has no fully described child"
    key, given, family, born, postcode, nhs = found[0]
    records = [r for (r,) in _rows(database, "SELECT record_id FROM person_records "
                                             "WHERE child_key = ?", key)]
    details = {"given_name": given, "family_name": family, "date_of_birth": str(born)[:10],
               "postcode": postcode, "nhs_number": nhs}
    return key, details, records


async def _topics(bootstrap: KafkaTarget, *namespaces: str) -> list[str]:
    async with admin_client(bootstrap) as admin:
        names = await admin.list_topics()
    return sorted(n for n in names if any(n.startswith(f"{ns}.") or n.startswith(f"{ns}-")
                                          for ns in namespaces))


def _names_them(text: str, details: dict[str, str]) -> list[str]:
    """Which of the child's details ``text`` shows: the NHS number alone names the child;
    a name only together with the family name and date of birth (siblings share surnames)."""
    shown = [f for f in ("nhs_number",) if details[f] in text]
    whole = ("given_name", "family_name", "date_of_birth")
    if all(details[f] in text for f in whole):
        shown.extend(whole)
    return shown


def _readable(records: list[LogRecord], codec: AvroCodec,
              details: dict[str, str]) -> dict[str, int]:
    """Per topic, how many records show the child (decoded with ``codec``, or raw)."""
    shown: dict[str, int] = {}
    raw_nhs = details["nhs_number"].encode()
    for record in records:
        try:
            text = codec.decode(record.value).model_dump_json()
        except UndecodableMessageError:
            text = record.value.decode("utf-8", "replace")
        if _names_them(text, details) or raw_nhs in record.value:
            shown[record.topic] = shown.get(record.topic, 0) + 1
    return shown


def _mark(started: float, what: str) -> None:
    print(f"{time.monotonic() - started:6.1f} s  {what}")


def _counts(folder: Path) -> dict[str, Any]:
    manifest = json.loads((folder / "manifest.json").read_text())
    return {"counts": manifest["counts"],
            "records": {n: f["records"] for n, f in manifest["files"].items()}}


@pytest.mark.timeout(300)
def test_an_erased_child_is_unreadable_everywhere_after_a_replay_and_counts_stay(
    kafka_broker, tmp_path,
):
    started = time.monotonic()
    home = _home(tmp_path)
    keys = SqliteSubjectKeys(home / ".hub" / "state" / "keys" / "subject-keys.db")
    codec = load_codec(SCHEMAS, keys)  # as `hub connect` builds it (hub.bootstrap.codec)
    authority = asyncio.run(publish_authority(tmp_path, kafka_broker, NAMESPACE, children=30,
                                              codec=codec))
    authority.add_staff("dpo.one", "data_officer")
    # census, erase and replay are an operator's commands: the admin on a secured broker (a
    # replay applies its namespace's topics and ACLs); the worker runs as `worker`
    def env_as(user: str) -> dict[str, str]:
        env = {**authority.env(user), "HUB_HOME": str(home), "COLUMNS": "200"}
        env.pop("HUB_SOURCE_NAMESPACE", None)
        return env

    env = env_as(ADMIN)
    _mark(started, "published")
    hub_cli(env_as(WORKER), "worker", "--until-drained", timeout=240)
    _mark(started, "worker drained")
    hub_cli(env, "census", "compile", "--year", YEAR, "--out", str(tmp_path / "before"),
            "--no-validate")

    _mark(started, "census compiled")
    child, details, records = _someone(authority.database)
    sources = [s.name for s in authority.specs if s.name.split(".", 1)[1].startswith("cin.source")]
    # before: the worker reads who the child is, nobody reads it from the raw bytes
    published = asyncio.run(read_topics(kafka_broker, sources))
    assert _readable(published, codec, details), "nothing to erase"
    assert _readable(published, load_codec(SCHEMAS), details) == {}  # no key store: sealed

    erased = hub_cli(env, "erase", "--child", child, "--by", "dpo.one", "--reason", "SAR-TEST-1")
    assert f"{len(records)} person records" in erased.stdout
    for value in details.values():
        assert value not in erased.stdout + erased.stderr  # no personal data in the output
    _mark(started, "erased")
    hub_cli(env, "replay", "--year", YEAR, "--name", REPLAY, "--no-validate", timeout=240)
    _mark(started, "replayed")

    # the stores: the current one blanked, the replay's rebuilt without the child's details
    pointer = json.loads((home / ".hub" / "state" / f"active-{NAMESPACE}.json").read_text())
    for database in (authority.database, pointer["database_url"]):
        people = _rows(database, "SELECT given_name, family_name, date_of_birth, postcode "
                                 "FROM person")
        assert people, database
        assert not [p for p in people if _names_them(" ".join(map(str, p)), details)]
        assert not _rows(database, "SELECT 1 FROM linked_identifiers WHERE identifier_value = ?",
                         details["nhs_number"])
    assert _rows(authority.database, "SELECT given_name, date_of_birth FROM person "
                                     "WHERE child_key = ?", child) == [(None, None)]

    # every retained topic of both namespaces, decoded with the hub's keys (dead letters
    # hold rejected originals: kept 30 days, docs/security.md)
    topics = [t for t in asyncio.run(_topics(kafka_broker, NAMESPACE, REPLAY))
              if "dead-letter" not in t]
    assert len(topics) > 10 and any(t.startswith(f"{REPLAY}.") for t in topics)
    after = load_codec(SCHEMAS, SqliteSubjectKeys(keys.path))
    assert _readable(asyncio.run(read_topics(kafka_broker, topics)), after, details) == {}

    # counts unchanged: the live census before the erasure against the replay's after it
    assert _counts(home / ".hub" / "state" / "replays" / REPLAY / "census") == _counts(
        tmp_path / "before")

    [entry] = SqliteAuditLog(home / ".hub" / "state" / "audit.db").query(
        AuditQuery(action="erasure.erase"))
    assert (entry.actor, entry.child_key, entry.outcome) == ("dpo.one", child, "SAR-TEST-1")
    print(f"erasure test took {time.monotonic() - started:.1f} s")
