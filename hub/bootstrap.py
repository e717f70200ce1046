"""The one place that wires real adapters from settings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from hub.adapters.audit_sqlite import SqliteAuditLog
from hub.adapters.avro.codec import AvroCodec, load_codec
from hub.adapters.files import intake_receipts
from hub.adapters.kafka.admin import describe_topics
from hub.adapters.kafka.bounded_send import KafkaBoundedSendLog
from hub.adapters.kafka.client import cluster_answers
from hub.adapters.kafka.log import read_topic
from hub.adapters.keys import child_view_audit
from hub.adapters.keys.staff_roles import SqliteStaffRoles
from hub.adapters.keys.subject_keys import SqliteSubjectKeys
from hub.adapters.store.sql.store import SqlHubStore
from hub.config import Settings
from hub.domain.intake_receipts import IntakeReceipt
from hub.domain.topic_access import INBOX, WORKER
from hub.logging import get_logger
from hub.ports import LogRecord
from hub.topics_spec import TopicSpec, load_topic_specs
from hub.usecases import child_views as child_views_usecase
from hub.usecases.child_views import ChildViews

log = get_logger(__name__)


def subject_keys(settings: Settings) -> SqliteSubjectKeys:
    """The data keys that seal each person record's personal fields (crypto-shredding)."""
    return SqliteSubjectKeys(settings.state_dir / "keys" / "subject-keys.db")


def codec(settings: Settings) -> AvroCodec:
    """The Avro codec; it seals personal fields with, and opens them from, the key store."""
    return load_codec(settings.schemas_dir, subject_keys(settings))


def audit_log(settings: Settings) -> SqliteAuditLog:
    return SqliteAuditLog(settings.state_dir / "audit.db")


def input_specs(settings: Settings) -> tuple[TopicSpec, ...]:
    """Where the worker reads sources and staff commands: its own namespace, or a replay's
    original (``HUB_SOURCE_NAMESPACE``)."""
    if settings.source_namespace is None:
        return topic_specs(settings)
    return topic_specs(settings, settings.source_namespace)


def topic_specs(settings: Settings, namespace: str | None = None) -> tuple[TopicSpec, ...]:
    """Declared topics; a cluster's ``HUB_REPLICATION_FACTOR`` raises every topic's to it."""
    chosen = settings.topic_namespace if namespace is None else namespace
    specs = load_topic_specs(settings.topics_file, chosen)
    factor = settings.replication_factor
    raised = tuple(
        s.model_copy(update={"replication_factor": factor}) if factor > s.replication_factor else s
        for s in specs
    )
    return tuple(_dead_letter_retention(s, settings) for s in raised)


def _dead_letter_retention(spec: TopicSpec, settings: Settings) -> TopicSpec:
    """``HUB_DEAD_LETTER_RETENTION_DAYS`` replaces the dead-letter topic's declared retention."""
    days = settings.dead_letter_retention_days
    if days is None or "DeadLetter" not in spec.value:
        return spec
    return spec.model_copy(update={"retention_ms": days * 24 * 3600 * 1000})


def staff_directory(settings: Settings) -> SqliteStaffRoles:
    """Who the staff are and their roles (the web inbox's users file): the worker verifies
    every staff command's actor against it."""
    return SqliteStaffRoles(settings.staff_directory_file)


def sql_store(settings: Settings) -> SqlHubStore:
    """The SQL store at the configured database URL."""
    return SqlHubStore(settings.database)


def topic_reader(settings: Settings) -> Callable[[str], Awaitable[list[LogRecord] | None]]:
    """Reads a whole topic from the cluster; None when the topic does not exist."""
    async def read(topic: str) -> list[LogRecord] | None:
        if topic not in await describe_topics(settings.kafka_for(WORKER), [topic]):
            return None
        return await read_topic(settings.kafka_for(WORKER), topic)

    return read


def audit_trail(settings: Settings) -> SqliteAuditLog:
    """The audit trail (``<state dir>/audit.db``) shared by the intake, the inbox, the CLI."""
    return SqliteAuditLog(settings.state_dir / "audit.db")


def child_views(settings: Settings) -> ChildViews:
    """The inbox's child views on the audit trail; views still in the former
    ``inbox_audit.db`` are moved there first (once: the old file is then renamed)."""
    trail = audit_trail(settings)
    old = settings.state_dir / child_view_audit.OLD_FILE
    if old.is_file():
        copied = child_views_usecase.migrate(child_view_audit.old_views(old), trail)
        child_view_audit.retire(old)
        log.info("child views moved to the audit trail", copied=copied)
    return ChildViews(trail)


def inbox_command_log(settings: Settings) -> KafkaBoundedSendLog:
    """The inbox's staff commands: a producer per command, acknowledged within 4.5 s or
    discarded unsent (``hub.adapters.kafka.bounded_send``)."""
    return KafkaBoundedSendLog(settings.kafka_for(INBOX), client_id="cin-hub-inbox")


def broker_ready(settings: Settings) -> Callable[[], Awaitable[bool]]:
    """A ``/readyz`` check: the cluster answers the inbox's credentials' metadata request
    within 2 s."""
    async def broker() -> bool:
        return await cluster_answers(settings.kafka_for(INBOX), timeout_s=2.0)

    return broker


def receipts_file(settings: Settings) -> Path:
    """The receipt log of the files connected into the sources' namespace (a replay reads its
    original's: the files were connected there)."""
    namespace = settings.source_namespace
    return intake_receipts.receipts_path(
        settings.state_dir, settings.topic_namespace if namespace is None else namespace
    )


def record_receipt(settings: Settings, receipt: IntakeReceipt) -> None:
    intake_receipts.append(receipts_file(settings), receipt)


def file_digest(path: Path) -> str:
    return intake_receipts.digest(path)


def read_receipts(settings: Settings) -> intake_receipts.ReadReceipts:
    return intake_receipts.read(receipts_file(settings))
