"""The import ledger: what earlier CIN census imports published, kept without reading the topic."""

from __future__ import annotations

import pytest

from hub.domain.import_ledger import Held, LedgerError


def test_entries_add_ids_and_referrals_by_collection_year() -> None:
    held = Held.nothing().with_entries([("e1", 2026, "R1"), ("e2", 2026, "R2"), ("e3", None, "R9")])
    held = held.with_entries([("e1", 2026, "R1"), ("e4", 2025, "R3")])
    assert held.event_ids == {"e1", "e2", "e3", "e4"}
    assert held.episodes_by_year == {2026: {"R1", "R2"}, 2025: {"R3"}}


def test_the_ledger_reads_back_what_it_wrote() -> None:
    held = Held.nothing().with_entries([("e1", 2026, "R1"), ("e2", 2025, "R2")])
    assert Held.from_json(held.to_json()) == held
    assert Held.from_json(Held.nothing().to_json()) == Held.nothing()


@pytest.mark.parametrize("text", ["", "[]", '{"event_ids": "e1"}', '{"event_ids": []}',
                                  '{"event_ids": [], "episodes_by_year": {"twenty": ["R1"]}}'])
def test_a_damaged_ledger_is_refused_without_quoting_it(text: str) -> None:
    with pytest.raises(LedgerError) as refused:
        Held.from_json(text)
    assert "R1" not in str(refused.value) and "twenty" not in str(refused.value)
