"""Snippets: the best fragments of a section around its matches, the matches in <mark>.

The positions come from the characters stored with each posting, read for the page's hits
only; nothing is analysed again, and a match is marked however deep into a section it is.
"""

from __future__ import annotations

from markupsafe import Markup, escape
from whoosh.analysis import Token
from whoosh.highlight import (
    FIRST,
    BasicFragmentScorer,
    Fragment,
    HtmlFormatter,
    PinpointFragmenter,
    top_fragments,
)
from whoosh.query import Query

_SNIPPET_CHARS = 240


class SnippetFragmenter(PinpointFragmenter):
    """Fragments around the matches, from the stored character positions (no re-analysis),
    without a limit on how far into a section a match may be, and never overlapping: two
    matches closer than twice the context share one fragment rather than repeat its words."""

    def __init__(self) -> None:
        super().__init__(maxchars=200, surround=70, autotrim=True, charlimit=None)

    def fragment_matches(self, text, tokens):
        # Matches past the end of the body are in the headings indexed after it.
        tokens = [token for token in tokens if token.endchar <= len(text)]
        merged: Fragment | None = None
        for fragment in super().fragment_matches(text, tokens):
            if merged is not None and fragment.startchar <= merged.endchar:
                merged = Fragment(
                    text, merged.matches + fragment.matches, merged.startchar, fragment.endchar
                )
                continue
            if merged is not None:
                yield merged
            merged = fragment
        if merged is not None:
            yield merged


def match_positions(searcher, query: Query, docnums: list[int], language: str):
    """Return, per document, where the query's words (and compounds) stand in its text.

    Read from the character positions stored with the postings, for the page's documents
    only: Whoosh's own highlighter needs the search to note the matching words of every hit,
    which costs more than the highlighting itself.
    """
    fields = {f"text_{language}", f"parts_{language}"}
    positions: dict[int, list[Token]] = {docnum: [] for docnum in docnums}
    wanted = sorted(docnums)
    if not wanted:
        return positions
    reader = searcher.reader()
    for fieldname, term in sorted(_indexed_terms(query, reader, fields)):
        postings = reader.postings(fieldname, term)
        for docnum in wanted:
            if postings.is_active() and postings.id() < docnum:
                postings.skip_to(docnum)
            if not postings.is_active():
                break
            if postings.id() == docnum:
                positions[docnum].extend(
                    Token(startchar=start, endchar=end)
                    for _position, start, end in postings.value_as("characters")
                )
    return positions


def _indexed_terms(query: Query, reader, fields: set[str]) -> set[tuple[str, bytes]]:
    """Return the terms of ``query`` in ``fields`` that the index holds, prefixes expanded.

    (Whoosh's ``Query.existing_terms`` cannot be used: its loop variable overwrites its
    ``fieldname`` argument, so it skips every leaf in another field than the first.)
    """
    found = set()
    for leaf in query.leaves():
        for fieldname, text in leaf.expanded_terms(reader):
            if fieldname in fields:
                term = (fieldname, reader.schema[fieldname].to_bytes(text))
                if term in reader:
                    found.add(term)
    return found


def snippet(body: str, tokens: list[Token]) -> Markup:
    """Return the best two fragments of ``body`` around the matches, or its beginning."""
    tokens.sort(key=lambda token: (token.startchar, -token.endchar))
    distinct = [t for i, t in enumerate(tokens) if not i or t.startchar != tokens[i - 1].startchar]
    fragments = top_fragments(
        SnippetFragmenter().fragment_matches(body, distinct), 2, BasicFragmentScorer(), FIRST
    )
    if fragments:
        return Markup(HtmlFormatter(tagname="mark", between=" … ").format(fragments))
    return escape(body[:_SNIPPET_CHARS].rsplit(" ", 1)[0] + " …")
