"""CLI: ``flask review submit|decide|exception|publish`` — the same rules as the pages."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from guidelines.accounts.models import User
from guidelines.adaptation.models import Adaptation, Revision
from guidelines.extensions import db
from guidelines.review import workflow

review_cli = AppGroup("review", help="Submit, review and publish adaptation revisions.")


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"There is no user {email}.")
    return user


def _get(model, identifier: int, what: str):
    found = db.session.get(model, identifier)
    if found is None:
        raise click.ClickException(f"There is no {what} {identifier}.")
    return found


def _run(operation, *args):
    """Call a workflow step and commit; a refusal is a clear error and changes nothing."""
    try:
        result = operation(*args)
    except (workflow.WorkflowError, PermissionError) as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    return result


@review_cli.command("submit")
@click.argument("adaptation_id", type=int)
@click.option("--as", "email", required=True, help="The author submitting.")
def submit_command(adaptation_id, email):
    """Submit the current revision of an adaptation for review."""
    submission = _run(workflow.submit, _get(Adaptation, adaptation_id, "adaptation"), _user(email))
    click.echo(f"Revision {submission.revision.number} (id {submission.revision_id}) is in review.")


@review_cli.command("decide")
@click.argument("revision_id", type=int)
@click.argument("decision", type=click.Choice(["approve", "request_changes"]))
@click.option("--as", "email", required=True, help="The reviewer deciding.")
@click.option("--comment", default="", help="Required when requesting changes.")
def decide_command(revision_id, decision, email, comment):
    """Approve a revision or request changes (four eyes apply)."""
    revision = _get(Revision, revision_id, "revision")
    submission = _run(workflow.review, revision, decision, comment, _user(email))
    click.echo(f"Revision {revision.number} is {submission.status}.")


@review_cli.command("exception")
@click.argument("revision_id", type=int)
@click.option("--as", "email", required=True, help="The administrator recording it.")
@click.option("--reason", required=True, help="Why an author of the revision may approve it.")
def exception_command(revision_id, email, reason):
    """Record an exception to four eyes for a submitted revision."""
    revision = _get(Revision, revision_id, "revision")
    submission = workflow.submission_of(revision)
    if submission is None:
        raise click.ClickException(f"Revision {revision_id} has not been submitted.")
    _run(workflow.grant_exception, submission, reason, _user(email))
    click.echo(f"Exception recorded on revision {revision.number}.")


@review_cli.command("publish")
@click.argument("revision_id", type=int)
@click.option("--as", "email", required=True, help="The reviewer publishing.")
def publish_command(revision_id, email):
    """Publish an approved revision."""
    publication = _run(workflow.publish, _get(Revision, revision_id, "revision"), _user(email))
    click.echo(f"Published as publication {publication.id} ({publication.sha256}).")
