"""The state table's contract, for every place it keeps its bytes: in memory (tests), in a
temporary SQLite file, and in a SQLite file kept across restarts (the worker). Each store
must give back exactly what was put, the latest bytes per key, deletions included, also once
it outgrows SQLite's page cache; the kept file must resume where it was kept, and only
there."""

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
from hub.entrypoints.worker.guards import guarded
from hub.entrypoints.worker.state_table import (
    DiskBytes,
    KeptBytes,
    MemoryBytes,
    StateBytes,
    StateStoreError,
    StateTable,
    StoreInUseError,
    fingerprint,
    kept_or_temporary,
)
from hub.ports import LogRecord
from hub.usecases.worker_steps import Incoming

STORES: dict[str, Callable[[Path], Callable[[str], StateBytes]]] = {
    "memory": lambda _: lambda _t: MemoryBytes(),
    "disk": lambda _: lambda _t: DiskBytes(),
    "disk, past its page cache": lambda _: lambda _t: DiskBytes(cache_kib=64),
    "kept": lambda folder: lambda t: KeptBytes(folder / f"{t}.sqlite"),
    "kept, past its page cache": lambda folder: lambda t: KeptBytes(folder / f"{t}.sqlite",
                                                                     cache_kib=64),
}


@pytest.fixture(params=list(STORES))
def stored(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[str], StateBytes]:
    return STORES[request.param](tmp_path)


def _table(stored: Callable[[str], StateBytes]) -> StateTable[str]:
    return StateTable("t-changelog", bytes.decode, str.encode, stored)


def _log(sent: list[tuple[str, bytes]], partitions: int = 1) -> list[LogRecord]:
    """``sent`` as changelog records, round robin over ``partitions``."""
    offsets = [0] * partitions
    records = []
    for n, (key, value) in enumerate(sent):
        p = n % partitions
        records.append(LogRecord("t-changelog", p, offsets[p], key, value, 1_000 + n))
        offsets[p] += 1
    return records


class FakeChangelog:
    """The changelog as ``read_topic_from`` and ``records_at`` read it."""

    def __init__(self, records: list[LogRecord], partitions: int = 1) -> None:
        self.records, self.partitions = records, partitions
        self.starts: list[dict[int, int]] = []

    async def read_from(self, bootstrap: Any, topic: str, starts: dict[int, int],
                        each: Callable[[LogRecord], None]) -> int:
        assert topic == "t-changelog"
        self.starts.append(dict(starts))
        for record in self.records:
            if record.offset >= starts.get(record.partition, 0):
                each(record)
        return self.partitions

    async def at(self, bootstrap: Any, topic: str,
                 offsets: dict[int, int]) -> tuple[int, dict[int, LogRecord | None]]:
        found: dict[int, LogRecord | None] = {}
        for p, offset in offsets.items():
            later = [r for r in self.records if r.partition == p and r.offset >= offset]
            found[p] = min(later, key=lambda r: r.offset) if later else None
        return self.partitions, found

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(state_table, "read_topic_from", self.read_from)
        monkeypatch.setattr(state_table, "records_at", self.at)


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
    records = _log(sent)

    FakeChangelog(records).install(monkeypatch)
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


def _kept(folder: Path) -> StateTable[str]:
    return StateTable("t-changelog", bytes.decode, str.encode,
                      lambda t: KeptBytes(folder / f"{t}.sqlite"))


def test_a_kept_store_resumes_where_it_was_kept_and_reads_only_what_came_after(  # type: ignore[no-untyped-def]
    tmp_path, monkeypatch
) -> None:
    sent = [(f"k{i}", f"v{i}".encode()) for i in range(10)]
    changelog = FakeChangelog(_log(sent, partitions=3), partitions=3)
    changelog.install(monkeypatch)
    first = _kept(tmp_path)
    assert asyncio.run(first.restore("bootstrap")) == 10
    first.close()
    # records the kept file has not seen: written after it (a worker killed after the
    # changelog's commit, before the file's)
    changelog.records += [LogRecord("t-changelog", 1, 3, "k0", b"later", 2_000),
                          LogRecord("t-changelog", 2, 3, "k1", b"", 2_001)]
    again = _kept(tmp_path)
    assert asyncio.run(again.restore("bootstrap")) == 9
    assert changelog.starts[-1] == {0: 4, 1: 3, 2: 3}  # where the first restore ended
    assert (again.get("k0"), again.get("k1"), again.get("k9")) == ("later", None, "v9")
    again.close()


