"""Ports: what the application needs from the outside world, as Protocols.

Every port has a real adapter and, where a test needs speed, an in-memory fake; both pass
the same contract tests (``tests/contract``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel

from hub.domain.episodes.model import ServiceEpisode
from hub.domain.outputs import (
    CommandRejected,
    ConsentLimitedUse,
    ContactRecordCreated,
    ContactWithdrawn,
    CscStatusRelayed,
    FlagCleared,
    FlagRaised,
    SenExchangeReplied,
    SenParticipationDecided,
    TaskChanged,
    TimelineEntry,
)
from hub.domain.outputs.codes import CscStatus, FlagClearReason, FlagCode
from hub.domain.outputs.identity import IdentityDecisionMade
from hub.domain.staff import StaffListing, StaffUser


@dataclass(frozen=True)
class LogRecord:
    topic: str
    partition: int
    offset: int
    key: str
    value: bytes
    timestamp: int = 0
    """Milliseconds; the resolver's records carry strictly increasing ones (its send order)."""


class UndecodableMessageError(Exception):
    """The bytes are not a CIN Hub record the codec can read. ``code`` is for dead letters."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class InputFileError(ValueError):
    """A file given to a command cannot be read as its format says; the message says why
    (a line number or a column name, never a row's values)."""


@dataclass(slots=True)
class ReadStats:
    """What reading a person-records file counted besides the records themselves."""

    rows: int = 0
    unreadable_dates: int = 0


class SchemaCatalogueError(Exception):
    """A schema file is missing, malformed or refers to an unknown type (the codec's
    catalogue cannot be loaded)."""


class Codec(Protocol):
    """Typed records to bytes on the log and back (Avro single-object encoding in production,
    :class:`hub.adapters.avro.codec.AvroCodec`)."""

    def encode(self, record: BaseModel, version: int | None = None) -> bytes:
        """The record in its newest (or the given) schema version."""

    def record_name(self, data: bytes) -> str | None:
        """The record a message carries, from its header alone (None when unknown)."""

    def decode_raw(self, data: bytes) -> tuple[str, dict[str, Any]]:
        """Record name and datum; raises :class:`UndecodableMessageError`."""

    def decode(self, data: bytes) -> BaseModel:
        """The typed record; raises :class:`UndecodableMessageError`."""


class EventLog(Protocol):
    """An append-only, partitioned log of keyed records (Kafka in production)."""

    async def append(self, topic: str, key: str, value: bytes) -> None:
        """Queue a record; it is durable once :meth:`flush` returns."""

    async def flush(self) -> None:
        """Wait until every appended record is acknowledged by the log."""

    async def read_all(self, topic: str) -> list[LogRecord]:
        """Every record in ``topic`` from the beginning to its current end, per-key in order."""


class SubjectKeys(Protocol):
    """Data keys that seal each person record's personal fields (``hub.domain.erasure``)."""

    def key_for(self, key_id: str) -> bytes | None:
        """The record's key, made if it has none; None once destroyed (erased)."""

    def existing(self, key_id: str) -> bytes | None:
        """The record's key if it still exists; never makes one."""

    def opening_key(self, key_id: str) -> bytes | None:
        """The key to open a sealed record with: None once destroyed (erased). Raises
        :class:`UnknownSubjectKeyError` for a key this store never held."""

    def destroy(self, key_ids: Iterable[str]) -> int:
        """Destroy these keys for good; how many existed."""


class UnknownSubjectKeyError(LookupError):
    """A record is sealed under a data key this key store has never held, neither live nor
    destroyed: it was sealed by another hub home's key store. Reading it as erased would
    silently blank who the child is; it is refused instead."""


class EventLogError(RuntimeError):
    """The event log's cluster could not be reached, or refused an operation (the message says
    which; :class:`hub.adapters.kafka.client.KafkaAdminError` in production)."""


@runtime_checkable
class AckedEventLog(EventLog, Protocol):
    """An EventLog that can also wait for one record's acknowledgement alone."""

    async def append_acked(self, topic: str, key: str, value: bytes) -> None:
        """Append a record and return once the log acknowledges that record (durable)."""


@dataclass(frozen=True)
class ApiKeyInfo:
    """What may be shown about a key: never its secret, nor its hash."""

    key_id: str
    source_system: str
    created_at: datetime
    revoked: bool


class ApiKeyStore(Protocol):
    """Per-source API keys ``<key_id>.<secret>``; only a salted hash of the secret is kept."""

    def add(self, source_system: str, now: datetime) -> str:
        """Mint a key for ``source_system``; the full key is returned once and never again."""

    def authenticate(self, presented: str) -> str | None:
        """The source system of a valid, unrevoked key; ``None`` for anything else."""

    def list_keys(self) -> list[ApiKeyInfo]:
        """Every key, oldest first."""

    def revoke(self, key_id: str) -> bool:
        """Stop a key from authenticating; ``False`` when no such key exists."""


class StaffDirectory(Protocol):
    """Who may sign in; :class:`SqliteStaffUsers` in production."""

    def authenticate(self, user_id: str, password: str) -> StaffUser | None: ...

    def user(self, user_id: str) -> StaffUser | None: ...

    def end_sessions(self, user_id: str, now: float) -> None:
        """Void every session of the user issued before ``now`` (sign-out, reset)."""


class StaffAccounts(StaffDirectory, Protocol):
    """The staff directory as its administrators see it (``hub inbox add-user``, the inbox's
    users page); :class:`SqliteStaffUsers` in production."""

    def add(self, user_id: str, team: str, now: datetime, *, role: str = "practitioner",
            reset: bool = False) -> str:
        """Create (or with ``reset``, re-issue) a user; the new password is returned once.
        ``ValueError`` for a bad id, team or role, or an existing user without ``reset``."""

    def listing(self) -> list[StaffListing]:
        """Every user by team then id (never a password or hash)."""

    def remove(self, user_id: str) -> bool:
        """``False`` when no such user exists."""


class SignInAttempts(Protocol):
    """Failed inbox sign-ins per user id and client address, for the lockout rule
    (``hub.domain.sign_in_limits``); a private SQLite file in production."""

    def locked_until(self, user_id: str, address: str, now: float) -> float | None:
        """When the later of the user id's and the address's locks ends, or ``None``."""

    def failed(self, user_id: str, address: str, now: float) -> None: ...

    def succeeded(self, user_id: str) -> None:
        """Clear the user id's failures."""


# --- The hub's store: what the worker's sink writes and the web inbox reads -------------------

StoreRecord = (
    TaskChanged | TimelineEntry | ContactRecordCreated | ContactWithdrawn | FlagRaised
    | FlagCleared
    | SenExchangeReplied | SenParticipationDecided | CscStatusRelayed | CommandRejected
    | ConsentLimitedUse | IdentityDecisionMade | ServiceEpisode
)
"""Every record :meth:`HubStore.apply` accepts: the processor's outputs, identity decisions and
service episodes."""


@dataclass(frozen=True)
class FlagView:
    """One flag on a child's record; ``active`` until a ``FlagCleared`` names its ``flag_id``."""

    flag_id: str
    child_key: str
    flag: FlagCode
    raised_on: date
    raised_by_event_id: str
    source_system: str
    summary: str
    expires_on: date | None = None
    cleared_on: date | None = None
    clear_reason: FlagClearReason | None = None
    cleared_by_event_id: str | None = None

    @property
    def active(self) -> bool:
        return self.cleared_on is None


@dataclass(frozen=True)
class ChildSummary:
    """What the store knows of a child at a glance (see docs/database.md for how it is derived).

    ``csc_status`` is the latest status the hub *reported* (SEN reply, status relay, or a hub
    Contact): the processor's own state is richer and may be ahead of it.
    """

    child_key: str
    csc_status: CscStatus
    csc_status_as_of: date | None
    active_flags: tuple[FlagCode, ...]
    open_tasks: int
    contacts: int
    timeline_entries: int
    last_event_at: datetime | None


@dataclass(frozen=True)
class PersonView:
    """Latest known details of a child (``person``); kept out of ``repr`` so logs never see them."""

    child_key: str
    given_name: str | None = field(default=None, repr=False)
    family_name: str | None = field(default=None, repr=False)
    date_of_birth: date | None = field(default=None, repr=False)
    sex: str | None = field(default=None, repr=False)
    postcode: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class LinkedIdentifier:
    """An identifier a source system holds for a child (``linked_identifiers``)."""

    child_key: str
    identifier_type: str
    identifier_value: str = field(repr=False)
    source_system: str
    first_seen_decision_id: str
    last_seen_decision_id: str


@dataclass(frozen=True)
class PersonRecordView:
    """A person record the identity resolver holds under a child now (``person_records``).

    Ids only: ``record_id`` is the resolver's ``"<source system>:<source record id>"`` (e.g.
    ``education-sen:SEN-REQ-1``), never a name or an identifier the child is known by.
    """

    record_id: str
    source_system: str
    child_key: str


class HubStore(Protocol):
    """The hub's queryable state, built only from records; every write is idempotent.

    Applying a record twice, or replaying a whole stream again, leaves the same query results:
    tasks and service episodes keep their highest ``version``; everything else is inserted
    once by its id.
    """

    def apply(self, record: StoreRecord) -> None:
        """Write one record (its own transaction)."""

    def apply_many(self, records: Iterable[StoreRecord]) -> None:
        """Write records in order, in one transaction: all of them or none."""

    def open_tasks(
        self, team: str | None = None, child_key: str | None = None
    ) -> list[TaskChanged]:
        """OPEN and CLAIMED tasks (of ``team``, about ``child_key``), by due date then task id."""

    def task(self, task_id: str) -> TaskChanged | None: ...

    def timeline(self, child_key: str) -> list[TimelineEntry]:
        """The child's timeline by ``occurred_at`` (then event id)."""

    def flags(self, child_key: str) -> list[FlagView]:
        """Every flag ever raised for the child, active or cleared, by raised date then id."""

    def contacts(self, child_key: str) -> list[ContactRecordCreated]:
        """Contacts the hub created for the child, by contact date then id."""

    def contact_withdrawals(self, child_key: str) -> list[ContactWithdrawn]:
        """The child's contacts withdrawn by a late earlier event, by date then contact id (the
        contacts themselves stay in :meth:`contacts`, as they were sent)."""

    def child_summary(self, child_key: str) -> ChildSummary | None:
        """``None`` when no record about ``child_key`` has been applied."""

    def person(self, child_key: str) -> PersonView | None: ...

    def identifiers(self, child_key: str) -> list[LinkedIdentifier]:
        """By identifier type, value, then source system."""

    def identifiers_of_types(self, types: Collection[str]) -> list[LinkedIdentifier]:
        """Every child's identifiers of these types (e.g. ``LA_CHILD_ID``, ``UPN``), by child
        key, type, value, then source system: what the census joins its rows on."""

    def person_records(self, child_key: str) -> list[PersonRecordView]:
        """The person records the child holds now, by record id; ``[]`` for an unknown child.

        A LINK, NEW or POSSIBLE_MATCH decision puts its record under its child (a record is
        placed once); a MERGE moves its ``record_ids`` to the survivor (``child_key``), a SPLIT
        to the key they left for (``child_key``), in the order the decisions were applied.
        """

    def erase_person(self, child_key: str) -> int:
        """Make the child's personal details unreadable (name, date of birth, postcode, NHS
        numbers); identifiers the hub links by, tasks and counts stay. Rows changed."""
        ...

    def episodes(self, child_key: str | None = None) -> list[ServiceEpisode]:
        """Service episodes at their highest version (of ``child_key``, or every child's), by
        start date then episode id."""

    def rejection(self, command_id: str) -> CommandRejected | None:
        """Why the command was rejected; ``None`` if it was not (or not yet)."""

    def consent_limited_uses(self, census_month: str | None = None) -> list[ConsentLimitedUse]:
        """Countable uses, of ``census_month`` (``YYYY-MM``) when given, by use id."""


class ClosableHubStore(HubStore, Protocol):
    """A hub store opened for one command or app: close it when done."""

    def close(self) -> None: ...


class StoreUnavailableError(RuntimeError):
    """The hub store cannot be opened: not created yet (the worker creates it), unreachable,
    or at a schema version this hub cannot read. The message names the store without its
    password."""


# --- The inbox's record of who looked at which child ------------------------------------------


@dataclass(frozen=True)
class ChildViewed:
    """One view of a child's details: ids and the client address only, no personal data."""

    viewed_at: datetime
    user_id: str
    child_key: str
    page: str  # "task:<task id>" or "child"
    client_address: str


class ChildViewAudit(Protocol):
    """Every view of a child's details (``hub inbox audit``); private SQLite in production."""

    def record(self, view: ChildViewed) -> None: ...

    def of_child(self, child_key: str) -> list[ChildViewed]:
        """Oldest first."""

    def by_user(self, user_id: str) -> list[ChildViewed]:
        """Oldest first."""


# --- The DfE CIN census validator's verdict -------------------------------------------------------


class SchemaUnavailableError(RuntimeError):
    """No XML Schema is kept for the census year."""


class ValidatorUnavailableError(RuntimeError):
    """The validator is missing, or it could not run (see the message)."""


@dataclass(frozen=True, slots=True)
class ValidatorIssue:
    rule: str
    rule_type: str  # ERROR or QUERY
    message: str
    child: str | None  # LAchildID; None for return-level rules
    table: str | None
    field: str | None


@dataclass(frozen=True, slots=True)
class ValidationReport:
    ruleset: str
    rules_run: int
    issues: tuple[ValidatorIssue, ...]
    rule_failures: tuple[str, ...]  # rules that raised instead of judging the data

    @property
    def errors(self) -> tuple[ValidatorIssue, ...]:
        return tuple(i for i in self.issues if i.rule_type == "ERROR")

    @property
    def queries(self) -> tuple[ValidatorIssue, ...]:
        return tuple(i for i in self.issues if i.rule_type == "QUERY")


# The local Kafka broker for development (``hub broker``): one node, or a recorded cluster.
# :class:`hub.adapters.broker.local.LocalBroker` in production.


class BrokerError(RuntimeError):
    """The local broker could not be started, stopped or inspected."""


class ExternalClusterError(BrokerError):
    """The hub is configured for another cluster: there is no local broker to manage."""


class BrokerFetchError(RuntimeError):
    """The broker jars could not be fetched."""


@dataclass(frozen=True)
class StartResult:
    pid: int
    already_running: bool
    seconds: float


@dataclass(frozen=True)
class StopResult:
    pid: int | None  # None: nothing was running
    graceful: bool = True


@dataclass(frozen=True)
class BrokerStatus:
    running: bool
    pid: int | None
    bootstrap: str
    data_dir: Path | None  # None for an external cluster
    version: str | None  # None for an external cluster
    external: bool = False


class BrokerNode(Protocol):
    """One node of a local cluster, as ``hub broker status`` shows it."""

    @property
    def node_id(self) -> int: ...

    @property
    def controller_port(self) -> int: ...

    @property
    def bootstrap(self) -> str: ...

    @property
    def data_dir(self) -> Path: ...


class BrokerNodeState(Protocol):
    @property
    def node(self) -> BrokerNode: ...

    @property
    def pid(self) -> int | None: ...

    @property
    def running(self) -> bool: ...


class BrokerClusterLayout(Protocol):
    """A recorded local cluster: its nodes and the replication they give."""

    @property
    def nodes(self) -> Sequence[BrokerNode]: ...

    @property
    def bootstrap(self) -> str: ...

    @property
    def replication_factor(self) -> int: ...

    @property
    def min_insync_replicas(self) -> int: ...


class LocalBrokerControl(Protocol):
    """Start, stop and inspect the home's local broker, or its recorded cluster. Every method
    raises :class:`BrokerError` when it cannot do it, :class:`ExternalClusterError` when the
    hub is configured for another cluster."""

    def layout(self) -> BrokerClusterLayout | None:
        """The recorded local cluster, or None: a single node."""

    def start(self, timeout_s: float = 60.0) -> StartResult: ...

    def start_cluster(self, nodes: int, timeout_s: float = 120.0
                      ) -> tuple[BrokerClusterLayout, list[int]]:
        """Start the recorded cluster's missing nodes, or plan and start a new one."""

    def stop(self, grace_s: float = 30.0) -> StopResult: ...

    def stop_cluster(self, grace_s: float = 30.0) -> list[int]:
        """Stop every node of the recorded cluster; the pids that were running."""

    def status(self) -> BrokerStatus: ...

    def cluster_status(self) -> Sequence[BrokerNodeState]: ...
