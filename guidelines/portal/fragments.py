"""A publication's rendered text, kept per process: published texts never change.

A publication is content-addressed (DESIGN, invariant 1), so the HTML of its text (contents,
summary of recommendations, text) depends only on its SHA-256, the reader's interface language
(the cards' labels and headings) and the language of the text. Rendered once and verified on
that first read, it is served from memory afterwards, without loading or hashing the text again.
"""

import threading
from collections import OrderedDict

from flask import current_app, render_template
from flask_babel import get_locale
from markupsafe import Markup

from guidelines.portal.models import Publication
from guidelines.rendering import render_for_reader

# Entries of a few tens of KB each: a few hundred publications in four languages stay small.
CACHE_SIZE = 256

_fragments: OrderedDict[tuple[str, str, str], Markup] = OrderedDict()
_lock = threading.Lock()


def document_fragment(publication: Publication, text_language: str) -> Markup:
    """Return the HTML of ``publication``'s text as the ``_document.html`` partial renders it."""
    key = (publication.text_sha256, str(get_locale()), text_language)
    with _lock:
        cached = _fragments.get(key)
        if cached is not None:
            _fragments.move_to_end(key)
            return cached
    fragment = Markup(
        render_template(
            "_document.html",
            document=render_for_reader(publication.markdown),
            text_lang=text_language,
        )
    )
    # While templates reload on change (debug), an edited template must show at once.
    if current_app.jinja_env.auto_reload:
        return fragment
    with _lock:
        _fragments[key] = fragment
        while len(_fragments) > CACHE_SIZE:
            _fragments.popitem(last=False)
    return fragment
