"""Short breaks for disabled children (report p.28, recommendation 6; Appendix A, CWD).

- Legal status **V3**: each short break is a looked-after episode already returned in the
  SSDA903 (looked-after) return. Appendix A excludes it from CWD. The hub still emits the
  episode, so the money is visible and reconcilable, but marks it
  ``counted_as_additional=False`` with ``exclusion_reason=RECORDED_IN_SSDA903_V3`` and no
  sub-type (V3 is not a CWD service option). The census return leaves it out; the quality
  report counts it.
- Legal status **V4**: an agreed series of breaks, not quantified in SSDA903, so it must be
  captured episode by episode: CWD "Short-break care V4", one episode per payment or return.
"""

from __future__ import annotations

from typing import Any

from hub.domain.episodes.model import ExclusionReason
from hub.domain.events.finance import PaymentKind

V4_SUBTYPE = "SHORT_BREAK_CARE_V4"


def exclusion_fields(kind: PaymentKind) -> dict[str, Any]:
    """``counted_as_additional`` and ``exclusion_reason`` for a payment of ``kind``."""
    if kind is PaymentKind.SHORT_BREAK_V3:
        return {
            "counted_as_additional": False,
            "exclusion_reason": ExclusionReason.RECORDED_IN_SSDA903_V3,
        }
    return {"counted_as_additional": True, "exclusion_reason": None}
