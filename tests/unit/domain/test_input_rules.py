"""Edge text rules: control characters, surrogates, NFC, depth and size, LA child ids."""

from __future__ import annotations

import json
import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.domain.events import EVENT_MODELS
from hub.domain.input_rules import (
    MAX_DEPTH,
    MAX_TEXT,
    clean_tree,
    json_depth,
    json_depth_problem,
    la_child_id_problem,
    text_problem,
)
from hub.domain.validation import EventRejectedError, build_event
from tests.integration.kafka_fixtures import REPO


@pytest.mark.parametrize("bad", ["A\x0bB", "\x00", "x\x1b[31m", "\ud800", "a\udfffb", "\x85",
                                 "\ufffe"])
def test_control_characters_surrogates_and_nul_are_refused(bad):
    assert text_problem(bad) is not None


def test_a_problem_never_quotes_the_value():
    secret = "Amelia\x0bSynthetic"
    _, problems = clean_tree({"subject": {"given_name": secret}})
    assert [(p.code, p.field) for p in problems] == [("INVALID_CHARACTER", "subject.given_name")]
    assert "Amelia" not in problems[0].message


def test_text_is_normalised_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Zoë")
    clean, problems = clean_tree({"name": decomposed, "ids": [decomposed]})
    assert problems == []
    assert clean == {"name": "Zoë", "ids": ["Zoë"]}


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"))))
def test_text_without_control_characters_passes_and_is_nfc(text):
    clean, problems = clean_tree(text[:MAX_TEXT])
    assert problems == []
    assert unicodedata.is_normalized("NFC", clean)


def test_depth_length_and_item_limits():
    deep: object = "x"
    for _ in range(MAX_DEPTH + 2):
        deep = {"a": deep}
    assert [p.code for p in clean_tree(deep)[1]] == ["TOO_DEEP"]
    assert [p.code for p in clean_tree({"a": "x" * (MAX_TEXT + 1)})[1]] == ["TOO_LONG"]
    assert [p.code for p in clean_tree({"a": [1] * 1001})[1]] == ["TOO_MANY_ITEMS"]


def test_json_depth_ignores_brackets_inside_strings():
    assert json_depth(b'{"a": "[[[[{{{{", "b": [1, {"c": "]"}]}') == 3
    hostile = b"[" * 100_000 + b"]" * 100_000
    assert json_depth(hostile) == 100_000
    assert json_depth_problem(hostile) is not None
    assert json_depth_problem(b'{"a": [1]}') is None


@pytest.mark.parametrize("good", ["CF100233", "1", "AB/12-3_4", "X123456789"])
def test_la_child_ids_the_census_can_carry(good):
    assert la_child_id_problem(good) is None


@pytest.mark.parametrize("bad", ["=1+1", "+44", "-1", "@SUM(A1)", "A\x0bB", "A B", "X1234567890",
                                 "", " CF1"])
def test_la_child_ids_refused(bad):
    assert la_child_id_problem(bad) is not None


def _example(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(
        (REPO / "schemas" / "examples" / f"{name}.json").read_text(encoding="utf-8"))
    return data


def test_build_event_refuses_a_vertical_tab_in_an_la_child_id_and_a_formula():
    data = _example("CscStatusChanged")
    data["envelope"]["subject"]["la_child_id"] = "CF1\x0b"  # type: ignore[index]
    with pytest.raises(EventRejectedError) as refused:
        build_event(EVENT_MODELS["CscStatusChanged"], data, date(2026, 1, 1))
    assert refused.value.code == "INVALID_CHARACTER"
    data["envelope"]["subject"]["la_child_id"] = "=1+1"  # type: ignore[index]
    with pytest.raises(EventRejectedError) as refused:
        build_event(EVENT_MODELS["CscStatusChanged"], data, date(2026, 1, 1))
    assert refused.value.code == "INVALID_LA_CHILD_ID"
    assert "=1+1" not in str(refused.value)


def test_build_event_refuses_a_lone_surrogate_and_nul_anywhere():
    for bad in ("Am\ud800elia", "Am\x00elia"):
        data = _example("SenAssessmentRequested")
        data["envelope"]["subject"]["given_name"] = bad  # type: ignore[index]
        with pytest.raises(EventRejectedError) as refused:
            build_event(EVENT_MODELS["SenAssessmentRequested"], data, date(2026, 1, 1))
        assert refused.value.problems[0].field == "envelope.subject.given_name"


_TEXT = st.lists(st.sampled_from(["a", "Z", "é", "e\u0301", "\x00", "\x0b", "\x85", "\ufffe",
                                  "\ud800", "\u00c5", "A\u030a", " "]), max_size=6).map("".join)
_TREES = st.recursive(
    st.none() | st.integers() | st.booleans() | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=20,
)


def _reference(data, depth=0):  # the rules spelled out: NFC strings, problems counted
    if depth > MAX_DEPTH:
        return data, 1
    if isinstance(data, str):
        return unicodedata.normalize("NFC", data), int(text_problem(data) is not None)
    if isinstance(data, dict):
        out, found = {}, 0
        for key, item in data.items():
            if text_problem(key) is not None:
                found += 1
                continue
            out[key], more = _reference(item, depth + 1)
            found += more
        return out, found
    if isinstance(data, list | tuple):
        items = [_reference(item, depth + 1) for item in data]
        return type(data)(i for i, _ in items), sum(n for _, n in items)
    return data, 0


@given(_TREES)
def test_clean_tree_agrees_with_the_rules_spelled_out(data):
    """The fast path for clean input returns the same value and problems as the full walk."""
    cleaned, problems = clean_tree(data)
    expected, count = _reference(data)
    assert len(problems) == count
    if not count:
        assert cleaned == expected
        assert type(cleaned) is type(data)


def test_clean_tree_fast_path_still_finds_a_deep_problem():
    data = {"envelope": {"subject": {"given_name": "Ann\x00"}}, "items": [{"x": "e\u0301"}]}
    cleaned, problems = clean_tree(data)
    assert [(p.code, p.field) for p in problems] == [
        ("INVALID_CHARACTER", "envelope.subject.given_name")]
    assert cleaned["items"][0]["x"] == "\u00e9"
