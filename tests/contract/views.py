"""Everything a store answers about some records, as one comparable value."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hub.ports import HubStore, StoreRecord
from tests.contract.store_records import CHILD


def everything(store: HubStore, records: Iterable[StoreRecord] = ()) -> dict[str, Any]:
    """Every query's answer for the children, tasks and commands ``records`` name."""
    records = list(records)
    children = sorted({CHILD, *(k for x in records if (k := getattr(x, "child_key", None)))})
    tasks = sorted({x.task_id for x in records if hasattr(x, "task_id")})
    commands = sorted({x.command_id for x in records if hasattr(x, "command_id")})
    return {
        "open_tasks": store.open_tasks(),
        "tasks": {t: store.task(t) for t in tasks},
        "rejections": {c: store.rejection(c) for c in commands},
        "uses": store.consent_limited_uses(),
        "children": {key: _child(store, key) for key in children},
    }


def _child(store: HubStore, key: str) -> dict[str, Any]:
    return {
        "summary": store.child_summary(key), "timeline": store.timeline(key),
        "flags": store.flags(key), "contacts": store.contacts(key),
        "withdrawals": store.contact_withdrawals(key),
        "person": store.person(key), "identifiers": store.identifiers(key),
        "person_records": store.person_records(key),
        "episodes": store.episodes(key),
    }
