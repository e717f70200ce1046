"""Which event types each source may push: the default mapping, hub.toml, the 403, the CLI.

The defaults must be what the file connectors publish; the refusal runs through the real
Starlette app on the in-memory key store and event log, and publishes nothing.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from structlog.testing import capture_logs

from connectors.registry import CONNECTORS, SAMPLE_FILES
from hub.adapters.avro.codec import AvroCodec
from hub.adapters.files.intake_rights_toml import hub_toml, load_intake_rights, parse_intake_rights
from hub.adapters.memory.api_keys import InMemoryApiKeyStore
from hub.adapters.memory.log import InMemoryEventLog
from hub.config import Settings
from hub.domain.events import EVENT_MODELS
from hub.domain.intake_rights import (
    DEFAULT_ALLOWED,
    DEFAULT_RIGHTS,
    FILE_IMPORTS,
    IntakeRights,
    IntakeRightsError,
    topic_writes,
)
from hub.domain.validation import EventRejectedError
from hub.entrypoints.cli import intake as _intake_cli  # noqa: F401 (adds `hub intake`)
from hub.entrypoints.web.intake.app import create_app
from hub.topics_spec import load_topic_specs
from hub.usecases.intake import CALLER_ENVELOPE_FIELDS
from hub.usecases.publishing import Publisher
from tests.conftest import REPO
from tests.integration.kafka_fixtures import run_cli
from tests.unit.connectors.harness import TODAY as CONNECTOR_TODAY
from tests.unit.domain.test_purity import FORBIDDEN, _imports

EXAMPLES = REPO / "schemas" / "examples"
SAMPLES = REPO / "connectors" / "samples"
DOC = REPO / "docs" / "intake.md"
NOW = datetime(2025, 9, 8, 17, 5, 12, tzinfo=UTC)
SEN = "SenAssessmentRequested"
REFUSAL_LOG_KEYS = {"event", "log_level", "key_id", "source", "event_type"}


def example(event_type: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{event_type}.json").read_text(encoding="utf-8"))


def pushed_body(event_type: str, *, as_example: bool = False) -> dict[str, Any]:
    """The documented example as a department posts it: without the example mark, unless
    ``as_example`` (an example sent as it is)."""
    event = example(event_type)
    subject = event["envelope"]["subject"]
    if not as_example:
        subject["other_ids"] = [i for i in subject["other_ids"] if i["type"] != "HUB_EXAMPLE"]
    own = {k: v for k, v in event.items() if k != "envelope"}
    return {k: event["envelope"][k] for k in CALLER_ENVELOPE_FIELDS} | own


# --- the default mapping -----------------------------------------------------------------------


def test_every_connector_source_has_defaults_and_no_other_source_does():
    assert set(DEFAULT_ALLOWED) == set(CONNECTORS)


def test_every_event_type_has_exactly_one_default_owner():
    owners = [t for types in DEFAULT_ALLOWED.values() for t in types]
    assert sorted(owners) == sorted(EVENT_MODELS)


def _event_models_imported(module_path: str) -> set[str]:
    tree = ast.parse(Path(module_path).read_text(encoding="utf-8"))
    return {
        alias.name for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "hub.domain.events"
        for alias in node.names
    } - {"Event"}


@pytest.mark.parametrize("source", sorted(CONNECTORS))
def test_a_source_may_push_the_event_types_its_connector_builds(source: str):
    """Statically: the event models a connector's module imports are its source's rights."""
    module_path = inspect.getsourcefile(CONNECTORS[source])
    assert module_path
    assert _event_models_imported(module_path) == DEFAULT_ALLOWED[source]


@pytest.mark.parametrize("source", sorted(CONNECTORS))
def test_a_connector_sample_yields_only_event_types_its_source_may_push(source: str):
    """Dynamically: what the connector makes of its sample export (a file import may also
    publish its ``FILE_IMPORTS`` types, which are never push rights)."""
    connector = CONNECTORS[source](CONNECTOR_TODAY)
    emitted: set[str] = set()
    for row in connector.read(SAMPLES / SAMPLE_FILES[source]):
        with suppress(EventRejectedError):  # the samples break a few identifiers on purpose
            emitted |= {type(event).__name__ for event in connector.events(row)}
    assert emitted
    assert emitted <= topic_writes()[source]
    assert emitted - DEFAULT_ALLOWED[source] <= FILE_IMPORTS.get(source, frozenset())


@pytest.mark.parametrize("event_type", sorted(EVENT_MODELS))
def test_each_documented_example_comes_from_a_source_allowed_to_push_it(event_type: str):
    source = example(event_type)["envelope"]["source_system"]
    assert DEFAULT_RIGHTS.allows(source, event_type)


def test_a_source_named_nowhere_may_push_nothing():
    assert DEFAULT_RIGHTS.event_types("push-sen") == frozenset()
    assert not any(DEFAULT_RIGHTS.allows("push-sen", t) for t in EVENT_MODELS)
    assert not DEFAULT_RIGHTS.allows("finance", SEN)
    assert not DEFAULT_RIGHTS.allows("finance", "CscStatusChanged")
    assert DEFAULT_RIGHTS.allows("finance", "PaymentMade")


def test_overrides_replace_a_source_list_add_sources_and_can_take_everything_away():
    rights = DEFAULT_RIGHTS.with_overrides({
        "education-sen": [SEN], "mis-push": ["SchoolExclusionRecorded"], "finance": [],
    })
    assert rights.event_types("education-sen") == {SEN}
    assert rights.event_types("mis-push") == {"SchoolExclusionRecorded"}
    assert rights.event_types("finance") == frozenset()
    assert rights.event_types("yot") == DEFAULT_ALLOWED["yot"]
    assert rights.overridden == {"education-sen", "mis-push", "finance"}
    assert DEFAULT_RIGHTS.event_types("education-sen") == DEFAULT_ALLOWED["education-sen"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"finance": ["PaymentMade", "Wished"]}, "finance: unknown event type Wished"),
        ({"finance": "PaymentMade"}, "finance: expected a list"),
        ({"finance": [1]}, "finance: expected a list"),
    ],
)
def test_a_bad_override_is_refused_with_the_source_named(overrides, message):
    with pytest.raises(IntakeRightsError, match=re.escape(message)):
        DEFAULT_RIGHTS.with_overrides(overrides)


def test_the_rights_module_is_pure():
    path = REPO / "hub" / "domain" / "intake_rights.py"
    imported = _imports(ast.parse(path.read_text(encoding="utf-8")))
    assert not {n for n in imported for f in FORBIDDEN if n == f or n.startswith(f + ".")}
    assert "open(" not in path.read_text(encoding="utf-8")


def test_the_documented_defaults_are_the_defaults():
    text = DOC.read_text(encoding="utf-8")
    section = text.split("<!-- intake-rights:defaults -->", 1)[1].split("\n\n", 1)[0]
    documented = {
        m.group(1): frozenset(re.findall(r"`(\w+)`", m.group(2)))
        for m in re.finditer(r"^\| `([a-z0-9-]+)` \| (.+) \|$", section, re.M)
    }
    assert documented == dict(DEFAULT_ALLOWED)


# --- hub.toml ----------------------------------------------------------------------------------


def test_without_a_hub_toml_the_defaults_apply(tmp_path: Path):
    assert load_intake_rights(tmp_path / "hub.toml") is DEFAULT_RIGHTS
    (tmp_path / "hub.toml").write_text('[hub]\ntopic_namespace = "x"\n', encoding="utf-8")
    assert load_intake_rights(tmp_path / "hub.toml") == DEFAULT_RIGHTS


def test_intake_allowed_in_hub_toml_overrides_the_defaults(tmp_path: Path):
    path = tmp_path / "hub.toml"
    path.write_text(
        '[hub]\ntopic_namespace = "x"\n\n[intake.allowed]\n'
        'finance = ["PaymentMade", "SenAssessmentRequested"]\nmis-push = []\n',
        encoding="utf-8",
    )
    rights = load_intake_rights(path)
    assert rights.event_types("finance") == {"PaymentMade", SEN}
    assert rights.event_types("mis-push") == frozenset() and "mis-push" in rights.sources()
    assert rights.overridden == {"finance", "mis-push"}


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[intake.allowed]\nfinance = ["Payment"]\n', "intake.allowed.finance: unknown event"),
        ('[intake.allowed]\nFinance = ["PaymentMade"]\n', "intake.allowed.Finance: source"),
        ('[intake.allowed]\nfinance = "PaymentMade"\n', "intake.allowed.finance: expected"),
        ("[intake]\nallowed = 3\n", "intake.allowed: must be a table"),
        ('intake = "all"\n', "intake: must be a table"),
        ("[intake.allowed\n", "hub.toml: "),
    ],
)
def test_a_broken_intake_allowed_table_names_the_file_and_key(tmp_path: Path, toml, message):
    path = tmp_path / "hub.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(IntakeRightsError, match=re.escape(message)) as caught:
        load_intake_rights(path)
    assert str(path) in str(caught.value)


def test_parse_without_an_intake_table_is_the_defaults():
    assert parse_intake_rights({"hub": {}}) == DEFAULT_RIGHTS


def test_the_rights_file_is_the_one_settings_read(tmp_path: Path):
    settings = Settings(home=tmp_path)
    assert hub_toml(settings, {}) == tmp_path / "hub.toml"
    assert hub_toml(settings, {"HUB_CONFIG": "/etc/hub.toml"}) == Path("/etc/hub.toml")


# --- the 403, through the app ------------------------------------------------------------------


@pytest.fixture
def log(codec: AvroCodec) -> InMemoryEventLog:
    specs = load_topic_specs(REPO / "topics.yaml", "")
    return InMemoryEventLog({spec.name: spec.partitions for spec in specs})


@pytest.fixture
def keys() -> InMemoryApiKeyStore:
    return InMemoryApiKeyStore()


@asynccontextmanager
async def serving(
    codec: AvroCodec, log: InMemoryEventLog, keys: InMemoryApiKeyStore,
    rights: IntakeRights = DEFAULT_RIGHTS, now: datetime = NOW,
) -> AsyncIterator[httpx.AsyncClient]:
    """The intake app, started (its lifespan opens the publisher) and spoken to over ASGI."""
    specs = load_topic_specs(REPO / "topics.yaml", "")

    @asynccontextmanager
    async def publisher() -> AsyncIterator[Publisher]:
        yield Publisher(log, codec, specs)

    app = create_app(publisher, keys, lambda: now, rights=rights)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=transport, base_url="http://intake"
    ) as client:
        yield client


@pytest.fixture
async def client(codec, log, keys) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(codec, log, keys) as intake_client:
        yield intake_client


async def post(client: httpx.AsyncClient, key: str, event_type: str, body: Any) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return await client.post(f"/events/{event_type}", content=content,
                             headers={"Authorization": f"Bearer {key}",
                                      "Content-Type": "application/json"})


async def published(log: InMemoryEventLog) -> list[Any]:
    topics = [spec.name for spec in load_topic_specs(REPO / "topics.yaml", "")]
    return [r for topic in topics for r in await log.read_all(topic)]


def personal_values(event_type: str) -> list[str]:
    subject = example(event_type)["envelope"]["subject"]
    return [str(v) for k, v in subject.items() if k != "other_ids" and v]


@pytest.mark.parametrize("source", ["finance", "csc", "education-exclusions"])
async def test_a_key_pushing_an_event_type_its_source_does_not_own_gets_403(
    client, log, keys, source
):
    key = keys.add(source, NOW)
    with capture_logs() as logged:
        answer = await post(client, key, SEN, pushed_body(SEN))
    assert answer.status_code == 403
    assert answer.json() == {
        "error": "this source system may not send this event type",
        "source_system": source, "event_type": SEN,
    }
    assert await published(log) == []
    [refusal] = [line for line in logged if line["event"] == "intake event type not allowed"]
    assert set(refusal) == REFUSAL_LOG_KEYS
    assert (refusal["key_id"], refusal["source"], refusal["event_type"]) == (
        key.partition(".")[0], source, SEN,
    )
    assert refusal["log_level"] == "warning"
    for value in personal_values(SEN):
        assert value not in answer.text and value not in repr(logged)


async def test_the_owner_of_the_event_type_is_accepted(client, log, keys):
    answer = await post(client, keys.add("education-sen", NOW), SEN, pushed_body(SEN))
    assert answer.status_code == 202, answer.text
    assert len(await published(log)) == 1


async def test_an_example_event_pushed_as_it_is_gets_422_and_is_not_published(client, log, keys):
    answer = await post(client, keys.add("education-sen", NOW), SEN,
                        pushed_body(SEN, as_example=True))
    assert answer.status_code == 422, answer.text
    assert "EXAMPLE_EVENT" in answer.text
    assert await published(log) == []


@pytest.mark.parametrize("event_type", sorted(EVENT_MODELS))
async def test_each_documented_example_is_accepted_from_its_source_only(
    codec, log, keys, event_type
):
    documented = example(event_type)
    owner = documented["envelope"]["source_system"]
    outsider = "finance" if owner != "finance" else "csc"
    recorded = datetime.fromisoformat(documented["envelope"]["recorded_at"])
    body = pushed_body(event_type)
    async with serving(codec, log, keys, now=recorded) as client:
        refused = await post(client, keys.add(outsider, NOW), event_type, body)
        assert refused.status_code == 403
        assert await published(log) == []
        answer = await post(client, keys.add(owner, NOW), event_type, body)
    assert answer.status_code == 202, answer.text


async def test_a_key_for_a_source_named_nowhere_may_push_nothing(client, log, keys):
    key = keys.add("push-sen", NOW)  # minted before the CLI refused such keys, say
    assert (await post(client, key, SEN, pushed_body(SEN))).status_code == 403
    assert await published(log) == []


async def test_rights_are_checked_before_the_body_is_read(client, keys):
    key = keys.add("finance", NOW)
    assert (await post(client, key, SEN, b"{not json")).status_code == 403
    assert (await post(client, key, SEN, b"x" * (2 * 1024 * 1024))).status_code == 403


async def test_unknown_types_and_bad_keys_keep_their_answers(client, keys):
    key = keys.add("finance", NOW)
    unknown = await post(client, key, "SenAssessmentWished", pushed_body(SEN))
    assert unknown.status_code == 404 and unknown.json()["error"] == "unknown event type"
    key_id, _, secret = key.partition(".")
    wrong = await post(client, f"{key_id}.{secret[::-1]}", SEN, pushed_body(SEN))
    assert (wrong.status_code, wrong.json()) == (401, {"error": "missing or invalid API key"})


async def test_rights_from_hub_toml_are_what_the_app_enforces(codec, log, keys):
    rights = DEFAULT_RIGHTS.with_overrides({"finance": ["PaymentMade", SEN], "education-sen": []})
    async with serving(codec, log, keys, rights) as client:
        finance = await post(client, keys.add("finance", NOW), SEN, pushed_body(SEN))
        sen = await post(client, keys.add("education-sen", NOW), SEN, pushed_body(SEN))
    assert (finance.status_code, sen.status_code) == (202, 403)
    assert len(await published(log)) == 1


# --- the CLI -----------------------------------------------------------------------------------


def cli_env(home: Path) -> dict[str, str | None]:
    return {"HUB_HOME": str(home), "HUB_CONFIG": str(home / "hub.toml"),
            "HUB_TOPIC_NAMESPACE": None, "KAFKA_BOOTSTRAP_SERVERS": None}


def test_rights_lists_each_source_with_its_event_types_and_keys(tmp_path: Path):
    env = cli_env(tmp_path)
    assert run_cli(["intake", "add-key", "finance"], env).exit_code == 0
    (tmp_path / "hub.toml").write_text('[intake.allowed]\nmis-push = ["SchoolExclusionRecorded"]\n',
                                       encoding="utf-8")
    shown = run_cli(["intake", "rights"], env)
    assert shown.exit_code == 0, shown.output
    rows = {line.split("│")[1].strip(): line for line in shown.output.splitlines()
            if line.startswith("│") and line.split("│")[1].strip()}
    assert "PaymentMade" in rows["finance"] and "default" in rows["finance"]
    assert rows["finance"].split("│")[4].strip() == "1"
    assert "SchoolExclusionRecorded" in rows["mis-push"] and "hub.toml" in rows["mis-push"]
    for event_type in EVENT_MODELS:
        assert event_type in shown.output


def test_add_key_refuses_a_source_that_may_push_nothing(tmp_path: Path):
    env = cli_env(tmp_path)
    refused = run_cli(["intake", "add-key", "push-sen"], env)
    assert refused.exit_code == 1
    assert "may push no event types" in refused.output
    assert "[intake.allowed]" in refused.output
    (tmp_path / "hub.toml").write_text('[intake.allowed]\npush-sen = ["SenAssessmentRequested"]\n',
                                       encoding="utf-8")
    assert run_cli(["intake", "add-key", "push-sen"], env).exit_code == 0


def test_a_broken_hub_toml_stops_the_intake_commands(tmp_path: Path):
    env = cli_env(tmp_path)
    (tmp_path / "hub.toml").write_text('[intake.allowed]\nfinance = ["Payment"]\n',
                                       encoding="utf-8")
    for command in (["intake", "rights"], ["intake", "add-key", "finance"], ["intake", "serve"]):
        result = run_cli(command, env)
        assert result.exit_code == 1, command
        assert "unknown event type Payment" in result.output
