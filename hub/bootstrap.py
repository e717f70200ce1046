"""The one place that wires real adapters from settings."""

from __future__ import annotations

import asyncio
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Collection,
    Iterable,
    Iterator,
    Sequence,
)
from contextlib import (
    AbstractAsyncContextManager,
    AbstractContextManager,
    asynccontextmanager,
    contextmanager,
)
from datetime import datetime
from pathlib import Path
from typing import TextIO

from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError

from hub.adapters import prometheus_metrics
from hub.adapters.audit_sqlite import SqliteAuditLog
from hub.adapters.avro.codec import AvroCodec, load_codec
from hub.adapters.broker.cluster_secrets import write_cluster_secrets
from hub.adapters.broker.fetch import ensure_kafka_jars
from hub.adapters.broker.local import LocalBroker
from hub.adapters.files import import_ledger, intake_receipts, person_csv
from hub.adapters.files.identity_config_toml import load_match_config
from hub.adapters.files.intake_rights_toml import hub_toml, load_intake_rights
from hub.adapters.kafka import consumer_lag
from hub.adapters.kafka.acls import apply_grants
from hub.adapters.kafka.admin import apply_topics, describe_topics, partition_counts
from hub.adapters.kafka.bounded_send import KafkaBoundedSendLog
from hub.adapters.kafka.client import cluster_answers, quiet_aiokafka
from hub.adapters.kafka.connection import connection_env
from hub.adapters.kafka.dead_letters import purge_before, read_dead_letters
from hub.adapters.kafka.log import KafkaEventLog, read_topic
from hub.adapters.kafka.on_first_append import KafkaOnFirstAppend
from hub.adapters.keys import child_view_audit
from hub.adapters.keys.api_keys import SqliteApiKeyStore
from hub.adapters.keys.sign_in_attempts import SqliteSignInAttempts
from hub.adapters.keys.staff_roles import SqliteStaffRoles
from hub.adapters.keys.staff_users import SqliteStaffUsers
from hub.adapters.keys.subject_keys import SqliteSubjectKeys
from hub.adapters.prometheus_metrics import count_dead_letter
from hub.adapters.store.sql.replay_database import replay_database
from hub.adapters.store.sql.schema import SchemaVersionError
from hub.adapters.store.sql.store import SqlHubStore
from hub.adapters.validator import cin_schema, cin_validator
from hub.audit import AuditLog
from hub.config import KafkaConnection, Settings
from hub.domain.dead_letter import DeadLetter
from hub.domain.episodes.years import CensusYear
from hub.domain.identity.config import MatchConfig
from hub.domain.identity.events import Decision
from hub.domain.identity.records import PersonRecord
from hub.domain.import_ledger import Held
from hub.domain.intake_receipts import IntakeReceipt
from hub.domain.intake_rights import IntakeRights
from hub.domain.topic_access import INBOX, INTAKE, WORKER, Grant
from hub.logging import get_logger
from hub.ports import (
    AckedEventLog,
    ApiKeyStore,
    ClosableHubStore,
    Codec,
    EventLog,
    LocalBrokerControl,
    LogRecord,
    ReadStats,
    SignInAttempts,
    StaffAccounts,
    StoreUnavailableError,
    ValidationReport,
)
from hub.topic_drift import ActualTopic, ApplyReport
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
    """The SQL store at the configured database URL (created when new: the worker's)."""
    return SqlHubStore(settings.database)


def open_store(settings: Settings) -> ClosableHubStore:
    """The hub store the worker made, for a reader: :class:`StoreUnavailableError` rather
    than create an empty one, or when it cannot be opened (never naming the password)."""
    url = make_url(settings.database)
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).is_file():
        raise StoreUnavailableError(f"No hub store at {shown} yet: run the worker first, "
                                    "it creates the store.")
    try:
        return SqlHubStore(settings.database)
    except (SQLAlchemyError, SchemaVersionError) as exc:
        raise StoreUnavailableError(
            f"Cannot open the hub store at {shown}: {type(exc).__name__}") from exc


def scratch_store() -> ClosableHubStore:
    """An empty, in-memory hub store with the sink's own rules (nothing written to disk)."""
    return SqlHubStore("sqlite://")


