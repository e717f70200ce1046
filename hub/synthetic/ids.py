"""Identifiers: scrambled record ids, valid UPNs and NHS numbers, and deliberate bad ones."""

from __future__ import annotations

import math
import random

from hub.domain.identifiers import UPN_CHECK_ALPHABET, nhs_check_digit, upn_check_letter

LA_NUMBER = "938"  # a fictitious three-digit LA number used in every synthetic UPN


class ScrambledIds:
    """Unique, non-sequential ids: ``prefix`` + ``width`` digits, (n * a + b) mod 10**width.

    Sequential ids would leak the generation order (consecutive ids = same family).
    """

    def __init__(self, prefix: str, width: int, salt: str) -> None:
        rng = random.Random(f"ids:{prefix}:{salt}")
        self.prefix, self.width, self.modulus = prefix, width, 10**width
        self.multiplier = rng.randrange(self.modulus // 3, self.modulus)
        while math.gcd(self.multiplier, self.modulus) != 1:
            self.multiplier += 1
        self.offset = rng.randrange(self.modulus)
        self.low = 10 ** (width - 1)  # keep a leading non-zero digit for numeric ids
        self._n = 0

    def next(self) -> str:
        while True:
            value = (self._n * self.multiplier + self.offset) % self.modulus
            self._n += 1
            if value >= self.low:
                return f"{self.prefix}{value:0{self.width}d}"


class UpnIssuer:
    """Valid UPNs: check letter, LA number, school establishment, year of allocation, serial."""

    def __init__(self) -> None:
        self._serials: dict[str, int] = {}

    def issue(self, establishment: str, year: int) -> str:
        stem = f"{LA_NUMBER}{establishment}{year % 100:02d}"
        serial = self._serials.get(stem, 0)
        self._serials[stem] = serial + 1
        if serial < 1000:
            body = f"{stem}{serial:03d}"
        else:  # over 1000 pupils in one school-year: use a temporary-style letter suffix
            body = f"{stem}{serial // 23 % 100:02d}{UPN_CHECK_ALPHABET[serial % 23]}"
        return upn_check_letter(body) + body

    def temporary(self, rng: random.Random, establishment: str, year: int) -> str:
        body = f"{LA_NUMBER}{establishment}{year % 100:02d}{rng.randint(0, 99):02d}"
        body += rng.choice(UPN_CHECK_ALPHABET)
        return upn_check_letter(body) + body


class NhsIssuer:
    """Valid, unique NHS numbers (first digit 4, 6, 7 or 9)."""

    def __init__(self, salt: str) -> None:
        self._ids = ScrambledIds("", 8, f"nhs:{salt}")

    def issue(self) -> str:
        while True:
            digits = self._ids.next()
            first_nine = "9" + digits if int(digits[-1]) % 2 else "4" + digits
            check = nhs_check_digit(first_nine)
            if check is not None and len(set(first_nine)) > 1:
                return f"{first_nine}{check}"


def spoil_upn(upn: str, rng: random.Random) -> str:
    """Same shape, wrong check letter (a keying error)."""
    wrong = rng.choice([c for c in UPN_CHECK_ALPHABET if c != upn[0]])
    return wrong + upn[1:]


def spoil_nhs(nhs: str, rng: random.Random) -> str:
    """Change the check digit so the modulus 11 check fails."""
    last = int(nhs[9])
    return nhs[:9] + str((last + rng.randint(1, 9)) % 10)
