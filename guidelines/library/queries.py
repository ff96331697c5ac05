"""Read-side queries of the library, shared by the pages and the API."""

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import BadRequest, NotFound

from guidelines.extensions import db
from guidelines.library.models import (
    Disease,
    Ern,
    Guideline,
    InvalidOrphaCode,
    Network,
    SourceVersion,
    network_erns,
    parse_orpha_code,
)


def list_guidelines(
    *, network: str | None = None, ern: str | None = None, orpha: str | None = None
) -> list[Guideline]:
    """Return guidelines, optionally those followed by a network, of an ERN or for a disease."""
    query = (
        select(Guideline)
        .options(
            selectinload(Guideline.ern),
            selectinload(Guideline.versions),
            selectinload(Guideline.diseases),
        )
        .order_by(Guideline.title)
    )
    if network:
        query = (
            query.join(network_erns, network_erns.c.ern_id == Guideline.ern_id)
            .join(Network, Network.id == network_erns.c.network_id)
            .where(Network.code == network)
        )
    if ern:
        query = query.join(Ern, Ern.id == Guideline.ern_id).where(Ern.code == ern)
    if orpha:
        number = orpha_number_or_400(orpha)
        query = query.where(Guideline.diseases.any(Disease.orpha_number == number))
    return list(db.session.scalars(query))


def orpha_number_or_400(code: str) -> int:
    """Return the number of an ORPHAcode, or answer 400 with the reason."""
    try:
        return parse_orpha_code(code)
    except InvalidOrphaCode as error:
        raise BadRequest(description=str(error)) from error


def guideline_or_404(slug: str) -> Guideline:
    """Return the guideline with ``slug`` or answer 404."""
    guideline = db.session.scalar(
        select(Guideline)
        .options(selectinload(Guideline.versions), selectinload(Guideline.diseases))
        .where(Guideline.slug == slug)
    )
    if guideline is None:
        raise NotFound(description=_("There is no guideline %(slug)s.", slug=slug))
    return guideline


def version_or_404(guideline: Guideline, label: str) -> SourceVersion:
    """Return the version ``label`` of ``guideline`` or answer 404."""
    version = guideline.version(label)
    if version is None:
        labels = ", ".join(v.label for v in guideline.versions)
        raise NotFound(
            description=_(
                "%(slug)s has no version %(label)s; its versions are: %(labels)s.",
                slug=guideline.slug,
                label=label,
                labels=labels,
            )
        )
    return version


def list_erns() -> list[Ern]:
    """Return every ERN with its networks."""
    return list(
        db.session.scalars(select(Ern).options(selectinload(Ern.networks)).order_by(Ern.code))
    )


def list_networks() -> list[Network]:
    """Return every Flemish network with the ERNs it follows."""
    return list(
        db.session.scalars(
            select(Network).options(selectinload(Network.erns)).order_by(Network.code)
        )
    )


def network_or_404(code: str) -> Network:
    """Return the network with ``code`` or answer 404."""
    network = db.session.scalar(select(Network).where(Network.code == code))
    if network is None:
        raise NotFound(description=_("There is no Flemish network %(code)s.", code=code))
    return network


def guideline_counts_by_ern() -> dict[int, int]:
    """Return how many guidelines each ERN has, by ERN id."""
    rows = db.session.execute(select(Guideline.ern_id, func.count()).group_by(Guideline.ern_id))
    return {ern_id: count for ern_id, count in rows if ern_id is not None}


def list_diseases() -> list[tuple[Disease, int]]:
    """Return diseases that have guidelines, with their number of guidelines."""
    query = (
        select(Disease, func.count(Guideline.id))
        .join(Disease.guidelines)
        .group_by(Disease.id)
        .order_by(Disease.orpha_number)
    )
    return [(disease, count) for disease, count in db.session.execute(query)]


def disease_by_number(number: int) -> Disease | None:
    """Return the disease with this ORPHA number, if the register has it."""
    return db.session.scalar(select(Disease).where(Disease.orpha_number == number))
