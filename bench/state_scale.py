"""The worker's state at scale: resident memory and restore time for N children (issue 14).

    .venv/bin/python bench/state_scale.py --children 1000000 --template NAMESPACE
    .venv/bin/python bench/state_scale.py --children 100000            # builds a template

What a worker holds, and restores at start-up, is (1) the resolver's identity index, rebuilt
from every identity decision made so far (``rebuild_resolution``), and (2) the child stage's
two state tables (per child one record; the episode and task owners), restored from their
compacted changelogs (``StateTable.restore``). This
benchmark makes both for N children and times the worker's own restore code on them:

1. **Template**: a namespace a worker has drained (``--template``, e.g. the demo's
   ``demo-2025-26-s1-c2000``), or a fresh synthetic authority of ``--template-children``
   published and drained here. Its decisions and the latest value of every changelog key are
   read back.
2. **Clones**: every template child is copied under new, distinct child keys, record ids and
   decision ids until N children exist (identifiers, names and dates are kept, so index
   buckets hold as many entries as N distinct children would). Decisions are re-encoded with
   the hub's Avro schemas; state values keep their bytes with the child key replaced.
3. **Restore**: the clones go to fresh topics on the broker; then a NEW process runs what a
   worker runs at start-up (``rebuild_resolution`` and ``ChildTables...restore``), timing each
   part and reporting its peak resident memory (``VmHWM``) and memory after the restore; and
   another restores only the state tables, as the children stage's own process does in a
   split worker (``children_stage_process``). The tables keep their bytes on disk, as the
   worker's do (``hub.entrypoints.worker.state_table.KeptBytes``), in a fresh folder; then
   a third process restores them again from that folder, as a restarted children process
   does (``children_stage_restart``: only the changelog written since is read).

Decisions are written unsealed: with a key store each decision's person snapshot would also
be opened with its record's data key while rebuilding (see ``bench/sealing.py``). Targets
(issue 14): restore <= 60 s, resident memory <= 2 GiB per worker. Prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer
from fastavro import schemaless_writer
from replay_common import broker_settings, delete_namespace, drain, prepare, publish
from time_limit import step, time_limit

from hub import bootstrap
from hub.adapters.avro.codec import MARKER, load_codec
from hub.adapters.kafka.admin import apply_topics
from hub.adapters.kafka.log import read_topic
from hub.config import load_settings
from hub.entrypoints.worker.stages import ChildTables
from hub.entrypoints.worker.state_table import kept_or_temporary
from hub.topics_spec import TopicSpec
from hub.usecases.identity_rebuild import rebuild_resolution

TABLES = ("child-state", "episode-owners")
PARTITIONS = 6
DECISIONS = "cin.hub.identity-decisions.v1"


def _decisions_topic(namespace: str) -> str:
    return f"{namespace}.{DECISIONS}"


def _changelog(namespace: str, table: str) -> str:
    return f"{namespace}-cin-hub-{table}-changelog"


class _Router:
    """What ``rebuild_resolution`` asks of the worker's router: a topic name and the codec."""

    def __init__(self, namespace: str, codec: Any) -> None:
        self.namespace, self.codec = namespace, codec

    def topic(self, record: str) -> str:
        assert record == "IdentityDecisionMade", record
        return _decisions_topic(self.namespace)


async def _template(bootstrap_servers: str, namespace: str) -> tuple[list[bytes], dict]:
    found = await read_topic(bootstrap_servers, _decisions_topic(namespace))
    found.sort(key=lambda r: (r.timestamp, r.partition, r.offset))  # the order decided in,
    decisions = [r.value for r in found if r.value is not None]  # as rebuild_resolution reads
    tables: dict[str, dict[str, bytes]] = {}
    for table in TABLES:
        latest: dict[str, bytes] = {}
        for record in await read_topic(bootstrap_servers, _changelog(namespace, table)):
            if record.value is None:
                latest.pop(record.key, None)
            else:
                latest[record.key] = record.value
        tables[table] = latest
    return decisions, tables


def _clone_key(key: str, copy: int) -> str:
    """A distinct key of the same length and shape (``CH-`` + 12 hex digits)."""
    if copy == 0:
        return key
    digest = hashlib.blake2b(f"{copy}:{key}".encode(), digest_size=6).hexdigest()
    return key[: len(key) - 12] + digest if len(key) >= 15 else f"{key}~{copy}"


def _suffix(value: str | None, copy: int) -> str | None:
    return value if not value or copy == 0 else f"{value}~{copy}"


