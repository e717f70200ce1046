"""No personal data in any log line, whatever a caller passes to the logger."""

from __future__ import annotations

import json
import logging

import pytest

from hub.adapters.memory.log import InMemoryEventLog
from hub.domain.events import Event
from hub.logging import configure_logging, get_logger
from hub.topics_spec import load_topic_specs
from hub.usecases.publishing import Publisher
from hub.usecases.smoke import load_examples, round_trip
from tests.conftest import REPO


def _personal_values(events: list[Event]) -> set[str]:
    values: set[str] = set()
    for event in events:
        subject = event.envelope.subject  # type: ignore[attr-defined]
        for field in (
            "la_child_id",
            "upn",
            "nhs_number",
            "yot_id",
            "given_name",
            "family_name",
            "postcode",
        ):
            if value := getattr(subject, field):
                values.add(value)
        if subject.date_of_birth:
            values.add(subject.date_of_birth.isoformat())
        values.update(other.value for other in subject.other_ids)
    return values


def test_personal_fields_are_redacted_even_when_passed(capsys):
    configure_logging("DEBUG", json=True)
    get_logger("test").info("matched", upn="Q820001123456", given_name="Amelia", rows=3)
    line = json.loads(capsys.readouterr().err.strip())
    assert line["upn"] == "[redacted]" and line["given_name"] == "[redacted]"
    assert line["rows"] == 3 and line["event"] == "matched"


@pytest.fixture
def stdlib_debug_logging():
    """Route stdlib loggers (aiokafka, faust) to the captured stderr, then put things back."""
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    logging.basicConfig(level=logging.DEBUG, force=True)
    yield
    for handler in root.handlers:
        handler.close()
    root.handlers[:] = saved[1]
    root.setLevel(saved[0])


async def test_publishing_every_event_type_logs_no_personal_data(
    capsys, codec, stdlib_debug_logging
):
    configure_logging("DEBUG", json=True)
    examples = load_examples(REPO / "schemas" / "examples")
    specs = load_topic_specs(REPO / "topics.yaml")
    log = InMemoryEventLog({spec.name: spec.partitions for spec in specs})
    publisher = Publisher(log, codec, specs, accepts_examples=True)  # a smoke namespace
    results = await round_trip(publisher, codec, examples)
    assert all(r.read_back for r in results)
    captured = capsys.readouterr()
    output = captured.out + captured.err
    leaked = {value for value in _personal_values(examples) if value in output}
    assert not leaked


def test_a_library_log_line_is_one_structured_line_and_a_retried_error_a_warning(capsys):
    configure_logging("INFO", json=True)
    logging.getLogger("aiokafka.consumer.group_coordinator").error(
        "Group Coordinator Request failed: [Error 15] GroupCoordinatorNotAvailableError")
    logging.getLogger("aiokafka.conn").error("Unable to connect to node 2: refused")
    logging.getLogger("uvicorn.error").info("below the library threshold: not shown")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [(line["logger"], line["level"], line.get("retried_by_client")) for line in lines] == [
        ("aiokafka.consumer.group_coordinator", "warning", True),
        ("aiokafka.conn", "error", None),
    ]
    assert lines[0]["event"].startswith("Group Coordinator Request failed")
    assert all("timestamp" in line for line in lines)


def test_configuring_twice_keeps_one_handler_for_library_lines(capsys):
    configure_logging("INFO", json=True)
    configure_logging("INFO", json=True)
    logging.getLogger("aiokafka").warning("once")
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_a_library_exception_keeps_its_traceback(capsys):
    configure_logging("INFO", json=True)
    try:
        raise ConnectionError("broker went away")
    except ConnectionError:
        logging.getLogger("aiokafka").exception("fetch failed")
    line = json.loads(capsys.readouterr().err.strip())
    assert "Traceback" in line["exception"] and "broker went away" in line["exception"]
