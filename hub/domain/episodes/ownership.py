"""When another child takes over an episode: versions that beat what the sink holds.

Episode ids come from the source record, not the child, so after an identity review the
same episode can be derived again under a different child key (the survivor of a merge,
the restored child of a split). The sink keeps the highest version per episode id, so a
child deriving it afresh at version 1 would lose to the version the old key emitted, and the
census would go on counting the episode under the old child.

``take_over`` is told, per episode id, the last (version, child key, digest) any child
emitted (``held``) and sends each episode at the version ``hub.domain.emitted_versions``
decides: another child's id at the next version, a crash's redo at the version it had; the
emitting child's state continues from there. The same child re-emitting the same version (a
redelivery) is left alone, so outputs stay byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable

from hub.domain.emitted_versions import Held, version_to_send
from hub.domain.episodes.ledger import keeps_open
from hub.domain.episodes.model import ServiceEpisode
from hub.domain.episodes.state import EpisodeState

__all__ = ["Held", "take_over"]

def take_over(
    state: EpisodeState, child_key: str, emitted: list[ServiceEpisode],
    held: Callable[[str], Held | None],
) -> tuple[EpisodeState, list[ServiceEpisode]]:
    out = []
    for derived in emitted:
        version = version_to_send(derived, derived.version, derived.child_key,
                                  held(derived.episode_id))
        episode = derived if version == derived.version else derived.evolve(version=version)
        if episode is not derived and episode.child_key == child_key:
            state = state.keep(episode, still_open=keeps_open(episode))
        out.append(episode)
    return state, out
