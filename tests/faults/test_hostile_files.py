"""Hostile and broken exports through the file connectors, published to the real broker.

A bad value is a dead letter naming the field and rule (never the value); the rest of the
file is published. A broken file (no header row, nesting bombs, a bad byte) publishes nothing
and its error carries no row's values. A formula in a provider's name survives as data and is
quoted when the census CSV is written (``hub.census.safe_cells``).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from connectors.base import MalformedFileError
from connectors.registry import CONNECTORS
from hub.adapters.avro.codec import AvroCodec
from hub.adapters.kafka.admin import apply_topics
from hub.adapters.kafka.log import KafkaEventLog, read_topic
from hub.domain.dead_letter import DeadLetter
from hub.topics_spec import load_topic_specs
from hub.usecases.connecting import ConnectSummary, connect_file
from hub.usecases.publishing import Publisher
from tests.integration.kafka_fixtures import REPO
from tests.unit.connectors.harness import TODAY

pytestmark = pytest.mark.integration
SAMPLES = REPO / "connectors" / "samples"


async def connect(source: str, path: Path, bootstrap: str, namespace: str, codec: AvroCodec
                  ) -> tuple[ConnectSummary, list[DeadLetter]]:
    specs = load_topic_specs(REPO / "topics.yaml", namespace)
    await apply_topics(bootstrap, specs)
    async with KafkaEventLog(bootstrap) as log:
        summary = await connect_file(CONNECTORS[source](TODAY), path,
                                     Publisher(log, codec, specs))
    letters = [codec.decode(r.value) for r in
               await read_topic(bootstrap, f"{namespace}.cin.hub.dead-letter.v1")]
    return summary, letters


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write_rows(path: Path, rows: list[dict[str, str]], header: bool = True) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        if header:
            writer.writeheader()
        writer.writerows(rows)
    return path


async def test_control_characters_and_formula_ids_are_dead_letters_the_rest_publishes(
    tmp_path, kafka_broker, topic_namespace, codec
):
    rows = rows_of(SAMPLES / "finance_payments.csv")
    rows[0]["CSCRef"] = "515\x0b300"
    rows[1]["CSCRef"] = "=1+1"
    rows[2]["ClientName"] = "SMITH, Ph\x00oebe"
    path = write_rows(tmp_path / "finance_payments.csv", rows)
    summary, letters = await connect("finance", path, kafka_broker, topic_namespace, codec)
    assert summary.rows_dead_lettered == 3
    assert summary.rows_published == len(rows) - 3
    assert sorted(d.reason_code for d in letters) == [
        "INVALID_CHARACTER", "INVALID_CHARACTER", "INVALID_LA_CHILD_ID"]
    for letter in letters:
        assert "515" not in letter.reason and "SMITH" not in letter.reason


async def test_a_csv_without_its_header_row_names_no_value(tmp_path, kafka_broker,
                                                          topic_namespace, codec):
    rows = rows_of(SAMPLES / "finance_payments.csv")
    path = write_rows(tmp_path / "finance_payments.csv", rows, header=False)
    with pytest.raises(MalformedFileError) as refused:
        await connect("finance", path, kafka_broker, topic_namespace, codec)
    message = str(refused.value)
    assert "header row" in message
    for value in rows[0].values():
        if value and not value.isupper():  # declared column names are upper-camel words
            assert value not in message, f"{value!r} leaked"
    assert await read_topic(kafka_broker, f"{topic_namespace}.cin.source.finance.payments.v1") == []


async def test_a_json_nesting_bomb_is_a_malformed_file_not_a_crash(tmp_path, kafka_broker,
                                                                  topic_namespace, codec):
    path = tmp_path / "ecaf.json"
    path.write_text('{"recordCount": 1, "records": [' + "[" * 100_000 + "]" * 100_000 + "]}")
    with pytest.raises(MalformedFileError, match="nested deeper"):
        await connect("ecaf", path, kafka_broker, topic_namespace, codec)


async def test_a_lone_surrogate_in_a_json_record_is_that_records_dead_letter(
    tmp_path, kafka_broker, topic_namespace, codec
):
    document = json.loads((SAMPLES / "ecaf.json").read_text(encoding="utf-8"))
    document["records"][0]["child"]["firstName"] = "Harr\ud800ison"
    path = tmp_path / "ecaf.json"
    path.write_text(json.dumps(document), encoding="utf-8")  # ensure_ascii: "\\ud800" escape
    summary, letters = await connect("ecaf", path, kafka_broker, topic_namespace, codec)
    assert summary.rows_dead_lettered == 1
    assert [d.reason_code for d in letters] == ["INVALID_CHARACTER"]
    assert "Harr" not in letters[0].reason


async def test_an_xml_nesting_bomb_is_a_malformed_file_not_a_crash(tmp_path, kafka_broker,
                                                                  topic_namespace, codec):
    path = tmp_path / "panel.xml"
    path.write_text('<?xml version="1.0"?><PanelDecisions count="0">'
                    + "<a>" * 100_000 + "</a>" * 100_000 + "</PanelDecisions>")
    with pytest.raises(MalformedFileError, match="nested deeper"):
        await connect("panel", path, kafka_broker, topic_namespace, codec)
