"""An in-memory ApiKeyStore for unit tests; held to the same contract as the SQLite store."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from hub.adapters.keys.api_keys import check_source_name, matches, mint, split_key
from hub.ports import ApiKeyInfo


@dataclass(frozen=True)
class _Stored:
    info: ApiKeyInfo
    salt: bytes
    secret_hash: bytes


class InMemoryApiKeyStore:
    def __init__(self) -> None:
        self._keys: dict[str, _Stored] = {}

    def add(self, source_system: str, now: datetime) -> str:
        check_source_name(source_system)
        key_id, key, salt, digest = mint()
        self._keys[key_id] = _Stored(ApiKeyInfo(key_id, source_system, now, False), salt, digest)
        return key

    def authenticate(self, presented: str) -> str | None:
        parts = split_key(presented)
        key_id, secret = parts or ("", presented)
        stored = self._keys.get(key_id)
        live = stored if stored is not None and not stored.info.revoked else None
        salt, digest = (live.salt, live.secret_hash) if live else (None, None)
        if matches(secret, salt, digest) and parts and live:
            return live.info.source_system
        return None

    def list_keys(self) -> list[ApiKeyInfo]:
        return sorted((s.info for s in self._keys.values()),
                      key=lambda i: (i.created_at, i.key_id))

    def revoke(self, key_id: str) -> bool:
        stored = self._keys.get(key_id)
        if stored is None:
            return False
        self._keys[key_id] = replace(stored, info=replace(stored.info, revoked=True))
        return True
