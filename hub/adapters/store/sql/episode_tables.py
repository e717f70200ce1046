"""``service_episodes``: census-ready service episodes at their highest version (hub's own).

The columns a census query filters on are real columns; the whole record, as the Avro-mirrored
model dumps it, is kept in ``record_json`` so a query returns exactly what was applied.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel


class ServiceEpisodeRow(SQLModel, table=True):
    __tablename__ = "service_episodes"
    episode_id: str = Field(primary_key=True)
    version: int
    child_key: str = Field(index=True)
    service: str
    subtype: str | None = None
    basis: str
    source_kind: str
    source_system: str
    source_record_id: str
    start_date: date
    end_date: date | None = None
    counted_as_additional: bool
    core_overlap: bool
    census_years: str  # comma-separated, e.g. "2024-25,2025-26"
    record_json: str
