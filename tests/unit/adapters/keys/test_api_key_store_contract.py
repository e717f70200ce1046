"""One contract, two implementations: the in-memory key store must behave like SQLite's."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub.adapters.keys.api_keys import SqliteApiKeyStore
from hub.adapters.memory.api_keys import InMemoryApiKeyStore
from hub.ports import ApiKeyStore

NOW = datetime(2025, 9, 8, 17, 5, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ApiKeyStore:
    if request.param == "memory":
        return InMemoryApiKeyStore()
    return SqliteApiKeyStore(tmp_path / "state" / "api_keys.db")


def test_a_new_key_authenticates_as_its_source(store: ApiKeyStore):
    key = store.add("education-sen", NOW)
    key_id, _, secret = key.partition(".")
    assert key_id and secret
    assert store.authenticate(key) == "education-sen"


def test_each_key_is_new_and_names_its_own_source(store: ApiKeyStore):
    first, second = store.add("education-sen", NOW), store.add("finance", NOW)
    assert first != second
    assert store.authenticate(first) == "education-sen"
    assert store.authenticate(second) == "finance"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda key: key[:-1] + ("A" if key[-1] != "A" else "B"),  # wrong secret
        lambda key: "0123456789abcdef." + key.partition(".")[2],  # unknown key id
        lambda key: key.partition(".")[0],  # key id alone
        lambda key: key.partition(".")[2],  # secret alone
        lambda key: key.partition(".")[0] + ".",  # empty secret
        lambda key: "",
        lambda key: "not a key at all",
        lambda key: "' OR 1=1 --." + key.partition(".")[2],
    ],
)
def test_anything_but_the_exact_key_is_refused(store: ApiKeyStore, mangle):
    key = store.add("education-sen", NOW)
    assert store.authenticate(mangle(key)) is None


def test_list_shows_ids_and_sources_never_secrets(store: ApiKeyStore):
    first = store.add("education-sen", NOW)
    second = store.add("finance", NOW + timedelta(seconds=1))
    listed = store.list_keys()
    assert [(k.key_id, k.source_system) for k in listed] == [
        (first.partition(".")[0], "education-sen"), (second.partition(".")[0], "finance"),
    ]
    assert listed[0].created_at == NOW and not listed[0].revoked
    shown = repr(listed)
    assert first.partition(".")[2] not in shown and second.partition(".")[2] not in shown


def test_a_revoked_key_no_longer_authenticates(store: ApiKeyStore):
    key, other = store.add("education-sen", NOW), store.add("education-sen", NOW)
    assert store.revoke(key.partition(".")[0]) is True
    assert store.authenticate(key) is None
    assert store.authenticate(other) == "education-sen"
    assert [k.revoked for k in store.list_keys() if k.key_id == key.partition(".")[0]] == [True]


def test_revoking_an_unknown_key_says_so(store: ApiKeyStore):
    assert store.revoke("0123456789abcdef") is False


@pytest.mark.parametrize("source", ["", "Education SEN", "sen/../x", "-lead", "a" * 64])
def test_source_names_are_plain_slugs(store: ApiKeyStore, source: str):
    with pytest.raises(ValueError, match="source system"):
        store.add(source, NOW)


def test_sqlite_keeps_only_a_salted_hash(tmp_path: Path):
    path = tmp_path / "api_keys.db"
    store = SqliteApiKeyStore(path)
    key_a, key_b = store.add("finance", NOW), store.add("finance", NOW)
    raw = path.read_bytes()
    for key in (key_a, key_b):
        assert key.partition(".")[2].encode() not in raw
    with sqlite3.connect(path) as db:
        salts = {row[0] for row in db.execute("SELECT salt FROM api_keys")}
    assert len(salts) == 2
    assert path.stat().st_mode & 0o077 == 0
    assert SqliteApiKeyStore(path).authenticate(key_a) == "finance"  # survives a restart
