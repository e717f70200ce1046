"""``hub replay``'s fresh database: a new SQLite file, or a new PostgreSQL schema in the same
database; the replay's store writes there and the current store is untouched."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from hub.adapters.store.sql.replay_database import replay_database, schema_name
from hub.adapters.store.sql.store import SqlHubStore
from tests.contract import store_records as r

CLOCK = datetime(2025, 9, 1, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgres"])
def current_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        return request.getfixturevalue("new_postgres_database")()
    return f"sqlite:///{tmp_path / 'current.db'}"


def test_a_replay_writes_its_own_database_and_leaves_the_current_one(current_url, tmp_path):
    current = SqlHubStore(current_url, clock=lambda: CLOCK)
    current.apply(r.episode("ep-current", 1))
    folder = tmp_path / "replays" / "r-1"
    folder.mkdir(parents=True)
    url = replay_database(current_url, "R-1", folder)
    replay = SqlHubStore(url, clock=lambda: CLOCK)
    try:
        replay.apply(r.episode("ep-replay", 1, child_key="child-0002"))
        assert [e.episode_id for e in replay.episodes("child-0002")] == ["ep-replay"]
        assert replay.episodes("child-0001") == []  # nothing of the current state
        assert [e.episode_id for e in current.episodes("child-0001")] == ["ep-current"]
        assert current.episodes("child-0002") == []  # the replay wrote nothing here
        if current_url.startswith("sqlite"):
            assert url == f"sqlite:///{folder / 'hub.db'}"
        else:
            assert schema_name("R-1") in url
    finally:
        replay.close()
        current.close()
    with pytest.raises(FileExistsError):  # a replay never reuses a database
        replay_database(current_url, "R-1", folder)
