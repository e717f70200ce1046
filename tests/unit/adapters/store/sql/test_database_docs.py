"""docs/database.md: its example runs, and it lists every table and column the store creates."""

from __future__ import annotations

import re

import pytest

from hub.adapters.store.sql.schema import HUB_TABLES
from tests.conftest import REPO

DOC = (REPO / "docs" / "database.md").read_text(encoding="utf-8")


def test_database_doc_example_runs():
    blocks = re.findall(r"```python\n(.*?)```", DOC, flags=re.DOTALL)
    assert blocks
    for block in blocks:
        exec(compile(block, "docs/database.md", "exec"), {})


@pytest.mark.parametrize("table", HUB_TABLES, ids=lambda t: t.name)
def test_every_column_is_documented_under_its_table(table):
    sections = {s.split("`", 1)[0]: s for s in DOC.split("\n### `")[1:]}
    assert table.name in sections, f"docs/database.md has no section for {table.name}"
    missing = [c.name for c in table.columns if f"`{c.name}`" not in sections[table.name]]
    assert not missing, f"{table.name}: undocumented columns {missing}"
