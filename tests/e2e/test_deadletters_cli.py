"""``hub deadletters`` on the real broker: reasons for all, values for data officers, audited."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hub.adapters.avro.codec import AvroCodec
from hub.adapters.kafka.admin import apply_topics
from hub.adapters.kafka.log import KafkaEventLog
from hub.adapters.keys.staff_roles import SqliteStaffRoles
from hub.adapters.keys.staff_users import SqliteStaffUsers
from hub.domain.dead_letter import DeadLetter, DeadLetterStage
from hub.entrypoints.cli import deadletters as _deadletters  # noqa: F401 (adds the command)
from hub.topics_spec import load_topic_specs
from hub.usecases.publishing import Publisher
from tests.integration.kafka_fixtures import REPO, run_cli

pytestmark = pytest.mark.e2e
ORIGINAL = b"pupil_id,name,dob\nP1,Amelia Synthetic-Example,2013-05-14\n"


async def _publish(bootstrap: object, namespace: str, codec: AvroCodec) -> None:
    specs = load_topic_specs(REPO / "topics.yaml", namespace)
    await apply_topics(bootstrap, specs)  # type: ignore[arg-type]
    async with KafkaEventLog(bootstrap) as log:  # type: ignore[arg-type]
        await Publisher(log, codec, specs).dead_letter(DeadLetter(
            dead_letter_id="education-sen:row 2:abc", stage=DeadLetterStage.CONNECTOR,
            source_system="education-sen", reason_code="INVALID_UPN",
            reason="envelope.subject.upn: check letter wrong", location="row 2",
            original=ORIGINAL, original_format="csv", rejected_at=datetime.now(UTC)))


def test_reasons_for_all_values_for_data_officers_and_every_showing_audited(
    kafka_broker, hub_env, topic_namespace, codec, tmp_path: Path
) -> None:
    asyncio.run(_publish(kafka_broker, topic_namespace, codec))
    staff = tmp_path / "inbox_users.db"
    users = SqliteStaffUsers(staff)
    for user, role in (("pat.worker", "practitioner"), ("dee.officer", "data_officer")):
        users.add(user, "Front Door", datetime.now(UTC))
        SqliteStaffRoles(staff).grant(user, role)
    home = tmp_path / "home"
    home.mkdir()
    (home / "topics.yaml").write_text((REPO / "topics.yaml").read_text())
    (home / "schemas").symlink_to(REPO / "schemas")
    env = {**hub_env, "HUB_HOME": str(home), "HUB_TOPIC_NAMESPACE": topic_namespace,
           "HUB_STAFF_DB": str(staff)}

    listed = run_cli(["deadletters", "list"], env)
    assert listed.exit_code == 0, listed.output
    assert "INVALID_UPN" in listed.output and "1 dead letters" in listed.output
    assert "Amelia" not in listed.output

    for who in ([], ["--by", "pat.worker"], ["--by", "ghost"]):
        refused = run_cli(["deadletters", "show", "education-sen:row 2:abc", "--values", *who],
                          env)
        assert refused.exit_code == 1 and "Amelia" not in refused.output
    reason_only = run_cli(["deadletters", "show", "education-sen:row 2:abc"], env)
    assert "check letter wrong" in reason_only.output and "Amelia" not in reason_only.output
    shown = run_cli(["deadletters", "show", "education-sen:row 2:abc", "--values",
                     "--by", "dee.officer"], env)
    assert shown.exit_code == 0 and "Amelia Synthetic-Example" in shown.output

    trail = home / ".hub" / "state" / "audit" / "deadletters.jsonl"
    lines = [json.loads(line) for line in trail.read_text().splitlines()]
    mine = [line for line in lines if line["dead_letter_id"] == "education-sen:row 2:abc"]
    assert [(line["by"], line["values"]) for line in mine][-2:] == [
        ("(unnamed)", False), ("dee.officer", True)]

    retried = run_cli(["deadletters", "retry", "education-sen:row 2:abc"], env)
    assert retried.exit_code == 1 and "send it again from the source" in retried.output
    purged = run_cli(["deadletters", "purge", "--older-than-days", "0"], env)
    assert purged.exit_code == 0 and "purged 1 dead letters" in purged.output, purged.output
    assert "0 dead letters" in run_cli(["deadletters", "list"], env).output