def test_a_kept_store_that_no_longer_matches_its_changelog_is_read_again_whole(  # type: ignore[no-untyped-def]
    tmp_path, monkeypatch
) -> None:
    """The topic deleted and made again: its records at the same offsets are not the ones the
    file was kept after, so the file's bytes are dropped."""
    FakeChangelog(_log([("a", b"1"), ("b", b"2"), ("c", b"3")])).install(monkeypatch)
    first = _kept(tmp_path)
    asyncio.run(first.restore("bootstrap"))
    first.close()
    remade = FakeChangelog([LogRecord("t-changelog", 0, n, k, v, 9_000 + n)
                            for n, (k, v) in enumerate([("a", b"x"), ("d", b"4"), ("e", b"5")])])
    remade.install(monkeypatch)
    again = _kept(tmp_path)
    assert asyncio.run(again.restore("bootstrap")) == 3
    assert remade.starts == [{}]
    assert (again.get("a"), again.get("b"), again.get("d")) == ("x", None, "4")
    again.close()
    shorter = FakeChangelog([LogRecord("t-changelog", 0, 0, "a", b"y", 1)])  # ends before
    shorter.install(monkeypatch)
    last = _kept(tmp_path)
    assert asyncio.run(last.restore("bootstrap")) == 1 and shorter.starts == [{}]
    last.close()