class _Cloner:
    def __init__(self, codec: Any) -> None:
        self.codec = codec

    def decision(self, data: bytes, copy: int) -> bytes:
        name, datum = self.codec.decode_raw(data)
        key = lambda k: _clone_key(k, copy) if k else k  # noqa: E731
        datum["decision_id"] = _suffix(datum["decision_id"], copy)
        datum["child_key"] = key(datum["child_key"])
        datum["candidate_key"] = key(datum.get("candidate_key"))
        datum["other_candidates"] = [key(k) for k in datum.get("other_candidates") or []]
        datum["source_event_id"] = _suffix(datum.get("source_event_id"), copy)
        datum["record_ids"] = [_suffix(r, copy) for r in datum.get("record_ids") or []]
        if datum.get("record"):
            datum["record"]["record_id"] = _suffix(datum["record"]["record_id"], copy)
            datum["record"]["source_id"] = _suffix(datum["record"]["source_id"], copy)
        schema = self.codec.catalogue.latest[name]
        out = io.BytesIO()
        out.write(MARKER + schema.fingerprint)
        schemaless_writer(out, schema.schema, datum)
        return out.getvalue()


def _table_clones(latest: dict[str, bytes], copy: int, table: str) -> list[tuple[str, bytes]]:
    if copy == 0:
        return list(latest.items())
    out = []
    for key, value in latest.items():
        if table == "episode-owners":  # keyed by episode id; the value names the child key
            child = value.split(b"|", 1)[1].decode()
            out.append((f"{key}~{copy}", value.replace(child.encode(),
                                                      _clone_key(child, copy).encode())))
        else:
            new = _clone_key(key, copy)
            out.append((new, value.replace(key.encode(), new.encode())))
    return out


async def _write(bootstrap_servers: str, namespace: str, template: tuple[list[bytes], dict],
                 children: int, codec: Any, *, decisions_too: bool = True) -> dict[str, int]:
    decisions, tables = template
    decisions = decisions if decisions_too else []
    per_copy = len(tables["child-state"]) or 1
    copies = -(-children // per_copy)
    def spec(name: str, partitions: int, policy: str) -> TopicSpec:
        return TopicSpec(name=name, partitions=partitions, replication_factor=1,
                         cleanup_policy=policy, key="child key", value=("bench",),
                         flow="state_scale benchmark")

    specs = [spec(_decisions_topic(namespace), 1, "delete"),
             *[spec(_changelog(namespace, t), PARTITIONS, "compact") for t in TABLES]]
    await apply_topics(bootstrap_servers, specs)
    cloner = _Cloner(codec)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, acks=1, linger_ms=20,
                                max_batch_size=1 << 20, max_request_size=16 << 20)
    await producer.start()
    counts = {"copies": copies, "decisions": 0, **dict.fromkeys(TABLES, 0)}
    try:
        for copy in range(copies):
            step(f"writing copy {copy + 1} of {copies} of the template to the broker")
            pending = [producer.send(_decisions_topic(namespace), cloner.decision(d, copy))
                       for d in decisions]
            counts["decisions"] += len(pending)
            for table in TABLES:
                rows = _table_clones(tables[table], copy, table)
                counts[table] += len(rows)
                pending += [producer.send(_changelog(namespace, table), v, key=k.encode())
                            for k, v in rows]
            for sent in await asyncio.gather(*pending):
                await sent
    finally:
        await producer.stop()
    return counts


def _memory_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


