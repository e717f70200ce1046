"""``erase_child``: keys destroyed, store blanked, audit recorded; refused without a role or
with free text as the reason."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from hub.adapters.audit_sqlite import SqliteAuditLog
from hub.adapters.keys.subject_keys import SqliteSubjectKeys
from hub.adapters.memory.store import InMemoryHubStore
from hub.audit import AuditQuery
from hub.domain.erasure import ERASURE_ACTION
from hub.usecases.erasure import ErasureRefusedError, erase_child
from tests.contract.store_records import CHILD, decision, snapshot

AT = datetime(2026, 3, 1, 10, tzinfo=UTC)


class Directory:
    def roles_of(self, user_id: str) -> frozenset[str] | None:
        return {"dpo.one": frozenset({"data_officer"}),
                "sam.worker": frozenset({"practitioner"})}.get(user_id)


@pytest.fixture
def parts(tmp_path: Path) -> tuple[InMemoryHubStore, SqliteSubjectKeys, SqliteAuditLog]:
    store = InMemoryHubStore()
    store.apply_many([decision("d-1", snapshot()),
                      decision("d-2", snapshot("ecaf:7", source_system="ecaf"))])
    keys = SqliteSubjectKeys(tmp_path / "keys.db")
    for record in ("education-sen:42", "ecaf:7", "yot:1"):
        keys.key_for(record)
    return store, keys, SqliteAuditLog(tmp_path / "audit.db")


def test_an_erasure_destroys_the_childs_keys_blanks_the_store_and_is_audited(parts) -> None:
    store, keys, audit = parts
    done = erase_child(store, keys, audit, Directory(), child_key=CHILD, by="dpo.one",
                       reason="SAR-2026-0042", at=AT)
    assert (done.records, done.keys_destroyed) == (2, 2)
    assert keys.existing("education-sen:42") is None and keys.existing("ecaf:7") is None
    assert keys.existing("yot:1") is not None  # another child's record keeps its key
    person = store.person(CHILD)
    assert person is not None and person.given_name is None and person.date_of_birth is None
    [record] = audit.query(AuditQuery(action=ERASURE_ACTION))
    assert (record.actor, record.child_key, record.outcome, record.at) == (
        "dpo.one", CHILD, "SAR-2026-0042", AT)


@pytest.mark.parametrize(("by", "reason", "child"), [
    ("sam.worker", "SAR-1", CHILD),          # no erasing role
    ("nobody", "SAR-1", CHILD),              # not in the directory
    ("dpo.one", "Ada asked on the phone", CHILD),  # free text could name the child
    ("dpo.one", "SAR-1", "child-9999"),      # no such child
])
def test_a_refused_erasure_changes_nothing(parts, by: str, reason: str, child: str) -> None:
    store, keys, audit = parts
    with pytest.raises(ErasureRefusedError) as caught:
        erase_child(store, keys, audit, Directory(), child_key=child, by=by, reason=reason, at=AT)
    assert "Ada" not in str(caught.value)
    assert keys.existing("education-sen:42") is not None
    person = store.person(CHILD)
    assert person is not None and person.given_name == "Ada"
    assert audit.query(AuditQuery(action=ERASURE_ACTION)) == []
