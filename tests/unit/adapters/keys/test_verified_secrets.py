"""A verified key skips scrypt next time, yet revocation and wrong secrets still count."""

from __future__ import annotations

from datetime import UTC, datetime
from unittest import mock

from hub.adapters.keys import api_keys
from hub.adapters.keys.api_keys import SqliteApiKeyStore


def test_a_second_request_with_the_same_key_does_not_hash_again(tmp_path):
    store = SqliteApiKeyStore(tmp_path / "keys.db")
    key = store.add("finance", datetime.now(UTC))
    assert store.authenticate(key) == "finance"
    with mock.patch.object(api_keys, "hash_secret", side_effect=AssertionError("scrypt")):
        assert store.authenticate(key) == "finance"


def test_revocation_and_wrong_secrets_still_refuse_after_a_verified_request(tmp_path):
    store = SqliteApiKeyStore(tmp_path / "keys.db")
    key = store.add("finance", datetime.now(UTC))
    assert store.authenticate(key) == "finance"
    key_id = key.partition(".")[0]
    assert store.authenticate(f"{key_id}.{'x' * 43}") is None
    other_process = SqliteApiKeyStore(tmp_path / "keys.db")  # `hub intake revoke` elsewhere
    assert other_process.revoke(key_id)
    assert store.authenticate(key) is None
