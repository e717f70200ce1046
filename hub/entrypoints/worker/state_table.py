"""Per-child state backed by a compacted changelog topic, its bytes kept in memory or on disk.

The worker's replacement for a Faust table: ``get``/``set`` by child key; the states changed
since the last flush go to the changelog (latest value per key) when the stage flushes, after
the outputs they led to are durable; on start-up the table is restored by reading its
changelog (the latest record per key wins).

Between flushes a table holds parsed states only for the keys of the current batch; every
other state is kept as its changelog bytes, in one of three stores:

- :class:`MemoryBytes`, a dict (tests): a child's record averages about 9 KB, so a million
  children need some 9 GB of memory;
- :class:`KeptBytes` (the worker's): a SQLite file in the hub's state folder, kept across
  restarts with how far into the changelog it was read, as Kafka Streams keeps a local
  RocksDB store and its checkpoint. A restart reads only the changelog records written after
  that point, once the changelog is confirmed to still hold the record the file was kept
  after (else the file is dropped and the whole changelog read). The file is never ahead of
  the changelog: a batch's bytes are committed to it only after its changelog records are
  committed in Kafka, so the changelog stays the truth and the file a copy of part of it;
- :class:`DiskBytes`: a private temporary SQLite file, unlinked at once (it goes with the
  process, also after a SIGKILL), filled by a restore from the beginning; the worker's when
  another process on the machine holds the kept file.

On disk, memory holds one batch and SQLite's page cache (``DISK_CACHE_KIB``), whatever the
number of children; the file is about as large as the changelog's latest values. All pass
the same contract tests (``tests/unit/entrypoints/worker/test_state_table.py``).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from hub.adapters.kafka.connection import KafkaTarget
from hub.adapters.kafka.log import read_topic_from, records_at
from hub.logging import get_logger
from hub.ports import LogRecord
from hub.usecases.worker_steps import Send

log = get_logger(__name__)
S = TypeVar("S")
Position = tuple[int, str]
"""In one changelog partition: the next offset to read, and the fingerprint of the record
before it ("" when there is none)."""
RESTORE_CHUNK = 5_000
"""Changelog records applied to the store at a time while restoring."""
DISK_CACHE_KIB = 64 * 1024
"""SQLite's page cache per on-disk table (its memory, whatever the number of children)."""


class StateBytes(Protocol):
    """Each key's latest state bytes."""

    def get(self, key: str) -> bytes | None: ...

    def put(self, latest: dict[str, bytes | None]) -> None:
        """Each key's new bytes; None deletes the key."""

    def __contains__(self, key: str) -> bool: ...

    def __len__(self) -> int: ...

    def positions(self) -> dict[int, Position]:
        """How far into the changelog the bytes held were read, per partition, when they were
        kept from before this process (empty: nothing kept; restore from the beginning)."""

    def keep(self, positions: dict[int, Position]) -> None:
        """Everything put so far is the changelog up to ``positions`` (where this store keeps
        anything across processes, it is made durable now; until then it is not)."""

    def clear(self) -> None:
        """Drop every key and position."""

    def close(self) -> None: ...


class MemoryBytes:
    def __init__(self) -> None:
        self._bytes: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self._bytes.get(key)

    def put(self, latest: dict[str, bytes | None]) -> None:
        for key, value in latest.items():
            if value is None:
                self._bytes.pop(key, None)
            else:
                self._bytes[key] = value

    def __contains__(self, key: str) -> bool:
        return key in self._bytes

    def __len__(self) -> int:
        return len(self._bytes)

    def positions(self) -> dict[int, Position]:
        return {}

    def keep(self, positions: dict[int, Position]) -> None:
        pass

    def clear(self) -> None:
        self._bytes.clear()

    def close(self) -> None:
        self._bytes.clear()


class StateStoreError(Exception):
    """The table's file failed (a corrupt page, a disk error): not a bad message, so never a
    dead letter; the worker stops, and a kept file is built again at the next start."""


T = TypeVar("T")


