"""Section-level full-text search: the outbox, the Whoosh index on each node, and queries.

The database is the truth; the index follows it through the outbox (``outbox.py``). After a
request that committed changes, the index applies them before the response goes out; every
``SEARCH_CATCHUP_SECONDS`` a request also checks for changes committed elsewhere (another
worker, another node, a command), and a search always does.
"""

import logging
import time

from flask import Flask, current_app

from guidelines.extensions import db

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Keep this node's index level with the outbox around requests."""
    app.before_request(_catch_up_now_and_then)
    app.after_request(_apply_committed_changes)


def audience_of(user) -> list[str] | None:
    """Return the audience terms whose documents ``user`` may find (None: all, for admins)."""
    from guidelines.accounts.models import Role
    from guidelines.search.documents import PUBLIC, TRANSLATORS, network_audience
    from guidelines.translation.operations import can_translate

    if user is None or not user.is_authenticated:
        return [PUBLIC]
    if user.role == Role.ADMIN:
        return None
    audience = [PUBLIC, *(network_audience(network.id) for network in user.networks)]
    if can_translate(user):
        audience.append(TRANSLATORS)
    return audience


def catch_up(*, timeout: float | None = None) -> bool:
    """Apply what this node's index has not seen yet; return False if another writer was busy.

    Never raises for a failure of the index: the changes stay in the outbox, and the next
    sync applies them.
    """
    from guidelines.search.index import IndexBusy, get_index, sync

    try:
        sync(get_index(), timeout=timeout)
    except IndexBusy:
        return False
    except Exception:
        log.exception("The search index could not apply the outbox; the next sync will retry.")
        db.session.rollback()
        return False
    return True


_last_check = {"at": 0.0}


def _catch_up_now_and_then() -> None:
    config = current_app.config
    if not config["SEARCH_SYNC_ON_REQUEST"]:
        return
    now = time.monotonic()
    if now - _last_check["at"] < config["SEARCH_CATCHUP_SECONDS"]:
        return
    _last_check["at"] = now
    try:
        ensure_current()
    except Exception:
        log.exception("Could not check the search index against the outbox.")
        db.session.rollback()


def _apply_committed_changes(response):
    from guidelines.search.outbox import COMMITTED

    config = current_app.config
    # A request that never used the database has no session: do not make one just to look.
    if not db.session.registry.has():
        return response
    if config["SEARCH_SYNC_ON_REQUEST"] and db.session().info.pop(COMMITTED, False):
        catch_up(timeout=config["SEARCH_REQUEST_WRITER_TIMEOUT"])
    return response


def ensure_current() -> None:
    """Before a search: apply what other processes committed, if anything is waiting."""
    from guidelines.search.index import get_index, lag, outdated

    config = current_app.config
    index = get_index()
    if config["SEARCH_SYNC_ON_REQUEST"] and (outdated(index) or lag(index)):
        catch_up(timeout=config["SEARCH_REQUEST_WRITER_TIMEOUT"])
