"""``hub staff grant|revoke|roles``: the roles of the staff directory's users.

A staff command (``hub task``, ``hub review``, the web inbox) is applied only when its actor
is a user here holding a role its action needs (``hub.domain.staff_roles``); the worker checks
again before applying anything, and answers any other with a visible ``CommandRejected``.
"""

from __future__ import annotations

import typer

from hub import bootstrap
from hub.config import load_settings
from hub.domain.staff_roles import ACTION_ROLES, ROLES
from hub.entrypoints.cli.app import app

staff_app = typer.Typer(help="Roles of the staff directory's users.", no_args_is_help=True)
app.add_typer(staff_app, name="staff")
ROLE_HELP = f"one of: {', '.join(sorted(ROLES))}"


@staff_app.command()
def grant(user: str, role: str = typer.Argument(..., help=ROLE_HELP)) -> None:
    """Give an existing user (hub inbox add-user) a role."""
    try:
        bootstrap.staff_directory(load_settings()).grant(user, role)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{user} now holds {role}")


@staff_app.command()
def revoke(user: str, role: str = typer.Argument(..., help=ROLE_HELP)) -> None:
    """Take a role away; the worker refuses the user's next command needing it."""
    bootstrap.staff_directory(load_settings()).revoke(user, role)
    typer.echo(f"{user} no longer holds {role}")


@staff_app.command()
def roles(user: str) -> None:
    """A user's roles and the actions they allow."""
    held = bootstrap.staff_directory(load_settings()).roles_of(user)
    if held is None:
        typer.echo(f"no user {user} in the staff directory", err=True)
        raise typer.Exit(1)
    allowed = sorted(a for a, r in ACTION_ROLES.items() if r & held)
    typer.echo(f"{user}: roles {', '.join(sorted(held)) or '(none)'}; "
               f"may {', '.join(allowed) or 'nothing'}")
