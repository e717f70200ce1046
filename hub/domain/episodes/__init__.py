"""Census-ready service episodes (report Table 10, p.47): pure rules, one module per source.

See docs/episodes.md for every rule and the reason for each choice the report leaves open.
"""

from __future__ import annotations

from hub.domain.episodes.derive import derive
from hub.domain.episodes.model import ServiceEpisode
from hub.domain.episodes.state import EpisodeState

__all__ = ["EpisodeState", "ServiceEpisode", "derive"]
