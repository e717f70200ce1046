"""Identity resolution: link every incoming person record to a stable hub child key.

Pure functions and plain data only (no Kafka, files or database). Start with
``resolve(state, record, config)`` in ``resolver``; docs/identity.md explains the rules.
"""

from hub.domain.identity.apply import apply, rebuild
from hub.domain.identity.config import DEFAULT_CONFIG, MatchConfig, config_from_mapping
from hub.domain.identity.events import (
    ChildLinked,
    ChildrenMerged,
    ChildSplit,
    Decision,
    Evidence,
    IdentityEvent,
    NewChildRegistered,
    NotSameChild,
    PossibleMatchFound,
)
from hub.domain.identity.records import Person, PersonRecord, normalise
from hub.domain.identity.resolver import decide, resolve
from hub.domain.identity.review import (
    ReviewRejected,
    answer_possible_match,
    merge_children,
    split_merge,
    split_out,
)
from hub.domain.identity.state import ResolverState

__all__ = [
    "DEFAULT_CONFIG",
    "ChildLinked",
    "ChildSplit",
    "ChildrenMerged",
    "Decision",
    "Evidence",
    "IdentityEvent",
    "MatchConfig",
    "NewChildRegistered",
    "NotSameChild",
    "Person",
    "PersonRecord",
    "PossibleMatchFound",
    "ResolverState",
    "ReviewRejected",
    "answer_possible_match",
    "apply",
    "config_from_mapping",
    "decide",
    "merge_children",
    "normalise",
    "rebuild",
    "resolve",
    "split_merge",
    "split_out",
]
