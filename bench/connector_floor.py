"""The floor of a connector's per-event work, against what each connector spends, same run.

    .venv/bin/python bench/connector_floor.py [--children 1000] [--seed 1] [--json FILE]

Issue 12 asks for 20,000 rows/s per connector. Whatever the connector's own code, each event
it publishes must be validated (pydantic), turned into the Avro datum (``model_dump``) and
written (fastavro), and its personal fields sealed (AES-256-GCM); a bare aiokafka producer
then costs about 18 us a message on this machine (``bench/connector_throughput.py``, its
``raw_produce_msgs_per_s``). This bench:

1. writes a synthetic authority in the standard formats (as ``connector_throughput.py``);
2. runs every connector into an in-memory log (no broker), timing each: events, rows, us per
   event, rows/s;
3. times those four steps alone over the very events each connector produced (the same
   models, schemas and sizes): the floor in us per event, and the rows/s a connector could
   reach if it did nothing else and the producer were free (rows per event counted in).

A connector whose floor alone is above 50 us per row cannot reach 20,000 rows/s in one
CPython process, whatever its code.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from connector_throughput import ALL_CONNECTORS, TODAY, _sources
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from fastavro import schemaless_writer
from time_limit import time_limit

from hub import bootstrap
from hub.adapters.memory.log import InMemoryEventLog
from hub.config import load_settings
from hub.domain.erasure import SEALED_FIELDS
from hub.domain.events import Event
from hub.synthetic.calendar import CensusYear
from hub.synthetic.ssd_extract import write_ssd
from hub.synthetic.standard_formats import write_standard
from hub.synthetic.writer import generate
from hub.usecases.connecting import connect_file
from hub.usecases.publishing import Publisher


class _Capturing(Publisher):
    """A publisher that keeps every event it publishes (for timing the steps alone)."""

    captured: list[Event]

    async def publish(self, event: Event) -> str:
        self.captured.append(event)
        return await super().publish(event)


def _personal(datum: dict[str, Any]) -> bytes:
    subject = datum.get("envelope", {}).get("subject", {})
    fields = {k: subject.get(k) for k in SEALED_FIELDS}
    return json.dumps(
        {k: v.isoformat() if isinstance(v, date) else v for k, v in fields.items()},
        separators=(",", ":"), sort_keys=True,
    ).encode()


def _floor(events: list[Event], codec: Any) -> dict[str, float]:
    """Seconds for each unavoidable step over ``events``."""
    data = [e.model_dump(mode="python") for e in events]
    schemas = [codec.catalogue.version(type(e).__name__, None).schema for e in events]
    began = time.perf_counter()
    for event, datum in zip(events, data, strict=True):
        type(event).model_validate(datum)
    validate = time.perf_counter() - began
    began = time.perf_counter()
    for event in events:
        event.model_dump(mode="python")
    dump = time.perf_counter() - began
    began = time.perf_counter()
    for schema, datum in zip(schemas, data, strict=True):
        schemaless_writer(io.BytesIO(), schema, datum)
    avro = time.perf_counter() - began
    plains = [_personal(d) for d in data]
    key = os.urandom(32)
    began = time.perf_counter()
    for plain in plains:
        AESGCM(key).encrypt(os.urandom(12), plain, b"record-id")
    seal = time.perf_counter() - began
    return {"pydantic_validate": validate, "model_dump": dump, "fastavro_write": avro,
            "aes_gcm_seal": seal}


async def main(children: int, seed: int) -> dict[str, Any]:
    settings = load_settings()
    codec = bootstrap.codec(settings)
    specs = bootstrap.topic_specs(settings)
    exports = Path(tempfile.mkdtemp(prefix="cinhub-floor-"))
    year = CensusYear.parse("2025-26")
    generate(exports, children, seed, year)
    write_ssd(exports, year.end)
    write_standard(exports, children, seed, year)
    results: dict[str, Any] = {}
    for source, name in _sources(exports).items():
        log = InMemoryEventLog({s.name: s.partitions for s in specs})
        publisher = _Capturing(log, codec, specs)
        publisher.captured = []
        began = time.perf_counter()
        summary = await connect_file(ALL_CONNECTORS[source](TODAY), exports / name, publisher)
        seconds = time.perf_counter() - began
        events = publisher.captured
        if not events:
            continue
        floor = _floor(events, codec)
        per_event = {k: round(1e6 * v / len(events), 1) for k, v in floor.items()}
        floor_us = sum(per_event.values())
        rows_per_event = summary.rows_read / len(events)
        results[source] = {
            "rows": summary.rows_read,
            "events": len(events),
            "connector_us_per_event": round(1e6 * seconds / len(events), 1),
            "connector_rows_per_s": round(summary.rows_read / seconds),
            "floor_us_per_event": per_event,
            "floor_us_per_event_total": round(floor_us, 1),
            "floor_rows_per_s_without_producer": round(1e6 * rows_per_event / floor_us),
        }
    return {"children": children, "seed": seed, "in_memory": True, "sources": results}


if __name__ == "__main__":
    with time_limit("connector_floor", 900):
        parser = argparse.ArgumentParser(
            description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
        )
        parser.add_argument("--children", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--json", type=Path, help="also write the results here")
        args = parser.parse_args()
        found = json.dumps(asyncio.run(main(args.children, args.seed)), indent=2)
        print(found)
        if args.json:
            args.json.write_text(found + "\n")
