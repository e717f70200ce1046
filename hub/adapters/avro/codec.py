"""Avro single-object encoding for CIN Hub events (Avro spec, "Single object encoding").

Bytes: ``C3 01`` + the writer schema's 8-byte little-endian CRC-64-AVRO fingerprint + the
Avro binary body. Any consumer with the schema catalogue alone can decode them; old writer
versions are resolved into the newest reader schema of the same record (schema resolution).
Dicts exist only here: callers give and get typed models.

With a key store (``SubjectKeys``, built by ``hub.bootstrap.codec``) the codec also seals:
an event's personal fields, and an identity decision's person snapshot, travel encrypted under
their person record's data key in a wrapper around the single-object bytes
(``hub.adapters.avro.sealing``). Decoding opens them while the key exists; once an erasure has
destroyed it they read as empty. A record sealed under a key the store never held (another hub
home's) is refused (``UNKNOWN_SEAL_KEY``), never read as if erased. Without a key store,
records are written and read as they are.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastavro import schemaless_reader, schemaless_writer
from pydantic import BaseModel, ValidationError

from hub.adapters.avro import sealing
from hub.adapters.avro.catalogue import SchemaCatalogue
from hub.domain.dead_letter import DeadLetter
from hub.domain.episodes.model import ServiceEpisode
from hub.domain.erasure import SEALED_FIELDS, sealing_key_id
from hub.domain.events import EVENT_MODELS
from hub.domain.outputs import HUB_MODELS
from hub.ports import SubjectKeys, UndecodableMessageError, UnknownSubjectKeyError

MARKER = b"\xc3\x01"
HEADER_LENGTH = len(MARKER) + 8

__all__ = ["AvroCodec", "UndecodableMessageError", "load_codec"]


class AvroCodec:
    def __init__(self, catalogue: SchemaCatalogue, models: Mapping[str, type[BaseModel]],
                 keys: SubjectKeys | None = None) -> None:
        self.catalogue = catalogue
        self.models = dict(models)
        self.keys = keys

    def encode(self, record: BaseModel, version: int | None = None) -> bytes:
        name = type(record).__name__
        schema = self.catalogue.version(name, version)
        datum = record.model_dump(mode="python")
        key_id = sealing_key_id(record) if self.keys is not None else None
        personal = _take_personal(datum) if key_id is not None else {}
        buffer = io.BytesIO()
        buffer.write(MARKER + schema.fingerprint)
        schemaless_writer(buffer, schema.schema, datum)
        if not personal or self.keys is None or key_id is None:
            return buffer.getvalue()
        key = self.keys.key_for(key_id)
        if key is None:  # erased: the record travels without its personal fields
            return buffer.getvalue()
        return sealing.seal(key_id, key, personal, buffer.getvalue())

    def record_name(self, data: bytes) -> str | None:
        """The record a message carries, from its header alone (None when unknown)."""
        if sealing.is_sealed(data):
            try:
                data = sealing.split(data).inner
            except sealing.SealError:
                return None
        writer = self.catalogue.by_fingerprint.get(data[2:HEADER_LENGTH])
        return writer.name if writer is not None and data[:2] == MARKER else None

    def decode_raw(self, data: bytes) -> tuple[str, dict[str, Any]]:
        """Record name and datum, resolved to the newest schema of that record; sealed
        personal fields opened when their key still exists (else left empty)."""
        if not sealing.is_sealed(data):
            return self._decode_plain(data)
        try:
            sealed = sealing.split(data)
        except sealing.SealError as exc:
            raise UndecodableMessageError("CORRUPT_SEAL", str(exc)) from exc
        name, datum = self._decode_plain(sealed.inner)
        try:
            key = self.keys.opening_key(sealed.key_id) if self.keys is not None else None
        except UnknownSubjectKeyError as exc:
            raise UndecodableMessageError(
                "UNKNOWN_SEAL_KEY", "sealed under a data key this hub's key store never held "
                "(records of another hub home? check HUB_HOME)") from exc
        part = _personal_part(datum)
        if key is not None and part is not None:
            try:
                part.update(sealing.unseal(sealed, key))
            except sealing.SealError as exc:
                raise UndecodableMessageError("CORRUPT_SEAL", str(exc)) from exc
        return name, datum

    def _decode_plain(self, data: bytes) -> tuple[str, dict[str, Any]]:
        if len(data) < HEADER_LENGTH or data[:2] != MARKER:
            raise UndecodableMessageError("NOT_SINGLE_OBJECT", "not Avro single-object encoded")
        writer = self.catalogue.by_fingerprint.get(data[2:HEADER_LENGTH])
        if writer is None:
            raise UndecodableMessageError(
                "UNKNOWN_SCHEMA", "schema fingerprint not in the catalogue"
            )
        reader = self.catalogue.latest[writer.name]
        try:
            body = io.BytesIO(data[HEADER_LENGTH:])
            datum = schemaless_reader(body, writer.schema, reader.schema)
        except (EOFError, ValueError, TypeError, IndexError) as exc:
            raise UndecodableMessageError(
                "CORRUPT_BODY", f"Avro body unreadable: {type(exc).__name__}"
            ) from exc
        if body.read(1):
            raise UndecodableMessageError("CORRUPT_BODY", "trailing bytes after the Avro body")
        return writer.name, datum  # type: ignore[return-value]

    def decode(self, data: bytes) -> BaseModel:
        name, datum = self.decode_raw(data)
        model = self.models.get(name)
        if model is None:
            raise UndecodableMessageError("NO_MODEL", f"no model for record {name}")
        try:
            return model.model_validate(datum)
        except ValidationError as exc:
            fields = sorted({".".join(map(str, e["loc"])) for e in exc.errors()})
            raise UndecodableMessageError(
                "INVALID_EVENT", f"{name} invalid: {', '.join(fields)}"
            ) from exc


def _personal_part(datum: dict[str, Any]) -> dict[str, Any] | None:
    """Where a datum keeps who the child is: an event's subject, a decision's snapshot."""
    envelope = datum.get("envelope")
    if isinstance(envelope, dict) and isinstance(envelope.get("subject"), dict):
        return envelope["subject"]  # type: ignore[no-any-return]
    record = datum.get("record")
    if "decision_id" in datum and isinstance(record, dict):
        return record
    return None


def _take_personal(datum: dict[str, Any]) -> dict[str, Any]:
    """Remove the personal fields from ``datum`` (left None, or "" where a string is
    required, as in a snapshot) and return their values."""
    part = _personal_part(datum)
    if part is None:
        return {}
    snapshot = part is not datum.get("envelope", {}).get("subject")
    taken: dict[str, Any] = {}
    for field in SEALED_FIELDS:
        value = part.get(field)
        if value not in (None, ""):
            taken[field] = value
            part[field] = "" if snapshot and field != "date_of_birth" else None
    return taken


def load_codec(schemas_dir: Path, keys: SubjectKeys | None = None) -> AvroCodec:
    """The codec over the repository's catalogue and every model the hub knows; with
    ``keys``, it seals and opens personal fields (see the module's note).

    Raises :class:`SchemaCatalogueError` when the catalogue is missing or malformed.
    """
    models: dict[str, type[BaseModel]] = {
        **EVENT_MODELS, "DeadLetter": DeadLetter, **HUB_MODELS, "ServiceEpisode": ServiceEpisode,
    }
    return AvroCodec(SchemaCatalogue.load(schemas_dir), models, keys)
