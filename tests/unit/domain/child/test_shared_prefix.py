"""A late fact's rebuild replays the facts before its place once, for what was sent and for
what is now derived (``shared_prefix``)."""

from __future__ import annotations

from pathlib import Path

from hub.domain.child.event_time import shared_prefix
from hub.usecases.smoke import load_examples
from tests.conftest import REPO


def test_the_shared_prefix_ends_where_the_late_fact_goes() -> None:
    a, b, c, late = list(load_examples(Path(REPO / "schemas/examples")))[:4]
    assert shared_prefix([a, b, c], [a, late, b, c]) == 1
    assert shared_prefix([a, b, c], [late, a, b, c]) == 0
    assert shared_prefix([a, b, c], [a, b, c, late]) == 3
    assert shared_prefix([], [late]) == 0
