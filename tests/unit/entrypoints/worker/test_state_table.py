"""The state table's contract, for both places it keeps its bytes: in memory (tests) and in a
temporary SQLite file (the worker). Each store must give back exactly what was put, the
latest bytes per key, deletions included, also once it outgrows SQLite's page cache."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hub.entrypoints.worker import state_table
from hub.entrypoints.worker.state_table import DiskBytes, MemoryBytes, StateBytes, StateTable
from hub.ports import LogRecord

STORES: dict[str, Callable[[], StateBytes]] = {
    "memory": MemoryBytes,
    "disk": DiskBytes,
    "disk, past its page cache": lambda: DiskBytes(cache_kib=64),
}


@pytest.fixture(params=list(STORES))
def stored(request: pytest.FixtureRequest) -> Callable[[], StateBytes]:
    return STORES[request.param]


def _table(stored: Callable[[], StateBytes]) -> StateTable[str]:
    return StateTable("t-changelog", bytes.decode, str.encode, stored)


def test_states_set_go_to_the_changelog_once_and_are_read_back(stored) -> None:  # type: ignore[no-untyped-def]
    table = _table(stored)
    assert table.get("a") is None and len(table) == 0
    table.set("b", "2")
    table.set("a", "1")
    table.set("a", "1 again")
    assert len(table) == 2
    assert table.changelog() == [("t-changelog", "a", b"1 again"), ("t-changelog", "b", b"2")]
    assert table.changelog() == []
    assert (table.get("a"), table.get("b"), len(table)) == ("1 again", "2", 2)


def test_a_restore_keeps_the_latest_bytes_of_each_key_and_drops_deleted_ones(  # type: ignore[no-untyped-def]
    stored, monkeypatch
) -> None:
    sent = [("a", b"1"), ("b", b"2"), ("a", b"3"), ("c", b"4"), ("b", b"")]  # b"": deleted
    sent += [(f"k{i}", os.urandom(300)) for i in range(4_000)]  # past a 64 KiB page cache
    records = [LogRecord("t-changelog", 0, n, k, v, n) for n, (k, v) in enumerate(sent)]

    async def read(bootstrap: Any, topic: str, each: Callable[[LogRecord], None]) -> None:
        assert topic == "t-changelog"
        for record in records:
            each(record)

    monkeypatch.setattr(state_table, "read_topic_each", read)
    monkeypatch.setattr(state_table, "RESTORE_CHUNK", 2)  # a key's records in several chunks
    table = _table(stored)
    assert asyncio.run(table.restore("bootstrap")) == 2 + 4_000
    latest = dict(sent)
    assert table.get("a") == "3" and table.get("b") is None and table.get("c") == "4"
    assert all(table._raw.get(k) == latest[k] for k in latest if k.startswith("k"))
    table.set("c", "5")
    table.changelog()
    assert table.get("c") == "5" and len(table) == 2 + 4_000


def test_the_disk_store_leaves_no_file_behind(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The changelog is the only durable copy: the file SQLite spills to is its own, already
    unlinked, so nothing stale can be read by a later worker (or left by a killed one). In a
    new process: SQLite reads its temporary folder once."""
    script = (
        "import os, pathlib\n"
        "from hub.entrypoints.worker.state_table import DiskBytes\n"
        "store = DiskBytes(cache_kib=64)\n"
        "store.put({f'k{i}': os.urandom(1_000) for i in range(2_000)})\n"
        "assert len(store) == 2_000 and store.get('k7') is not None\n"
        "fds = [p for p in pathlib.Path('/proc/self/fd').iterdir() if p.is_symlink()]\n"
        "print('\\n'.join(os.readlink(p) for p in fds if p.exists()))\n"
    )
    env = {**os.environ, "SQLITE_TMPDIR": str(tmp_path)}
    held = subprocess.run([sys.executable, "-c", script], env=env, check=True,
                          capture_output=True, text=True).stdout.splitlines()
    assert list(tmp_path.iterdir()) == []
    if Path("/proc/self/fd").is_dir():  # Linux: the spilled pages were in a file held open
        assert any(h.startswith(str(tmp_path)) and h.endswith("(deleted)") for h in held), held
