"""A connector whose export is one CSV file with a fixed header (see ``csv_export.py`` here)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from connectors.base import Connector, SourceRow
from connectors.formats.csv_export import check_csv, iter_csv


class CsvConnector(Connector):
    original_format: ClassVar[str] = "csv-row"
    columns: ClassVar[tuple[str, ...]]  # the header, exactly

    def check(self, path: Path) -> int:
        return check_csv(path, self.columns)

    def rows(self, path: Path) -> Iterator[SourceRow]:
        return iter_csv(path, self.columns)


def header(line: str) -> tuple[str, ...]:
    """The columns of a header row as FORMATS.md writes it: ``"LineRef,ProviderName,..."``."""
    return tuple(line.split(","))
