"""Files only the hub's own user may read: 0600 files, 0700 folders.

Everything the hub writes that may hold personal data or secrets (broker data, keys,
passwords, census outputs, pointers, databases) goes through these helpers or lives in a
folder made by :func:`private_dir`.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """``path`` (and missing parents) created 0700; an existing one is tightened to 0700."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    path.chmod(DIR_MODE)
    return path


def write_private(path: Path, data: bytes | str) -> None:
    """Write ``path`` atomically with mode 0600 from its first byte (never briefly readable)."""
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(raw)
    tmp.replace(path)


def tighten_tree(root: Path) -> None:
    """Folders 0700 and files 0600 under ``root`` (what an older hub left wider open)."""
    if not root.exists():
        return
    root.chmod(DIR_MODE)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            Path(folder, name).chmod(DIR_MODE)
        for name in files:
            path = Path(folder, name)
            if not path.is_symlink():
                path.chmod(FILE_MODE)
