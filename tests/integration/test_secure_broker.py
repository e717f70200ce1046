"""The secured broker (``hub broker start --secure``) as an attacker and as the hub meet it.

Every probe is on the real broker: SASL_SSL with SCRAM-SHA-512, the hub's own CA, one user per
role and the StandardAuthorizer's ACLs. A refused write must leave the topic empty.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import stat
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError, TopicAuthorizationFailedError
from aiokafka.helpers import create_ssl_context

from hub.adapters.broker.config import BrokerPaths
from hub.adapters.kafka import consumer_lag
from hub.adapters.kafka.acls import apply_grants
from hub.adapters.kafka.admin import apply_topics
from hub.adapters.kafka.client import quiet_aiokafka
from hub.adapters.kafka.connection import client_kwargs
from hub.adapters.kafka.log import KafkaEventLog
from hub.config import KafkaConnection, Settings
from hub.entrypoints.cli import connect as _connect_cli  # noqa: F401 (adds `hub connect`)
from hub.topics_spec import load_topic_specs
from hub.usecases.topic_grants import namespace_grants
from tests.integration.kafka_fixtures import as_role, run_cli, settings_env
from tests.integration.worker_harness import REPO, publish_authority, run_worker_until_drained
from tests.unit.connectors.sources.cin_census_files import SAMPLE

pytestmark = pytest.mark.integration

YOT, CSC = "cin.source.yot.referrals.v1", "cin.source.csc.status.v1"
COMMANDS = "cin.hub.commands.v1"


@pytest.fixture
async def namespace(secure_broker: KafkaConnection) -> str:
    """A fresh namespace with its topics and its roles' ACLs on the secured broker."""
    name = f"sec-{uuid.uuid4().hex[:10]}"
    await apply_topics(secure_broker, load_topic_specs(REPO / "topics.yaml", name))
    await apply_grants(secure_broker, namespace_grants(Settings(home=REPO), name))
    return name


async def _records(admin: KafkaConnection, topic: str) -> int:
    return await consumer_lag.records_in(admin, [topic])


async def _send(target: object, topic: str) -> None:
    kwargs = client_kwargs(target) if isinstance(target, KafkaConnection) else target
    assert isinstance(kwargs, dict)
    producer = AIOKafkaProducer(**kwargs, request_timeout_ms=8000)
    try:
        with quiet_aiokafka():
            await asyncio.wait_for(producer.start(), 15)
            await asyncio.wait_for(producer.send_and_wait(topic, b"probe", key=b"k"), 15)
    finally:
        await producer.stop()


async def test_anonymous_plaintext_client_is_refused(
    secure_broker: KafkaConnection, namespace: str
) -> None:
    topic = f"{namespace}.{YOT}"
    with pytest.raises(KafkaError):
        await _send({"bootstrap_servers": secure_broker.bootstrap}, topic)
    assert await _records(secure_broker, topic) == 0


async def test_tls_without_sasl_and_a_wrong_password_are_refused(
    secure_broker: KafkaConnection, namespace: str, tmp_path: Path
) -> None:
    topic = f"{namespace}.{YOT}"
    ca = secure_broker.security.ca_file
    tls_only = {"bootstrap_servers": secure_broker.bootstrap, "security_protocol": "SSL",
                "ssl_context": create_ssl_context(cafile=str(ca))}
    with pytest.raises((KafkaError, TimeoutError)):
        await _send(tls_only, topic)
    wrong = tmp_path / "wrong"
    wrong.write_text("not-the-password\n")
    impostor = secure_broker.model_copy(update={"security": secure_broker.security.model_copy(
        update={"user": "source-yot", "password_file": wrong})})
    with pytest.raises(KafkaError):
        await _send(impostor, topic)
    assert await _records(secure_broker, topic) == 0


async def test_a_source_writes_its_own_topic_and_no_other(
    secure_broker: KafkaConnection, namespace: str
) -> None:
    yot = as_role(secure_broker, "source-yot")
    async with KafkaEventLog(yot) as log:
        await log.append(f"{namespace}.{YOT}", "k", b"own topic")
    with pytest.raises(TopicAuthorizationFailedError):
        await _send(yot, f"{namespace}.{CSC}")
    assert await _records(secure_broker, f"{namespace}.{YOT}") == 1
    assert await _records(secure_broker, f"{namespace}.{CSC}") == 0


