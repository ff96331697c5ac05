"""Checks on every request before a view sees it: text no database column can hold.

PostgreSQL refuses the NUL character (code 0) in text, so a NUL in an address, a query string,
a form field or a JSON body would reach the database and fail there as a server error. It never
belongs in a guideline, a name or a search either, so it is refused up front with a 400 that
says what was wrong, the same on SQLite and PostgreSQL. Uploaded files are checked where they
are read (guidelines/library/uploads.py, the PO import), as their text is decoded there.
"""

from collections.abc import Iterable, Iterator
from typing import Any

from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

NUL = "\x00"


def init_app(app: Flask) -> None:
    """Refuse a request carrying a NUL character anywhere a view would read text."""
    app.before_request(refuse_nul_characters)


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
