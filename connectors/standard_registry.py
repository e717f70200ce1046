"""Connectors for the formats English authorities already produce (connectors/FORMATS.md,
"Standard formats"): source name, as ``hub connect SOURCE`` takes it -> connector class.

They are kept apart from ``connectors.registry``: those are the hub's department systems, each
the one owner of its event types for push intake; these read national return files into
the same event types (a CIN census file states CSC status changes), by file import only.
"""

from __future__ import annotations

from connectors.base import Connector
from connectors.sources.cin_census import CinCensusConnector

STANDARD_CONNECTORS: dict[str, type[Connector]] = {
    connector.source_system: connector for connector in (CinCensusConnector,)
}
