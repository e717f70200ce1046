"""The import ledger file: ``<state dir>/imports/<namespace>/<source>.json``, 0600 in a 0700
folder (``hub.domain.import_ledger``), rewritten atomically after each import."""

from __future__ import annotations

from pathlib import Path

from hub.adapters.files.private import write_private
from hub.domain.import_ledger import Held


def ledger_path(state_dir: Path, namespace: str, source: str) -> Path:
    return state_dir / "imports" / (namespace or "default") / f"{source}.json"


def load(path: Path) -> Held:
    """The ledger; nothing held when there is none yet. ``LedgerError`` for a damaged one."""
    if not path.is_file():
        return Held.nothing()
    return Held.from_json(path.read_text(encoding="utf-8"))


def save(path: Path, held: Held) -> None:
    write_private(path, held.to_json())
