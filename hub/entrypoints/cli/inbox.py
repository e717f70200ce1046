"""``hub inbox serve|add-user|list-users|audit``, and the staff commands for operators and
scripts: ``hub task claim|complete|cancel TASK_ID --by USER`` and ``hub sen participation``.

Staff users live hashed in ``<state dir>/inbox_users.db`` (with failed sign-ins);
``add-user`` prints a generated password exactly once. Views of children's details are on
the audit trail (``<state dir>/audit.db``, action ``inbox.child-view``; views kept in the
former ``inbox_audit.db`` are moved there on first use); ``audit --child KEY`` / ``--user U``
lists them, ``hub audit`` shows them with every other audited act.
The commands go through the same service as the inbox's buttons.
Exit codes: 0 sent (or done), 1 refused (unknown or finished task, bad user), 2 no hub store
or event log.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import typer
import uvicorn
from rich.console import Console

from hub import bootstrap
from hub.config import Settings, load_settings
from hub.entrypoints.cli.app import app
from hub.entrypoints.cli.inbox_send import command_specs, send
from hub.entrypoints.cli.store import open_store_or_exit
from hub.entrypoints.web.inbox.app import InboxParts, PublisherFactory, create_app
from hub.entrypoints.web.inbox.session import SessionSigner, idle_seconds, load_secret
from hub.entrypoints.web.readiness import ReadyCheck
from hub.entrypoints.web.slow_clients import HeaderTimeoutH11
from hub.pages.assets import FrontendMissingError
from hub.ports import HubStore
from hub.usecases.publishing import Publisher

inbox_app = typer.Typer(help="The web inbox where CSC staff work their tasks.",
                        no_args_is_help=True)
task_app = typer.Typer(help="Claim, complete or cancel a task as a staff user.",
                       no_args_is_help=True)
sen_app = typer.Typer(help="Decisions in the SEN exchange with Education.", no_args_is_help=True)
app.add_typer(inbox_app, name="inbox")
app.add_typer(task_app, name="task")
app.add_typer(sen_app, name="sen")
err = Console(stderr=True, highlight=False)
BY = typer.Option(..., "--by", help="the staff user the command is sent as")


def kafka_publisher(settings: Settings) -> PublisherFactory:
    """Staff commands, each by a producer of its own within 4.5 s (nothing connects at
    start-up: the inbox serves its pages while the broker is down)."""
    codec, specs = bootstrap.codec(settings), command_specs(settings)

    @asynccontextmanager
    async def publisher() -> AsyncIterator[Publisher]:
        async with bootstrap.inbox_command_log(settings) as log:
            yield Publisher(log, codec, specs)

    return publisher


def ready_checks(settings: Settings, store: HubStore) -> dict[str, ReadyCheck]:
    """``/readyz``: the broker answers a metadata request; the hub store answers a query."""
    async def store_answers() -> bool:
        await asyncio.to_thread(store.task, "readyz-probe")  # one indexed lookup
        return True

    return {"broker": bootstrap.broker_ready(settings), "store": store_answers}


@inbox_app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", help="address to listen on"),
    port: int = typer.Option(8088, help="port to listen on"),
    reports: str = typer.Option("out", help="where `hub census compile` writes its reports"),
) -> None:
    """Serve the inbox until interrupted (plain HTTP: put TLS in front of it)."""
    settings = load_settings()
    bootstrap.child_views(settings)  # moves views kept in the former inbox_audit.db
    parts = InboxParts(
        users=bootstrap.staff_accounts(settings),
        attempts=bootstrap.sign_in_attempts(settings),
        audit=bootstrap.audit_trail(settings),
        signer=SessionSigner(load_secret(settings.state_dir), idle_seconds()),
        reports=settings.home / reports)
    store = open_store_or_exit(settings)
    try:
        web = create_app(kafka_publisher(settings), store, parts,
                         ready_checks=ready_checks(settings, store))
    except FrontendMissingError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    # No access log: it would print every URL; our audit lines name ids and actions only.
    # Header (10 s), form body (10 s, in the app) and keep-alive (5 s) timeouts: a client
    # that stalls mid-request is cut off; request heads are limited to 16 KiB.
    uvicorn.run(web, host=host, port=port, access_log=False, server_header=False,
                http=HeaderTimeoutH11, timeout_keep_alive=5,
                h11_max_incomplete_event_size=16 * 1024, limit_concurrency=200)


@inbox_app.command("add-user")
def add_user(
    user: str = typer.Argument(..., help="the staff user id, e.g. amira.khan"),
    team: str = typer.Option(..., help="the team whose tasks the user works"),
    role: str = typer.Option("practitioner", help="practitioner, team_manager, data_officer "
                             "or admin"),
    reset: bool = typer.Option(False, "--reset", help="replace an existing user's password "
                               "(ends every session of the user)"),
) -> None:
    """Add a staff user and print a generated password once; only its salted hash is kept."""
    try:
        password = bootstrap.staff_accounts(load_settings()).add(
            user, team, datetime.now(UTC), role=role, reset=reset)
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    typer.echo(password)
    typer.echo("Give this password to the user now: the hub keeps only its hash.", err=True)


@inbox_app.command("list-users")
def list_users() -> None:
    """Every staff user: id, team, role, when added (never a password or hash)."""
    for u in bootstrap.staff_accounts(load_settings()).listing():
        typer.echo(f"{u.user_id}\t{u.team}\t{u.role.value}\t{u.created_at}")


@inbox_app.command("audit")
def audit(
    child: str = typer.Option("", "--child", help="who looked at this child (hub child key)"),
    user: str = typer.Option("", "--user", help="which children this staff user looked at"),
) -> None:
    """Who looked at a child's details, or whose details a user looked at (oldest first)."""
    if bool(child) == bool(user):
        err.print("[red]error:[/red] give exactly one of --child and --user")
        raise typer.Exit(1)
    views_on = bootstrap.child_views(load_settings())
    views = views_on.of_child(child) if child else views_on.by_user(user)
    typer.echo("viewed_at\tuser\tchild_key\tpage\tclient_address")
    for v in views:
        typer.echo(f"{v.viewed_at.isoformat()}\t{v.user_id}\t{v.child_key}\t{v.page}\t"
                   f"{v.client_address}")
    typer.echo(f"{len(views)} view(s)", err=True)


