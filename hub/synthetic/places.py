"""Where children live and learn: postcodes, streets and schools of a fictitious authority.

Postcodes use the area ``NX``, which no real UK postcode uses, in the real shape
``NX14 7QP`` (the inward letters exclude C, I, K, M, O and V, as Royal Mail does).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_STREETS = (
    "Station Road", "Church Street", "Victoria Road", "Manor Road", "Park Avenue",
    "Queens Road", "Mill Lane", "Green Lane", "Kings Road", "Grange Road", "Springfield Road",
    "Highfield Road", "York Road", "New Street", "Albert Road", "Chestnut Close",
    "Windsor Drive", "The Crescent", "Oak Tree Way", "Meadow View", "Brook Street",
    "Clarence Street", "Elm Grove", "Beech Avenue", "Hollybush Lane", "Cromwell Road",
)


@dataclass(frozen=True)
class School:
    urn: str
    establishment: str  # the four digits a UPN carries
    phase: str  # PRIMARY or SECONDARY


def postcode(rng: random.Random) -> str:
    inward = f"{rng.randint(1, 9)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
    return f"NX{rng.randint(1, 24)} {inward}"


def address(rng: random.Random) -> str:
    flat = f"Flat {rng.randint(1, 24)}, " if rng.random() < 0.15 else ""
    return f"{flat}{rng.randint(1, 180)} {rng.choice(_STREETS)}"


def schools(rng: random.Random, children: int) -> tuple[list[School], list[School]]:
    """Primary and secondary schools sized for ``children`` (about 1 in 4 children known)."""
    primaries = min(max(4, children // 120), 1900)
    secondaries = min(max(2, children // 700), 900)
    urns = rng.sample(range(100000, 150000), primaries + secondaries)
    made = [
        School(str(urn), f"{2000 + i if i < primaries else 4000 + i:04d}",
               "PRIMARY" if i < primaries else "SECONDARY")
        for i, urn in enumerate(urns)
    ]
    return made[:primaries], made[primaries:]
