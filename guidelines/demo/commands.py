"""CLI: ``flask demo load``."""

import click
from flask.cli import AppGroup

from guidelines.demo.loader import (
    DEMO_PASSWORD,
    DEMO_USERS,
    DemoAlreadyLoaded,
    database_is_empty,
    load_demo,
)
from guidelines.extensions import db

demo_cli = AppGroup("demo", help="Demo content for trying the workbench.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has data already.")
def load_command(if_empty):
    """Load fictional demo guidelines and one user per role."""
    if if_empty and not database_is_empty():
        click.echo("The database has data already; the demo was not loaded.")
        return
    try:
        created = load_demo(progress=lambda name: click.echo(f"  importing {name}"))
    except DemoAlreadyLoaded as error:
        raise click.ClickException(f"{error} Use a fresh database to load it again.") from error
    db.session.commit()
    click.echo(f"Loaded {created['versions']} guideline versions and {created['users']} users.")
    click.echo(f"Log in at /login with any of these users; the password is {DEMO_PASSWORD!r}:")
    for user in DEMO_USERS:
        networks = ", ".join(user.networks) or "-"
        click.echo(f"  {user.email:32} {user.role.value:11} {networks}")
