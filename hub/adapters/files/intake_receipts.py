"""The receipt log of connected files, one JSON line per file (``hub.domain.intake_receipts``).

``<state dir>/intake/<namespace>.jsonl``: the folder 0700, the file 0600 from its first
byte, appended to (a receipt is never rewritten). A line that is not a receipt is skipped and
counted, never fatal: the sign-off pack says how many it could not read.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from hub.adapters.files.private import FILE_MODE, private_dir
from hub.domain.intake_receipts import IntakeReceipt, ReceiptError, parse

CHUNK = 1 << 20


def receipts_path(state_dir: Path, namespace: str) -> Path:
    return state_dir / "intake" / f"{namespace or 'default'}.jsonl"


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes; of a folder, of each file's name and bytes in name order."""
    sha = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            sha.update(file.relative_to(path).as_posix().encode() + b"\0")
        with file.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                sha.update(chunk)
    return sha.hexdigest()


def append(path: Path, receipt: IntakeReceipt) -> None:
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), FILE_MODE)  # an older, wider file is tightened
        handle.write(receipt.to_json() + "\n")


@dataclass(frozen=True)
class ReadReceipts:
    receipts: tuple[IntakeReceipt, ...]
    unreadable: int  # lines that were not receipts
    found: bool  # the log exists


def read(path: Path) -> ReadReceipts:
    if not path.is_file():
        return ReadReceipts((), 0, found=False)
    receipts, unreadable = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            receipts.append(parse(line))
        except ReceiptError:
            unreadable += 1
    return ReadReceipts(tuple(receipts), unreadable, found=True)
