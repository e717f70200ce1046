"""Source name (as ``hub connect SOURCE`` takes it) -> connector class."""

from __future__ import annotations

from connectors.base import Connector
from connectors.education_sen import EducationSenConnector

CONNECTORS: dict[str, type[Connector]] = {
    connector.source_system: connector
    for connector in (EducationSenConnector,)
}
