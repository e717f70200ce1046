"""Per-source API keys for the push intake, kept as salted scrypt hashes in SQLite.

A key is ``<key_id>.<secret>``: the key id finds the row, only the secret is hashed (scrypt,
a random 16-byte salt per key) and compared in constant time. An unknown key id costs the
same hashing as a wrong secret, so timing does not tell which key ids exist.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

from hub.adapters.keys import private_sqlite
from hub.ports import ApiKeyInfo

_KEY_ID = re.compile(r"^[0-9a-f]{16}$")
_SOURCE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_DUMMY_SALT = b"\x00" * 16
_SCHEMA = """CREATE TABLE IF NOT EXISTS api_keys (
    key_id TEXT PRIMARY KEY, source_system TEXT NOT NULL, salt BLOB NOT NULL,
    secret_hash BLOB NOT NULL, created_at TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0)"""


def check_source_name(source_system: str) -> None:
    if not _SOURCE.match(source_system):
        raise ValueError("source system must be lower-case letters, digits and hyphens")


def hash_secret(secret: str, salt: bytes) -> bytes:
    return hashlib.scrypt(secret.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)


def mint() -> tuple[str, str, bytes, bytes]:
    """A new ``(key_id, full key, salt, secret hash)``."""
    key_id, secret, salt = secrets.token_hex(8), secrets.token_urlsafe(32), secrets.token_bytes(16)
    return key_id, f"{key_id}.{secret}", salt, hash_secret(secret, salt)


def split_key(presented: str) -> tuple[str, str] | None:
    key_id, dot, secret = presented.partition(".")
    return (key_id, secret) if dot and secret and _KEY_ID.match(key_id) else None


def matches(secret: str, salt: bytes | None, stored: bytes | None) -> bool:
    """Constant-time check; with no stored key it still hashes, then says no."""
    candidate = hash_secret(secret, salt or _DUMMY_SALT)
    return hmac.compare_digest(candidate, stored or b"") and stored is not None


class VerifiedSecrets:
    """Secrets this process has already verified with scrypt, as keyed HMACs (never the secret
    itself), per key id and stored hash: a key's next request skips the 0.03-0.3 s of scrypt,
    so a busy intake answers within its time limits. Revocation is still read every time (the
    row must be active), and a changed stored hash misses. Wrong secrets always pay scrypt."""

    LIMIT = 1024

    def __init__(self) -> None:
        self._pepper = secrets.token_bytes(32)
        self._known: dict[tuple[str, bytes], bytes] = {}

    def _mac(self, secret: str) -> bytes:
        return hmac.new(self._pepper, secret.encode(), hashlib.sha256).digest()

    def known(self, key_id: str, stored: bytes, secret: str) -> bool:
        mac = self._known.get((key_id, stored))
        return mac is not None and hmac.compare_digest(mac, self._mac(secret))

    def remember(self, key_id: str, stored: bytes, secret: str) -> None:
        if len(self._known) >= self.LIMIT:
            self._known.clear()
        self._known[(key_id, stored)] = self._mac(secret)


class SqliteApiKeyStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        private_sqlite.create(path, _SCHEMA)
        self._verified = VerifiedSecrets()

    def _db(self) -> AbstractContextManager[sqlite3.Connection]:
        return private_sqlite.connect(self.path)

    def add(self, source_system: str, now: datetime) -> str:
        check_source_name(source_system)
        key_id, key, salt, digest = mint()
        created = now.astimezone(UTC).isoformat()
        with self._db() as db:
            db.execute(
                "INSERT INTO api_keys (key_id, source_system, salt, secret_hash, created_at)"
                " VALUES (?, ?, ?, ?, ?)", (key_id, source_system, salt, digest, created),
            )
        return key

    def authenticate(self, presented: str) -> str | None:
        parts = split_key(presented)
        key_id, secret = parts or ("", presented)
        with self._db() as db:
            row = db.execute(
                "SELECT source_system, salt, secret_hash FROM api_keys"
                " WHERE key_id = ? AND revoked = 0", (key_id,),
            ).fetchone()
        source, salt, stored = row or (None, None, None)
        if parts and stored is not None and self._verified.known(key_id, stored, secret):
            return source
        if matches(secret, salt, stored) and parts and stored is not None:
            self._verified.remember(key_id, stored, secret)
            return source
        return None

    def list_keys(self) -> list[ApiKeyInfo]:
        with self._db() as db:
            rows = db.execute(
                "SELECT key_id, source_system, created_at, revoked FROM api_keys"
                " ORDER BY created_at, key_id"
            ).fetchall()
        return [ApiKeyInfo(k, s, datetime.fromisoformat(c), bool(r)) for k, s, c, r in rows]

    def revoke(self, key_id: str) -> bool:
        with self._db() as db:
            changed = db.execute("UPDATE api_keys SET revoked = 1 WHERE key_id = ?", (key_id,))
            return changed.rowcount > 0
