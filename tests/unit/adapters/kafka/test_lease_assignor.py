"""The lease's assignor: the partition goes to the member with the highest claim (the
newest holder's fencing epoch), else to the first member by id."""

from __future__ import annotations

from aiokafka.coordinator.protocol import ConsumerProtocolMemberMetadata

from hub.adapters.kafka.lease import _assignor

TOPIC = "ns-cin-hub-resolver-lease"


def _members(**claims: bytes) -> dict[str, ConsumerProtocolMemberMetadata]:
    return {m: ConsumerProtocolMemberMetadata(0, [TOPIC], data) for m, data in claims.items()}


def _holder(members: dict[str, ConsumerProtocolMemberMetadata]) -> str:
    assigned = _assignor().assign(None, members)
    [holder] = [m for m, a in assigned.items() if a.assignment]
    assert dict(assigned[holder].assignment) == {TOPIC: [0]}
    return holder


def test_a_joining_standby_does_not_take_the_lease_from_its_holder() -> None:
    assert _holder(_members(a=b"", b=b"8")) == "b"


def test_a_holder_cut_off_and_back_loses_to_the_one_that_fenced_it() -> None:
    assert _holder(_members(zombie=b"4", holder=b"5")) == "holder"
    assert _holder(_members(holder=b"5", zombie=b"4", standby=b"")) == "holder"


def test_without_a_claim_the_first_member_by_id_gets_it() -> None:
    assert _holder(_members(m2=b"", m1=b"", m3=b"not-a-number")) == "m1"


def test_a_holders_claim_is_in_its_join_metadata_and_each_lease_has_its_own() -> None:
    mine, other = _assignor(), _assignor()
    mine.claim = 7
    assert mine.metadata([TOPIC]).user_data == b"7"
    assert other.metadata([TOPIC]).user_data == b""
