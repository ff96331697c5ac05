"""The demo data: fictional ERN guidelines with several versions, and a user for every role."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from guidelines.accounts.models import Role, User
from guidelines.accounts.operations import create_user
from guidelines.demo.pipeline import publish_translated_adaptation, submit_for_review
from guidelines.extensions import db
from guidelines.library.models import Disease, Guideline
from guidelines.library.operations import ImportRequest, find_or_create_disease, import_version

CONTENT_DIR = Path(__file__).resolve().parent / "content"
DEMO_PASSWORD = "guidelines-demo"


@dataclass(frozen=True)
class DemoUser:
    email: str
    role: Role
    networks: tuple[str, ...]
    name: str


DEMO_USERS = (
    DemoUser("admin@example.org", Role.ADMIN, (), "Ada Admin"),
    DemoUser("author@example.org", Role.AUTHOR, ("bot", "metabole-aandoeningen"), "An Auteur"),
    DemoUser(
        "author.vascular@example.org",
        Role.AUTHOR,
        ("multisysteem-vasculair-en-hart",),
        "Bram Bakker",
    ),
    DemoUser(
        "translator@example.org", Role.TRANSLATOR, ("bot", "metabole-aandoeningen"), "Tine Tolk"
    ),
    DemoUser(
        "reviewer@example.org", Role.REVIEWER, ("bot", "metabole-aandoeningen"), "Rik Reviewer"
    ),
    DemoUser(
        "reviewer.vascular@example.org",
        Role.REVIEWER,
        ("multisysteem-vasculair-en-hart",),
        "Vera Verhulst",
    ),
    DemoUser("reader@example.org", Role.READER, (), "Lies Lezer"),
)

DISEASE_NAMES = {
    355: "Gaucher disease",
    77259: "Gaucher disease type 1",
    558: "Marfan syndrome",
    666: "Osteogenesis imperfecta",
}


class DemoAlreadyLoaded(RuntimeError):
    """The demo users exist already; loading twice would duplicate nothing and mean nothing."""


def database_is_empty() -> bool:
    """Tell whether there are neither users nor guidelines yet."""
    return (
        db.session.scalar(select(User.id).limit(1)) is None
        and db.session.scalar(select(Guideline.id).limit(1)) is None
    )


def demo_files() -> list[Path]:
    """Return the demo versions, each guideline's in version order."""
    return sorted(CONTENT_DIR.glob("*/v*.md"), key=lambda p: (p.parent.name, int(p.stem[1:])))


def load_demo(progress: Callable[[str], None] = lambda _message: None) -> dict[str, int]:
    """Create the demo users and import the demo guidelines; return what was created."""
    if db.session.scalar(select(User.id).where(User.email == DEMO_USERS[0].email)) is not None:
        raise DemoAlreadyLoaded("The demo data is already loaded.")
    users = {
        demo.email: create_user(
            demo.email, DEMO_PASSWORD, role=demo.role.value, networks=demo.networks, name=demo.name
        )
        for demo in DEMO_USERS
    }
    importer = users["author@example.org"]
    versions = 0
    for path in demo_files():
        progress(f"{path.parent.name}/{path.name}")
        import_version(path.read_text(encoding="utf-8"), ImportRequest(), user=importer)
        versions += 1
    _load_demo_adaptation(importer)
    submit_for_review(users)
    publish_translated_adaptation(users)
    for number, name in DISEASE_NAMES.items():
        disease = db.session.scalar(select(Disease).where(Disease.orpha_number == number))
        (disease or find_or_create_disease(f"ORPHA:{number}")).name = name
    db.session.flush()
    return {"users": len(DEMO_USERS), "versions": versions}


# A Flemish adaptation of version 1.1 of the Gaucher guideline: a reimbursed dose, and a new
# recommendation on referral, both justified. Version 2.0 exists, so it shows "source updated".
ADAPTED_GUIDELINE, ADAPTED_VERSION, ADAPTING_NETWORK = (
    "gaucher-disease-type-1",
    "1.1",
    "metabole-aandoeningen",
)
LOCAL_EDITS = (
    (
        "We recommend a starting dose of ERT of 30 to 60 U/kg body weight",
        "We recommend a starting dose of ERT of 30 to 60 U/kg body weight (in Belgium "
        "reimbursed by the RIZIV/INAMI after approval by the college of physicians)",
    ),
    (
        "## 6. Organisation of care\n",
        "## 6. Organisation of care\n\n"
        "::: recommendation VL1 strength=strong certainty=low direction=for\n"
        "We recommend that every patient in Flanders is followed by one of the recognised "
        "Flemish expertise centres for metabolic diseases.\n:::\n",
    ),
)
JUSTIFICATIONS = {
    "R3.2": "The RIZIV/INAMI reimburses ERT only after the college of physicians approves it.",
    "VL1": "Flanders organises follow-up through its recognised expertise centres.",
}


def _load_demo_adaptation(author: User) -> None:
    """Adapt one demo guideline for a Flemish network, with justified decisions."""
    from guidelines.accounts.operations import find_network
    from guidelines.adaptation.operations import justify, save_revision, start_adaptation

    guideline = db.session.scalar(select(Guideline).where(Guideline.slug == ADAPTED_GUIDELINE))
    version = guideline.version(ADAPTED_VERSION)
    adaptation = start_adaptation(
        guideline, find_network(ADAPTING_NETWORK), user=author, version=version
    )
    text = version.markdown
    for old, new in LOCAL_EDITS:
        if old not in text:
            raise RuntimeError(f"The demo text lacks {old!r}; update LOCAL_EDITS.")
        text = text.replace(old, new, 1)
    save_revision(
        adaptation,
        parent_number=1,
        markdown=text,
        message="Belgian reimbursement and Flemish referral.",
        user=author,
    )
    for key, why in JUSTIFICATIONS.items():
        decision = "new" if key.startswith("VL") else "adapted"
        justify(adaptation, key, decision, why, author)
