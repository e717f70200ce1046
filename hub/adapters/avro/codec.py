"""Avro single-object encoding for CIN Hub events (Avro spec, "Single object encoding").

Bytes: ``C3 01`` + the writer schema's 8-byte little-endian CRC-64-AVRO fingerprint + the
Avro binary body. Any consumer with the schema catalogue alone can decode them; old writer
versions are resolved into the newest reader schema of the same record (schema resolution).
Dicts exist only here: callers give and get typed models.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastavro import schemaless_reader, schemaless_writer
from pydantic import BaseModel, ValidationError

from hub.adapters.avro.catalogue import SchemaCatalogue
from hub.domain.dead_letter import DeadLetter
from hub.domain.episodes.model import ServiceEpisode
from hub.domain.events import EVENT_MODELS
from hub.domain.outputs import HUB_MODELS
from hub.ports import UndecodableMessageError

MARKER = b"\xc3\x01"
HEADER_LENGTH = len(MARKER) + 8

__all__ = ["AvroCodec", "UndecodableMessageError", "load_codec"]


class AvroCodec:
    def __init__(self, catalogue: SchemaCatalogue, models: Mapping[str, type[BaseModel]]) -> None:
        self.catalogue = catalogue
        self.models = dict(models)

    def encode(self, record: BaseModel, version: int | None = None) -> bytes:
        name = type(record).__name__
        schema = self.catalogue.version(name, version)
        buffer = io.BytesIO()
        buffer.write(MARKER + schema.fingerprint)
        schemaless_writer(buffer, schema.schema, record.model_dump(mode="python"))
        return buffer.getvalue()

    def record_name(self, data: bytes) -> str | None:
        """The record a message carries, from its header alone (None when unknown)."""
        writer = self.catalogue.by_fingerprint.get(data[2:HEADER_LENGTH])
        return writer.name if writer is not None and data[:2] == MARKER else None

    def decode_raw(self, data: bytes) -> tuple[str, dict[str, Any]]:
        """Record name and datum, resolved to the newest schema of that record."""
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


def load_codec(schemas_dir: Path) -> AvroCodec:
    """The codec over the repository's catalogue and every model the hub knows.

    Raises :class:`SchemaCatalogueError` when the catalogue is missing or malformed.
    """
    models: dict[str, type[BaseModel]] = {
        **EVENT_MODELS, "DeadLetter": DeadLetter, **HUB_MODELS, "ServiceEpisode": ServiceEpisode,
    }
    return AvroCodec(SchemaCatalogue.load(schemas_dir), models)
