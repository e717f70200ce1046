"""The cost of sealing personal fields (crypto-shredding) at the door and opening them in
the worker, against the plain codec in the same run.

    .venv/bin/python bench/sealing.py [--children 2000] [--seed 1]

No broker: every source export of a synthetic authority goes through its connector into an
in-memory log, once with the plain codec (baseline) and once with the sealing codec and a
fresh key store (a key made per person record, as on a first publish); then every record is
decoded with each. Reports events/s and the ratio sealed / plain for both directions.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import date
from pathlib import Path

from connectors.registry import CONNECTORS, EXPORT_FILES
from hub.adapters.avro.codec import AvroCodec, load_codec
from hub.adapters.keys.subject_keys import SqliteSubjectKeys
from hub.adapters.memory.log import InMemoryEventLog
from hub.config import load_settings
from hub.synthetic.calendar import CensusYear
from hub.synthetic.writer import generate
from hub.topics_spec import load_topic_specs
from hub.usecases.connecting import connect_file
from hub.usecases.publishing import Publisher

TODAY = date(2026, 11, 1)


async def _publish(codec: AvroCodec, exports: Path, topics: Path) -> tuple[float, list[bytes]]:
    specs = load_topic_specs(topics, "bench-sealing")
    log = InMemoryEventLog({s.name: s.partitions for s in specs})
    publisher = Publisher(log, codec, specs)
    started = time.perf_counter()
    for source, name in EXPORT_FILES.items():
        await connect_file(CONNECTORS[source](TODAY), exports / name, publisher)
    elapsed = time.perf_counter() - started
    values = [r.value for s in specs for r in await log.read_all(s.name)]
    return elapsed, values


def _decode(codec: AvroCodec, values: list[bytes]) -> float:
    started = time.perf_counter()
    for value in values:
        codec.decode(value)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    settings = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        exports = Path(tmp) / "exports"
        generate(exports, args.children, args.seed, CensusYear.parse("2025-26"))
        plain = load_codec(settings.schemas_dir)
        sealing = load_codec(settings.schemas_dir,
                             SqliteSubjectKeys(Path(tmp) / "keys" / "subject-keys.db"))
        plain_s, plain_values = asyncio.run(_publish(plain, exports, settings.topics_file))
        sealed_s, sealed_values = asyncio.run(_publish(sealing, exports, settings.topics_file))
        fresh = load_codec(settings.schemas_dir,  # a worker: keys read from the file
                           SqliteSubjectKeys(Path(tmp) / "keys" / "subject-keys.db"))
        plain_d, sealed_d = _decode(plain, plain_values), _decode(fresh, sealed_values)
    n = len(plain_values)
    print(f"events: {n} ({args.children} children)")
    print(f"publish plain  {n / plain_s:9.0f} events/s   sealed {n / sealed_s:9.0f} events/s"
          f"   ratio sealed/plain time {sealed_s / plain_s:.2f}")
    print(f"decode  plain  {n / plain_d:9.0f} events/s   sealed {n / sealed_d:9.0f} events/s"
          f"   ratio sealed/plain time {sealed_d / plain_d:.2f}")
    print(f"bytes per event: plain {sum(map(len, plain_values)) / n:.0f}, "
          f"sealed {sum(map(len, sealed_values)) / n:.0f}")


if __name__ == "__main__":
    main()
