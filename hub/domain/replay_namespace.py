"""May ``hub replay`` rebuild into this namespace? Pure.

A replay's worker writes the namespace's topics, changelogs and consumer-group offsets from
nothing. A namespace that already holds records (an earlier replay of the same name, from this
hub or from another one on the same cluster) would be mixed into the rebuild: its changelogs
restored as if they were this replay's state, its committed offsets skipping the backlog, its
records sealed under keys this hub does not hold (``CORRUPT_SEAL``). So a replay only starts in
an empty namespace; the operator picks a new ``--name`` (or leaves it out for a timestamped
one). Topic and group names are not personal data, so the refusal may name them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

REFUSED_EXIT = 2
"""``hub replay``'s exit code when it refuses the namespace (nothing was created)."""

_SHOWN = 5  # topics named in a refusal; the rest are counted


@dataclass(frozen=True)
class NamespaceUse:
    """What the cluster holds in a namespace: records per topic (existing topics only, records
    still retained: end offset minus beginning offset) and the consumer groups that have
    committed offsets."""

    records: Mapping[str, int] = field(default_factory=dict)
    committed_groups: tuple[str, ...] = ()

    @property
    def topics_with_records(self) -> list[tuple[str, int]]:
        return sorted((t, n) for t, n in self.records.items() if n > 0)

    @property
    def empty(self) -> bool:
        return not self.topics_with_records and not self.committed_groups


def replay_refusal(name: str, *, current: str, source: str, use: NamespaceUse) -> str | None:
    """Why ``name`` cannot receive a replay, or None when it can.

    ``current`` is the namespace the hub serves now, ``source`` the one whose source and
    command topics the replay reads (the same unless the hub already serves a replay)."""
    if name in {current, source}:
        return (f"namespace {name} is the one the hub {'serves' if name == current else 'reads'}"
                " now; a replay must rebuild into a new namespace")
    if use.empty:
        return None
    held = use.topics_with_records
    parts: list[str] = []
    if held:
        shown = ", ".join(f"{t} ({n} records)" for t, n in held[:_SHOWN])
        more = f" and {len(held) - _SHOWN} more" if len(held) > _SHOWN else ""
        parts.append(f"{len(held)} topic{'s' if len(held) != 1 else ''} hold records: "
                     f"{shown}{more}")
    if use.committed_groups:
        parts.append("consumer group" + ("s " if len(use.committed_groups) > 1 else " ")
                     + ", ".join(sorted(use.committed_groups)) + " committed offsets")
    return (f"namespace {name} is not empty ({'; '.join(parts)}); a replay needs an empty "
            "namespace: pick a new --name, or leave --name out for replay-<UTC time>")
