"""Connector throughput (rows/s) against raw aiokafka produce of the same bytes, same run.

    .venv/bin/python bench/connector_throughput.py [--children 10000] [--seed 1]
        [--formats hub|standard]

Uses the broker of the current settings (starts the local one if needed) and private topic
names (a fresh namespace), so nothing else is disturbed. Steps:
1. generate a synthetic authority (``--formats standard``: its CSC system as a CIN census XML,
   plus SSDA903 tables and a pupil roll, ``hub demo-data --formats standard``, and an SSD
   extract of its referrals, early help and SEN history, ``hub.synthetic.ssd_extract``);
2. baseline: encode every source through its connector into memory (untimed), then time a
   bare AIOKafkaProducer (same acks/idempotence/linger as the hub) sending exactly those
   (topic, key, value) records;
3. time `connect_file` for every source into Kafka: read, validate, build, encode, publish.
Reports rows/s and events/s per source and overall, and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from aiokafka import AIOKafkaProducer

from connectors.base import Connector
from connectors.registry import CONNECTORS, EXPORT_FILES
from connectors.standard_registry import STANDARD_CONNECTORS
from hub import bootstrap
from hub.adapters.broker.local import LocalBroker
from hub.adapters.kafka.admin import apply_topics
from hub.adapters.kafka.log import KafkaEventLog
from hub.adapters.memory.log import InMemoryEventLog
from hub.config import load_settings
from hub.synthetic.calendar import CensusYear
from hub.synthetic.ssd_extract import write_ssd
from hub.synthetic.standard_formats import FILES, write_standard
from hub.synthetic.writer import generate
from hub.usecases.connecting import connect_file
from hub.usecases.publishing import Publisher

TODAY = date(2026, 11, 1)
ALL_CONNECTORS: dict[str, type[Connector]] = {**CONNECTORS, **STANDARD_CONNECTORS}


def _sources(exports: Path) -> dict[str, str]:
    """Every source's file in ``exports`` (the standard files too, when written)."""
    found = {s: name for s, name in EXPORT_FILES.items() if (exports / name).exists()}
    found |= {s: name for s, name in FILES.items() if (exports / name).exists()}
    return found | ({"ssd": "ssd"} if (exports / "ssd").is_dir() else {})


async def _encoded_records(exports: Path, codec, specs) -> list[tuple[str, bytes, bytes]]:  # type: ignore[no-untyped-def]
    log = InMemoryEventLog({s.name: s.partitions for s in specs})
    publisher = Publisher(log, codec, specs)
    for source, name in _sources(exports).items():
        await connect_file(ALL_CONNECTORS[source](TODAY), exports / name, publisher)
    return [(r.topic, r.key.encode(), r.value) for s in specs for r in await log.read_all(s.name)]


async def _raw_produce(bootstrap_servers: str, records: list[tuple[str, bytes, bytes]]) -> float:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        max_batch_size=256 * 1024,
    )
    await producer.start()
    try:
        began = time.perf_counter()
        futures = [
            await producer.send(topic, value=value, key=key) for topic, key, value in records
        ]
        await producer.flush()
        for future in futures:
            await future
        return time.perf_counter() - began
    finally:
        await producer.stop()


async def _connectors(bootstrap_servers: str, exports: Path, codec, specs) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    results = {}
    async with KafkaEventLog(bootstrap_servers) as log:
        publisher = Publisher(log, codec, specs)
        for source, name in _sources(exports).items():
            began = time.perf_counter()
            summary = await connect_file(ALL_CONNECTORS[source](TODAY), exports / name, publisher)
            seconds = time.perf_counter() - began
            results[source] = {
                "rows": summary.rows_read,
                "events": summary.events_published,
                "dead_letters": summary.rows_dead_lettered,
                "seconds": seconds,
            }
    return results


async def main(children: int, seed: int, formats: str = "hub") -> dict:  # type: ignore[type-arg]
    settings = load_settings()
    if settings.uses_local_broker:
        LocalBroker(settings).start(timeout_s=120.0)
    codec = bootstrap.codec(settings)
    exports = Path(tempfile.mkdtemp(prefix="cinhub-bench-"))
    generate(exports, children, seed, CensusYear.parse("2025-26"))
    if formats == "standard":
        write_ssd(exports, CensusYear.parse("2025-26").end)  # reads the CSC file: first
        write_standard(exports, children, seed, CensusYear.parse("2025-26"))
    base_specs = bootstrap.topic_specs(settings)
    names = {kind: f"bench-{kind}-{uuid.uuid4().hex[:8]}" for kind in ("raw", "hub")}
    specs = {
        kind: [s.model_copy(update={"name": f"{ns}.{s.name}"}) for s in base_specs]
        for kind, ns in names.items()
    }
    for kind_specs in specs.values():
        await apply_topics(settings.bootstrap, kind_specs)
    records = await _encoded_records(exports, codec, specs["raw"])
    raw_seconds = await _raw_produce(settings.bootstrap, records)
    per_source = await _connectors(settings.bootstrap, exports, codec, specs["hub"])
    rows = sum(r["rows"] for r in per_source.values())
    events = sum(r["events"] for r in per_source.values())
    hub_seconds = sum(r["seconds"] for r in per_source.values())
    return {
        "children": children,
        "seed": seed,
        "formats": formats,
        "rows": rows,
        "events": events,
        "raw_produce_msgs_per_s": round(len(records) / raw_seconds),
        "connector_rows_per_s": round(rows / hub_seconds),
        "connector_events_per_s": round(events / hub_seconds),
        "ratio_connector_events_to_raw": round(
            (events / hub_seconds) / (len(records) / raw_seconds), 3
        ),
        "per_source_rows_per_s": {
            s: round(r["rows"] / r["seconds"]) for s, r in per_source.items()
        },
        "per_source_events_per_s": {
            s: round(r["events"] / r["seconds"]) for s, r in per_source.items()
        },
        "per_source_ratio_events_to_raw": {
            s: round((r["events"] / r["seconds"]) / (len(records) / raw_seconds), 3)
            for s, r in per_source.items()
        },
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--formats", choices=("hub", "standard"), default="hub")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.children, args.seed, args.formats)), indent=2))