def event_log(kafka: KafkaConnection | str, *, client_id: str = "cin-hub"
              ) -> AbstractAsyncContextManager[AckedEventLog]:
    """The event log on the cluster, as the user ``kafka`` names (``Settings.kafka_for``; a
    bare address is a plaintext, anonymous client); records are flushed on a clean exit."""
    return KafkaEventLog(kafka, client_id=client_id)


async def read_topics(kafka: KafkaConnection | str, topics: list[str], *, quiet: bool = False
                      ) -> list[list[LogRecord]]:
    """Every record of each topic, read together, from its beginning to its end at the start
    of the read. ``KeyError`` names a topic that does not exist; :class:`EventLogError` when
    the cluster cannot be reached. ``quiet``: failures are expected, so aiokafka's logging of
    its connection retries is silenced."""
    reads = (read_topic(kafka, topic) for topic in topics)
    if not quiet:
        return list(await asyncio.gather(*reads))
    with quiet_aiokafka():
        return list(await asyncio.gather(*reads))


def quiet_cluster() -> AbstractContextManager[None]:
    """Silence aiokafka's logging of connection retries while failures are expected (topics
    just created, a broker that may be down); a real failure still raises."""
    return quiet_aiokafka()


async def create_topics(kafka: KafkaConnection | str, specs: Sequence[TopicSpec]) -> None:
    """Create the declared topics that do not exist yet (``hub topics apply`` reports drift)."""
    await apply_topics(kafka, specs)


async def existing_topics(kafka: KafkaConnection | str, names: Collection[str]) -> set[str]:
    """Those of ``names`` that exist on the cluster."""
    return set(await partition_counts(kafka, names))


async def dead_letters(kafka: KafkaConnection | str, topic: str, codec: Codec
                       ) -> list[DeadLetter]:
    """Every dead letter on ``topic`` (records that are not one are passed over)."""
    return await read_dead_letters(kafka, topic, codec)


async def purge_dead_letters(kafka: KafkaConnection | str, topic: str, before: datetime) -> int:
    """Delete the dead letters written before ``before`` (Kafka deletes by offset, partition
    by partition); how many went."""
    return await purge_before(kafka, topic, before)


def dead_letter_counter() -> Callable[[str, str], None]:
    """Counts a dead letter by stage and reason (the worker's metrics endpoint)."""
    return count_dead_letter


def metrics_exposition() -> tuple[bytes, str]:
    """Every metric this process holds, in the Prometheus text format, and its content type
    (``GET /metrics`` of the intake and the inbox)."""
    return prometheus_metrics.exposition(), prometheus_metrics.CONTENT_TYPE


def count_http_request(app: str, method: str, route: str, status: int, seconds: float) -> None:
    """Count one answered HTTP request and its duration, by app, method and route template."""
    prometheus_metrics.REQUESTS.labels(app, method, route, str(status)).inc()
    prometheus_metrics.LATENCY.labels(app, method, route).observe(seconds)


def count_sign_in_failure(reason: str) -> None:
    """Count a refused inbox sign-in by reason (a fixed vocabulary, never the user id)."""
    prometheus_metrics.SIGN_IN_FAILURES.labels(reason=reason).inc()


def count_intake_refusal(status: int) -> None:
    """Count an intake answer other than 202, by status."""
    prometheus_metrics.INTAKE_REFUSALS.labels(str(status)).inc()


@asynccontextmanager
async def event_log_on_first_append(kafka: KafkaConnection | str) -> AsyncIterator[EventLog]:
    """An event log that connects only when a record is first sent (or read): a command
    refused before it is sent needs no broker."""
    log = KafkaOnFirstAppend(kafka)
    try:
        yield log
    finally:
        await log.close()


def audit_log(settings: Settings) -> AuditLog:
    """The audit trail (``<state dir>/audit.db``): who did what, to which child key, when."""
    return SqliteAuditLog(settings.state_dir / "audit.db")


def staff_accounts(settings: Settings) -> StaffAccounts:
    """The inbox's staff users (ids, teams, roles, password hashes)."""
    return SqliteStaffUsers(settings.staff_directory_file)


