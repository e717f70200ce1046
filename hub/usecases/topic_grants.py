"""The ACL grants of one topic namespace, from the settings' topics.yaml."""

from __future__ import annotations

from hub.config import Settings
from hub.domain.intake_rights import topic_writes
from hub.domain.topic_access import Grant, grants, hub_topics
from hub.topics_spec import load_topic_specs


def worker_app_id(namespace: str) -> str:
    """The worker's consumer-group and changelog prefix (``hub worker``'s app id)."""
    return f"{namespace}-cin-hub" if namespace else "cin-hub"


def namespace_grants(settings: Settings, namespace: str | None = None) -> list[Grant]:
    chosen = settings.topic_namespace if namespace is None else namespace
    declared = [(s.name, s.value) for s in load_topic_specs(settings.topics_file, chosen)]
    return grants(hub_topics(declared, chosen, worker_app_id(chosen), topic_writes()))
