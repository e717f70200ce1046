"""``hub intake serve|add-key|list-keys|rights|revoke``: the push intake and its API keys.

Keys live hashed in ``<state dir>/api_keys.db``; ``add-key`` prints a new key exactly once.
Which event types each source may push: the defaults in ``hub.domain.intake_rights``,
overridden by ``[intake.allowed]`` in ``hub.toml``; ``rights`` shows them.
Exit codes: 0 done, 1 refused (bad source name, a source that may push nothing, unknown key
id, an unreadable ``[intake.allowed]``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import typer
import uvicorn
from rich.console import Console
from rich.markup import escape
from rich.table import Column, Table

from hub import bootstrap
from hub.config import Settings, load_settings
from hub.domain.identifier_rights import DEFAULT_IDENTIFIER_RIGHTS
from hub.domain.intake_rights import IntakeRights, IntakeRightsError
from hub.domain.rate_limit import RateLimit
from hub.domain.topic_access import INTAKE
from hub.entrypoints.cli.app import app
from hub.entrypoints.web.intake.app import PublisherFactory, create_app
from hub.entrypoints.web.readiness import ReadyCheck
from hub.entrypoints.web.slow_clients import HeaderTimeoutH11
from hub.ports import ApiKeyStore
from hub.usecases.intake import PUBLISH_TIMEOUT_S
from hub.usecases.publishing import Publisher

intake_app = typer.Typer(
    help="Accept events that department systems POST, authenticated by per-source API keys.",
    no_args_is_help=True,
)
app.add_typer(intake_app, name="intake")


def key_store(settings: Settings) -> ApiKeyStore:
    return bootstrap.api_keys(settings)


def _refuse(message: str) -> typer.Exit:
    Console(stderr=True).print(f"[red]error:[/red] {escape(message)}", highlight=False)
    return typer.Exit(1)


def intake_rights(settings: Settings) -> IntakeRights:
    """The defaults with ``hub.toml``'s ``[intake.allowed]``; a broken table exits 1."""
    try:
        return bootstrap.intake_rights(settings)
    except IntakeRightsError as exc:
        raise _refuse(str(exc)) from None


def kafka_publisher(settings: Settings) -> PublisherFactory:
    """Opens one producer for the server's lifetime; schemas and topics load (and fail) now."""
    codec, specs = bootstrap.codec(settings), bootstrap.input_specs(settings)

    @asynccontextmanager
    async def publisher() -> AsyncIterator[Publisher]:
        timeout_ms = int(PUBLISH_TIMEOUT_S * 1000)  # a stuck send fails inside the 503 limit
        async with bootstrap.intake_event_log(settings, request_timeout_ms=timeout_ms) as log:
            yield Publisher(log, codec, specs)

    return publisher


def ready_checks(settings: Settings, keys: ApiKeyStore) -> dict[str, ReadyCheck]:
    """``/readyz``: the broker answers a metadata request; the key store can be read."""
    async def store() -> bool:
        await asyncio.to_thread(keys.list_keys)
        return True

    return {"broker": bootstrap.broker_ready(settings, INTAKE), "store": store}


@intake_app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", help="address to listen on"),
    port: int = typer.Option(8088, help="port to listen on"),
) -> None:
    """Serve POST /events/{event_type} until interrupted."""
    settings = load_settings()
    rights = intake_rights(settings)
    keys = key_store(settings)
    web = create_app(kafka_publisher(settings), keys, rights=rights,
                     ready_checks=ready_checks(settings, keys),
                     audit=bootstrap.audit_log(settings))
    # No access log: ours names event type, status, event id and source, and nothing else.
    # Header (10 s), body (10 s, in the app) and keep-alive (5 s) timeouts: a client that
    # stalls mid-request is cut off; request heads are limited to 16 KiB.
    uvicorn.run(web, host=host, port=port, access_log=False, server_header=False,
                http=HeaderTimeoutH11, timeout_keep_alive=5,
                h11_max_incomplete_event_size=16 * 1024, limit_concurrency=200)


@intake_app.command("add-key")
def add_key(source: str = typer.Argument(..., help="the source system the key speaks for")) -> None:
    """Mint a key for SOURCE and print it once; only its salted hash is stored."""
    settings = load_settings()
    if not intake_rights(settings).event_types(source):
        raise _refuse(
            f"source {source!r} may push no event types; name a source from"
            " `hub intake rights`, or give it event types under [intake.allowed] in hub.toml"
        )
    try:
        key = key_store(settings).add(source, datetime.now(UTC))
    except ValueError as exc:
        raise _refuse(str(exc)) from None
    typer.echo(key)
    typer.echo("Store this key now: the hub keeps only its hash and cannot show it again.",
               err=True)


@intake_app.command("list-keys")
def list_keys() -> None:
    """Key ids and their sources (never secrets)."""
    table = Table("key id", "source", "created (UTC)", "status")
    for info in key_store(load_settings()).list_keys():
        created = info.created_at.isoformat(timespec="seconds")
        table.add_row(info.key_id, info.source_system, created,
                      "revoked" if info.revoked else "active")
    Console().print(table)


@intake_app.command("rights")
def rights() -> None:
    """Which event types and identifier types each source may push, and its active keys."""
    settings = load_settings()
    allowed = intake_rights(settings)
    active: dict[str, int] = {}
    for info in key_store(settings).list_keys():
        active[info.source_system] = active.get(info.source_system, 0) + (not info.revoked)
    table = Table(Column("source", no_wrap=True), Column("may push", no_wrap=True), "set by",
                  Column("active keys", overflow="fold"))
    identifiers = DEFAULT_IDENTIFIER_RIGHTS
    asserts: list[str] = []
    for source in sorted(set(allowed.sources()) | set(active)):
        types = "\n".join(sorted(allowed.event_types(source))) or "nothing"
        set_by = "hub.toml" if source in allowed.overridden else (
            "default" if source in allowed.allowed else "-")
        table.add_row(source, types, set_by, str(active.get(source, 0)))
        ids = identifiers.types(source, allowed.event_types(source))
        asserts.append(f"  {source}: {', '.join(sorted(ids, key=str.lower)) or 'nothing'}")
    Console().print(table)
    Console().print("identifiers each source may assert (others are dead-lettered):",
                    *asserts, sep="\n")
    Console().print(f"at most {identifiers.max_other_ids} other_ids per event; "
                    f"at most {RateLimit().burst} requests at once, then "
                    f"{RateLimit().per_second:g}/s, per key")


@intake_app.command("revoke")
def revoke(key_id: str = typer.Argument(..., help="the key id, the part before the dot")) -> None:
    """Stop a key from authenticating, at once and for good."""
    if not key_store(load_settings()).revoke(key_id):
        Console(stderr=True).print(f"[red]error:[/red] no key with id {key_id!r}")
        raise typer.Exit(1)
    typer.echo(f"revoked {key_id}")
