"""``hub erase --child KEY --by USER --reason REF``: erase one child's personal data.

Destroys the data keys of every person record the child holds (their names, dates of birth,
postcodes and NHS numbers in the topics can no longer be opened), blanks them in the store, and
records the erasure in the audit trail (``hub audit --action erasure.erase``). Counts are kept.
Run ``hub replay`` afterwards to rebuild the hub's own topics and tables from the sealed
sources (docs/security.md, "Erasure"). Exit codes: 0 erased, 1 refused.
"""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.console import Console

from hub import bootstrap
from hub.config import load_settings
from hub.entrypoints.cli.app import app
from hub.logging import get_logger
from hub.usecases.erasure import ErasureRefusedError, erase_child

out, err = Console(highlight=False), Console(stderr=True, highlight=False)
log = get_logger(__name__)


@app.command("erase")
def erase(
    child: str = typer.Option(..., "--child", help="the hub child key"),
    by: str = typer.Option(..., "--by", help="who erases: a data_officer or admin user"),
    reason: str = typer.Option(..., "--reason",
                               help="the request's reference, e.g. SAR-2026-0042 (no free text)"),
) -> None:
    """Erase one child's personal data from the store and the retained topics."""
    settings = load_settings()
    store = bootstrap.sql_store(settings)
    try:
        done = erase_child(store, bootstrap.subject_keys(settings), bootstrap.audit_log(settings),
                           bootstrap.staff_directory(settings), child_key=child, by=by,
                           reason=reason, at=datetime.now(UTC))
    except ErasureRefusedError as exc:
        err.print(f"[red]refused:[/red] {exc}")
        raise typer.Exit(1) from None
    finally:
        store.close()
    log.info("child erased", child_key=done.child_key, by=by, records=done.records)
    out.print(f"erased {done.child_key}: {done.keys_destroyed} data keys destroyed for "
              f"{done.records} person records, {done.store_rows} store rows blanked; "
              "run `hub replay` to rebuild the hub's topics without them")
