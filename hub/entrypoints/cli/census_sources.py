"""Where ``hub census compile`` reads its records: the topics, the hub store, a CSC export.

- Topics (default): the episode topic (compacted; every version read, the latest per episode
  id wins in the builders), the CSC status topic, the consent-limited topic and the task
  topic, each from the beginning to its end at the start of the read. A record that cannot
  be decoded, or is not what the topic carries, is counted as skipped, never fatal.
- The hub store: service episodes, consent-limited uses and open tasks. The store keeps no
  CSC status events, so those still come from the CSC topic, or from a CSC export read
  through the CSC connector (``--csc-export``), which needs no broker.
- Linked identifiers (LA child ids and UPNs, to join both returns on the child): the store's
  ``linked_identifiers`` with ``--from database``; from the topics, the identity decision log
  replayed in the order the resolver made it (Kafka timestamp, then partition and offset)
  into an in-memory store, so the sink's own rules move identifiers on a merge or split.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import make_url

from connectors.sources.csc import CscConnector
from hub import bootstrap
from hub.census.child_ids import LA_CHILD_ID, UPN, Linked
from hub.config import KafkaConnection, Settings
from hub.domain.events import CscStatusChanged
from hub.domain.routing import topic_for
from hub.domain.validation import EventRejectedError
from hub.entrypoints.cli.store import open_store_or_exit
from hub.ports import Codec, EventLogError, HubStore, UndecodableMessageError
from hub.topics_spec import TopicSpec
from hub.usecases.census_compile import CensusInputs

# Record read -> the CensusInputs field it fills.
RECORDS = {"ServiceEpisode": "episodes", "CscStatusChanged": "csc_events",
           "ConsentLimitedUse": "uses", "TaskChanged": "tasks", "Linked": "linked"}
DECISIONS = "IdentityDecisionMade"  # read from the topics, turned into ``Linked``
JOINED_ON = (LA_CHILD_ID, UPN)


class SourceError(RuntimeError):
    """The records cannot be read; the message says what to do."""


@dataclass
class Read:
    records: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    origin: dict[str, str] = field(default_factory=dict)  # record name -> topic, table or file
    skipped: int = 0  # undecodable or unexpected records, rejected export rows

    def inputs(self) -> CensusInputs:
        return CensusInputs(**{field: self.records[name] for name, field in RECORDS.items()})


async def _read_topics(
    kafka: KafkaConnection | str, names: dict[str, str], codec: Codec, into: Read
) -> None:
    try:
        found = await bootstrap.read_topics(kafka, list(names.values()), quiet=True)
    except EventLogError as exc:
        raise SourceError(f"{exc}: is the broker running (hub broker start)?") from None
    except KeyError as exc:
        raise SourceError(
            f"{exc.args[0]}: run `hub topics apply` and the worker first"
        ) from None
    for (name, topic), records in zip(names.items(), found, strict=True):
        into.origin[name] = topic
        records.sort(key=lambda r: (r.timestamp, r.partition, r.offset))  # the order written
        for record in records:
            try:
                decoded = codec.decode(record.value)
            except UndecodableMessageError:
                decoded = None
            if type(decoded).__name__ == name:
                into.records[name].append(decoded)
            else:
                into.skipped += 1


def from_topics(
    kafka: KafkaConnection | str, specs: list[TopicSpec], codec: Codec, names: list[str],
    into: Read,
) -> None:
    declared = [(s.name, s.value) for s in specs]
    topics = {name: topic_for(name, declared) for name in names}
    asyncio.run(_read_topics(kafka, topics, codec, into))


def linked_from_decisions(into: Read) -> None:
    """The identity decisions read, applied in order to an in-memory store (the sink's rules):
    its linked LA child ids and UPNs become ``Linked`` records."""
    decisions = into.records.pop(DECISIONS, [])
    store = bootstrap.scratch_store()
    try:
        store.apply_many(decisions)
        into.records["Linked"] = _linked(store)
    finally:
        store.close()
    into.origin["Linked"] = into.origin.pop(DECISIONS, "identity decisions")


def _linked(store: HubStore) -> list[Linked]:
    return [Linked(i.child_key, i.identifier_type, i.identifier_value, i.source_system)
            for i in store.identifiers_of_types(JOINED_ON)]


def from_database(settings: Settings, into: Read) -> None:
    """Episodes (highest version), consent-limited uses and open tasks from the hub store;
    exit 2 when there is none (``open_store_or_exit``)."""
    shown = make_url(settings.database).render_as_string(hide_password=True)
    store = open_store_or_exit(settings)
    try:
        into.records["ServiceEpisode"] = list(store.episodes())
        into.records["ConsentLimitedUse"] = list(store.consent_limited_uses())
        into.records["TaskChanged"] = list(store.open_tasks())
        into.records["Linked"] = _linked(store)
    finally:
        store.close()
    for name in ("ServiceEpisode", "ConsentLimitedUse", "TaskChanged", "Linked"):
        into.origin[name] = f"store {shown}"


def from_csc_export(path: Path, into: Read) -> None:
    """CSC status events from a CSC export (connectors/FORMATS.md); rejected rows skipped."""
    connector = CscConnector()
    for row in connector.read(path):
        try:
            events = connector.events(row)
        except EventRejectedError:
            into.skipped += 1
            continue
        into.records["CscStatusChanged"] += [e for e in events if isinstance(e, CscStatusChanged)]
    into.origin["CscStatusChanged"] = f"file {path.name}"
