"""The examples in docs/episodes.md run as written."""

from __future__ import annotations

import re

from tests.conftest import REPO


def test_episodes_doc_examples_run():
    text = (REPO / "docs" / "episodes.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert blocks
    for block in blocks:
        exec(compile(block, "docs/episodes.md", "exec"), {})
