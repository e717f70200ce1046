"""A connector whose export is one CSV file with a fixed header (see ``csv_export.py`` here)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from connectors.base import Connector, SourceRow
from connectors.formats.csv_export import read_csv


class CsvConnector(Connector):
    original_format: ClassVar[str] = "csv-row"
    columns: ClassVar[tuple[str, ...]]  # the header, exactly

    def read(self, path: Path) -> Sequence[SourceRow]:
        return read_csv(path, self.columns)


def header(line: str) -> tuple[str, ...]:
    """The columns of a header row as FORMATS.md writes it: ``"LineRef,ProviderName,..."``."""
    return tuple(line.split(","))
