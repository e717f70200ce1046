"""``erase_person`` on every store: who the child is goes, what happened stays."""

from __future__ import annotations

from hub.ports import HubStore
from tests.contract.store_records import CHILD, decision, snapshot, task


def test_erasing_blanks_personal_details_and_nhs_numbers_only(store: HubStore) -> None:
    store.apply_many([decision("d-1", snapshot()), task(child_key=CHILD)])
    other = "child-0002"
    store.apply(decision("d-2", snapshot("education-sen:43", source_id="43",
                                         upn="B123456789012", nhs_number="4010232137"),
                         child_key=other))
    assert store.erase_person(CHILD) >= 2
    person = store.person(CHILD)
    assert person is not None
    assert (person.given_name, person.family_name, person.date_of_birth, person.postcode) == (
        None, None, None, None)
    assert person.sex == "F"
    kinds = {i.identifier_type for i in store.identifiers(CHILD)}
    assert "NHS_NUMBER" not in kinds and {"UPN", "SOURCE_ID", "SIMS"} <= kinds
    assert [r.record_id for r in store.person_records(CHILD)] == ["education-sen:42"]
    assert len(store.open_tasks(child_key=CHILD)) == 1
    untouched = store.person(other)
    assert untouched is not None and untouched.given_name == "Ada"
    assert "NHS_NUMBER" in {i.identifier_type for i in store.identifiers(other)}