def sign_in_attempts(settings: Settings) -> SignInAttempts:
    """The inbox's failed sign-ins, beside its default users file."""
    return SqliteSignInAttempts(settings.state_dir / "inbox_users.db")


def topic_reader(settings: Settings) -> Callable[[str], Awaitable[list[LogRecord] | None]]:
    """Reads a whole topic from the cluster; None when the topic does not exist."""
    async def read(topic: str) -> list[LogRecord] | None:
        if topic not in await partition_counts(settings.kafka_for(WORKER), [topic]):
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


def broker_ready(settings: Settings, user: str = INBOX) -> Callable[[], Awaitable[bool]]:
    """A ``/readyz`` check: the cluster answers a metadata request made with ``user``'s
    credentials (the inbox's unless told) within 2 s."""
    async def broker() -> bool:
        return await cluster_answers(settings.kafka_for(user), timeout_s=2.0)

    return broker


def api_keys(settings: Settings) -> ApiKeyStore:
    """The intake's per-source API keys, hashed in ``<state dir>/api_keys.db``."""
    return SqliteApiKeyStore(settings.state_dir / "api_keys.db")


def intake_rights(settings: Settings) -> IntakeRights:
    """The default intake rights with ``hub.toml``'s ``[intake.allowed]`` over them
    (:class:`hub.domain.intake_rights.IntakeRightsError` when that table is wrong)."""
    return load_intake_rights(hub_toml(settings))


def intake_event_log(settings: Settings, *, request_timeout_ms: int
                     ) -> AbstractAsyncContextManager[AckedEventLog]:
    """The push intake's producer, with the intake's credentials; a send not acknowledged
    within ``request_timeout_ms`` fails."""
    return KafkaEventLog(settings.kafka_for(INTAKE), client_id="cin-hub-intake",
                         request_timeout_ms=request_timeout_ms)


def dfe_validator() -> Callable[[bytes, CensusYear], ValidationReport] | None:
    """The DfE CIN census validator (in its own venv); None when that venv is missing. It
    raises :class:`hub.ports.ValidatorUnavailableError` when it cannot run."""
    return cin_validator.validate_cin_xml if cin_validator.is_available() else None


def dfe_validator_venv() -> Path:
    """Where the DfE validator's venv is looked for (``HUB_CIN_VALIDATOR_VENV``)."""
    return cin_validator.default_venv()


def cin_schema_check(settings: Settings) -> Callable[[bytes, CensusYear], list[str]]:
    """The CIN XML's problems against its year's XML Schema (``[]`` when valid); raises
    :class:`hub.ports.SchemaUnavailableError` when no schema is kept for the year."""
    directory = settings.cin_schemas_dir

    def check(xml: bytes, year: CensusYear) -> list[str]:
        return cin_schema.schema_errors(xml, directory, year)

    return check


def receipts_file(settings: Settings) -> Path:
    """The receipt log of the files connected into the sources' namespace (a replay reads its
    original's: the files were connected there)."""
    namespace = settings.source_namespace
    return intake_receipts.receipts_path(
        settings.state_dir, settings.topic_namespace if namespace is None else namespace
    )


def record_receipt(settings: Settings, receipt: IntakeReceipt) -> None:
    intake_receipts.append(receipts_file(settings), receipt)


def held_imports(settings: Settings, source: str) -> Held:
    """What earlier imports of ``source``'s restated files published (``LedgerError`` when
    the ledger is damaged)."""
    return import_ledger.load(_ledger(settings, source))


def record_imports(settings: Settings, source: str, held: Held) -> None:
    import_ledger.save(_ledger(settings, source), held)


def _ledger(settings: Settings, source: str) -> Path:
    return import_ledger.ledger_path(settings.state_dir, settings.topic_namespace, source)


def file_digest(path: Path) -> str:
    return intake_receipts.digest(path)


def read_receipts(settings: Settings) -> intake_receipts.ReadReceipts:
    return intake_receipts.read(receipts_file(settings))


def match_config(path: Path | None) -> MatchConfig:
    """The identity weights and thresholds: the defaults, or a TOML file's ``[identity]``
    table over them (``ValueError`` or ``OSError`` when the file is wrong or missing)."""
    return load_match_config(path)


