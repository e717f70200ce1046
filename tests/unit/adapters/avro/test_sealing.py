"""Crypto-shredding in the codec: personal fields sealed per person record, unreadable once
the record's key is destroyed, everything else intact."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest

from hub.adapters.avro.codec import AvroCodec, UndecodableMessageError, load_codec
from hub.adapters.avro.sealing import is_sealed
from hub.adapters.keys.subject_keys import REVALIDATE_AFTER_S, SqliteSubjectKeys
from hub.domain.events import Event
from hub.domain.events.common import ChildSubject
from hub.domain.events.early_help import CafCompleted
from hub.domain.identity.resolution import _snapshot, person_from_event, record_id_of
from hub.domain.minimisation import minimised
from hub.domain.outputs.identity import IdentityDecisionKind, IdentityDecisionMade
from tests.conftest import SCHEMAS
from tests.unit.domain.factories import event

NHS = "9434765919"
PERSONAL = (b"Amelia", b"Synthetic-Example", b"ZZ99 3AB", NHS.encode())


def _caf(share: bool = True, record: str = "CAF-1") -> CafCompleted:
    caf = event(CafCompleted, "ev-1", record=record, share=share, source="ecaf", caf_id="C1",
                completed_date=date(2026, 1, 5))
    subject = caf.envelope.subject.model_copy(update={"nhs_number": NHS})
    return caf.model_copy(update={"envelope": caf.envelope.model_copy(
        update={"subject": subject})})


@pytest.fixture
def keys(tmp_path: Path) -> SqliteSubjectKeys:
    return SqliteSubjectKeys(tmp_path / "keys" / "subject-keys.db")


@pytest.fixture
def sealing(keys: SqliteSubjectKeys) -> AvroCodec:
    return load_codec(SCHEMAS, keys)


def _wal(keys: SqliteSubjectKeys) -> bytes:
    wal = keys.path.with_name(keys.path.name + "-wal")
    return wal.read_bytes() if wal.exists() else b""


def _subject(codec: AvroCodec, data: bytes) -> ChildSubject:
    decoded = codec.decode(data)
    assert isinstance(decoded, Event)
    return decoded.envelope.subject


def test_personal_fields_travel_sealed_and_open_with_their_key(sealing: AvroCodec) -> None:
    caf = _caf()
    data = sealing.encode(caf)
    assert is_sealed(data)
    for value in PERSONAL:
        assert value not in data
    assert sealing.decode(data) == caf
    assert sealing.record_name(data) == "CafCompleted"


def test_a_destroyed_key_leaves_the_event_counted_but_nobody_named(
    sealing: AvroCodec, keys: SqliteSubjectKeys, codec: AvroCodec,
) -> None:
    caf = _caf()
    data = sealing.encode(caf)
    key = keys.existing(record_id_of(caf))
    assert key is not None and key in keys.path.read_bytes() + _wal(keys)
    assert keys.destroy([record_id_of(caf)]) == 1
    assert key not in keys.path.read_bytes() + _wal(keys)  # no copy left in the files
    fresh = load_codec(SCHEMAS, SqliteSubjectKeys(keys.path))  # another process, same store
    for reader in (sealing, fresh, codec):  # a reader without keys sees the erased form too
        subject = _subject(reader, data)
        assert (subject.given_name, subject.family_name, subject.date_of_birth,
                subject.postcode, subject.nhs_number) == (None,) * 5
        assert subject.upn == caf.envelope.subject.upn and subject.sex == caf.envelope.subject.sex
        decoded = reader.decode(data)
        assert isinstance(decoded, CafCompleted) and decoded.caf_id == "C1"


def test_a_record_sealed_by_another_homes_key_store_is_refused_not_read_as_erased(
    sealing: AvroCodec, tmp_path: Path,
) -> None:
    data = sealing.encode(_caf())
    elsewhere = load_codec(SCHEMAS, SqliteSubjectKeys(tmp_path / "elsewhere" / "keys.db"))
    with pytest.raises(UndecodableMessageError) as refused:
        elsewhere.decode(data)
    assert refused.value.code == "UNKNOWN_SEAL_KEY"
    assert "Amelia" not in str(refused.value)


def test_a_record_published_again_after_its_erasure_carries_no_personal_fields(
    sealing: AvroCodec, keys: SqliteSubjectKeys,
) -> None:
    caf = _caf()
    keys.destroy([record_id_of(caf)])
    again = SqliteSubjectKeys(keys.path)
    data = load_codec(SCHEMAS, again).encode(caf)
    assert not is_sealed(data)
    for value in PERSONAL:
        assert value not in data
    assert again.key_for(record_id_of(caf)) is None
    other = sealing.encode(_caf(record="CAF-2"))  # other records are sealed as before
    assert _subject(sealing, other).given_name == "Amelia"


def test_an_identity_snapshot_is_sealed_under_the_same_record_key(
    sealing: AvroCodec, keys: SqliteSubjectKeys,
) -> None:
    caf = _caf()
    decision = IdentityDecisionMade(decision_id="ID-1", kind=IdentityDecisionKind.NEW,
                                    child_key="C-1", record=_snapshot(person_from_event(caf)))
    data = sealing.encode(decision)
    for value in PERSONAL:
        assert value not in data
    assert sealing.decode(data) == decision
    keys.destroy([record_id_of(caf)])
    erased = sealing.decode(data)
    assert isinstance(erased, IdentityDecisionMade) and erased.record is not None
    assert (erased.record.given_name, erased.record.family_name, erased.record.postcode,
            erased.record.nhs_number, erased.record.date_of_birth) == ("", "", "", "", None)
    assert erased.record.upn == caf.envelope.subject.upn


def test_withheld_consent_has_nothing_to_seal_and_other_records_are_plain(
    sealing: AvroCodec, keys: SqliteSubjectKeys,
) -> None:
    withheld = event(CafCompleted, "ev-2", record="CAF-9", share=False, source="ecaf",
                     caf_id="C9", completed_date=date(2026, 1, 5))
    data = sealing.encode(minimised(withheld))  # no name, birth date, postcode, NHS number
    assert not is_sealed(data) and b"Amelia" not in data
    assert keys.existing("ecaf:CAF-9") is None  # no key made for nothing
    sealed = sealing.encode(minimised(_caf(share=False)))  # the NHS number is still sealed
    assert is_sealed(sealed) and NHS.encode() not in sealed


def test_a_tampered_seal_is_refused_not_silently_read(sealing: AvroCodec) -> None:
    data = bytearray(sealing.encode(_caf()))
    data[30] ^= 0xFF  # inside the nonce or ciphertext
    with pytest.raises(UndecodableMessageError) as caught:
        sealing.decode(bytes(data))
    assert caught.value.code == "CORRUPT_SEAL"


def test_the_key_store_is_private(keys: SqliteSubjectKeys) -> None:
    keys.key_for("ecaf:CAF-1")
    assert keys.path.stat().st_mode & 0o777 == 0o600
    assert keys.path.parent.stat().st_mode & 0o777 == 0o700


def test_a_long_running_reader_stops_opening_a_record_once_another_process_erased_it(
    keys: SqliteSubjectKeys, monkeypatch: pytest.MonkeyPatch,
) -> None:
    caf = _caf()
    worker = load_codec(SCHEMAS, keys)  # e.g. a worker that has read the key already
    data = worker.encode(caf)
    assert _subject(worker, data).given_name == "Amelia"
    SqliteSubjectKeys(keys.path).destroy([record_id_of(caf)])  # `hub erase`, elsewhere
    assert _subject(worker, data).given_name == "Amelia"  # trusted for a short while
    later = time.monotonic() + REVALIDATE_AFTER_S + 1  # the key cache's age limit has passed
    monkeypatch.setattr("hub.timed_memory.time.monotonic", lambda: later)
    assert _subject(worker, data).given_name is None
