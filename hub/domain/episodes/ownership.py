"""When another child takes over an episode: versions that beat what the sink holds.

Episode ids come from the source record, not the child, so after an identity review the
same episode can be derived again under a different child key (the survivor of a merge,
the restored child of a split). The sink keeps the highest version per episode id, so a
child deriving it afresh at version 1 would lose to the version the old key emitted, and the
census would go on counting the episode under the old child.

``take_over`` is told, per episode id, the last (version, child key) any child emitted
(``held``). An episode now emitted by a different child at a version that would not beat it
is emitted at the next version instead, and the emitting child's state continues from there.
The same child re-emitting (a redelivery) is left alone, so outputs stay byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable

from hub.domain.episodes.ledger import keeps_open
from hub.domain.episodes.model import ServiceEpisode
from hub.domain.episodes.state import EpisodeState

Held = tuple[int, str]  # (version, child key) of the last emission of an episode id


def take_over(
    state: EpisodeState, child_key: str, emitted: list[ServiceEpisode],
    held: Callable[[str], Held | None],
) -> tuple[EpisodeState, list[ServiceEpisode]]:
    out = []
    for derived in emitted:
        episode, last = derived, held(derived.episode_id)
        if last is not None and last[1] != episode.child_key and last[0] >= episode.version:
            episode = episode.evolve(version=last[0] + 1)
            if episode.child_key == child_key:
                state = state.keep(episode, still_open=keeps_open(episode))
        out.append(episode)
    return state, out
