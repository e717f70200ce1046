"""Hypothesis strategies that generate data straight from the Avro schemas.

The generic part follows the schema (types, logical types, unions, enums, arrays); the
fix-ups apply the rules the typed models enforce on top (code lists, consent, ordering), so
every generated datum is one a real producer could send.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from hub.domain.codes import PRIMARY_NEED, REFERRAL_SOURCE, SUBTYPES, AdditionalService
from hub.domain.episodes.model import years_touched

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_ms_timestamps = st.integers(0, 4_102_444_800_000).map(
    lambda ms: _EPOCH + timedelta(milliseconds=ms)
)
_money = st.decimals(min_value=Decimal("-9999999999.99"), max_value=Decimal("9999999999.99"),
                     places=2, allow_nan=False, allow_infinity=False)

_FIELD_OVERRIDES: dict[str, st.SearchStrategy[Any]] = {
    "referral_source": st.none() | st.sampled_from(sorted(REFERRAL_SOURCE)),
    "primary_need": st.none() | st.sampled_from(sorted(PRIMARY_NEED)),
    "services": st.lists(st.sampled_from(sorted(SUBTYPES[AdditionalService.SEN])), max_size=3),
}


def _logical(schema: dict[str, Any]) -> st.SearchStrategy[Any] | None:
    kind = schema.get("logicalType")
    if kind == "date":
        return st.dates(date(1990, 1, 1), date(2040, 12, 31))
    if kind == "timestamp-millis":
        return _ms_timestamps
    if kind == "decimal":
        return _money
    return None


def from_schema(schema: Any) -> st.SearchStrategy[Any]:
    if isinstance(schema, list):
        return st.one_of([from_schema(branch) for branch in schema])
    if isinstance(schema, str):
        return _PRIMITIVES[schema]
    logical = _logical(schema)
    if logical is not None:
        return logical
    kind = schema["type"]
    if kind == "record":
        return _record(schema)
    if kind == "enum":
        return st.sampled_from(schema["symbols"])
    if kind == "array":
        return st.lists(from_schema(schema["items"]), max_size=3)
    return from_schema(kind)


def _record(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    fields = {
        f["name"]: _FIELD_OVERRIDES[f["name"]] if f["name"] in _FIELD_OVERRIDES
        else from_schema(f["type"])
        for f in schema["fields"]
    }
    return st.fixed_dictionaries(fields).map(lambda d: _fix(schema["name"], d))


def _fix(record_name: str, datum: dict[str, Any]) -> dict[str, Any]:
    name = record_name.rsplit(".", 1)[-1]
    if "service" in datum and datum.get("subtype") is not None:
        codes = sorted(SUBTYPES[AdditionalService(datum["service"])])
        datum["subtype"] = codes[len(datum["subtype"]) % len(codes)]
    if name == "Consent" and datum["basis"] == "WITHHELD":
        datum["share_child_detail"] = False
    if "period_start" in datum and datum["period_end"] < datum["period_start"]:
        datum["period_start"], datum["period_end"] = datum["period_end"], datum["period_start"]
    if "envelope" in datum:
        datum["envelope"]["event_type"] = name
        if datum.get("parental_consent") is False:
            datum["envelope"]["consent"]["share_child_detail"] = False
    return _fix_hub_output(name, datum)


def _fix_hub_output(name: str, datum: dict[str, Any]) -> dict[str, Any]:
    """The hub outputs' invariants: child-level detail only under consent, sane versions."""
    if name in _CHILD_DETAIL and not datum["consent"]["share_child_detail"]:
        datum["consent"] = {"basis": "STATUTORY", "share_child_detail": True}
    if name == "TaskChanged":
        datum["version"] = abs(datum["version"]) % 1000 + 1
    if name == "ServiceEpisode":
        _fix_episode(datum)
    if name == "ConsentLimitedUse":
        drawn = len(datum["census_month"])
        datum["census_month"] = f"{2000 + drawn:04d}-{drawn % 12 + 1:02d}"
    return datum


_CHILD_DETAIL = frozenset(
    {"ContactRecordCreated", "FlagRaised", "TimelineEntry", "SenExchangeReplied",
     "CscStatusRelayed", "ServiceEpisode"}
)


def _fix_episode(datum: dict[str, Any]) -> None:
    """ServiceEpisode's invariants: dates in order, flags consistent, census years derived."""
    datum["version"] = abs(datum["version"]) % 1000 + 1
    if datum["end_date"] is not None and datum["end_date"] < datum["start_date"]:
        datum["start_date"], datum["end_date"] = datum["end_date"], datum["start_date"]
    datum["core_overlap"] = datum["core_category"] is not None
    datum["counted_as_additional"] = datum["exclusion_reason"] is None
    datum["census_years"] = list(
        years_touched(datum["start_date"], datum["end_date"], datum["last_event_date"])
    )


_PRIMITIVES: dict[str, st.SearchStrategy[Any]] = {
    "null": st.none(),
    "boolean": st.booleans(),
    "int": st.integers(-(2**31), 2**31 - 1),
    "long": st.integers(-(2**63), 2**63 - 1),
    "float": st.floats(width=32, allow_nan=False),
    "double": st.floats(allow_nan=False),
    "string": _text,
    "bytes": st.binary(max_size=32),
}