def test_a_kept_store_holds_only_what_the_changelog_committed(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A batch's bytes reach the file only with ``written`` (its changelog records committed);
    one the process was killed before writing is gone when the file is opened again."""
    changelog = FakeChangelog(_log([("a", b"1")]))
    changelog.install(monkeypatch)
    table = _kept(tmp_path)
    asyncio.run(table.restore("bootstrap"))
    table.set("a", "2")
    table.set("b", "3")
    sends = table.changelog()
    committed = [LogRecord(topic, 0, 1 + n, key, value, 5_000)
                 for n, (topic, key, value) in enumerate(sends)]
    table.written([*committed, LogRecord("other-changelog", 0, 99, "x", b"", 5_000)])
    changelog.records += committed
    table.set("a", "never committed")
    table.changelog()
    assert table.get("a") == "never committed"  # this process reads its own batch
    table.close()  # as a kill: the open batch is rolled back
    again = _kept(tmp_path)
    assert asyncio.run(again.restore("bootstrap")) == 2
    assert changelog.starts[-1] == {0: 3}
    assert (again.get("a"), again.get("b")) == ("2", "3")
    again.close()


def test_a_kept_store_killed_mid_batch_reopens_at_its_last_kept_positions(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The batch not kept is larger than the page cache, so SQLite has written it to the
    file before the kill: only the write-ahead log keeps it out of the reopened file."""
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from hub.entrypoints.worker.state_table import KeptBytes\n"
        "store = KeptBytes(Path(sys.argv[1]), cache_kib=64)\n"
        "store.put({f'k{i}': b'kept' * 250 for i in range(3_000)})\n"
        "store.keep({0: (2, 'fp')})\n"
        "assert store._db.execute('PRAGMA journal_mode').fetchone()[0] == 'wal'\n"
        "store.put({f'k{i}': b'never kept' * 100 for i in range(3_000)})\n"
        "store.put({'k7': None})\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    path = tmp_path / "t.sqlite"
    done = subprocess.run([sys.executable, "-c", script, str(path)], check=False)
    assert done.returncode == -9
    store = KeptBytes(path)
    assert store.positions() == {0: (2, "fp")}
    assert len(store) == 3_000
    assert all(store.get(f"k{i}") == b"kept" * 250 for i in range(0, 3_000, 7))
    store.close()


def test_a_kept_store_is_read_whole_when_its_changelog_gained_partitions(  # type: ignore[no-untyped-def]
    tmp_path, monkeypatch
) -> None:
    FakeChangelog(_log([("a", b"1"), ("b", b"2"), ("c", b"3")], partitions=3),
                  partitions=3).install(monkeypatch)
    first = _kept(tmp_path)
    asyncio.run(first.restore("bootstrap"))
    first.close()
    wider = FakeChangelog(_log([("a", b"1"), ("b", b"2"), ("c", b"3")], partitions=3),
                          partitions=4)
    wider.install(monkeypatch)
    again = _kept(tmp_path)
    assert asyncio.run(again.restore("bootstrap")) == 3 and again.read_at_restore == 3
    assert wider.starts == [{}]
    again.close()


def test_a_failing_kept_file_stops_the_step_and_is_built_again_at_the_next_start(  # type: ignore[no-untyped-def]
    tmp_path
) -> None:
    """Not a dead letter: a step that cannot read its state must not go on without it."""
    path = tmp_path / "t.sqlite"
    store = KeptBytes(path)
    store.put({"a": b"1"})
    store.keep({0: (1, "fp")})
    store._db.execute("DROP TABLE state")  # as a page SQLite can no longer read
    message = Incoming("topic", 0, 5, "CH-1", b"")
    with pytest.raises(StateStoreError):
        guarded(message, lambda: store.get("a"), lambda: None)
    store.close()
    again = KeptBytes(path)
    assert (again.positions(), len(again)) == ({}, 0)
    again.close()


def test_one_process_at_a_time_holds_a_kept_file_the_next_gets_a_temporary_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "tables"
    held = KeptBytes(folder / "t.sqlite")
    with pytest.raises(StoreInUseError):
        KeptBytes(folder / "t.sqlite")
    fallback = kept_or_temporary(folder)("t")
    assert isinstance(fallback, DiskBytes)
    fallback.close()
    held.close()
    reopened = kept_or_temporary(folder)("t")
    assert isinstance(reopened, KeptBytes)
    reopened.close()
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert oct((folder / "t.sqlite").stat().st_mode & 0o777) == "0o600"


def test_a_fingerprint_tells_records_apart_by_key_value_and_time() -> None:
    record = LogRecord("t", 0, 5, "k", b"v", 7)
    assert fingerprint(record) == fingerprint(LogRecord("t", 1, 9, "k", b"v", 7))
    for other in (LogRecord("t", 0, 5, "k2", b"v", 7), LogRecord("t", 0, 5, "k", b"w", 7),
                  LogRecord("t", 0, 5, "k", b"v", 8), LogRecord("t", 0, 5, "k\0", b"v"[1:], 7)):
        assert fingerprint(other) != fingerprint(record)


def test_a_kept_file_whose_build_did_not_finish_or_cannot_be_read_is_built_again(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A restore from the beginning writes without a journal until it keeps its first
    positions: killed before that, the file may be half written, so it is never trusted."""
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from hub.entrypoints.worker.state_table import KeptBytes\n"
        "store = KeptBytes(Path(sys.argv[1]))\n"
        "store.put({f'k{i}': os.urandom(1_000) for i in range(3_000)})\n"
        "store.keep({})\n"  # a chunk of the build: data only
        "store.put({'more': b'1'})\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    path = tmp_path / "t.sqlite"
    done = subprocess.run([sys.executable, "-c", script, str(path)], check=False)
    assert done.returncode == -9 and path.stat().st_size > 1_000_000
    store = KeptBytes(path)
    assert (store.positions(), len(store)) == ({}, 0)
    store.put({"a": b"1"})
    store.keep({0: (1, "fp")})
    store.close()
    path.write_bytes(b"not a database at all" * 100)
    again = KeptBytes(path)
    assert (again.positions(), len(again)) == ({}, 0)
    again.close()
