"""The LA child id and UPN the census files give a child: those the hub linked to the child.

The hub links every identifier a source sends to the child it resolved the record to (the
store's ``linked_identifiers``; a reviewer's merge or split moves them). An episode's own
source often holds neither (a provider return, a YOT case), so the return joins on the child:

- only valid values: a UPN passes its format and check letter (``hub.domain.identifiers``);
  an LA child id is non-blank, has no spaces and at most 10 characters (the CIN census's
  ``LAchildID``);
- when several are linked, the CSC case system's first (the CIN census is keyed on its LA
  child id), then the other sources' in source-system then value order. Deterministic: the
  same links in any order choose the same value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from hub.domain.identifiers import is_valid_upn, normalise_upn

CSC_SOURCE = "csc"
LA_CHILD_ID, UPN = "LA_CHILD_ID", "UPN"
LA_CHILD_ID_MAX = 10


@dataclass(frozen=True, slots=True)
class Linked:
    """One identifier a source holds for a child (a ``linked_identifiers`` row)."""

    child_key: str
    kind: str  # LA_CHILD_ID, UPN, ...
    value: str
    source_system: str


@dataclass(frozen=True, slots=True)
class ChildIds:
    la_child_id: str | None = None  # the preferred one
    upn: str | None = None
    la_child_ids: frozenset[str] = frozenset()  # every valid one linked


def valid_la_child_id(value: str | None) -> bool:
    return bool(value) and len(value or "") <= LA_CHILD_ID_MAX and not any(
        c.isspace() for c in value or ""
    )


def _clean(kind: str, value: str) -> str | None:
    if kind == UPN:
        return normalise_upn(value) if is_valid_upn(value) else None
    return value if valid_la_child_id(value) else None


def _first(found: Iterable[tuple[str, str]]) -> str | None:
    ranked = sorted(found, key=lambda sv: (sv[0] != CSC_SOURCE, sv[0], sv[1]))
    return ranked[0][1] if ranked else None


def child_ids(linked: Iterable[Linked]) -> dict[str, ChildIds]:
    """Per child key, the LA child id and UPN to report (children with neither left out)."""
    found: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for row in linked:
        if row.kind in (LA_CHILD_ID, UPN) and (value := _clean(row.kind, row.value)):
            found[row.child_key, row.kind].add((row.source_system, value))
    keys = sorted({key for key, _ in found})
    return {
        key: ChildIds(
            la_child_id=_first(found[key, LA_CHILD_ID]),
            upn=_first(found[key, UPN]),
            la_child_ids=frozenset(v for _, v in found[key, LA_CHILD_ID]),
        )
        for key in keys
    }


def upns_by_la_child_id(ids: Mapping[str, ChildIds]) -> dict[str, str]:
    """The UPN linked to the child each LA child id belongs to, for the CIN census; when two
    children hold one LA child id (it should not happen), the first child key's wins."""
    known: dict[str, str] = {}
    for key in sorted(ids):
        if (upn := ids[key].upn) is not None:
            for la_child_id in sorted(ids[key].la_child_ids):
                known.setdefault(la_child_id, upn)
    return known
