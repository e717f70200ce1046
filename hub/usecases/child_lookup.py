"""Which of some children a search describes (``hub.domain.child_search``), looking each
child's details up in the hub store. Only the children the caller may see are looked at."""

from __future__ import annotations

from collections.abc import Iterable

from hub.domain.child_search import matches
from hub.ports import HubStore


def children_matching(store: HubStore, child_keys: Iterable[str], query: str) -> frozenset[str]:
    found = set()
    for key in set(child_keys):
        person = store.person(key)
        names = (person.given_name, person.family_name) if person else ()
        ids = [(i.identifier_type, i.identifier_value) for i in store.identifiers(key)]
        if matches(query, names, person.date_of_birth if person else None, ids):
            found.add(key)
    return frozenset(found)
