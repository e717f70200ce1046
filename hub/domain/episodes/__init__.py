"""Census-ready service episodes (report Table 10, p.47): pure rules, one module per source.

See docs/episodes.md for every rule and the reason for each choice the report leaves open.
Import from the modules (``derive.derive``, ``model.ServiceEpisode``, ``state.EpisodeState``):
the package imports none of them, so its modules may import one another through it.
"""
