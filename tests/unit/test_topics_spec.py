"""topics.yaml loading: the real file, defaults, namespaces, and clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub import bootstrap
from hub.config import Settings
from hub.topics_spec import TopicSpec, TopicsSpecError, load_topic_specs

REPO_TOPICS = Path(__file__).resolve().parents[2] / "topics.yaml"

GOOD = """
defaults:
  partitions: 3
  replication_factor: 1
topics:
  - name: cin.source.a.v1
    cleanup_policy: delete
    retention_ms: -1
    key: child id
    value: [ThingHappened]
    flow: a -> b
  - name: cin.hub.b.v1
    cleanup_policy: compact
    partitions: 1
    key: task id
    value: TaskChanged
    flow: b -> c
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "topics.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def load_error(tmp_path: Path, text: str) -> str:
    with pytest.raises(TopicsSpecError) as caught:
        load_topic_specs(write(tmp_path, text))
    return str(caught.value)


def test_the_repository_topics_file_loads() -> None:
    specs = {spec.name: spec for spec in load_topic_specs(REPO_TOPICS)}
    assert specs["cin.source.education.sen.v1"].partitions == 6
    assert specs["cin.source.education.sen.v1"].retention_ms == -1
    assert specs["cin.hub.dead-letter.v1"].partitions == 1
    assert specs["cin.hub.tasks.v1"].cleanup_policy == "compact"
    assert specs["cin.hub.tasks.v1"].retention_ms == -1  # compacted: the latest per key, kept


def test_every_record_the_hub_knows_has_a_declared_topic(codec) -> None:  # type: ignore[no-untyped-def]
    declared = {value for spec in load_topic_specs(REPO_TOPICS) for value in spec.value}
    unrouted = set(codec.models) - declared
    assert not unrouted, f"no topic in topics.yaml carries: {sorted(unrouted)}"


def test_every_source_topic_keeps_its_events_forever() -> None:
    sources = [s for s in load_topic_specs(REPO_TOPICS) if s.name.startswith("cin.source.")]
    assert sources
    assert all(s.retention_ms == -1 and s.cleanup_policy == "delete" for s in sources)


def test_defaults_apply_and_a_topic_can_override_them(tmp_path: Path) -> None:
    first, second = load_topic_specs(write(tmp_path, GOOD))
    assert (first.partitions, first.replication_factor) == (3, 1)
    assert second.partitions == 1
    assert second.value == ("TaskChanged",)


def test_configs_hold_only_what_the_file_declares(tmp_path: Path) -> None:
    first, second = load_topic_specs(write(tmp_path, GOOD))
    assert first.configs == {"cleanup.policy": "delete", "retention.ms": "-1"}
    assert second.configs == {"cleanup.policy": "compact"}


def test_namespace_prefixes_every_name(tmp_path: Path) -> None:
    specs = load_topic_specs(write(tmp_path, GOOD), namespace="t-123")
    assert [s.name for s in specs] == ["t-123.cin.source.a.v1", "t-123.cin.hub.b.v1"]


def test_specs_are_frozen(tmp_path: Path) -> None:
    spec = load_topic_specs(write(tmp_path, GOOD))[0]
    with pytest.raises(ValueError, match="frozen"):
        spec.partitions = 9  # type: ignore[misc]
    assert isinstance(spec, TopicSpec)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TopicsSpecError, match="file not found"):
        load_topic_specs(tmp_path / "nope.yaml")


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    message = load_error(tmp_path, "topics:\n  - name: [unclosed\n")
    assert "not valid YAML at line" in message
    assert "topics.yaml" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- just a list\n", "expected a mapping"),
        ("defaults: {}\n", "'topics' must be a non-empty list"),
        ("topics: []\n", "'topics' must be a non-empty list"),
        ("topic: []\n", "unknown top-level keys: topic"),
        ("defaults: [1]\ntopics: [x]\n", "'defaults' must be a mapping"),
        ("defaults: {partitions: 0}\ntopics: [x]\n", "defaults: partitions"),
        ("topics: [just-a-name]\n", "topic #1 must be a mapping"),
    ],
)
def test_bad_document_shapes(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in load_error(tmp_path, text)


def one_topic(**fields: object) -> str:
    topic = {
        "name": "cin.x.v1",
        "partitions": 2,
        "replication_factor": 1,
        "cleanup_policy": "delete",
        "key": "k",
        "value": "[V]",
        "flow": "a -> b",
    } | fields
    body = "".join(f"    {k}: {v}\n" for k, v in topic.items() if v is not None)
    return "topics:\n  - " + body.lstrip()


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"partitions": 0}, "topic #1 (cin.x.v1): partitions: Input should be greater than"),
        ({"partitions": "six"}, "partitions: Input should be a valid integer"),
        ({"replication_factor": 0}, "replication_factor: Input should be greater than or equal"),
        ({"cleanup_policy": "forever"}, "cleanup_policy: Input should be 'delete', 'compact'"),
        ({"retention_ms": -5}, "retention_ms: Input should be greater than or equal to -1"),
        ({"partition": 3}, "partition: Extra inputs are not permitted"),
        ({"name": "bad/name"}, "name: Value error, only ASCII letters"),
        ({"name": None}, "topic #1 (no name): name: Field required"),
        ({"key": None}, "key: Field required"),
        ({"value": "[]"}, "value: "),
    ],
)
def test_bad_topics_name_the_topic_and_the_field(
    tmp_path: Path, fields: dict[str, object], expected: str
) -> None:
    assert expected in load_error(tmp_path, one_topic(**fields))


def test_duplicate_names_are_rejected(tmp_path: Path) -> None:
    text = GOOD + GOOD.split("topics:\n", 1)[1]
    assert "topic cin.source.a.v1 is declared more than once" in load_error(tmp_path, text)


def test_namespace_with_illegal_characters_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(TopicsSpecError, match="topic namespace 'a b'"):
        load_topic_specs(write(tmp_path, GOOD), namespace="a b")


def test_too_long_a_name_after_the_namespace_is_rejected(tmp_path: Path) -> None:
    long_name = "n" * 240
    text = GOOD.replace("cin.source.a.v1", long_name)
    assert load_topic_specs(write(tmp_path, text))[0].name == long_name
    with pytest.raises(TopicsSpecError, match="name: String should have at most 249"):
        load_topic_specs(write(tmp_path, text), namespace="namespace-x")


def test_a_cluster_replication_factor_raises_every_topic(tmp_path: Path) -> None:
    (tmp_path / "topics.yaml").write_text(REPO_TOPICS.read_text())
    specs = bootstrap.topic_specs(Settings(home=tmp_path, replication_factor=3))
    assert {s.replication_factor for s in specs} == {3}
    assert {s.replication_factor for s in bootstrap.topic_specs(Settings(home=tmp_path))} == {1}


def test_every_topic_declares_its_retention_and_dead_letters_expire(tmp_path) -> None:
    specs = load_topic_specs(REPO_TOPICS)
    assert all(spec.retention_ms is not None for spec in specs)
    dead = next(s for s in specs if "DeadLetter" in s.value)
    assert dead.configs["retention.ms"] == str(30 * 24 * 3600 * 1000)
    (tmp_path / "topics.yaml").write_text(REPO_TOPICS.read_text())
    shorter = bootstrap.topic_specs(Settings(home=tmp_path, dead_letter_retention_days=7))
    dead = next(s for s in shorter if "DeadLetter" in s.value)
    assert dead.retention_ms == 7 * 24 * 3600 * 1000
