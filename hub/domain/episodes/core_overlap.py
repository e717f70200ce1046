"""Overlap with the core CIN census (report p.44): flagged on the episode, never dropped.

The 2008-09 census already holds, wholly or in part, Section 17 family support, Section 24
leaving-care support and disabled children's services. An episode of one of these is still
an additional service (it is often commissioned or multi-agency), but whoever adds episodes
to core figures must not count it twice; the flag says which core category it overlaps.
"""

from __future__ import annotations

from typing import Any

from hub.domain.codes import AdditionalService, VolumeMeasure
from hub.domain.episodes.model import CoreCategory

_BY_SUBTYPE: dict[tuple[AdditionalService, str], CoreCategory] = {
    # Section 24 continuing assistance is the leaving-care support the core census holds.
    (
        AdditionalService.ILT,
        "CONTINUING_ASSISTANCE_TO_CARE_LEAVERS",
    ): CoreCategory.SECTION_24_LEAVING_CARE,
    # Direct payments are paid by CSC under its duties to disabled children.
    (AdditionalService.CWD, "DIRECT_PAYMENTS"): CoreCategory.DISABLED_CHILDREN_SERVICES,
}


def core_category(
    service: AdditionalService, subtype: str | None, measure: VolumeMeasure | None
) -> CoreCategory | None:
    """Which core census category an episode overlaps, if any.

    Family support measured in money is a Section 17 payment (paid, or planned by a panel);
    family support delivered in sessions by a provider is not in the core census.
    """
    if subtype is not None and (service, subtype) in _BY_SUBTYPE:
        return _BY_SUBTYPE[(service, subtype)]
    if service is AdditionalService.FS and measure is VolumeMeasure.M:
        return CoreCategory.SECTION_17_FAMILY_SUPPORT
    return None


def overlap_fields(
    service: AdditionalService, subtype: str | None, measure: VolumeMeasure | None
) -> dict[str, Any]:
    """``core_overlap`` and ``core_category`` for a new episode."""
    category = core_category(service, subtype, measure)
    return {"core_overlap": category is not None, "core_category": category}
