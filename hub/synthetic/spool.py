"""Sort a stream of lines by key without holding it all: one temporary file per month.

Keys start with an ISO date, so the month bucket (``YYYY-MM``) orders the buckets and
only one month is ever sorted in memory. Lines must not contain tabs or newlines.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

_FLUSH_AT = 5_000


class Spool:
    def __init__(self, directory: Path, name: str) -> None:
        self.directory, self.name = directory, name
        self._buffers: dict[str, list[str]] = {}
        self._spilled: set[str] = set()
        self.count = 0

    def _path(self, bucket: str) -> Path:
        return self.directory / f"{self.name}.{bucket}.tmp"

    def add(self, key: str, line: str) -> None:
        bucket = key[:7]
        buffer = self._buffers.setdefault(bucket, [])
        buffer.append(f"{key}\t{line}\n")
        self.count += 1
        if len(buffer) >= _FLUSH_AT:
            self._flush(bucket)

    def _flush(self, bucket: str) -> None:
        with self._path(bucket).open("a", encoding="utf-8", newline="") as handle:
            handle.writelines(self._buffers[bucket])
        self._buffers[bucket] = []
        self._spilled.add(bucket)

    def lines(self) -> Iterator[str]:
        """Every line in key order; temporary files are removed as they are read."""
        for bucket in sorted(set(self._buffers) | self._spilled):
            entries = self._buffers.pop(bucket, [])
            if bucket in self._spilled:
                path = self._path(bucket)
                with path.open(encoding="utf-8", newline="") as handle:
                    entries.extend(handle)
                path.unlink()
            entries.sort()
            for entry in entries:
                yield entry[entry.index("\t") + 1 : -1]
