"""The event contract: every schema parses, models mirror schemas, bytes round-trip exactly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import fastavro
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.adapters.avro.catalogue import SchemaCatalogue, schema_fingerprint
from hub.adapters.avro.codec import AvroCodec, UndecodableMessageError
from hub.domain.events import EVENT_MODELS
from hub.domain.outputs import HUB_MODELS
from tests.avro_strategies import from_schema
from tests.conftest import SCHEMAS

RECORD_NAMES = [*EVENT_MODELS, "DeadLetter", *HUB_MODELS, "ServiceEpisode"]


def test_every_avsc_file_parses_with_fastavro():
    files = sorted(SCHEMAS.rglob("*.avsc"))
    catalogue = SchemaCatalogue.load(SCHEMAS)
    versioned = [f for f in files if f.parent.name != "common"]
    assert len(catalogue.by_fingerprint) == len(versioned)
    assert sorted(catalogue.latest) == sorted(RECORD_NAMES)
    for path in versioned:
        fastavro.parse_schema(catalogue.by_fingerprint[_fp(catalogue, path)].schema)


def _fp(catalogue: SchemaCatalogue, path: Path) -> bytes:
    return next(fp for fp, v in catalogue.by_fingerprint.items() if v.path == path)


def test_fingerprint_matches_the_avro_spec_test_vector():
    # Avro's schema-tests: the CRC-64-AVRO fingerprint of "int" is 8247732601305521295.
    assert int.from_bytes(schema_fingerprint("int"), "little") == 8247732601305521295


def test_every_field_is_documented():
    for path in SCHEMAS.rglob("*.avsc"):
        schema = json.loads(path.read_text())
        assert schema.get("doc"), path
        for field in schema.get("fields", []):
            assert field.get("doc"), f"{path.name}: {field['name']}"


def _avro_fields(schema: dict) -> dict[str, bool]:
    """Field name -> whether it may be null."""
    return {
        f["name"]: isinstance(f["type"], list) and "null" in f["type"] for f in schema["fields"]
    }


@pytest.mark.parametrize("name", RECORD_NAMES)
def test_model_mirrors_schema(codec: AvroCodec, name: str):
    model = codec.models[name]
    schema = codec.catalogue.latest[name].schema
    avro = _avro_fields(schema)
    assert set(model.model_fields) == set(avro)
    for field, nullable in avro.items():
        annotation = str(model.model_fields[field].annotation)
        assert ("None" in annotation) == nullable, f"{name}.{field}"


@pytest.mark.parametrize("name", RECORD_NAMES)
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_round_trip_is_lossless(codec: AvroCodec, name: str, data: st.DataObject):
    datum = data.draw(from_schema(codec.catalogue.latest[name].schema))
    model = codec.models[name].model_validate(datum)
    encoded = codec.encode(model)
    assert encoded[:2] == b"\xc3\x01"
    assert encoded[2:10] == codec.catalogue.latest[name].fingerprint
    assert codec.decode(encoded) == model


def _evolve(path: Path, version: int) -> None:
    """Release the next version of a record: the latest plus a field with a default."""
    schema = json.loads(path.read_text())
    schema["fields"].append(
        {"name": "triage_note", "type": ["null", "string"], "default": None, "doc": "new"}
    )
    path.with_name(path.name.replace(f".v{version}.", f".v{version + 1}.")).write_text(
        json.dumps(schema)
    )


@pytest.fixture(scope="module")
def evolved(tmp_path_factory: pytest.TempPathFactory) -> SchemaCatalogue:
    """A catalogue in which every record's latest released version has an evolved successor."""
    root = tmp_path_factory.mktemp("evolved") / "avro"
    shutil.copytree(SCHEMAS, root)
    for latest in SchemaCatalogue.load(root).latest.values():
        _evolve(root / latest.path.parent.name / latest.path.name, latest.version)
    return SchemaCatalogue.load(root)


@pytest.mark.parametrize("name", RECORD_NAMES)
@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_evolved_schema_reads_old_bytes(
    codec: AvroCodec, evolved: SchemaCatalogue, name: str, data: st.DataObject
):
    old = codec.catalogue.latest[name]
    datum = data.draw(from_schema(old.schema))
    old_bytes = codec.encode(codec.models[name].model_validate(datum))
    read_name, read = AvroCodec(evolved, {}).decode_raw(old_bytes)
    assert read_name == name and evolved.latest[name].version == old.version + 1
    assert read["triage_note"] is None
    assert {k: v for k, v in read.items() if k != "triage_note"} == datum


RELEASED = sorted(SchemaCatalogue.load(SCHEMAS).by_name_version)
OLDER = [(name, version) for name, version in RELEASED if (name, version + 1) in RELEASED]


@pytest.mark.parametrize(("name", "version"), OLDER, ids=str)
@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_released_older_versions_still_decode(
    codec: AvroCodec, name: str, version: int, data: st.DataObject
):
    """Bytes written with an older released version decode into today's model, unchanged."""
    old = codec.catalogue.version(name, version)
    datum = data.draw(from_schema(old.schema))
    old_bytes = codec.encode(codec.models[name].model_validate(datum), version)
    assert old_bytes[2:10] == old.fingerprint
    assert codec.decode(old_bytes) == codec.models[name].model_validate(datum)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "NOT_SINGLE_OBJECT"),
        (b'{"json": true}', "NOT_SINGLE_OBJECT"),
        (b"\xc3\x01" + b"\x00" * 8 + b"body", "UNKNOWN_SCHEMA"),
    ],
)
def test_undecodable_bytes_say_why(codec: AvroCodec, data: bytes, code: str):
    with pytest.raises(UndecodableMessageError) as raised:
        codec.decode(data)
    assert raised.value.code == code


@settings(max_examples=30)
@given(data=st.data())
def test_truncated_body_is_corrupt_not_a_crash(codec: AvroCodec, data: st.DataObject):
    datum = data.draw(from_schema(codec.catalogue.latest["PaymentMade"].schema))
    encoded = codec.encode(codec.models["PaymentMade"].model_validate(datum))
    with pytest.raises(UndecodableMessageError) as raised:
        codec.decode(encoded[: len(encoded) // 2])
    assert raised.value.code == "CORRUPT_BODY"
