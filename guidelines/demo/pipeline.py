"""The demo's walk through the whole pipeline: an adaptation in review, and one published.

The published one is the full path: the European text translated into Dutch (from the demo's
PO file), frozen, adapted by a Flemish network, justified, approved by a second person, and
published.
"""

from pathlib import Path

from sqlalchemy import select

from guidelines.accounts.models import User
from guidelines.accounts.operations import find_network
from guidelines.adaptation.models import Adaptation
from guidelines.adaptation.operations import justify, save_revision, start_adaptation
from guidelines.extensions import db
from guidelines.library.models import Guideline
from guidelines.review import workflow
from guidelines.translation.exchange import import_translation_po
from guidelines.translation.operations import freeze, start_translation

CONTENT_DIR = Path(__file__).resolve().parent / "content"
TRANSLATED = ("marfan-syndrome-aorta", "2.0", "nl", "multisysteem-vasculair-en-hart")
LOCAL_RECOMMENDATION = (
    "\n::: recommendation VL1 strength=strong certainty=low direction=for\n"
    "Wij bevelen aan dat elke patiënt met het syndroom van Marfan in Vlaanderen gevolgd wordt "
    "in een erkend expertisecentrum voor erfelijke aortapathologie.\n:::\n"
)


def submit_for_review(users: dict[str, User]) -> None:
    """Submit the demo's Gaucher adaptation, so a reviewer finds it waiting."""
    adaptation = db.session.scalar(select(Adaptation).order_by(Adaptation.id).limit(1))
    workflow.submit(adaptation, users["author@example.org"])


def publish_translated_adaptation(users: dict[str, User]) -> None:
    """Translate, freeze, adapt, justify, approve and publish the demo's Marfan guideline."""
    slug, label, language, network_code = TRANSLATED
    guideline = db.session.scalar(select(Guideline).where(Guideline.slug == slug))
    version = guideline.version(label)
    translator, author = users["translator@example.org"], users["author.vascular@example.org"]
    reviewer = users["reviewer.vascular@example.org"]

    translation = start_translation(version, language)
    po_file = CONTENT_DIR / slug / f"{language}-{label}.po"
    import_translation_po(translation, po_file.read_bytes(), translator, max_bytes=10_000_000)
    freeze(translation, translator)

    adaptation = start_adaptation(
        guideline, find_network(network_code), user=author, version=version, locale="nl-BE"
    )
    text = adaptation.current_revision.text() + LOCAL_RECOMMENDATION
    save_revision(
        adaptation,
        parent_number=1,
        markdown=text,
        message="Vlaamse doorverwijzing naar erkende expertisecentra.",
        user=author,
    )
    justify(
        adaptation,
        "VL1",
        "new",
        "In Vlaanderen loopt de opvolging via de erkende expertisecentra.",
        author,
    )
    revision = adaptation.current_revision
    workflow.submit(adaptation, author)
    workflow.review(revision, "approve", "Duidelijk en goed onderbouwd.", reviewer)
    workflow.publish(revision, reviewer)
