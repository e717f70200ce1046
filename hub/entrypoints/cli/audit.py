"""``hub audit``: read the audit trail (who, what, which child key, when, from where).

The trail lives in ``<state dir>/audit.db``, apart from the application logs; it holds no
personal data. Filters combine; times are ISO 8601 (a date means its midnight, UTC).
Exit codes: 0 shown (possibly nothing), 2 a bad option.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime

import typer
from rich.console import Console
from rich.table import Table

from hub import bootstrap
from hub.audit import AuditQuery
from hub.config import load_settings
from hub.entrypoints.cli.app import app

out = Console(highlight=False)


def _when(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter("must be an ISO 8601 date or time", param_hint=option) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@app.command("audit")
def audit_command(
    *,
    actor: str | None = typer.Option(None, help="a staff user id, or key:<API key id>"),
    action: str | None = typer.Option(None, help="e.g. intake.push, inbox.sign-in"),
    child: str | None = typer.Option(None, "--child", help="a hub child key"),
    since: str | None = typer.Option(None, help="from this time (ISO 8601)"),
    until: str | None = typer.Option(None, help="before this time (ISO 8601)"),
    limit: int = typer.Option(1000, min=1, help="at most this many records"),
    as_json: bool = typer.Option(False, "--json", help="one JSON object a line"),
) -> None:
    """Show audit records, oldest first."""
    where = AuditQuery(actor, action, child, _when(since, "--since"), _when(until, "--until"),
                       limit)
    records = bootstrap.audit_log(load_settings()).query(where)
    if as_json:
        for record in records:
            typer.echo(json.dumps(asdict(record) | {"at": record.at.isoformat()}))
        return
    table = Table("at", "actor", "action", "outcome", "child key", "address",
                  title=f"{len(records)} audit records")
    for r in records:
        table.add_row(r.at.isoformat(timespec="seconds"), r.actor, r.action, r.outcome,
                      r.child_key or "", r.address or "")
    out.print(table)
