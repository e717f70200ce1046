"""Who may do what on the hub's topics: one Kafka user per role, least privilege. Pure.

- ``source-<name>`` (one per connector source system) writes only the source topics that
  carry its own event types, plus the dead-letter topic for the rows it rejects.
- ``intake`` (the HTTP push intake, which multiplexes many sources' API keys, each checked
  against its own rights) writes the source topics and the dead-letter topic.
- ``inbox`` (the web inbox and the staff CLI) writes only the staff commands topic.
- ``worker`` is the only role that reads source topics; it reads the commands topic, and reads
  and writes its own outputs (``cin.hub.*`` except commands), its state changelogs and its
  consumer groups (``<app id>`` prefixed).
- ``admin`` is a Kafka super user (topic creation, ACLs, operator reads); no ACL rows needed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

ResourceKind = Literal["topic", "group", "cluster", "transactional_id"]
Pattern = Literal["literal", "prefixed"]
Operation = Literal["READ", "WRITE", "DESCRIBE", "CREATE", "DESCRIBE_CONFIGS", "IDEMPOTENT_WRITE"]

ADMIN, WORKER, INBOX, INTAKE = "admin", "worker", "inbox", "intake"
SOURCE_PREFIX = "source-"
CLUSTER = "kafka-cluster"
_WRITE: tuple[Operation, ...] = ("WRITE", "DESCRIBE")
_READ: tuple[Operation, ...] = ("READ", "DESCRIBE", "DESCRIBE_CONFIGS")


@dataclass(frozen=True)
class Grant:
    """Allow ``user`` the ``operations`` on one resource (a name, or every name it prefixes)."""

    user: str
    kind: ResourceKind
    name: str
    pattern: Pattern
    operations: tuple[Operation, ...]
    deny: bool = False  # a DENY row wins over any ALLOW (Kafka's rule)


@dataclass(frozen=True)
class HubTopics:
    """The topic names the policy needs, already namespaced."""

    source_topics: Mapping[str, frozenset[str]]  # source system -> topics it writes
    commands: str
    dead_letter: str
    hub_prefix: str  # "<namespace>.cin.hub." : the worker's outputs (and commands)
    app_id: str  # the worker's consumer groups and changelog topics start with it


def source_user(source: str) -> str:
    return f"{SOURCE_PREFIX}{source}"


PUBLISHES_AS: Mapping[str, str] = {"cin-census": "csc"}
"""File imports with no user of their own: the CIN census extract is the case system's own
statutory return, published on the CSC topic as CSC."""


def publishing_user(source: str) -> str:
    """The user a connector (``hub connect SOURCE``) publishes as."""
    return source_user(PUBLISHES_AS.get(source, source))


def users(sources: Iterable[str]) -> tuple[str, ...]:
    """Every SCRAM user a secured hub has: one per role, one per source system."""
    return (ADMIN, WORKER, INBOX, INTAKE, *sorted(source_user(s) for s in sources))


def grants(topics: HubTopics) -> list[Grant]:
    every_source = sorted(set().union(*topics.source_topics.values()))
    found: list[Grant] = []
    for source, names in sorted(topics.source_topics.items()):
        found += _writes(source_user(source), [*sorted(names), topics.dead_letter])
    found += _writes(INTAKE, [*every_source, topics.dead_letter])
    found += _writes(INBOX, [topics.commands])
    found += [Grant(WORKER, "topic", t, "literal", _READ) for t in every_source]
    found += [
        Grant(WORKER, "topic", topics.hub_prefix, "prefixed", (*_READ, "WRITE", "CREATE")),
        Grant(WORKER, "topic", topics.app_id, "prefixed", (*_READ, "WRITE", "CREATE")),
        Grant(WORKER, "group", topics.app_id, "prefixed", ("READ", "DESCRIBE")),
        # the children stage writes its state changelogs in transactions (<app id>-state)
        Grant(WORKER, "transactional_id", topics.app_id, "prefixed", ("WRITE", "DESCRIBE")),
        # The commands topic shares the worker's prefix but is the inbox's to write.
        Grant(WORKER, "topic", topics.commands, "literal", ("WRITE",), deny=True),
    ]
    return found


def _writes(user: str, names: Iterable[str]) -> list[Grant]:
    return [Grant(user, "topic", name, "literal", _WRITE) for name in names]


def hub_topics(
    declared: Sequence[tuple[str, tuple[str, ...]]],
    namespace: str,
    app_id: str,
    allowed: Mapping[str, frozenset[str]],
) -> HubTopics:
    """The policy's topic names from topics.yaml's ``(name, value types)`` (namespaced) and each
    source's event types (:data:`hub.domain.intake_rights.DEFAULT_ALLOWED`)."""
    carrying = {value: name for name, values in reversed(declared) for value in values}
    prefix = f"{namespace}." if namespace else ""
    return HubTopics(
        source_topics={
            source: frozenset(carrying[t] for t in types if t in carrying)
            for source, types in allowed.items()
        },
        commands=carrying["ClaimTask"],
        dead_letter=carrying["DeadLetter"],
        hub_prefix=f"{prefix}cin.hub.",
        app_id=app_id,
    )
