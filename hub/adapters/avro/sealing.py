"""The sealed wrapper: a record's personal fields under AES-256-GCM, outside its Avro body.

Bytes: ``C3 5F`` + key id length (2 bytes, big-endian) + key id (UTF-8) + a 12-byte nonce +
ciphertext length (4 bytes, big-endian) + ciphertext + the record's ordinary single-object
encoding (``C3 01`` ...) with the personal fields left empty. The ciphertext is the JSON of
the personal fields; the key id is its associated data. A reader without the key (destroyed
by an erasure, or a consumer given none) reads the inner record: everything but who the child
is.
"""

from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass
from datetime import date
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SEALED_MARKER = b"\xc3\x5f"
NONCE_BYTES = 12


class SealError(ValueError):
    """The sealed wrapper is malformed or does not open with its key."""


@dataclass(frozen=True)
class Sealed:
    key_id: str
    nonce: bytes
    ciphertext: bytes
    inner: bytes


def is_sealed(data: bytes) -> bool:
    return data[:2] == SEALED_MARKER


def seal(key_id: str, key: bytes, personal: dict[str, Any], inner: bytes) -> bytes:
    plain = json.dumps(
        {k: v.isoformat() if isinstance(v, date) else v for k, v in personal.items()},
        separators=(",", ":"), sort_keys=True,
    ).encode()
    nonce = os.urandom(NONCE_BYTES)
    name = key_id.encode()
    ciphertext = AESGCM(key).encrypt(nonce, plain, name)
    return b"".join((SEALED_MARKER, struct.pack(">H", len(name)), name, nonce,
                     struct.pack(">I", len(ciphertext)), ciphertext, inner))


def split(data: bytes) -> Sealed:
    try:
        (length,) = struct.unpack_from(">H", data, 2)
        at = 4 + length
        key_id = data[4:at].decode()
        nonce = data[at:at + NONCE_BYTES]
        (size,) = struct.unpack_from(">I", data, at + NONCE_BYTES)
        start = at + NONCE_BYTES + 4
        ciphertext = data[start:start + size]
    except (struct.error, UnicodeDecodeError) as exc:
        raise SealError("sealed wrapper malformed") from exc
    if len(nonce) != NONCE_BYTES or len(ciphertext) != size:
        raise SealError("sealed wrapper truncated")
    return Sealed(key_id, nonce, ciphertext, data[start + size:])


def unseal(sealed: Sealed, key: bytes) -> dict[str, Any]:
    try:
        plain = AESGCM(key).decrypt(sealed.nonce, sealed.ciphertext, sealed.key_id.encode())
    except InvalidTag as exc:
        raise SealError("sealed fields do not open with their key") from exc
    personal: dict[str, Any] = json.loads(plain)
    if isinstance(dob := personal.get("date_of_birth"), str):
        personal["date_of_birth"] = date.fromisoformat(dob)
    return personal
