"""SIGKILL the worker at random points while it processes ~100,000 events; restart it each
time; the final episodes and census files must equal those of an uninterrupted run.

    .venv/bin/python bench/kill_restart.py [--children 14000] [--kills 5] [--seed 7]

(14,000 synthetic children give about 100,000 source events.) Steps:
1. publish a synthetic authority through the connectors into a fresh namespace;
2. uninterrupted: a worker rebuilds it into namespace A until drained; census compiled;
3. interrupted: into namespace B, a worker is started and SIGKILLed after a random time
   (uniform between 3% and 35% of the uninterrupted run's time), ``--kills`` times, then a
   last worker runs until drained; census compiled;
4. compare: the census files' SHA-256, and the latest version of every episode on each
   episode topic. Prints what was measured as JSON; exit code 1 if anything differs.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from replay_common import (
    Published,
    broker_settings,
    census,
    drain,
    prepare,
    progress,
    published_authority,
    report,
)
from time_limit import step, time_limit

from hub import bootstrap
from hub.adapters.kafka.log import read_topic


def _episodes(published: Published, namespace: str) -> dict[str, bytes]:
    """Latest value per episode id on the namespace's episode topic."""
    codec = bootstrap.codec(published.settings)
    topic = f"{namespace}.cin.hub.episodes.v1"
    latest: dict[str, tuple[int, bytes]] = {}
    for r in asyncio.run(read_topic(published.settings.bootstrap, topic)):
        episode = codec.decode(r.value)
        seen = latest.get(episode.episode_id)
        if seen is None or episode.version >= seen[0]:
            latest[episode.episode_id] = (episode.version, r.value)
    return {k: v for k, (_, v) in latest.items()}


def _killed_run(published: Published, env: dict[str, str], kills: int, budget: float,
                rng: random.Random) -> list[dict]:  # type: ignore[type-arg]
    log = published.folder / env["HUB_TOPIC_NAMESPACE"] / "worker.log"
    points = []
    for kill in range(kills):
        step(f"worker {kill + 1} of {kills} to run until its SIGKILL (its log: {log})")
        with log.open("ab") as out:
            worker = subprocess.Popen([sys.executable, "-m", "hub", "worker"], env=env,
                                      stdout=out, stderr=subprocess.STDOUT)
        wait = rng.uniform(0.03, 0.35) * budget  # cumulative: kills land all through the run
        time.sleep(wait)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        points.append({"after_s": round(wait, 1), "committed_share": progress(published, env)})
    return points


def main(children: int, kills: int, seed: int, keep: bool = False) -> int:
    settings = broker_settings()
    folder = Path(tempfile.mkdtemp(prefix="cinhub-kill-"))
    with published_authority(settings, folder, children, seed, keep) as published:
        env_a = prepare(published, f"{published.namespace}-a")
        seconds_a = drain(env_a, folder / env_a["HUB_TOPIC_NAMESPACE"] / "worker.log")
        census_a = census(env_a, folder / "census-a")

        env_b = prepare(published, f"{published.namespace}-b")
        points = _killed_run(published, env_b, kills, seconds_a, random.Random(seed))
        seconds_b = drain(env_b, folder / env_b["HUB_TOPIC_NAMESPACE"] / "worker.log")
        census_b = census(env_b, folder / "census-b")

        episodes_a = _episodes(published, env_a["HUB_TOPIC_NAMESPACE"])
        episodes_b = _episodes(published, env_b["HUB_TOPIC_NAMESPACE"])
        differing_files = sorted(n for n in census_a.keys() | census_b.keys()
                                 if census_a.get(n) != census_b.get(n))
        differing_episodes = sum(1 for k in episodes_a.keys() | episodes_b.keys()
                                 if episodes_a.get(k) != episodes_b.get(k))
        result = {
            "children": children, "source_events": published.events, "seed": seed,
            "uninterrupted_seconds": round(seconds_a, 1),
            "kills": points, "final_drain_seconds": round(seconds_b, 1),
            "episodes": len(episodes_a), "episodes_differing": differing_episodes,
            "census_files": sorted(census_a), "census_files_differing": differing_files,
            "identical": not differing_files and not differing_episodes,
            "folder": str(folder),
        }
        report(result)
        return 0 if result["identical"] else 1


if __name__ == "__main__":
    with time_limit("kill_restart", 3600):
        parser = argparse.ArgumentParser(
            description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
        )
        parser.add_argument("--children", type=int, default=14_000)
        parser.add_argument("--kills", type=int, default=5)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--keep", action="store_true",
                            help="leave the benchmark's topics on the broker")
        args = parser.parse_args()
        sys.exit(main(args.children, args.kills, args.seed, args.keep))
