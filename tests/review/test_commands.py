"""The review CLI obeys the same rules as the pages and the API: four eyes included."""

from guidelines.adaptation.operations import justify, save_revision
from guidelines.extensions import db
from guidelines.review import workflow
from tests.adaptation.conftest import V1


def prepare(adaptation, writer):
    save_revision(
        adaptation,
        parent_number=1,
        markdown=V1.replace("2 years", "3 years"),
        message="",
        user=writer,
    )
    justify(adaptation, "R1", "adapted", "RIZIV rule.", writer)
    db.session.commit()
    return adaptation.current_revision


def test_submit_decide_publish_through_the_cli(runner, adaptation, author, make_user):
    reviewer = make_user(role="reviewer", networks=("bot",))
    revision = prepare(adaptation, author)
    submitted = runner.invoke(args=["review", "submit", str(adaptation.id), "--as", author.email])
    assert submitted.exit_code == 0, submitted.output
    decided = runner.invoke(
        args=["review", "decide", str(revision.id), "approve", "--as", reviewer.email]
    )
    assert decided.exit_code == 0 and "approved" in decided.output
    published = runner.invoke(args=["review", "publish", str(revision.id), "--as", reviewer.email])
    assert published.exit_code == 0 and "Published as publication" in published.output


def test_the_cli_refuses_an_author_approving_their_own_revision(
    runner, adaptation, author, make_user
):
    admin = make_user(role="admin")
    revision = prepare(adaptation, admin)
    runner.invoke(args=["review", "submit", str(adaptation.id), "--as", author.email])
    refused = runner.invoke(
        args=["review", "decide", str(revision.id), "approve", "--as", admin.email]
    )
    assert refused.exit_code == 1 and "four eyes" in refused.output
    assert workflow.status_of(revision) == "in_review"
    runner.invoke(
        args=[
            "review",
            "exception",
            str(revision.id),
            "--as",
            admin.email,
            "--reason",
            "The only reviewer of the network is on leave.",
        ]
    )
    allowed = runner.invoke(
        args=["review", "decide", str(revision.id), "approve", "--as", admin.email]
    )
    assert allowed.exit_code == 0, allowed.output