async def _restore(namespace: str, what: str, folder: Path) -> dict[str, Any]:
    """Exactly the worker's start-up restore, in this (fresh) process: ``what`` is "all" (one
    process running every stage) or "tables" (the children stage's process of a split
    worker, which holds no identity index). The tables keep their bytes as the worker's do,
    in files in ``folder`` (a restart when an earlier restore left them there)."""
    settings = load_settings()
    resolver_s, children_in_index, records_in_index = 0.0, 0, 0
    if what == "all":
        codec = load_codec(settings.schemas_dir)  # unsealed (see the docstring)
        began = time.perf_counter()
        resolution = await rebuild_resolution(_Router(namespace, codec),
                                              bootstrap.topic_reader(settings))
        resolver_s = time.perf_counter() - began
        children_in_index = len(resolution.state.children)
        records_in_index = len(resolution.state.record_child)
    gc.collect()
    after_resolver = _memory_kib("VmRSS")
    tables = ChildTables.named(lambda t: _changelog(namespace, t), kept_or_temporary(folder))
    began = time.perf_counter()
    restored = {t.topic.rsplit("-", 2)[-2]: await t.restore(settings.bootstrap)
                for t in tables.all}
    tables_s = time.perf_counter() - began
    tables.close()
    gc.collect()
    return {
        "children_in_index": children_in_index,
        "records_in_index": records_in_index,
        "state_keys": restored,
        "restore_s": {"resolver": round(resolver_s, 1), "state_tables": round(tables_s, 1),
                      "total": round(resolver_s + tables_s, 1)},
        "rss_mib": {"after_resolver": after_resolver // 1024,
                    "after_everything": _memory_kib("VmRSS") // 1024,
                    "peak": _memory_kib("VmHWM") // 1024},
    }


def _build_template(children: int) -> str:
    """A synthetic authority published and drained here; its namespace."""
    folder = Path(tempfile.mkdtemp(prefix="state-scale-"))
    published = asyncio.run(publish(broker_settings(), folder, children, seed=1))
    out = f"tpl-{uuid.uuid4().hex[:8]}"
    env = prepare(published, out)
    drain(env, folder / "worker.log")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--template", help="a namespace a worker has drained")
    parser.add_argument("--template-children", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="leave the topics on the broker")
    parser.add_argument("--tables-only", action="store_true",
                        help="only the children stage's process: its state tables, restored "
                        "cold and again after a restart (no identity decisions are written)")
    parser.add_argument("--restore-only", help=argparse.SUPPRESS)
    parser.add_argument("--what", choices=("all", "tables"), default="all",
                        help=argparse.SUPPRESS)
    parser.add_argument("--tables-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.restore_only:
        print(json.dumps(asyncio.run(_restore(args.restore_only, args.what, args.tables_dir))))
        return
    settings = load_settings()
    codec = bootstrap.codec(settings)  # opens the template's sealed snapshots; writes plain
    step("building a template authority" if not args.template else "reading the template")
    template_ns = args.template or _build_template(args.template_children)
    template = asyncio.run(_template(settings.bootstrap, template_ns))
    if not template[1]["child-state"]:
        sys.exit(f"namespace {template_ns} has no child states: drain a worker on it first")
    namespace = f"scale-{uuid.uuid4().hex[:8]}"
    began = time.perf_counter()
    counts = asyncio.run(_write(settings.bootstrap, namespace, template, args.children, codec,
                                decisions_too=not args.tables_only))
    written_s = time.perf_counter() - began
    runs: dict[str, subprocess.CompletedProcess[str]] = {}
    folders = Path(tempfile.mkdtemp(prefix="state-scale-tables-"))
    try:
        for run, what, whose in (
            *([] if args.tables_only else [("all", "all", "one process running every stage")]),
            ("tables", "tables", "the children stage's process"),
            ("restart", "tables", "the children stage's process, restarted"),
        ):
            folder = folders / ("all" if run == "all" else "tables")
            step(f"a fresh process restoring {counts['child-state']:,} children's state "
                 f"({whose})")
            runs[run] = subprocess.run(
                [sys.executable, __file__, "--restore-only", namespace, "--what", what,
                 "--tables-dir", str(folder)],
                env=os.environ, capture_output=True, text=True, check=False)
            if runs[run].returncode != 0:
                break
    finally:
        shutil.rmtree(folders, ignore_errors=True)
        if not args.keep:
            asyncio.run(delete_namespace(settings.bootstrap, namespace))
            if not args.template:
                asyncio.run(delete_namespace(settings.bootstrap, template_ns))
    for what, done in runs.items():
        if done.returncode != 0:
            sys.exit(f"the restore process ({what}) failed:\n{done.stderr[-3000:]}")
    result = {} if args.tables_only else json.loads(runs["all"].stdout.strip().splitlines()[-1])
    alone = json.loads(runs["tables"].stdout.strip().splitlines()[-1])
    restart = json.loads(runs["restart"].stdout.strip().splitlines()[-1])
    print(json.dumps({
        "children": counts["child-state"], "template": template_ns,
        "template_children": len(template[1]["child-state"]), "namespace": namespace,
        "written": counts, "write_s": round(written_s, 1), **result,
        "children_stage_process": {"restore_s": alone["restore_s"]["state_tables"],
                                   "rss_mib": alone["rss_mib"]},
        "children_stage_restart": {"restore_s": restart["restore_s"]["state_tables"],
                                   "rss_mib": restart["rss_mib"]},
        "targets": {"restore_s": 60, "rss_mib": 2048},
    }, indent=2))


if __name__ == "__main__":
    with time_limit("state_scale", 7200):
        main()