async def test_inbox_writes_only_commands_and_the_worker_may_not_forge_them(
    secure_broker: KafkaConnection, namespace: str
) -> None:
    async with KafkaEventLog(as_role(secure_broker, "inbox")) as log:
        await log.append(f"{namespace}.{COMMANDS}", "child", b"command")
    for role, topic in [("inbox", CSC), ("worker", COMMANDS), ("intake", COMMANDS)]:
        with pytest.raises(TopicAuthorizationFailedError):
            await _send(as_role(secure_broker, role), f"{namespace}.{topic}")
    assert await _records(secure_broker, f"{namespace}.{COMMANDS}") == 1
    assert await _records(secure_broker, f"{namespace}.{CSC}") == 0


async def test_only_the_worker_reads_source_topics(
    secure_broker: KafkaConnection, namespace: str
) -> None:
    topic = f"{namespace}.{YOT}"
    async with KafkaEventLog(as_role(secure_broker, "source-yot")) as log:
        await log.append(topic, "k", b"personal data")
    assert await _read_count(as_role(secure_broker, "worker"), topic) == 1
    for role in ("source-yot", "inbox", "intake", "source-csc"):
        # aiokafka logs "Not authorized to read" and hands out nothing, raises, or keeps
        # retrying its refused offset look-up (about 20 s): the worker's read above took
        # under a second, so 10 s without a record is a refusal too
        with contextlib.suppress(TopicAuthorizationFailedError, TimeoutError):
            assert await asyncio.wait_for(
                _read_count(as_role(secure_broker, role), topic), 10) == 0, role


async def _read_count(target: KafkaConnection, topic: str) -> int:
    consumer = AIOKafkaConsumer(**client_kwargs(target), enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign([TopicPartition(topic, p) for p in range(6)])
        await consumer.seek_to_beginning()
        batch = await consumer.getmany(timeout_ms=5000)
        return sum(len(messages) for messages in batch.values())
    finally:
        await consumer.stop()


def test_connectors_to_worker_to_store_on_the_secured_broker(
    secure_broker: KafkaConnection, tmp_path: Path
) -> None:
    """Each source publishes as its own user, the worker runs as ``worker``: the store fills."""
    authority = asyncio.run(publish_authority(tmp_path, secure_broker, "sec-flow", children=60))
    run_worker_until_drained(authority)
    with sqlite3.connect(authority.database.removeprefix("sqlite:///")) as db:
        people = db.execute("SELECT count(*) FROM person").fetchone()[0]
        timeline = db.execute("SELECT count(*) FROM timeline_entries").fetchone()[0]
    assert people >= 50  # 60 children, most known to several sources
    assert timeline > people


def test_the_cin_census_import_publishes_as_csc_and_never_reads_the_topic(
    secure_settings: Settings, secure_broker: KafkaConnection, namespace: str
) -> None:
    """A restated census file is imported incrementally with only CSC's write rights: what
    earlier imports published is in the import ledger, not read back from the source topic
    (only the worker may read it). Before, the import connected anonymously and was refused."""
    env = {**settings_env(secure_settings), "HUB_TOPIC_NAMESPACE": namespace}
    args = ["connect", "cin-census", str(SAMPLE), "--year", "2025-26"]
    first = run_cli(args, env)
    assert first.exit_code == 0, first.output
    published = asyncio.run(_records(secure_broker, f"{namespace}.{CSC}"))
    assert published > 0
    again = run_cli(args, env)
    assert again.exit_code == 0, again.output
    assert " 0 new events" in again.output, again.output
    assert asyncio.run(_records(secure_broker, f"{namespace}.{CSC}")) == published


def test_broker_files_are_private_and_hold_no_password(secure_settings: Settings) -> None:
    paths = BrokerPaths.for_settings(secure_settings)
    for folder in (paths.root, paths.data_dir, secure_settings.local_secrets_dir):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for file in secure_settings.local_secrets_dir.rglob("*"):
        if file.is_file():
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    assert stat.S_IMODE(paths.config_file.stat().st_mode) == 0o600
    properties = paths.config_file.read_text()
    assert "password" not in properties.lower()
    for password in (secure_settings.local_secrets_dir / "passwords").iterdir():
        assert password.read_text().strip() not in properties
    assert not (paths.root / ".format-args").exists()


def test_cli_secure_start_reports_acls(secure_settings: Settings, secure_broker: object) -> None:
    result = run_cli(["broker", "start", "--secure"], settings_env(secure_settings))
    assert result.exit_code == 0, result.output
    assert "broker already running" in result.output
    assert "SASL_SSL with SCRAM-SHA-512" in result.output
    assert "ACL rows" in result.output
