"""Replay throughput: events/s of a rebuild into a fresh namespace, against raw aiokafka
consumption of the same source topics, measured in the same run.

    .venv/bin/python bench/replay_throughput.py [--children 10000] [--seed 3]

1. publish a synthetic authority through the connectors into a fresh namespace;
2. baseline: a bare AIOKafkaConsumer reads every source topic from the beginning to its end
   (no decoding, no work): source events / seconds;
3. replay: ``hub worker --until-drained`` in a fresh namespace reading those topics (what
   ``hub replay`` runs: resolve, timeline, episodes, SQL sink), source events / seconds;
4. ``hub census compile`` on the replay, seconds per 10,000 children;
5. with ``--split``: the same replay again into another fresh namespace, each stage in its
   own process (``hub worker --stage``), its events/s, and whether its census files are
   byte-identical to the one-process replay's.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition
from replay_common import (
    broker_settings,
    census,
    drain,
    drain_split,
    prepare,
    published_authority,
    report,
)
from time_limit import step, time_limit

from hub.adapters.kafka.admin import describe_topics

RAW_CONSUME_LIMIT_S = 600.0  # a bare consumer reads 10,000 children's topics in about a second


async def _raw_consume(
    bootstrap: str, topics: list[str], limit_s: float = RAW_CONSUME_LIMIT_S
) -> tuple[int, float]:
    """Read every partition of ``topics`` from its start to the end offset taken at the start.

    A partition is done when the consumer's *position* reaches that end offset, not when the
    last record seen has the end's offset minus one: positions also step over offsets that
    carry no record for the client (control batches, compacted gaps), which left the old
    check waiting for ever. All assigned partitions are fetched together (``getmany()`` with
    no partitions named), so records buffered for one never hold up fetches for another.
    Gives up after ``limit_s`` saying which partitions it was still waiting for.
    """
    actual = await describe_topics(bootstrap, topics)
    tps = [TopicPartition(t, p) for t in topics for p in range(actual[t].partitions)]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        starts = await consumer.beginning_offsets(tps)
        for tp in tps:  # an explicit offset: position() is then known before the first fetch
            consumer.seek(tp, starts[tp])
        began, count = time.perf_counter(), 0
        left = {tp for tp in tps if ends[tp] > starts[tp]}
        while left:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                count += len(records)
            for tp in list(left):
                if await consumer.position(tp) >= ends[tp]:
                    left.discard(tp)
                    consumer.pause(tp)
            if left and time.perf_counter() - began > limit_s:
                waiting = {f"{tp.topic}[{tp.partition}]":
                           f"{await consumer.position(tp)}/{ends[tp]}" for tp in sorted(left)}
                raise TimeoutError(
                    f"raw consume gave up after {limit_s:.0f} s, waiting for the broker to "
                    f"return records of {len(left)} partition(s) (position/end): {waiting}"
                )
        return count, time.perf_counter() - began
    finally:
        await consumer.stop()


def main(  # type: ignore[type-arg]
    children: int, seed: int, split: bool = False, keep: bool = False
) -> dict:
    settings = broker_settings()
    folder = Path(tempfile.mkdtemp(prefix="cinhub-replay-"))
    with published_authority(settings, folder, children, seed, keep) as published:
        step(f"the broker to return the {published.events} source events to a bare consumer")
        raw_count, raw_seconds = asyncio.run(
            _raw_consume(settings.bootstrap, published.source_topics))
        if raw_count != published.events:
            raise RuntimeError(
                f"raw consume read {raw_count} of {published.events} source events")
        env = prepare(published, f"{published.namespace}-replay")
        replay_seconds = drain(env, folder / env["HUB_TOPIC_NAMESPACE"] / "worker.log")
        began = time.perf_counter()
        one_process = census(env, folder / "census")
        compile_seconds = time.perf_counter() - began
        raw_rate, replay_rate = raw_count / raw_seconds, published.events / replay_seconds
        split_result = {}
        if split:
            env = prepare(published, f"{published.namespace}-split")
            split_seconds = drain_split(env, folder / env["HUB_TOPIC_NAMESPACE"])
            split_rate = published.events / split_seconds
            split_result = {
                "split_replay_events_per_s": round(split_rate),
                "split_replay_seconds": round(split_seconds, 1),
                "split_to_one_process": round(split_rate / replay_rate, 2),
                "split_census_identical": census(env, folder / "census-split") == one_process,
            }
        return {
            "children": children, "seed": seed, "source_events": published.events,
            "raw_consume_events_per_s": round(raw_rate),
            "replay_events_per_s": round(replay_rate),
            "ratio_replay_to_raw": round(replay_rate / raw_rate, 4),
            "replay_seconds": round(replay_seconds, 1),
            "census_compile_seconds_per_10k_children":
                round(compile_seconds * 10_000 / children, 1),
            **split_result,
        }


if __name__ == "__main__":
    with time_limit("replay_throughput", 3600):
        parser = argparse.ArgumentParser(
            description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
        )
        parser.add_argument("--children", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=3)
        parser.add_argument("--split", action="store_true",
                            help="also replay with one process per stage, and compare")
        parser.add_argument("--keep", action="store_true",
                            help="leave the benchmark's topics on the broker")
        args = parser.parse_args()
        report(main(args.children, args.seed, args.split, args.keep))
