"""``hub replay`` refuses a namespace that already holds records (issue 10): the pure decision."""

from __future__ import annotations

from hub.domain.replay_namespace import NamespaceUse, replay_refusal


def test_a_namespace_the_cluster_does_not_know_is_accepted():
    assert replay_refusal("r1", current="", source="", use=NamespaceUse()) is None


def test_existing_but_empty_topics_and_no_committed_group_are_accepted():
    use = NamespaceUse({"r1.cin.hub.resolved-events.v1": 0, "r1-cin-hub-children-changelog": 0})
    assert use.empty
    assert replay_refusal("r1", current="", source="", use=use) is None


def test_a_topic_holding_records_is_refused_and_named_with_its_count():
    use = NamespaceUse({"r1.cin.hub.resolved-events.v1": 250, "r1.cin.hub.dead-letters.v1": 0})
    message = replay_refusal("r1", current="", source="", use=use)
    assert message is not None
    assert "namespace r1 is not empty" in message
    assert "r1.cin.hub.resolved-events.v1 (250 records)" in message
    assert "dead-letters" not in message  # an empty topic is not what holds records
    assert "--name" in message  # says how to choose another


def test_committed_offsets_alone_are_refused():
    use = NamespaceUse({}, ("r1-cin-hub-resolver",))
    message = replay_refusal("r1", current="", source="", use=use)
    assert message is not None and "consumer group r1-cin-hub-resolver" in message


def test_many_topics_are_counted_not_all_listed():
    use = NamespaceUse({f"r1.t{i}": i + 1 for i in range(8)})
    message = replay_refusal("r1", current="", source="", use=use)
    assert message is not None
    assert "8 topics hold records" in message and "and 3 more" in message
    assert "r1.t7" not in message


def test_the_namespace_served_or_read_now_is_refused_even_if_empty():
    served = replay_refusal("r2", current="r2", source="live", use=NamespaceUse())
    read = replay_refusal("live", current="r2", source="live", use=NamespaceUse())
    assert served is not None and "serves" in served
    assert read is not None and "reads" in read
