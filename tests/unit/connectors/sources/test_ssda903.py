"""SSDA903: a folder of the looked-after return's CSV tables -> LookedAfterEpisodeRecorded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from connectors.base import MalformedFileError
from connectors.sources.ssda903 import Ssda903Connector
from hub.domain.events import LookedAfterEpisodeRecorded
from hub.usecases.connecting import connect_file
from tests.conftest import REPO
from tests.unit.connectors.harness import BAD_UPN, TODAY, publish

SAMPLE = REPO / "connectors" / "samples" / "ssda903"
TOPIC = "cin.source.csc.looked-after.v1"


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "903"
    shutil.copytree(SAMPLE, folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


async def test_each_episode_becomes_an_event_with_the_header_as_identity(publisher):
    published = await publish(Ssda903Connector(TODAY), SAMPLE, publisher, TOPIC)
    assert published.summary.balanced and published.summary.rows_published == 5
    events: list[LookedAfterEpisodeRecorded] = published.events  # type: ignore[assignment]
    v4 = next(e for e in events if e.legal_status == "V4")
    assert (v4.envelope.subject.la_child_id, v4.envelope.subject.upn) == ("CS100203",
                                                                          "H938203611210")
    assert (str(v4.envelope.subject.date_of_birth), v4.envelope.subject.sex) == ("2011-12-30",
                                                                                "MALE")
    assert v4.short_break and v4.episode_end is None and str(v4.episode_start) == "2025-05-05"
    assert sorted(e.legal_status for e in events if e.short_break) == ["V3", "V3", "V4"]
    ceased = next(e for e in events if e.reason_episode_ceased == "X1")
    assert ceased.envelope.subject.upn is None  # "UN2" says why there is none: not a UPN
    assert {e.envelope.source_record_id for e in events} >= {"LA700101/2024-06-12",
                                                              "LA700101/2025-09-20"}


async def test_tables_are_found_by_their_header_whatever_the_files_are_called(
    tmp_path, publisher
):
    folder = _copy(tmp_path)
    (folder / "episodes.csv").rename(folder / "903_2026_ep.csv")
    (folder / "header.csv").rename(folder / "a.csv")
    published = await publish(Ssda903Connector(TODAY), folder, publisher, TOPIC)
    assert published.summary.rows_published == 5
    assert all(e.envelope.subject.date_of_birth for e in published.events)


async def test_bad_rows_are_dead_lettered_and_name_no_value(tmp_path, publisher):
    folder = _copy(tmp_path)
    _edit(folder / "episodes.csv", "05/05/2025,S,V4", "05/05/2025,S,Z9")
    _edit(folder / "episodes.csv", "12/06/2024", "31/06/2024")
    _edit(folder / "header.csv", "D938204100028", BAD_UPN)
    published = await publish(Ssda903Connector(TODAY), folder, publisher, TOPIC)
    assert published.summary.balanced
    assert dict(published.summary.dead_letters) == {
        "UNKNOWN_CODE": 1, "INVALID_DATE": 1, "INVALID_UPN": 2}
    reasons = " ".join(letter.reason for letter in published.letters)
    assert "Z9" not in reasons and "31/06/2024" not in reasons and BAD_UPN not in reasons


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: (f / "episodes.csv").unlink(), "no Episodes table"),
        (lambda f: _edit(f / "episodes.csv", "CHILD,DECOM", "CHILD,DECOMM"), "no Episodes table"),
        (lambda f: shutil.copy(f / "episodes.csv", f / "again.csv"), "two Episodes tables"),
        (lambda f: _edit(f / "episodes.csv", "16/08/2025,E3,,ZZ99 3AG,ZZ99 3AC,SC999001",
                         "16/08/2025,E3"),
         "line 6 has 9 cells, the header 13"),
    ],
    ids=["no-episodes", "misspelt-header", "two-episodes", "truncated"],
)
async def test_a_folder_with_wrong_tables_publishes_nothing(tmp_path, publisher, change, message):
    folder = _copy(tmp_path)
    change(folder)
    with pytest.raises(MalformedFileError, match=message):
        await connect_file(Ssda903Connector(TODAY), folder, publisher)
    for topic in (TOPIC, publisher.dead_letter_topic):
        assert await publisher.log.read_all(topic) == []


async def test_republishing_the_return_repeats_its_event_ids(publisher):
    await connect_file(Ssda903Connector(TODAY), SAMPLE, publisher)
    await connect_file(Ssda903Connector(TODAY), SAMPLE, publisher)
    records = await publisher.log.read_all(TOPIC)
    assert len(records) == 10
    assert len({publisher.codec.decode(r.value).envelope.event_id for r in records}) == 5
