"""An older staff file opened by several processes at once gets its new columns exactly once."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

OLD_SCHEMA = """CREATE TABLE staff_users (
    user_id TEXT PRIMARY KEY, team TEXT NOT NULL, salt BLOB NOT NULL,
    password_hash BLOB NOT NULL, created_at TEXT NOT NULL)"""
OPEN = ("import sys; from pathlib import Path; "
        "from hub.adapters.keys.staff_users import SqliteStaffUsers; "
        "SqliteStaffUsers(Path(sys.argv[1]))")


def test_parallel_opens_of_an_older_file_never_add_a_column_twice(tmp_path: Path) -> None:
    # parallel `hub inbox add-user` on a fresh home: before the write lock was taken first,
    # 13 of 180 such opens failed with "duplicate column name: role"
    for attempt in range(8):
        path = tmp_path / f"staff-{attempt}.db"
        with sqlite3.connect(path) as db:
            db.execute(OLD_SCHEMA)
        opening = [subprocess.Popen([sys.executable, "-c", OPEN, str(path)],
                                    stderr=subprocess.PIPE, text=True) for _ in range(6)]
        errors = [p.communicate(timeout=120)[1] for p in opening]
        assert [p.returncode for p in opening] == [0] * 6, errors
        with sqlite3.connect(path) as db:
            columns = [row[1] for row in db.execute("PRAGMA table_info(staff_users)")]
        assert columns.count("role") == 1 and columns.count("sessions_from") == 1
