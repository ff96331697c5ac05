"""The demo data: fictional ERN guidelines with several versions, and a user for every role."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from guidelines.accounts.models import Role, User
from guidelines.accounts.operations import create_user
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
    importer = None
    for demo in DEMO_USERS:
        user = create_user(
            demo.email, DEMO_PASSWORD, role=demo.role.value, networks=demo.networks, name=demo.name
        )
        if demo.role == Role.AUTHOR and importer is None:
            importer = user
    versions = 0
    for path in demo_files():
        progress(f"{path.parent.name}/{path.name}")
        import_version(path.read_text(encoding="utf-8"), ImportRequest(), user=importer)
        versions += 1
    for number, name in DISEASE_NAMES.items():
        disease = db.session.scalar(select(Disease).where(Disease.orpha_number == number))
        (disease or find_or_create_disease(f"ORPHA:{number}")).name = name
    db.session.flush()
    return {"users": len(DEMO_USERS), "versions": versions}