@task_app.command("claim")
def claim(task_id: str = typer.Argument(...), by: str = BY) -> None:
    """Claim an open task for a staff user."""
    send(lambda staff: staff.claim(task_id, by))


@task_app.command("assign")
def assign(task_id: str = typer.Argument(...), by: str = BY,
           to: str = typer.Option(..., "--to", help="the staff user who is to hold the task")
           ) -> None:
    """Give a task to a member of its team (a team manager's assignment or reassignment)."""
    send(lambda staff: staff.assign(task_id, to, by))


@task_app.command("complete")
def complete(task_id: str = typer.Argument(...), by: str = BY,
             outcome: str = typer.Option(..., help="what was done")) -> None:
    """Mark a task done, with its outcome."""
    send(lambda staff: staff.complete(task_id, by, outcome))


@task_app.command("cancel")
def cancel(task_id: str = typer.Argument(...), by: str = BY,
           reason: str = typer.Option(..., help="why the task is not needed")) -> None:
    """Cancel a task, with the reason."""
    send(lambda staff: staff.cancel(task_id, by, reason))


@sen_app.command("participation")
def participation(
    child_key: str = typer.Argument(..., help="the hub's child key"),
    request_record_id: str = typer.Argument(..., help="Education's SEN request record id"),
    will: bool = typer.Option(..., "--will/--will-not", help="whether CSC will take part"),
    by: str = BY,
) -> None:
    """Tell Education whether CSC will take part in the child's SEN assessment."""
    send(lambda staff: staff.sen_participation(child_key, request_record_id, will, by))
