"""Checks on every request before a view sees it: text and numbers no database column holds.

PostgreSQL refuses the NUL character (code 0) in text, so a NUL in an address, a query string,
a form field or a JSON body would reach the database and fail there as a server error. It never
belongs in a guideline, a name or a search either, so it is refused up front with a 400 that
says what was wrong, the same on SQLite and PostgreSQL. Uploaded files are checked where they
are read (guidelines/library/uploads.py, the PO import), as their text is decoded there.

Likewise an id in an address (``<int:...>``) above the largest integer a column holds would
fail in the database (SQLite raises OverflowError past 2**63); such an address matches no route,
so it is a 404 like any other id that does not exist.
"""

from collections.abc import Iterable, Iterator
from typing import Any

from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from guidelines.database import MAX_INTEGER

NUL = "\x00"


def init_app(app: Flask) -> None:
    """Refuse NUL characters in requests, and ids out of range in addresses.

    Call it before any blueprint is registered: routes take their converters when they are added.
    """
    app.url_map.converters["int"] = DatabaseIntegerConverter
    app.before_request(refuse_nul_characters)


class DatabaseIntegerConverter(IntegerConverter):
    """``<int:...>`` limited to the ids a database column can hold (1 to ``MAX_INTEGER``)."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits, 1 if min is None else min, max or MAX_INTEGER, signed)


def refuse_nul_characters() -> None:
    """Answer 400 when the path, the query, the form or the JSON body holds a NUL character."""
    if any(NUL in text for text in _request_texts()):
        raise BadRequest(
            description=_(
                "The request contains a NUL character (code 0), which no text here may hold. "
                "Remove it and try again."
            )
        )


def _request_texts() -> Iterator[str]:
    yield request.path
    yield from _pairs(request.args.items(multi=True))
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    yield from _pairs(request.form.items(multi=True))
    yield from (upload.filename or "" for upload in request.files.values())
    if request.is_json:
        yield from _json_strings(request.get_json(silent=True))


def _pairs(items: Iterable[tuple[str, str]]) -> Iterator[str]:
    for key, value in items:
        yield key
        yield value


def _json_strings(value: Any) -> Iterator[str]:
    """Yield every string of a decoded JSON document: keys and values, at any depth."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