@contextmanager
def person_records(path: Path, stats: ReadStats) -> Iterator[Iterator[PersonRecord]]:
    """The person records of a ``hub link`` input CSV, read lazily while open; an unreadable
    file or row raises :class:`hub.ports.InputFileError` naming the line, never its values."""
    with person_csv.open_input(path) as handle:
        yield person_csv.read_person_records(handle, stats)


def person_rows(path: Path) -> int:
    """Data rows in a person-records CSV (its header aside), for progress."""
    return person_csv.count_rows(path)


def write_link_decisions(handle: TextIO, decisions: Iterable[Decision]) -> Iterator[Decision]:
    """``record_id,child_key,decision,score`` rows, yielding each decision once written."""
    return person_csv.write_decisions(handle, decisions)


async def apply_declared_topics(settings: Settings, specs: Sequence[TopicSpec], *,
                                increase_partitions: bool = False) -> ApplyReport:
    """Create the missing ones of ``specs`` on the cluster and report drift on the rest
    (``EventLogError`` when the cluster refuses or cannot be reached)."""
    return await apply_topics(settings.kafka, specs, increase_partitions=increase_partitions)


async def cluster_topics(settings: Settings, names: Collection[str]) -> dict[str, ActualTopic]:
    """What the cluster has for those of ``names`` that exist."""
    return await describe_topics(settings.kafka, names)


async def records_in(settings: Settings, topics: Iterable[str]) -> int:
    """How many records ``topics`` hold on the cluster, from offset 0."""
    return await consumer_lag.records_in(settings.kafka, topics)


async def group_lag(settings: Settings, group: str, topics: Iterable[str]) -> int:
    """Records in ``topics`` the consumer group has not committed yet."""
    return await consumer_lag.group_lag(settings.kafka, group, topics)


async def records_held(settings: Settings, topics: Iterable[str]) -> dict[str, int]:
    """Records each existing topic of ``topics`` still holds (missing topics left out)."""
    return await consumer_lag.records_held(settings.kafka, topics)


async def groups_with_offsets(settings: Settings, groups: Sequence[str]) -> list[str]:
    """Those of ``groups`` that have committed an offset on the cluster."""
    return await consumer_lag.groups_with_offsets(settings.kafka, groups)


def worker_connection_env(settings: Settings) -> dict[str, str]:
    """Environment that makes a child process connect to the cluster as the worker does (the
    password file's path is passed, never the password)."""
    return connection_env(settings.kafka_for(WORKER))


def fresh_replay_database(settings: Settings, replay: str, folder: Path) -> str:
    """The URL of an empty database for the replay ``replay``: a SQLite file in ``folder`` or
    a new PostgreSQL schema beside the current one; ``FileExistsError`` when not empty."""
    return replay_database(settings.database, replay, folder)


async def grant(settings: Settings, grants: Collection[Grant]) -> int:
    """Create the ACLs for ``grants`` on the cluster; how many rows were sent."""
    return await apply_grants(settings.kafka, grants)


def local_broker(settings: Settings) -> LocalBrokerControl:
    """The home's local broker (or its recorded local cluster), to start, stop or inspect."""
    return LocalBroker(settings)


def fetch_kafka_jars(settings: Settings) -> Path:
    """The pinned Kafka release's jars in the cache, fetched from Maven Central unless there;
    the folder that holds them (:class:`hub.ports.BrokerFetchError` when they cannot be)."""
    return ensure_kafka_jars(settings.cache_dir, settings.kafka_version)


def cluster_secrets(out: Path, hosts: Iterable[str], users: Iterable[str],
                    owner: int | None = None) -> list[Path]:
    """A cluster's CA, a certificate per broker host and a SCRAM password per user in
    ``out`` (what is missing is made); every file that now exists."""
    return write_cluster_secrets(out, hosts, users, owner)


def start_local_broker(settings: Settings, timeout_s: float = 120.0) -> int:
    """Start the home's local broker (or the recorded local cluster) unless it runs already;
    the pid of the process that serves it. ``BrokerError`` when it cannot start."""
    return LocalBroker(settings).start(timeout_s=timeout_s).pid
