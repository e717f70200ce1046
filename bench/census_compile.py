"""Census compile time per 10,000 children, against decoding the same records in the same run.

    .venv/bin/python bench/census_compile.py [--children 10000] [--seed 1] [--year 2025-26]
    .venv/bin/python bench/census_compile.py --topics   # what a worker has written

Default (no broker): generate a synthetic authority, publish every source through its
connector into an in-memory log, decode, resolve each event to a hub child key
(``hub.domain.identity.resolution``), pass it through the consent gate and derive service episodes
(``hub.domain.episodes``): the records ``hub census compile`` reads. None of that is timed.
With ``--topics`` the records are read from the topics of the current settings instead.

Timed, best of ``--repeat``: the baseline, decoding the Avro bytes of exactly those records
as they stand on the topics (episodes, CSC status events, consent-limited uses, tasks), and
the census builders (``hub.usecases.census_compile.build``: additional-services CSV and
XML, consent-limited counts, CIN census XML, quality JSON and HTML), then once the whole
``compile_census`` with its file writes. Reports seconds per 10,000 children and the ratio
of build time to decode time. The DfE validator is not timed (an external tool).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from time_limit import time_limit

from connectors.registry import CONNECTORS, EXPORT_FILES
from hub import bootstrap
from hub.adapters.avro.codec import AvroCodec
from hub.adapters.kafka.log import read_topic
from hub.adapters.memory.log import InMemoryEventLog
from hub.config import load_settings
from hub.domain.child.disclosure import Shared, admit
from hub.domain.episodes.derive import derive
from hub.domain.episodes.model import ServiceEpisode
from hub.domain.episodes.state import EpisodeState
from hub.domain.episodes.years import CensusYear
from hub.domain.events import EVENT_MODELS
from hub.domain.identity.resolution import Resolution
from hub.domain.outputs import ConsentLimitedUse
from hub.domain.routing import topic_for
from hub.entrypoints.cli.census_sources import RECORDS
from hub.logging import configure_logging
from hub.synthetic.calendar import CensusYear as SyntheticYear
from hub.synthetic.writer import generate
from hub.usecases.census_compile import CensusInputs, build, compile_census
from hub.usecases.connecting import connect_file
from hub.usecases.publishing import Publisher


async def _source_events(exports: Path, codec: AvroCodec, specs: list[Any]) -> list[Any]:
    log = InMemoryEventLog({s.name: s.partitions for s in specs})
    publisher = Publisher(log, codec, specs)
    for source, name in EXPORT_FILES.items():
        await connect_file(CONNECTORS[source](date(2026, 11, 1)), exports / name, publisher)
    sources = [s.name for s in specs if set(s.value) <= set(EVENT_MODELS)]
    return [codec.decode(r.value) for name in sources for r in await log.read_all(name)]


def _derived(events: list[Any]) -> CensusInputs:
    """What the worker would have written: episodes, consent-limited uses; CSC events as read."""
    resolution, states = Resolution(), dict[str, EpisodeState]()
    episodes: list[ServiceEpisode] = []
    uses: list[ConsentLimitedUse] = []
    for event in events:
        child_key, _ = resolution.resolve(event)
        gate = admit(event)
        if not isinstance(gate, Shared):
            uses.extend(gate)
            continue
        states[child_key], made = derive(states.get(child_key, EpisodeState()), event, child_key)
        episodes.extend(made)
    csc = [e for e in events if type(e).__name__ == "CscStatusChanged"]
    return CensusInputs(episodes=episodes, csc_events=csc, uses=uses)


def _from_topics(codec: AvroCodec) -> list[bytes]:
    settings = load_settings()
    declared = [(s.name, s.value) for s in bootstrap.topic_specs(settings)]

    async def read() -> list[bytes]:
        topics = [topic_for(name, declared) for name in RECORDS]
        found = await asyncio.gather(*(read_topic(settings.bootstrap, t) for t in topics))
        return [r.value for records in found for r in records]

    return asyncio.run(read())


def _decoded(codec: AvroCodec, values: list[bytes]) -> CensusInputs:
    lists: dict[str, list[Any]] = {name: [] for name in RECORDS}
    for value in values:
        record = codec.decode(value)
        lists[type(record).__name__].append(record)
    return CensusInputs(**{field: lists[name] for name, field in RECORDS.items()})


def _best(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return min(times)


def main(children: int, seed: int, label: str, repeat: int, topics: bool) -> dict[str, Any]:
    codec, year = bootstrap.codec(load_settings()), CensusYear.parse(label)
    if topics:
        values = _from_topics(codec)
    else:
        with tempfile.TemporaryDirectory(prefix="cinhub-census-bench-") as folder:
            generate(Path(folder), children, seed, SyntheticYear.parse(label))
            specs = list(bootstrap.topic_specs(load_settings()))
            inputs = _derived(asyncio.run(_source_events(Path(folder), codec, specs)))
        values = [codec.encode(r) for part in (inputs.episodes, inputs.csc_events, inputs.uses)
                  for r in part]
    inputs = _decoded(codec, values)
    if topics:
        children = len({e.child_key for e in inputs.episodes}
                       | {e.envelope.subject.la_child_id for e in inputs.csc_events})
    decode_s = _best(lambda: [codec.decode(v) for v in values], repeat)
    build_s = _best(lambda: build(inputs, year, "938"), repeat)
    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        compiled = compile_census(inputs, year, Path(folder), la_code="938")
        compile_s = time.perf_counter() - began
    per_10k = 10_000 / max(children, 1)
    return {
        "source": "topics" if topics else f"synthetic authority, seed {seed}",
        "census_year": label, "children": children, "records_decoded": len(values),
        "episodes": len(inputs.episodes), "csc_events": len(inputs.csc_events),
        "consent_limited_uses": len(inputs.uses), "counts": compiled.counts,
        "decode_seconds": round(decode_s, 3), "build_seconds": round(build_s, 3),
        "compile_with_writes_seconds": round(compile_s, 3),
        "build_seconds_per_10k_children": round(build_s * per_10k, 3),
        "compile_seconds_per_10k_children": round(compile_s * per_10k, 3),
        "ratio_build_to_decode": round(build_s / decode_s, 2),
    }


if __name__ == "__main__":
    with time_limit("census_compile", 1800):
        parser = argparse.ArgumentParser(
            description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
        )
        parser.add_argument("--children", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--year", default="2025-26")
        parser.add_argument("--repeat", type=int, default=3)
        parser.add_argument("--topics", action="store_true", help="read the topics a worker wrote")
        args = parser.parse_args()
        configure_logging("WARNING")  # stdout is the report
        print(json.dumps(main(args.children, args.seed, args.year, args.repeat, args.topics),
                         indent=2))
