"""SSDA903, the looked-after children return: a folder of the return's CSV tables.

Input: a folder of CSV files with the DfE's column names (as ``csc-validator-be-903``'s
``lac_validator/config.py`` lists them), each table found by its header, whatever the file is
called: ``Episodes`` (``CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,
REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN``, required) and ``Header`` (``CHILD,SEX,DOB,ETHNIC,
UPN,MOTHER,MC_DOB``, read for identity when present). The other tables (Reviews, UASC, OC2,
OC3, AD1, PlacedAdoption, PrevPerm, Missing, SWEpisodes, DoLo) are recognised and not read.
Dates ``dd/mm/yyyy``; SEX ``1``/``2`` (before 2025) or ``M``/``F``/``U``.
Events: one LookedAfterEpisodeRecorded per episode row; CHILD is the LA child id, and the
Header's SEX, DOB and UPN are the subject's (identity evidence).
Delivery: at least once. Idempotency key: (CHILD, DECOM) with a content hash as the version.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from connectors.base import (
    STATUTORY,
    Connector,
    Identity,
    MalformedFileError,
    SourceRow,
    at_midnight,
    reject,
)
from connectors.formats.csv_stream import CsvLayout, header_of, stream_csv
from connectors.formats.dates import UK
from connectors.formats.fields import required, text
from hub.domain.event_ids import content_version
from hub.domain.events import Event, LookedAfterEpisodeRecorded

TABLES: dict[str, tuple[str, ...]] = {
    "Header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "Episodes": ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"),
    "Reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "UASC": ("CHILD", "SEX", "DOB", "DUC"),
    "OC2": ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK",
            "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE",
            "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"),
    "OC3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "AD1": ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR",
            "LS_ADOPTR"),
    "PlacedAdoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED",
                       "REASON_PLACED_CEASED"),
    "PrevPerm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "Missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "SWEpisodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
    "DoLo": ("CHILD", "DOB", "DOLO_START", "DOLO_END"),
}
SEX = {"1": "MALE", "2": "FEMALE", "M": "MALE", "F": "FEMALE", "U": "UNKNOWN"}
# SSDA903 legal status (LS) codes.
LEGAL_STATUSES = frozenset(
    ["C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4"]
)


def tables(folder: Path) -> dict[str, Path]:
    """Table name -> its file in ``folder``, each recognised by its header row."""
    if not folder.is_dir():
        raise MalformedFileError(f"{folder.name}: not a folder of SSDA903 CSV files")
    found: dict[str, Path] = {}
    for path in sorted(folder.glob("*.csv")):
        columns = tuple(c.strip().upper() for c in header_of(path))
        name = next((t for t, cols in TABLES.items() if columns == cols), None)
        if name is not None and name in found:
            raise MalformedFileError(f"{folder.name}: two {name} tables ({found[name].name}, "
                                     f"{path.name})")
        if name is not None:
            found[name] = path
    if "Episodes" not in found:
        raise MalformedFileError(
            f"{folder.name}: no Episodes table (a CSV whose header is "
            f"{','.join(TABLES['Episodes'])})"
        )
    return found


def _identity(row: Mapping[str, Any]) -> dict[str, Any]:
    upn = text(row, "UPN")
    return {
        "upn": None if upn is None or upn.upper().startswith("UN") else upn,  # UN1-UN10: none
        "sex": SEX.get((text(row, "SEX") or "").upper(), "UNKNOWN"),
        "date_of_birth": UK.day(row, "DOB"),
    }


class Ssda903Connector(Connector):
    source_system: ClassVar[str] = "ssda903"
    original_format: ClassVar[str] = "csv-row"

    def read(self, path: Path) -> Iterator[SourceRow]:
        found = tables(path)
        self.children: dict[str, dict[str, Any]] = {}
        if "Header" in found:  # one small row per child: held while the episodes stream
            for row in stream_csv(found["Header"], CsvLayout(TABLES["Header"])):
                child = text(row.fields, "CHILD")
                if child is not None:
                    self.children[child] = dict(row.fields)
        return stream_csv(found["Episodes"], CsvLayout(TABLES["Episodes"]))

    def events(self, row: SourceRow) -> list[Event]:
        cells = row.fields
        child = required(cells, "CHILD")
        status = required(cells, "LS").upper()
        if status not in LEGAL_STATUSES:
            raise reject("UNKNOWN_CODE", "LS", "is not an SSDA903 legal status")
        subject: dict[str, Any] = {"la_child_id": child}
        if child in self.children:
            subject |= _identity(self.children[child])
        start = UK.day(cells, "DECOM", mandatory=True)
        body = {
            "episode_start": start,
            "reason_new_episode": text(cells, "RNE"),
            "legal_status": status,
            "cin_category": text(cells, "CIN"),
            "placement": text(cells, "PLACE"),
            "placement_provider": text(cells, "PLACE_PROVIDER"),
            "episode_end": UK.day(cells, "DEC"),
            "reason_episode_ceased": text(cells, "REC"),
            "reason_place_change": text(cells, "REASON_PLACE_CHANGE"),
        }
        version = content_version({**body, "subject": subject})
        ident = Identity(f"{child}/{start}", version, at_midnight(start),
                         at_midnight(max(self.today, start)))
        return [self.event(LookedAfterEpisodeRecorded, ident, subject, STATUTORY, **body)]
