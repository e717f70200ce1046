"""UPN and NHS number check rules, with published examples and properties."""

from hypothesis import given
from hypothesis import strategies as st

from hub.domain.identifiers import (
    UPN_CHECK_ALPHABET,
    is_valid_nhs_number,
    is_valid_upn,
    nhs_check_digit,
    nhs_number_problem,
    upn_check_letter,
    upn_problem,
)

upn_bodies = st.builds(
    lambda digits, last: digits + last,
    st.text("0123456789", min_size=11, max_size=11),
    st.sampled_from(list("0123456789" + UPN_CHECK_ALPHABET)),
)


def test_known_nhs_number_examples():
    # 943 476 5919 is the NHS's own published example of a valid number.
    assert is_valid_nhs_number("943 476 5919")
    assert not is_valid_nhs_number("9434765918")
    assert nhs_number_problem("1111111111") == "NHS number of one repeated digit is not issued"
    assert nhs_number_problem("12345") == "NHS number must be 10 digits"


def test_upn_worked_example():
    # 8*2 + 2*3 + 1*7 + 1*8 + 2*9 + 3*10 + 4*11 + 5*12 + 6*13 = 267; 267 mod 23 = 14 -> 'Q'.
    assert upn_check_letter("820001123456") == "Q"
    assert is_valid_upn("Q820001123456")
    assert upn_problem("R820001123456") == "UPN check letter does not match"
    assert upn_problem("Q82000112345") is not None
    # A temporary UPN ends in a letter, counted by its place in the check alphabet (A = 0).
    assert upn_check_letter("82000112345A") == "F"  # 189 + 0 * 13 = 189; 189 mod 23 = 5 -> F


@given(upn_bodies)
def test_every_generated_upn_validates(body):
    assert is_valid_upn(upn_check_letter(body) + body)


@given(upn_bodies, st.integers(min_value=1, max_value=11), st.integers(1, 9))
def test_a_changed_digit_breaks_the_upn(body, position, delta):
    upn = upn_check_letter(body) + body
    changed = upn[:position] + str((int(upn[position]) + delta) % 10) + upn[position + 1 :]
    assert not is_valid_upn(changed)


@given(st.text("0123456789", min_size=9, max_size=9))
def test_nhs_check_digit_makes_a_valid_number_or_none(first_nine):
    check = nhs_check_digit(first_nine)
    if check is not None and len(set(first_nine + str(check))) > 1:
        assert is_valid_nhs_number(first_nine + str(check))
    elif check is None:
        assert not any(is_valid_nhs_number(first_nine + str(d)) for d in range(10))
