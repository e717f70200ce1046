"""``hub census compile`` end to end, as a user runs it.

From the database: a SQLite store filled through the HubStore API (episodes, consent-limited
uses, review tasks) and the CSC sample export (the store holds no CSC status events). From
the topics: the real broker, a private namespace, the same records published to their topics.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
import shutil
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from connectors.sources.csc import CscConnector
from hub.adapters.avro.codec import AvroCodec
from hub.adapters.kafka.admin import apply_topics
from hub.adapters.kafka.log import KafkaEventLog
from hub.adapters.store.sql.store import SqlHubStore
from hub.adapters.validator.cin_validator import is_available
from hub.domain.codes import AdditionalService
from hub.domain.outputs.codes import TaskStatus, TaskType
from hub.domain.outputs.identity import IdentityDecisionKind
from hub.entrypoints.cli import census as census_cli  # noqa: F401  (registers the command)
from hub.ports import StoreRecord
from hub.topics_spec import load_topic_specs
from hub.usecases.connecting import connect_file
from hub.usecases.publishing import Publisher
from hub.usecases.worker_steps import Router
from tests.contract import store_records as r
from tests.integration.kafka_fixtures import REPO, free_port, run_cli

pytestmark = pytest.mark.e2e
CSC_SAMPLE = REPO / "connectors" / "samples" / "csc_status_changes.csv"
FILES = {"additional_services.csv", "additional_services.xml", "consent_limited_counts.csv",
         "cin_census.xml", "data_quality.json", "data_quality.html", "manifest.json",
         "cin_schema_errors.json", "open_identity_reviews.json", "signoff_pack.json",
         "signoff_pack.html"}
UPN = "T938203512014"  # linked from Education to the CSC sample's child 213390 (no UPN there)


def _records() -> list[StoreRecord]:
    review = TaskType.POSSIBLE_MATCH_REVIEW
    return [
        r.episode("ep-1", 1), r.episode("ep-1", 2, end_date=date(2025, 10, 1)),
        r.episode("ep-2", 1, service=AdditionalService.FS, child_key="child-0002"),
        r.use("u-1"), r.use("u-2", "2025-12"),
        r.task("t-1", task_type=review), r.task("t-2", task_type=review, status=TaskStatus.DONE),
        r.decision("d-1", r.snapshot("csc:SC28464007", source_system="csc", source_id="213390",
                                     la_child_id="213390", upn="")),
        r.decision("d-2", r.snapshot(upn=UPN), kind=IdentityDecisionKind.LINK),
    ]


def _home(tmp_path: Path) -> dict[str, str | None]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "topics.yaml", tmp_path / "topics.yaml")
    (tmp_path / "schemas").symlink_to(REPO / "schemas")
    return {"HUB_HOME": str(tmp_path), "HUB_CONFIG": str(tmp_path / "hub.toml"),
            "HUB_DATABASE_URL": f"sqlite:///{tmp_path / 'state' / 'hub.db'}",
            "HUB_BROKER_PORT": str(free_port()), "KAFKA_BOOTSTRAP_SERVERS": None,
            "HUB_BOOTSTRAP_SERVERS": None, "HUB_TOPIC_NAMESPACE": None, "COLUMNS": "200"}


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str | None]:
    env = _home(tmp_path / "home")
    store = SqlHubStore(str(env["HUB_DATABASE_URL"]))
    store.apply_many(_records())
    store.close()
    return env


def _compile(env: dict[str, str | None], out: Path, *extra: str) -> dict[str, bytes]:
    args = ["census", "compile", "--year", "2025-26", "--out", str(out), *extra]
    result = run_cli(args, env)
    assert result.exit_code == 0, result.output
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def _check(files: dict[str, bytes], cin_children: int) -> dict:
    manifest = json.loads(files["manifest.json"])
    for name, entry in manifest["files"].items():
        assert entry["sha256"] == hashlib.sha256(files[name]).hexdigest()
    assert files["cin_census.xml"].count(b"<Child>") == cin_children > 0
    assert manifest["counts"]["episodes_in_return"] == 2
    assert manifest["counts"]["consent_limited_uses"] == 2
    assert manifest["counts"]["open_review_tasks"] == 1
    assert manifest["counts"]["xml_schema_errors"] == 0
    # both returns carry the ids the hub linked to child-0001 (CSC's 213390, Education's UPN)
    rows = list(csv.DictReader(io.StringIO(files["additional_services.csv"].decode())))
    ids = {row["ChildKey"]: (row["LAchildID"], row["UPN"], row["InCINCensus"]) for row in rows}
    assert ids == {r.CHILD: ("213390", UPN, "1"), "child-0002": ("", "", "0")}
    cin = ET.fromstring(files["cin_census.xml"])
    [child] = [c for c in cin.iter("Child") if c.findtext("ChildIdentifiers/LAchildID") == "213390"]
    assert child.findtext("ChildIdentifiers/UPN") == UPN
    return manifest


def test_from_the_database_writes_every_file_and_the_same_bytes_twice(env, tmp_path):
    db = ("--from", "database", "--csc-export", str(CSC_SAMPLE), "--no-validate")
    first = _compile(env, tmp_path / "a", *db)
    assert set(first) == FILES
    _check(first, json.loads(first["data_quality.json"])["cin_children"])
    assert b"ep-1,2" in first["additional_services.csv"]  # the latest version of ep-1
    assert _compile(env, tmp_path / "b", *db) == first
    out = run_cli(["census", "compile", "--year", "2025-26", "--out", str(tmp_path / "c"),
                   *db], env).stdout
    for name in FILES:
        assert name in out
    assert "2 ServiceEpisode from store sqlite" in out and "from file csc_status_changes" in out


@pytest.mark.skipif(not is_available(), reason="no csc-validator-be-cin venv (docs/census.md)")
def test_the_dfe_validator_finds_no_error_in_the_synthetic_sample(env, tmp_path):
    files = _compile(env, tmp_path / "out", "--from", "database", "--csc-export",
                     str(CSC_SAMPLE))
    verdict = json.loads(files["cin_validation.json"])
    assert verdict["ruleset"] == "cin2025_26" and verdict["rules_run"] > 100
    assert (verdict["errors"], verdict["rule_failures"]) == (0, [])
    assert json.loads(files["manifest.json"])["counts"]["validator_errors"] == 0


def test_a_cin_xml_that_breaks_its_xml_schema_fails_the_compile(env, tmp_path):
    """Exit 1 with a clear message, the files still written to look at. The XML is made to
    break a copy of the schema that wants four-digit LA numbers."""
    home = Path(str(env["HUB_HOME"]))
    (home / "schemas").unlink()
    (home / "schemas" / "cin_census").mkdir(parents=True)
    (home / "schemas" / "avro").symlink_to(REPO / "schemas" / "avro")
    xsd = (REPO / "schemas" / "cin_census" / "CIN_schema_2026.xsd").read_text("utf-8")
    stricter = xsd.replace('<xs:pattern value="\\d{3}"/>', '<xs:pattern value="\\d{4}"/>')
    assert stricter != xsd
    (home / "schemas" / "cin_census" / "CIN_schema_2026.xsd").write_text(stricter, "utf-8")
    result = run_cli(["census", "compile", "--year", "2025-26", "--out", str(tmp_path / "out"),
                      "--from", "database", "--csc-export", str(CSC_SAMPLE), "--no-validate"],
                     env)
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "breaks its XML Schema in 1 places" in said and "/Message/Header/Source/LEA" in said
    verdict = json.loads((tmp_path / "out" / "cin_schema_errors.json").read_bytes())
    assert verdict["valid"] is False and (tmp_path / "out" / "cin_census.xml").is_file()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--year", "2025/26"], 2, "census year must look like 2025-26"),
        (["--year", "2025-27"], 2, "census year must look like 2025-26"),
        (["--year", "2025-26"], 1, "cannot reach Kafka"),
        (["--year", "2025-26", "--from", "database"], 2, "run the worker first"),
    ],
)
def test_clear_errors(tmp_path, args, code, message):
    result = run_cli(["census", "compile", "--out", str(tmp_path / "out"), *args],
                     _home(tmp_path / "home"))
    assert result.exit_code == code
    assert message in " ".join(result.output.split())
    assert not (tmp_path / "out").exists()


async def _publish(bootstrap: str, namespace: str, codec: AvroCodec) -> None:
    specs = load_topic_specs(REPO / "topics.yaml", namespace)
    await apply_topics(bootstrap, specs)
    async with KafkaEventLog(bootstrap) as log:
        publisher = Publisher(log, codec, list(specs))
        await connect_file(CscConnector(date(2026, 5, 1)), CSC_SAMPLE, publisher)
        router = Router(codec, list(specs))  # hub records, keyed as the worker keys them
        for record in _records():
            await log.append(*router.route(record))


@pytest.mark.integration
def test_from_the_topics_after_the_worker(kafka_broker, topic_namespace, codec, tmp_path):
    env = _home(tmp_path / "home") | {"KAFKA_BOOTSTRAP_SERVERS": kafka_broker,
                                      "HUB_TOPIC_NAMESPACE": topic_namespace}
    missing = run_cli(["census", "compile", "--year", "2025-26", "--out", str(tmp_path / "x")],
                      env)
    assert missing.exit_code == 1 and "hub topics apply" in missing.output
    asyncio.run(_publish(kafka_broker, topic_namespace, codec))
    first = _compile(env, tmp_path / "a", "--no-validate")
    _check(first, json.loads(first["data_quality.json"])["cin_children"])
    assert _compile(env, tmp_path / "b", "--no-validate") == first


def _no_validator(env: dict[str, str | None], venv: Path) -> dict[str, str | None]:
    return env | {"HUB_CIN_VALIDATOR_VENV": str(venv)}


def test_exit_4_saying_why_when_the_validator_is_not_installed(env, tmp_path):
    out = tmp_path / "out"
    result = run_cli(["census", "compile", "--year", "2025-26", "--out", str(out), "--from",
                      "database", "--csc-export", str(CSC_SAMPLE)],
                     _no_validator(env, tmp_path / "nowhere"))
    said = " ".join(result.output.split())
    assert result.exit_code == 4, said
    assert "DfE validator not run: no venv" in said and "not ready" in said
    assert (out / "cin_census.xml").is_file()  # written, to look at; not ready to send


def test_exit_4_saying_why_when_the_validator_crashes(env, tmp_path):
    """A broken validator install (its python exits 1 with a message): not a pass."""
    broken = tmp_path / "broken-venv"
    (broken / "bin").mkdir(parents=True)
    python = broken / "bin" / "python"
    python.write_text("#!/bin/sh\necho 'ModuleNotFoundError: cin_validator' >&2\nexit 1\n")
    python.chmod(0o755)
    result = run_cli(["census", "compile", "--year", "2025-26", "--out", str(tmp_path / "out"),
                      "--from", "database", "--csc-export", str(CSC_SAMPLE)],
                     _no_validator(env, broken))
    said = " ".join(result.output.split())
    assert result.exit_code == 4, said
    assert "DfE validator could not run" in said and "ModuleNotFoundError" in said


def test_exit_3_saying_why_when_the_validator_finds_errors(env, tmp_path):
    """The validator ran and found an error: the files are written, the run is not ready.
    (A stand-in validator answering in the real one's JSON: which XML makes the real one
    report an error is the validator's business; this checks the verdict the hub gives.)"""
    finds = tmp_path / "finds-errors"
    (finds / "bin").mkdir(parents=True)
    python = finds / "bin" / "python"
    report = {"ruleset": "cin2025_26", "rules_run": 1, "rule_failures": [],
              "issues": [{"rule": "8500", "type": "ERROR", "message": "a made-up error",
                          "child": "LA000001", "table": "ChildIdentifiers",
                          "field": "LAchildID"}]}
    python.write_text(f"#!/bin/sh\necho '{json.dumps(report)}'\n")
    python.chmod(0o755)
    out = tmp_path / "out"
    result = run_cli(["census", "compile", "--year", "2025-26", "--out", str(out),
                      "--from", "database", "--csc-export", str(CSC_SAMPLE)],
                     _no_validator(env, finds))
    said = " ".join(result.output.split())
    assert result.exit_code == 3, said
    assert "not ready" in said and "found 1 errors" in said
    assert (out / "cin_census.xml").is_file() and (out / "cin_validation.json").is_file()