class _SqliteBytes:
    """Each key's bytes in one SQLite table; writes go into one transaction at a time."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def _failed(self) -> None:
        """A read or write failed (a kept file marks itself to be built again)."""

    def _safely(self, action: Callable[[], T]) -> T:
        try:
            return action()
        except sqlite3.DatabaseError as exc:
            self._failed()
            raise StateStoreError(
                f"state table file failed ({type(exc).__name__}); built again at the next start"
            ) from exc

    def get(self, key: str) -> bytes | None:
        row = self._safely(
            lambda: self._db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone())
        return None if row is None else bytes(row[0])

    def _write(self, latest: dict[str, bytes | None]) -> None:
        db = self._db
        if not latest:
            return

        def write() -> None:
            if not db.in_transaction:
                db.execute("BEGIN")
            db.executemany("INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key) "
                           "DO UPDATE SET value = excluded.value",
                           [(k, v) for k, v in latest.items() if v is not None])
            db.executemany("DELETE FROM state WHERE key = ?",
                           [(k,) for k, v in latest.items() if v is None])

        self._safely(write)

    def __contains__(self, key: str) -> bool:
        return self._safely(lambda: self._db.execute(
            "SELECT 1 FROM state WHERE key = ?", (key,)).fetchone()) is not None

    def __len__(self) -> int:
        return int(self._safely(
            lambda: self._db.execute("SELECT count(*) FROM state").fetchone()[0]))


def _connect(path: str, cache_kib: int, *pragmas: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    # 16 KiB pages and a rowid table (not WITHOUT ROWID, which suits rows far smaller
    # than a page): a 9 KB record then needs no overflow page walked through the key's
    # B-tree. Restoring 31,760 children and 164,256 owners: 3.2-3.6 s before, 2.3-2.4 after.
    for pragma in ("page_size = 16384", f"cache_size = -{cache_kib}", *pragmas):
        db.execute(f"PRAGMA {pragma}")
    db.execute("CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
    return db


class DiskBytes(_SqliteBytes):
    """A private temporary SQLite file: nothing outlives the process."""

    def __init__(self, cache_kib: int = DISK_CACHE_KIB) -> None:
        # "": a private temporary database, in SQLite's page cache until it outgrows
        # ``cache_kib``, then in a file SQLite has already unlinked
        super().__init__(_connect("", cache_kib, "journal_mode = OFF", "synchronous = OFF"))

    def put(self, latest: dict[str, bytes | None]) -> None:
        if not latest:
            return
        try:
            self._write(latest)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def positions(self) -> dict[int, Position]:
        return {}

    def keep(self, positions: dict[int, Position]) -> None:
        pass

    def clear(self) -> None:
        self._db.execute("DELETE FROM state")

    def close(self) -> None:
        self._db.close()


class KeptBytes(_SqliteBytes):
    """A SQLite file kept across restarts, with how far into the changelog it was read, as
    Kafka Streams keeps a RocksDB store and its checkpoint file.

    - **Never ahead of the changelog.** What is put stays in one open transaction until
      :meth:`keep` commits it with the changelog positions it reached, which the worker calls
      only once the changelog records are committed in Kafka; a process killed at any point
      leaves the file at the last positions kept (write-ahead log: the open transaction is
      rolled back).
    - **Built quickly.** A file without positions (new, or dropped) is being built by a
      restore from the beginning: it is written without a journal, as the temporary store
      is, until the first positions are kept, when it is synced to disk and switches to the
      write-ahead log. A build that did not finish (or a file SQLite cannot read) is deleted
      when next opened.
    - The folder and file are the owner's only (0700, 0600); deleted rows are overwritten
      (``secure_delete``).
    """

    def __init__(self, path: Path, cache_kib: int = DISK_CACHE_KIB) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = path
        self._lock = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock)
            raise StoreInUseError(f"{path.name} is held by another process") from None
        self._cache_kib = cache_kib
        self._building = False
        try:
            super().__init__(self._open())
        except BaseException:
            os.close(self._lock)
            raise

    def _open(self) -> sqlite3.Connection:
        """The file as kept; a fresh one when it holds no positions, cannot be read, or was
        marked when a read or write failed."""
        if self.path.exists() and not self._marked.exists():
            db = None
            try:
                db = _connect(str(self.path), self._cache_kib, *_KEPT_PRAGMAS)
                _require_wal(db)
                if db.execute("SELECT count(*) FROM position").fetchone()[0]:
                    return db
            except sqlite3.DatabaseError as exc:
                log.warning("kept state unreadable; building it again", file=self.path.name,
                            error=type(exc).__name__)
            if db is not None:
                db.close()
        return self._fresh()

    @property
    def _marked(self) -> Path:
        return Path(f"{self.path}.rebuild")

    def _failed(self) -> None:
        self._marked.touch(mode=0o600)

    def _fresh(self) -> sqlite3.Connection:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
        db = _connect(str(self.path), self._cache_kib, "synchronous = OFF", "secure_delete = ON")
        _require_wal(db)  # it must be able to switch to the log once built
        db.execute("PRAGMA journal_mode = OFF")
        db.execute(_POSITION_TABLE)
        self._marked.unlink(missing_ok=True)
        self._building = True
        return db

    def put(self, latest: dict[str, bytes | None]) -> None:
        self._write(latest)

    def positions(self) -> dict[int, Position]:
        rows = self._db.execute("SELECT partition, next_offset, fingerprint FROM position")
        return {int(p): (int(n), str(f)) for p, n, f in rows}

    def keep(self, positions: dict[int, Position]) -> None:
        """Commit what was put; with ``positions``, as the changelog up to them (without, as
        data only: reading a changelog again from an earlier position rewrites the same
        latest values)."""
        db = self._db
        if positions and self._building:
            if db.in_transaction:
                db.execute("COMMIT")
            self._built()
        if positions:
            if not db.in_transaction:
                db.execute("BEGIN")
            db.executemany("INSERT INTO position (partition, next_offset, fingerprint) "
                           "VALUES (?, ?, ?) ON CONFLICT (partition) DO UPDATE SET "
                           "next_offset = excluded.next_offset, "
                           "fingerprint = excluded.fingerprint",
                           [(p, n, f) for p, (n, f) in sorted(positions.items())])
        if db.in_transaction:
            db.execute("COMMIT")

    def _built(self) -> None:
        """The build is whole: on disk, and from now on every commit goes through the log."""
        fd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        for pragma in _KEPT_PRAGMAS:
            self._db.execute(f"PRAGMA {pragma}")
        _require_wal(self._db)
        self._building = False

    def clear(self) -> None:
        """Start again from an empty file (quicker than deleting every row one by one)."""
        self._db.close()
        self._db = self._fresh()

    def close(self) -> None:
        self._db.close()  # an open transaction (a batch not yet kept) is rolled back
        os.close(self._lock)


_KEPT_PRAGMAS = ("journal_mode = WAL", "synchronous = NORMAL", "secure_delete = ON",
                 "wal_autocheckpoint = 16384")
"""The write-ahead log, synced to disk at each checkpoint; a checkpoint every 16,384 pages
(256 MiB) rather than SQLite's 1,000 (16 MiB): 300 flushes of 150 changed 9 KB records took
3.1-3.2 s with checkpoints every 1,000 pages, 2.2 s with this, against 2.0 s never synced and
1.5 s in the temporary file (``DiskBytes``). The log file stays at up to that size."""


class StoreInUseError(Exception):
    """Another process holds the kept state file, or it cannot be kept safely here (no
    write-ahead log on this file system): the worker then uses a temporary one."""


def _require_wal(db: sqlite3.Connection) -> None:
    """Switch to the write-ahead log, or refuse the file: without a journal, a batch spilled
    to the file before it was kept would stay there after a kill, ahead of the changelog."""
    mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        db.close()
        raise StoreInUseError(f"no write-ahead log here (journal mode {mode})")
_POSITION_TABLE = ("CREATE TABLE IF NOT EXISTS position (partition INTEGER PRIMARY KEY, "
                   "next_offset INTEGER NOT NULL, fingerprint TEXT NOT NULL)")


def kept_or_temporary(folder: Path) -> Callable[[str], StateBytes]:
    """The worker's stores: each table's file in ``folder``, kept across restarts; a
    temporary one when another process on this machine holds that file."""

    def stored(topic: str) -> StateBytes:
        try:
            return KeptBytes(folder / f"{topic}.sqlite")
        except StoreInUseError as exc:
            log.warning("kept state not available; restoring into a temporary store",
                        table=topic, reason=str(exc))
            return DiskBytes()

    return stored


def fingerprint(record: LogRecord) -> str:
    """What identifies one changelog record: a recreated topic does not hold the same record
    at the same offset (its timestamp differs at least)."""
    digest = hashlib.sha256(record.key.encode())
    digest.update(b"\0")
    digest.update(record.value)
    return f"{record.timestamp}:{digest.hexdigest()[:32]}"


def _positions(last: dict[int, LogRecord]) -> dict[int, Position]:
    """Where reading goes on after each partition's ``last`` record."""
    return {p: (record.offset + 1, fingerprint(record)) for p, record in last.items()}


