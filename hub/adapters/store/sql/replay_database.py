"""A fresh database for a replay: its own SQLite file, or its own PostgreSQL schema.

The replay's worker writes there while the current database keeps serving the inbox; the
switch-over then points the hub at it. A PostgreSQL schema is selected through the
connection's ``search_path`` option, so the store's tables need no schema name of their own.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import make_url, text

from hub.adapters.store.sql.store import engine_for


def schema_name(replay: str) -> str:
    return "replay_" + re.sub(r"[^a-z0-9_]", "_", replay.lower())


def replay_database(current_url: str, replay: str, folder: Path) -> str:
    """The URL of an empty database for ``replay``, created if needed (refused if not empty)."""
    url = make_url(current_url)
    if url.get_backend_name() == "sqlite":
        path = folder / "hub.db"
        if path.exists() and path.stat().st_size > 0:
            raise FileExistsError(f"{path} exists: a replay needs a fresh database")
        return f"sqlite:///{path}"
    schema = schema_name(replay)
    engine = engine_for(current_url)
    try:
        with engine.begin() as conn:
            found = conn.execute(
                text("select 1 from information_schema.schemata where schema_name = :s"),
                {"s": schema},
            ).first()
            if found:
                raise FileExistsError(f"schema {schema} exists: a replay needs a fresh one")
            conn.execute(text(f'create schema "{schema}"'))
    finally:
        engine.dispose()
    options = url.query.get("options", "")
    joined = f"{options} -csearch_path={schema}".strip()
    return url.update_query_dict({"options": joined}).render_as_string(hide_password=False)
