"""Code lists the sources use beyond hub.domain.codes, and checks of cells against them.

The CIN census lists (ethnicity, disability, reason for closure, category of abuse) are
shared by the CSC system and the disabled children register.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from connectors.base import reject
from connectors.formats.fields import listed, required, text
from hub.domain.codes import AdditionalService, subtype_problem


def code_set(codes: str) -> frozenset[str]:
    """A code list as the formats write it, space-separated: ``"RC1 RC2 RC3"``."""
    return frozenset(codes.split())


CIN_ETHNICITY = code_set(
    "WBRI WIRI WIRT WOTH WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH BCRB BAFR BOTH CHNE"
    " OOTH REFU NOBT"
)
CIN_DISABILITY = code_set("NONE MOB HAND PC INC COMM LD HEAR VIS BEH CON AUT DDA")
CIN_CLOSURE_REASON = frozenset(f"RC{n}" for n in range(1, 9))
CIN_CATEGORY_OF_ABUSE = code_set("NEGLECT PHYSICAL EMOTIONAL SEXUAL MULTIPLE")


def one_of(row: Mapping[str, Any], column: str, allowed: Collection[str]) -> str | None:
    """A cell that must be one of the codes ``allowed``; None when empty."""
    value = text(row, column)
    if value is not None and value not in allowed:
        raise reject("UNKNOWN_CODE", column, "is not in the code list")
    return value


def codes(
    row: Mapping[str, Any], column: str, allowed: Collection[str], separator: str = ";"
) -> tuple[str, ...]:
    """A multi-valued cell whose every value must be one of the codes ``allowed``."""
    values = listed(row, column, separator)
    if any(value not in allowed for value in values):
        raise reject("UNKNOWN_CODE", column, "holds a code not in the code list")
    return values


def service_and_subtype(
    row: Mapping[str, Any], service_column: str, subtype_column: str
) -> tuple[str, str]:
    """An additional service code and one of its sub-types (hub.domain.codes.SUBTYPES)."""
    service = required(row, service_column)
    subtype = required(row, subtype_column)
    if service not in AdditionalService.__members__:
        raise reject("UNKNOWN_CODE", service_column, "is not an additional service code")
    if subtype_problem(service, subtype):
        raise reject("UNKNOWN_CODE", subtype_column, "is not a sub-type of the service")
    return service, subtype
