"""What a reviewer's identity answer changed, for the worker to carry downstream.

``Resolution.review`` returns a :class:`ReviewResult`: the decision records to log (they
rebuild the resolver on start-up), the child keys whose records changed, and what each now
holds. The worker sends each decision, then for every affected key a ``ChildReset``
(:meth:`ReviewResult.resets`) followed by the events of ``records_of[key]``, in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from hub.domain.outputs.identity import IdentityDecisionKind, IdentityDecisionMade
from hub.domain.outputs.reset import ChildReset, reset_id_for

_SETTLEMENT = frozenset({IdentityDecisionKind.MOVE, IdentityDecisionKind.RETIRE})


@dataclass(frozen=True)
class ReviewResult:
    """Empty (no decisions, nothing affected) for a command already carried out."""

    decisions: list[IdentityDecisionMade] = field(default_factory=list)
    """MERGE (child_key: the survivor, candidate_key: the retired key), SPLIT (one per
    destination; child_key: where the records went, candidate_key: the key they left) or
    NOT_SAME (child_key: the provisional key, candidate_key: the candidate of its review);
    for a settlement (``Resolution.settle``) MOVE, RETIRE, REVIEW_OPEN and REVIEW_CLOSE."""
    affected: tuple[str, ...] = ()
    """Every key whose set of records changed: a merge's retired key then its survivor; a
    split's source key then its destinations in the order of their earliest record."""
    retired: dict[str, str] = field(default_factory=dict)
    """Key -> the key it was merged into, for keys that no longer hold records."""
    records_of: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Each affected, non-retired key -> its record ids now, in the order the resolver saw them."""
    at: datetime | None = None
    """When the reviewer decided."""

    def resets(self) -> list[ChildReset]:
        """One ``ChildReset`` per affected key, in ``affected`` order."""
        resets = []
        for key in self.affected:
            decision = next(d for d in self.decisions if key in (d.child_key, d.candidate_key))
            into = self.retired.get(key)
            settled = decision.kind in _SETTLEMENT
            reason = (
                "merged into another child" if into and not settled
                else "settled into another child" if into
                else f"identity {'settled' if settled else 'review'}: {decision.kind}"
            )
            resets.append(ChildReset(
                reset_id=reset_id_for(decision.decision_id, key), child_key=key, reason=reason,
                into_key=into, decision_id=decision.decision_id, at=self.at,
            ))
        return resets
