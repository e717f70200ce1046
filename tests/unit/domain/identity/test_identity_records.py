"""Normalisation of person records: names, nicknames, postcodes, identifiers."""

from datetime import date

from hub.domain.identifiers import nhs_check_digit, upn_check_letter
from hub.domain.identity.names import name_tokens
from hub.domain.identity.nicknames import NICKNAME_GROUPS, are_variants
from hub.domain.identity.postcodes import normalise_postcode, parse_postcode
from hub.domain.identity.records import PersonRecord, normalise

UPN = upn_check_letter("938200012001") + "938200012001"
NHS = "943476591" + str(nhs_check_digit("943476591"))


def test_names_fold_case_accents_and_punctuation():
    assert name_tokens("  zoë ") == ("ZOE",)
    assert name_tokens("O'Brien") == ("OBRIEN",)
    assert name_tokens("Smith-Jones") == ("SMITH", "JONES")
    assert name_tokens("Mary  Jane") == ("MARY", "JANE")
    assert name_tokens("Mr John") == ("JOHN",)
    assert name_tokens("") == ()


def test_nickname_table_covers_common_english_variants():
    assert len(NICKNAME_GROUPS) >= 150
    for a, b in [
        ("LIZ", "ELIZABETH"),
        ("BETH", "ELIZABETH"),
        ("LIZ", "BETH"),
        ("ALFIE", "ALFRED"),
        ("BILL", "WILLIAM"),
        ("JACK", "JOHN"),
        ("HARRY", "HENRY"),
        ("SAM", "SAMANTHA"),
        ("SAM", "SAMUEL"),
        ("PEGGY", "MARGARET"),
        ("MOHAMMED", "MUHAMMAD"),
    ]:
        assert are_variants(a, b), (a, b)
    assert not are_variants("SAMUEL", "SAMANTHA")
    assert not are_variants("OLIVER", "OLIVIA")


def test_postcodes_normalise_and_split():
    assert normalise_postcode("sw1a1aa") == "SW1A 1AA"
    assert normalise_postcode(" NX4  7QP ") == "NX4 7QP"
    assert normalise_postcode("not a postcode") is None
    postcode = parse_postcode("NX14 7QP")
    assert postcode is not None
    assert (postcode.district, postcode.sector, postcode.full) == ("NX14", "NX14 7", "NX14 7QP")


def test_valid_identifiers_become_typed_keys():
    person = normalise(
        PersonRecord(
            "r1",
            "csc",
            "P1",
            la_child_id="l9",
            upn=UPN.lower(),
            nhs_number=NHS[:3] + " " + NHS[3:],
            yot_id="y1",
        )
    )
    assert set(person.ids) == {
        ("upn", UPN),
        ("nhs", NHS),
        ("la", "L9"),
        ("yot:CSC", "Y1"),
        ("src:CSC", "P1"),
    }
    assert person.notes == ()


def test_invalid_identifiers_are_absent_but_noted():
    person = normalise(
        PersonRecord("r1", "edu", upn="A" + UPN[1:], nhs_number="1234567890", former_upn="junk")
    )
    assert [kind for kind, _ in person.ids] == []
    assert len(person.notes) == 3
    assert any("check letter" in note for note in person.notes)


def test_sex_and_dates_are_canonical():
    female = normalise(PersonRecord("r", "s", sex="2", date_of_birth=date(2012, 1, 2)))
    assert female.sex == "F"
    assert female.dob == date(2012, 1, 2)
    assert normalise(PersonRecord("r", "s", sex="male")).sex == "M"
    assert normalise(PersonRecord("r", "s", sex="9")).sex is None
