"""The data-key store keeps a bounded number of keys in memory, and eviction loses nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.adapters.keys import subject_keys
from hub.adapters.keys.subject_keys import SqliteSubjectKeys
from hub.ports import UnknownSubjectKeyError


def test_the_memory_cache_is_bounded_and_an_evicted_key_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(subject_keys, "CACHED_KEYS", 3)
    keys = SqliteSubjectKeys(tmp_path / "keys" / "subject-keys.db")
    made = {f"src:rec-{i}": keys.key_for(f"src:rec-{i}") for i in range(10)}
    assert len(keys._known) == 3  # only the most recent three stay in memory
    assert all(made[k] is not None and keys.key_for(k) == made[k] for k in made)
    assert keys.existing("src:rec-0") == made["src:rec-0"]  # evicted, read from the file


def test_a_destroyed_key_stays_destroyed_after_eviction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(subject_keys, "CACHED_KEYS", 2)
    keys = SqliteSubjectKeys(tmp_path / "keys" / "subject-keys.db")
    keys.key_for("src:erased")
    assert keys.destroy(["src:erased"]) == 1
    for i in range(5):
        keys.key_for(f"src:other-{i}")  # pushes the destroyed entry out of memory
    assert "src:erased" not in keys._known
    assert keys.key_for("src:erased") is None and keys.existing("src:erased") is None


def test_the_opening_key_tells_a_destroyed_key_from_one_never_held(tmp_path):
    keys = SqliteSubjectKeys(tmp_path / "keys.db")
    made = keys.key_for("csc:1")
    assert keys.opening_key("csc:1") == made
    keys.destroy(["csc:1"])
    assert keys.opening_key("csc:1") is None
    with pytest.raises(UnknownSubjectKeyError):
        keys.opening_key("csc:never-made-here")
    assert keys.existing("csc:never-made-here") is None  # existing() still only looks
