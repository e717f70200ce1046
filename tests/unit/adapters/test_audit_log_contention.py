"""The audit trail under concurrent writers: never "database is locked".

The intake, the inbox and the CLI (``hub erase``, ``hub audit``, dead-letter views) each write
or read ``<state dir>/audit.db`` from their own processes, the servers from several threads.
Under ``bench/latency.py`` (50 pushes/s) 3 of 3,000 intake requests were answered 500 because
the audit insert found the file locked. These tests run real processes on one file.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime

from hub.adapters.audit_sqlite import SqliteAuditLog
from hub.adapters.keys import private_sqlite

WRITERS, THREADS, EACH = 2, 4, 40

_WRITER = """
import sys, threading
from datetime import UTC, datetime
from pathlib import Path
from hub.adapters.audit_sqlite import SqliteAuditLog

trail = SqliteAuditLog(Path(sys.argv[1]))
failures = []

def push(n):
    for _ in range(n):
        try:
            trail.record("key:1f0c6a9e2b7d4c81", "intake.push", None, "127.0.0.1",
                         datetime.now(UTC), outcome="202")
        except Exception as exc:
            failures.append(repr(exc))

threads = [threading.Thread(target=push, args=(int(sys.argv[3]),))
           for _ in range(int(sys.argv[2]))]
for t in threads: t.start()
for t in threads: t.join()
print(len(failures), failures[:1])
sys.exit(1 if failures else 0)
"""

_READER = """
import sqlite3, sys, time
from pathlib import Path
# an operator's `hub audit` (or a backup) reading the trail in one transaction while pushes
# go on; it holds its read until told to stop (the flag file), at most 120 s, and says which
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN")
db.execute("SELECT count(*) FROM audit").fetchone()
print("reading", flush=True)
stop = Path(sys.argv[2])
deadline = time.monotonic() + 120
while not stop.exists() and time.monotonic() < deadline:
    time.sleep(0.05)
print("released by the flag" if stop.exists() else "released by its deadline", flush=True)
db.execute("COMMIT")
"""


def _python(script: str, *args: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", script, *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_writers_in_two_processes_and_a_long_read_never_find_the_trail_locked(tmp_path):
    path = tmp_path / "audit.db"
    SqliteAuditLog(path)
    stop = tmp_path / "stop"
    reader = _python(_READER, path, stop)
    assert reader.stdout is not None and reader.stdout.readline().strip() == "reading"
    writers = [_python(_WRITER, path, THREADS, EACH) for _ in range(WRITERS)]
    outputs = [w.communicate(timeout=120)[0] for w in writers]
    stop.touch()
    released = reader.communicate(timeout=150)[0].strip()
    assert [w.returncode for w in writers] == [0] * WRITERS, outputs
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM audit").fetchone()[0] == WRITERS * THREADS * EACH
    # a read never holds a push up: every write was done while the reader still held its read
    # (no wall-clock bound: the machine's load decides how long the writes take)
    assert released == "released by the flag", "writers waited for the reader to finish"


def test_every_private_connection_waits_for_a_lock_before_giving_up(tmp_path):
    path = tmp_path / "audit.db"
    SqliteAuditLog(path)
    with private_sqlite.connect(path) as db:
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 30_000
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_write_ahead_files_are_private_too(tmp_path):
    path = tmp_path / "audit.db"
    trail = SqliteAuditLog(path)
    with private_sqlite.connect(path) as held:  # the -wal and -shm files exist while open
        held.execute("SELECT count(*) FROM audit").fetchone()
        trail.record("jsmith", "inbox.sign-in", None, None, datetime.now(UTC))
        companions = [p for p in tmp_path.iterdir() if p.name != "audit.db"]
        assert companions, "no write-ahead files"
        for companion in companions:
            assert companion.stat().st_mode & 0o077 == 0, companion.name
