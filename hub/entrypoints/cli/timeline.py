"""``hub timeline CHILD_KEY``: a child's status, flags, open tasks and timeline from the store.

Reads the hub store at ``HUB_DATABASE_URL`` (default: SQLite under ``.hub/state``). Prints what
the inbox would show: codes, dates and the hub's own summaries, never a name or identifier.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from hub.config import load_settings
from hub.entrypoints.cli.app import app
from hub.entrypoints.cli.store import open_store_or_exit
from hub.ports import ChildSummary, HubStore

err = Console(stderr=True, highlight=False)


def _print_summary(out: Console, summary: ChildSummary, store: HubStore) -> None:
    as_of = f" (as of {summary.csc_status_as_of})" if summary.csc_status_as_of else ""
    out.print(f"Child {summary.child_key}")
    out.print(f"CSC status: {summary.csc_status}{as_of}")
    active = [f for f in store.flags(summary.child_key) if f.active]
    out.print("Active flags: " + (", ".join(f"{f.flag} (since {f.raised_on})" for f in active)
                                  or "none"))
    tasks = store.open_tasks(child_key=summary.child_key)
    out.print(f"Open tasks: {len(tasks) or 'none'}")
    for t in tasks:
        who = f", {t.assignee}" if t.assignee else ""
        out.print(f"  - {t.title} [{t.status}, {t.priority}, team {t.team}{who}, due {t.due_date}]")


def _timeline_table(store: HubStore, child_key: str) -> Table:
    table = Table(title="Timeline", title_justify="left")
    for column in ("when (UTC)", "source", "event", "summary"):
        table.add_column(column)
    for e in store.timeline(child_key):
        table.add_row(e.occurred_at.strftime("%Y-%m-%d %H:%M"), e.source_system, e.event_type,
                      e.summary)
    return table


@app.command("timeline")
def timeline(
    child_key: Annotated[str, typer.Argument(metavar="CHILD_KEY", help="the hub's child key")],
) -> None:
    """Show a child's CSC status, active flags, open tasks and full timeline."""
    store = open_store_or_exit(load_settings())
    try:
        summary = store.child_summary(child_key)
        if summary is None:
            err.print(f"No child with key {child_key!r} in the hub store.")
            raise typer.Exit(1)
        out = Console(highlight=False)
        _print_summary(out, summary, store)
        if summary.timeline_entries:
            out.print(_timeline_table(store, child_key))
        else:
            out.print("Timeline: no entries")
    finally:
        store.close()
