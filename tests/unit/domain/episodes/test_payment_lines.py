"""A payment takes the panel line it pays, not the first line of its service; the provider
is the provider, never the payee."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hub.domain.events.finance import PaymentKind as K
from tests.unit.domain.episodes.factories import decision, payment, run

START, END = date(2025, 5, 1), date(2025, 10, 31)


def line(line_id: str, subtype: str, provider: str, measure: str, amount: str,
         frequency: str = "MONTHLY", service: str = "FS", **more: object) -> dict[str, object]:
    return {"line_id": line_id, "service": service, "subtype": subtype, "provider": provider,
            "volume_measure": measure, "quantity": more.get("quantity"),
            "amount": Decimal(amount), "frequency": frequency, "planned_start": START,
            "planned_end": START if frequency == "ONE_OFF" else END}


FAMILY = decision("d1", date(2025, 4, 20), [
    line("1", "MEDIATION", "Family Action Partnership", "S", "75", quantity=1),
    line("2", "PARENT_SUPPORT_AND_PARENTING", "Family Action Partnership", "S", "40",
         "WEEKLY", quantity=2),
    line("3", "PARENT_SUPPORT_AND_PARENTING", "In-house (Children's Services)", "M", "600",
         "ONE_OFF"),
], decision_id="PD-1")


def test_section_17_money_pays_the_money_line_never_a_mediation_session_line():
    paid = payment("p1", K.SECTION_17, START, amount="600.00", panel_decision_id="PD-1",
                   payee="Parent/carer")
    episode = run(FAMILY, paid)[1][-1]
    assert episode.subtype == "PARENT_SUPPORT_AND_PARENTING"
    assert episode.provider == "In-house (Children's Services)"


DISABLED = decision("d2", date(2025, 4, 20), [
    line("1", "DAY_CARE", "Kites Family Services", "S", "45", "WEEKLY", "CWD", quantity=1),
    line("2", "SHORT_BREAK_CARE_V4", "Oakfield Short Breaks", "D", "900", service="CWD",
         quantity=4),
    line("3", "SHORT_BREAK_CARE_V4", "Meadow House", "D", "400", service="CWD", quantity=2),
], decision_id="PD-2")


def test_a_payment_takes_the_line_whose_planned_amount_it_matches():
    paid = payment("p1", K.SHORT_BREAK_V4, date(2025, 6, 1), date(2025, 6, 30),
                   amount="410.00", panel_decision_id="PD-2", payee="Meadow House")
    assert run(DISABLED, paid)[1][-1].provider == "Meadow House"
    big = payment("p2", K.SHORT_BREAK_V4, date(2025, 6, 1), date(2025, 6, 30),
                  amount="880.00", panel_decision_id="PD-2", payee="Oakfield Short Breaks")
    assert run(DISABLED, big)[1][-1].provider == "Oakfield Short Breaks"


def test_the_payee_is_never_the_provider():
    ad_hoc = payment("p1", K.SECTION_17, START, amount="40.00", payee="Parent/carer")
    leaver = payment("p2", K.SECTION_24, START, amount="90.00", payee="Care leaver")
    account = payment("p3", K.DIRECT_PAYMENT, START, amount="90.00",
                      payee="Direct payment account")
    for paid in (ad_hoc, leaver, account):
        assert run(paid)[1][0].provider is None
    nursery = payment("p4", K.NURSERY_PLACE, START, END, payee="Busy Bees Nursery")
    assert run(nursery)[1][0].provider == "Busy Bees Nursery"  # the setting provides the place


def test_a_payment_naming_no_decision_is_matched_only_when_one_line_fits_closely():
    paid = payment("p1", K.SHORT_BREAK_V4, date(2025, 6, 1), date(2025, 6, 30),
                   amount="900.00", payee="Oakfield Short Breaks")
    assert run(DISABLED, paid)[1][-1].provider is None  # two short-break lines: no guess
    one = decision("d3", date(2025, 4, 20), [DISABLED.lines[1].model_dump()], decision_id="PD-3")
    matched = run(one, paid)[1][-1]
    assert (matched.provider, matched.decision_ref) == ("Oakfield Short Breaks", "PD-3")
    far = paid.model_copy(update={"amount": Decimal("300.00")})
    assert run(one, far)[1][-1].provider is None


def test_a_section_24_payment_for_supported_lodgings_keeps_that_sub_type_and_its_core_flag():
    lodging = decision("d4", date(2025, 4, 20), [
        line("1", "SUPPORTED_LODGINGS", "Pathways Leaving Care", "D", "750", service="ILT",
             quantity=25),
    ], decision_id="PD-4")
    paid = payment("p1", K.SECTION_24, date(2025, 6, 1), date(2025, 6, 30), amount="750.00",
                   panel_decision_id="PD-4", payee="Pathways Leaving Care")
    episode = run(lodging, paid)[1][-1]
    assert (episode.subtype, episode.provider) == ("SUPPORTED_LODGINGS", "Pathways Leaving Care")
    assert episode.core_category == "SECTION_24_LEAVING_CARE"


def test_a_v3_payment_still_pays_its_short_break_line_after_excluding_it():
    first = payment("p1", K.SHORT_BREAK_V3, date(2025, 6, 1), date(2025, 6, 30),
                    amount="900.00", panel_decision_id="PD-2", payee="Oakfield Short Breaks")
    second = payment("p2", K.SHORT_BREAK_V3, date(2025, 7, 1), date(2025, 7, 31),
                     amount="900.00", panel_decision_id="PD-2", payee="Oakfield Short Breaks")
    emitted = run(DISABLED, first, second)[1]
    paid = [e for e in emitted if e.source_kind == "PAYMENT"]
    assert [e.provider for e in paid] == ["Oakfield Short Breaks"] * 2
