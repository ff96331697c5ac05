"""CLI: ``flask users create`` and ``flask users set-password``."""

import sys

import click
from flask.cli import AppGroup

from guidelines.accounts.models import Role
from guidelines.accounts.operations import AccountError, create_user, set_password
from guidelines.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.READER.value)
@click.option("--network", "networks", multiple=True, help="Network code; repeat for several.")
@click.option("--name", default="", help="Display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_command(email, role, networks, name, password_stdin):
    """Create a user; the password is read from standard input or prompted for."""
    password = _read_password(password_stdin)
    try:
        user = create_user(email, password, role=role, networks=networks, name=name)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    memberships = ", ".join(n.code for n in user.networks) or "no network"
    click.echo(f"Created {user.email} ({user.role}; {memberships}).")


@users_cli.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password_command(email, password_stdin):
    """Give a user a new password and log them out everywhere.

    For a forgotten password, and for users restored from an archive made without
    --with-secrets (their old passwords were not in it).
    """
    password = _read_password(password_stdin)
    try:
        user = set_password(email, password)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Set a new password for {user.email}; their sessions have ended.")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)
