"""Check-digit rules for the identifiers children carry across systems (pure, no I/O).

UPN (Unique Pupil Number, DfE): 13 characters. Character 1 is a check letter; characters
2-4 the LA number, 5-8 the establishment, 9-10 the year of allocation, 11-13 a serial.
A *temporary* UPN has a letter in position 13. The check letter is the sum of characters
2-13 multiplied by weights 2..13 (a letter in position 13 counts as its index in the check
alphabet), modulo 23, mapped to ``ABCDEFGHJKLMNPQRTUVWXYZ`` (no I, O or S).

NHS number: 10 digits; digits 1-9 are weighted 10..2, ``11 - (sum mod 11)`` is the check
digit (11 means 0, 10 means the number is invalid). Numbers of one repeated digit are
rejected even though some pass the modulus, as NHS systems do.
"""

from __future__ import annotations

import re

UPN_CHECK_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN_SHAPE = re.compile(rf"^[{UPN_CHECK_ALPHABET}]\d{{11}}[\d{UPN_CHECK_ALPHABET}]$")
_NHS_SHAPE = re.compile(r"^\d{10}$")


def normalise_upn(raw: str) -> str:
    return raw.strip().upper().replace(" ", "")


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters that follow it."""
    if len(body) != 12 or not body[:11].isdigit():
        raise ValueError("a UPN body is 11 digits and a digit or letter")
    values = [int(c) for c in body[:11]]
    last = body[11]
    values.append(int(last) if last.isdigit() else UPN_CHECK_ALPHABET.index(last))
    total = sum(value * weight for value, weight in zip(values, range(2, 14), strict=True))
    return UPN_CHECK_ALPHABET[total % 23]


def upn_problem(raw: str) -> str | None:
    """Why ``raw`` is not a valid UPN, or None when it is."""
    upn = normalise_upn(raw)
    if not _UPN_SHAPE.match(upn):
        return "UPN must be 13 characters: a check letter, 11 digits, then a digit or letter"
    if upn_check_letter(upn[1:]) != upn[0]:
        return "UPN check letter does not match"
    return None


def is_valid_upn(raw: str) -> bool:
    return upn_problem(raw) is None


def nhs_check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None when no digit can make them valid."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def normalise_nhs_number(raw: str) -> str:
    return re.sub(r"[\s-]", "", raw)


def nhs_number_problem(raw: str) -> str | None:
    """Why ``raw`` is not a valid NHS number, or None when it is."""
    nhs = normalise_nhs_number(raw)
    if not _NHS_SHAPE.match(nhs):
        return "NHS number must be 10 digits"
    if len(set(nhs)) == 1:
        return "NHS number of one repeated digit is not issued"
    if nhs_check_digit(nhs[:9]) != int(nhs[9]):
        return "NHS number fails the modulus 11 check"
    return None


def is_valid_nhs_number(raw: str) -> bool:
    return nhs_number_problem(raw) is None
