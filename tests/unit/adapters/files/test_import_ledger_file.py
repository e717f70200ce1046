"""The import ledger's file: private from its first byte, absent means nothing published."""

from __future__ import annotations

import stat
from pathlib import Path

from hub.adapters.files import import_ledger
from hub.domain.import_ledger import Held


def test_a_missing_ledger_holds_nothing_and_a_saved_one_is_private(tmp_path: Path) -> None:
    path = import_ledger.ledger_path(tmp_path / "state", "", "cin-census")
    assert import_ledger.load(path) == Held.nothing()
    held = Held.nothing().with_entries([("e1", 2026, "R1")])
    import_ledger.save(path, held)
    assert import_ledger.load(path) == held
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path == tmp_path / "state" / "imports" / "default" / "cin-census.json"
