"""Ground truth and the person-record files the identity team matches on."""

from __future__ import annotations

from hub.synthetic.calendar import iso
from hub.synthetic.record import Out, csv_line

LINK_COLUMNS = (
    "record_id", "source_system", "source_id", "la_child_id", "upn", "former_upn",
    "nhs_number", "yot_id", "given_name", "family_name", "date_of_birth", "sex", "postcode",
)
LINK_HEADER = ",".join(LINK_COLUMNS)
LINK_TRUTH_HEADER = "record_id,true_child_id"
GROUND_TRUTH_HEADER = "source,source_record_id,true_child_id"
_SEP = "\x1e"  # joins the three rows of one record inside the spool


def record_id(out: Out) -> str:
    """Unique per row: a revision of a record already written is its own person record."""
    revision = f"#r{out.revision}" if out.revision else ""
    return f"{out.source}:{out.record_id}{revision}"


def spool_line(out: Out) -> str:
    link = out.link
    row = csv_line((
        record_id(out), out.source, link.source_id, link.la_child_id, link.upn, link.former_upn,
        link.nhs, link.yot_id, link.given, link.family, iso(link.dob), link.sex, link.postcode,
    ))
    return _SEP.join((row, out.source, out.record_id, out.true_id))


def split(line: str) -> tuple[str, str, str]:
    """(link_records row, link_truth row, ground_truth row) from a spooled line."""
    row, source, source_record_id, true_id = line.split(_SEP)
    rid = row.split(",", 1)[0]
    return row, csv_line((rid, true_id)), csv_line((source, source_record_id, true_id))
