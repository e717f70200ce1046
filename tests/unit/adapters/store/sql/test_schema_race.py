"""Processes started together create the store's schema once, whichever comes first.

``hub worker --stage`` starts one process per stage, and each opens the store: before the
fix one of three processes started at once died with "table ... already exists" (the
benchmark's resolver process, 2026-12-07). Real processes, a fresh SQLite file each round.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, inspect

from hub.adapters.store.sql.schema import HUB_TABLES

PROCESSES, ROUNDS = 4, 3
_OPEN = """
import sys
from hub.adapters.store.sql.store import SqlHubStore
SqlHubStore(sys.argv[1])
print("opened")
"""


def test_processes_opening_a_new_store_at_once_all_succeed(tmp_path: Path) -> None:
    for round_ in range(ROUNDS):
        url = f"sqlite:///{tmp_path / f'hub-{round_}.db'}"
        procs = [subprocess.Popen([sys.executable, "-c", _OPEN, url], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(PROCESSES)]
        results = [p.communicate(timeout=120) for p in procs]
        failed = [err[-600:] for p, (_, err) in zip(procs, results, strict=True)
                  if p.returncode != 0]
        assert not failed, failed
        tables = set(inspect(create_engine(url)).get_table_names())
        assert {t.name for t in HUB_TABLES} <= tables
