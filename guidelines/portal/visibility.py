"""Who may see what: published texts are public; drafts only to the network's members."""

from sqlalchemy import select

from guidelines.accounts.models import Role, User
from guidelines.extensions import db
from guidelines.portal.models import Publication


def can_view_adaptation(user: User | None, adaptation) -> bool:
    """Tell whether ``user`` may see the drafts and reviews of ``adaptation``."""
    if user is None or not user.is_authenticated:
        return False
    if user.role == Role.ADMIN:
        return True
    return any(network.id == adaptation.network_id for network in user.networks)


def is_superseded(publication: Publication) -> bool:
    """Tell whether a newer publication of the same adaptation exists."""
    return (
        db.session.scalar(
            select(Publication.id)
            .where(
                Publication.adaptation_id == publication.adaptation_id,
                Publication.id > publication.id,
            )
            .limit(1)
        )
        is not None
    )


def current_publications(*, network_id: int | None = None, ern_id: int | None = None):
    """Return the newest publication of every adaptation, optionally of a network or an ERN."""
    from sqlalchemy import func

    from guidelines.library.models import Guideline

    newest = select(func.max(Publication.id)).group_by(Publication.adaptation_id)
    query = select(Publication).where(Publication.id.in_(newest)).order_by(Publication.id.desc())
    if network_id is not None:
        query = query.where(Publication.network_id == network_id)
    if ern_id is not None:
        query = query.join(Guideline, Guideline.id == Publication.guideline_id).where(
            Guideline.ern_id == ern_id
        )
    return list(db.session.scalars(query))
