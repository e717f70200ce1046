"""UK postcode normalisation and its parts: full unit, sector and district (pure).

``sw1a 1aa`` and ``SW1A1AA`` both normalise to ``SW1A 1AA``. The outward code (``SW1A``) is
the *district*, the outward code and the first inward digit (``SW1A 1``) the *sector*.
Anything that is not postcode-shaped is treated as absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SHAPE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$")


@dataclass(frozen=True, slots=True)
class Postcode:
    district: str
    inward: str

    @property
    def full(self) -> str:
        return f"{self.district} {self.inward}"

    @property
    def sector(self) -> str:
        return f"{self.district} {self.inward[0]}"


def parse_postcode(raw: str | None) -> Postcode | None:
    if not raw:
        return None
    match = _SHAPE.match(re.sub(r"\s+", "", raw.upper()))
    return Postcode(match.group(1), match.group(2)) if match else None


def normalise_postcode(raw: str | None) -> str | None:
    postcode = parse_postcode(raw)
    return postcode.full if postcode else None
