"""The publication page: loaded in one query, and kept whole for readers who are not logged in.

A publication never changes (DESIGN, invariant 1), but its page also shows things that can:
titles and names, whether a newer publication supersedes it, whether a newer European version
exists. A kept page remembers those "facts" (``facts_of``). It is served as it is while this
process has written nothing since and it was checked less than
``PORTAL_PAGE_RECHECK_SECONDS`` ago; after that the publication is loaded again and the page
is rendered anew only if a fact differs. So a change made in this process shows at once, and
one made by another worker or node within that many seconds.

Logged-in readers (whose header differs), requests with a query string (the language switch)
and pages with flashed messages are always rendered.
"""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache

from flask import current_app, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import bindparam, event, func, select
from sqlalchemy.orm import Session, aliased, defer, joinedload, lazyload

from guidelines.accounts.models import User
from guidelines.adaptation.models import Revision
from guidelines.extensions import db
from guidelines.library.models import DocumentText, Guideline, SourceVersion
from guidelines.portal.models import Publication

CACHE_SIZE = 512


@dataclass(frozen=True)
class Loaded:
    """A publication with what its page shows, and the newest publication and version ids."""

    publication: Publication
    newest_id: int
    latest_version_id: int | None

    @property
    def current(self) -> Publication | None:
        """Return the publication that supersedes this one, or None when it is current."""
        if self.newest_id == self.publication.id:
            return None
        return db.session.get(Publication, self.newest_id)

    @property
    def newer_source(self) -> SourceVersion | None:
        """Return the guideline's newer European version, if it has one since."""
        if self.latest_version_id in (None, self.publication.source_version_id):
            return None
        return db.session.get(SourceVersion, self.latest_version_id)


@dataclass
class _Kept:
    facts: tuple
    page: str
    generation: int
    checked_at: float


_pages: OrderedDict[tuple, _Kept] = OrderedDict()
_lock = threading.Lock()
# Bumped whenever this process writes to the database: kept pages are checked again.
_writes = {"generation": 0}


def cacheable() -> bool:
    """Tell whether this request's page may come from, and go to, the cache."""
    return not (request.args or current_user.is_authenticated or "_flashes" in session)


def page_key(publication_id: int) -> tuple:
    """Return the key of a publication's page for this request's reader."""
    # The root path is part of every link (a proxy may serve the site under a prefix); the
    # database tells apart the apps that one process may serve (tests).
    database = current_app.config["SQLALCHEMY_DATABASE_URI"]
    return (publication_id, str(get_locale()), request.script_root, database)


def fresh_page(key: tuple) -> str | None:
    """Return the page kept under ``key`` if it needs no check against the database yet."""
    seconds = current_app.config["PORTAL_PAGE_RECHECK_SECONDS"]
    with _lock:
        kept = _pages.get(key)
        if kept is None or kept.generation != _writes["generation"]:
            return None
        if time.monotonic() - kept.checked_at >= seconds:
            return None
        _pages.move_to_end(key)
        return kept.page


def checked_page(key: tuple, loaded: Loaded) -> str | None:
    """Return the page kept under ``key`` if it shows the facts of ``loaded``; mark it checked."""
    facts = facts_of(loaded)
    with _lock:
        kept = _pages.get(key)
        if kept is None or kept.facts != facts:
            return None
        kept.generation, kept.checked_at = _writes["generation"], time.monotonic()
        _pages.move_to_end(key)
        return kept.page


def keep_page(key: tuple, loaded: Loaded, page: str, generation: int) -> None:
    """Keep ``page``, rendered from ``loaded`` while the write generation was ``generation``."""
    with _lock:
        _pages[key] = _Kept(facts_of(loaded), page, generation, time.monotonic())
        _pages.move_to_end(key)
        while len(_pages) > CACHE_SIZE:
            _pages.popitem(last=False)


def write_generation() -> int:
    """Return the current write generation (read it before loading what a page shows)."""
    return _writes["generation"]


def facts_of(loaded: Loaded) -> tuple:
    """Return everything the page shows besides the publication's (immutable) text."""
    publication = loaded.publication
    guideline, adaptation, network = (
        publication.guideline,
        publication.adaptation,
        publication.network,
    )
    version, translation = publication.source_version, publication.translation
    newer = loaded.newer_source
    return (
        publication.text_sha256,
        publication.published_at,
        publication.text_language,
        loaded.newest_id,
        newer.label if newer else None,
        adaptation.title,
        adaptation.locale,
        network.code,
        network.name,
        guideline.slug,
        guideline.title,
        guideline.ern.code if guideline.ern else None,
        version.label,
        version.published_on,
        (translation.language, translation.frozen_at) if translation else None,
        _person(publication.approved_by),
        _person(publication.published_by),
    )


def _person(user: User | None) -> str | None:
    return user.display_name if user else None


def load_publication(publication_id: int) -> Loaded | None:
    """Return a publication with everything its page shows, in one query; None if unknown."""
    row = db.session.execute(_publication_query(), {"id": publication_id}).first()
    return None if row is None else Loaded(row[0], row[1], row[2])


@cache
def _publication_query():
    """Build the page's query once: building it costs more than running it."""
    newer = aliased(Publication)
    newest_id = (
        select(func.max(newer.id))
        .where(newer.adaptation_id == Publication.adaptation_id)
        .scalar_subquery()
    )
    latest_version_id = (
        select(func.max(SourceVersion.id))
        .where(SourceVersion.guideline_id == Publication.guideline_id)
        .scalar_subquery()
    )
    return (
        select(Publication, newest_id, latest_version_id)
        .where(Publication.id == bindparam("id"))
        .options(
            # The text is read only when its rendering is not cached yet (fragments.py).
            joinedload(Publication.text).options(defer(DocumentText.markdown)),
            joinedload(Publication.guideline).options(joinedload(Guideline.ern)),
            joinedload(Publication.source_version),
            joinedload(Publication.adaptation),
            joinedload(Publication.network),
            joinedload(Publication.revision).options(joinedload(Revision.base_version)),
            joinedload(Publication.translation),
            joinedload(Publication.approved_by).options(lazyload(User.networks)),
            joinedload(Publication.published_by).options(lazyload(User.networks)),
        )
    )


@event.listens_for(Session, "after_flush")
def _written(session, _flush_context) -> None:
    session.info["portal_wrote"] = True
    _writes["generation"] += 1


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session, transaction) -> None:
    # A rollback takes back what was written: pages rendered meanwhile may show it.
    if transaction.parent is None and session.info.pop("portal_wrote", False):
        _writes["generation"] += 1
