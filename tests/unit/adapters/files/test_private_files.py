"""Files the hub writes are private, and no password is ever written to one."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from hub.adapters.files.private import private_dir, tighten_tree, write_private
from hub.config import Settings, follow_switch, switch_over

SECRET_URL = "postgresql+psycopg://hub:s3cret@db.example:5432/hub_replay"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_switch_over_pointer_holds_no_password_and_is_0600(tmp_path: Path) -> None:
    pointer = tmp_path / "state" / "active.json"
    switch_over(pointer, "replay-1", "", SECRET_URL)
    text = pointer.read_text()
    assert "s3cret" not in text
    assert json.loads(text)["database_url"] == "postgresql+psycopg://hub@db.example:5432/hub_replay"
    assert _mode(pointer) == 0o600
    # the password comes back from the configured URL (the environment), not from the file
    configured = "postgresql+psycopg://hub:s3cret@db.example:5432/hub"
    settings = Settings(home=tmp_path, database_url=configured)
    settings = settings.model_copy(update={"home": tmp_path})
    pointer_home = tmp_path / ".hub" / "state"
    pointer_home.mkdir(parents=True)
    pointer.replace(pointer_home / "active.json")
    followed = follow_switch(settings)
    assert followed.database == SECRET_URL


def test_private_helpers_make_0600_files_in_0700_folders(tmp_path: Path) -> None:
    write_private(tmp_path / "a" / "key.pem", b"k")
    assert _mode(tmp_path / "a") == 0o700 and _mode(tmp_path / "a" / "key.pem") == 0o600
    loose = private_dir(tmp_path / "b")
    (loose / "c").mkdir()
    (loose / "c" / "f").write_text("x")
    os.chmod(loose / "c" / "f", 0o644)
    tighten_tree(loose)
    assert _mode(loose / "c") == 0o700 and _mode(loose / "c" / "f") == 0o600


def test_the_hub_command_writes_with_a_private_umask(tmp_path: Path) -> None:
    """``hub`` sets umask 077 first: census outputs, databases, broker data (the JVM inherits
    it) are created 0600 / 0700 without each writer having to remember."""
    code = ("import os, hub.entrypoints.cli as c, sys; c._register = lambda: None; "
            "c.app = lambda: (open(sys.argv[1], 'w').close(), os.mkdir(sys.argv[2])); c.main()")
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "f"), str(tmp_path / "d")],
                   check=True)
    assert _mode(tmp_path / "f") == 0o600 and _mode(tmp_path / "d") == 0o700