def in_memory(topic: str) -> StateBytes:
    """A table's bytes in a dict (tests)."""
    return MemoryBytes()


class StateTable(Generic[S]):
    def __init__(
        self, topic: str, load: Callable[[bytes], S], dump: Callable[[S], bytes],
        stored: Callable[[str], StateBytes] = in_memory, name: str = "",
    ) -> None:
        self.topic = topic
        self.name = name or topic
        """What the worker's logs and metrics call the table (``child-state``)."""
        self._load = load
        self._dump = dump
        self._raw: StateBytes = stored(topic)
        self._live: dict[str, S] = {}
        self._dirty: set[str] = set()
        self.read_at_restore = 0
        """Changelog records the last restore read (all of them, or those after the kept
        copy)."""
        self.restored_from_kept = False
        """Whether the last restore went on from the store's kept copy."""

    async def restore(self, bootstrap: KafkaTarget) -> int:
        """Read the changelog into the store, a chunk at a time, from where the store's kept
        copy reached (when the changelog still holds the record it was kept after) or else
        from the beginning; the number of keys held."""
        saved = self._raw.positions()
        starts = await self._resume_at(bootstrap, saved) if saved else None
        if starts is None and saved:
            self._raw.clear()
        reached: dict[int, Position] = dict(saved) if starts is not None else {}
        last: dict[int, LogRecord] = {}  # per partition (fingerprinted only when kept)
        chunk: dict[str, bytes | None] = {}
        read = 0

        def each(record: LogRecord) -> None:
            nonlocal read
            read += 1
            chunk[record.key] = record.value
            last[record.partition] = record
            if len(chunk) >= RESTORE_CHUNK:
                self.restored(chunk)
                # a build keeps data only, until it ends
                self._raw.keep({**reached, **_positions(last)} if starts is not None else {})
                chunk.clear()

        count = await read_topic_from(bootstrap, self.topic, starts or {}, each)
        self.restored(chunk)
        reached |= _positions(last)
        self._raw.keep({p: reached.get(p, (0, "")) for p in range(count)})
        self.read_at_restore, self.restored_from_kept = read, starts is not None
        log.info("state table restored", table=self.topic, kept_copy=starts is not None,
                 records_read=read)
        return len(self._raw)

    async def _resume_at(self, bootstrap: KafkaTarget,
                         saved: dict[int, Position]) -> dict[int, int] | None:
        """Where to go on reading the changelog into the kept copy; None when the changelog no
        longer holds the records the copy was kept after (a topic deleted and made again, or
        those records compacted away): the copy is then dropped and read again whole."""
        after = {p: n - 1 for p, (n, _) in saved.items() if n > 0}
        try:
            count, found = await records_at(bootstrap, self.topic, after)
        except TimeoutError:
            log.warning("kept state not confirmed in time; restoring from the beginning",
                        table=self.topic)
            return None
        ok = count == len(saved) and all(
            (record := found.get(p)) is not None and record.offset == offset
            and fingerprint(record) == saved[p][1]
            for p, offset in after.items()
        )
        if not ok:
            log.warning("kept state does not match the changelog; restoring from the "
                        "beginning", table=self.topic)
            return None
        return {p: n for p, (n, _) in saved.items()}

    def written(self, records: list[LogRecord]) -> None:
        """Changelog records now committed in Kafka (this table's among them): the store
        keeps what was put, up to them."""
        last: dict[int, LogRecord] = {}
        for record in records:
            if record.topic == self.topic and (
                record.partition not in last or record.offset > last[record.partition].offset
            ):
                last[record.partition] = record
        if last:
            self._raw.keep(_positions(last))

    def restored(self, latest: dict[str, bytes | None]) -> None:
        """Changelog records read back (the latest bytes of each key; None: deleted)."""
        self._raw.put({k: v or None for k, v in latest.items()})

    def get(self, key: str) -> S | None:
        if key in self._live:
            return self._live[key]
        raw = self._raw.get(key)
        if raw is None:
            return None
        state = self._live[key] = self._load(raw)
        return state

    def set(self, key: str, state: S) -> None:
        self._live[key] = state
        self._dirty.add(key)

    def __len__(self) -> int:
        return len(self._raw) + sum(1 for key in self._live if key not in self._raw)

    def changelog(self) -> list[Send]:
        """The changed states, to send. Every state goes back to its compact bytes form, so
        memory holds parsed objects only for the children of one batch."""
        sends = [(self.topic, key, self._dump(self._live[key])) for key in sorted(self._dirty)]
        self._raw.put({key: value for _, key, value in sends})
        self._live.clear()
        self._dirty.clear()
        return sends

    def close(self) -> None:
        self._raw.close()
