"""Source name (as ``hub connect SOURCE`` takes it) -> connector class."""

from __future__ import annotations

from connectors.base import Connector
from connectors.sources.csc import CscConnector
from connectors.sources.disabled_register import DisabledRegisterConnector
from connectors.sources.ecaf import EcafConnector
from connectors.sources.education_exclusions import EducationExclusionsConnector
from connectors.sources.education_sen import EducationSenConnector
from connectors.sources.finance import FinanceConnector
from connectors.sources.panel import PanelConnector
from connectors.sources.provider_returns import ProviderReturnsConnector
from connectors.sources.pupil_roll import PupilRollConnector
from connectors.sources.ssd import SsdConnector
from connectors.sources.ssda903 import Ssda903Connector
from connectors.sources.yot import YotConnector

CONNECTORS: dict[str, type[Connector]] = {
    connector.source_system: connector
    for connector in (
        EducationSenConnector,
        EducationExclusionsConnector,
        YotConnector,
        EcafConnector,
        PanelConnector,
        FinanceConnector,
        CscConnector,
        DisabledRegisterConnector,
        ProviderReturnsConnector,
        PupilRollConnector,
        Ssda903Connector,
        SsdConnector,
    )
}


# Where each source's export sits in an export folder (connectors/FORMATS.md, hub demo-data);
# the pupil roll, the SSDA903 return and the SSD extract are not among its exports.
EXPORT_FILES: dict[str, str] = {
    "csc": "csc_status_changes.csv",
    "education-sen": "education_sen.csv",
    "education-exclusions": "education_exclusions.csv",
    "yot": "yot.csv",
    "ecaf": "ecaf.json",
    "disabled-register": "disabled_register.csv",
    "panel": "panel.xml",
    "finance": "finance_payments.csv",
    "provider-returns": "provider_returns",
}


# The sample of every source in connectors/samples/ (the pupil roll's is hand-written).
SAMPLE_FILES: dict[str, str] = {
    **EXPORT_FILES, "pupil-roll": "pupil_roll.csv", "ssda903": "ssda903", "ssd": "ssd",
}
