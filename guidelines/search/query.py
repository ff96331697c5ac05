"""Searching the index: the query in the reader's language, visibility, facets, snippets.

A query is parsed against one language's fields only: a parse across languages loses hits,
since a stop word of one language ("deze") is a required word in another's field. Each word
is looked for in the section text, in its headings (weighted double) and, in Dutch and German,
anywhere inside a compound word (with a tiny constant score, so exact hits come first).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup, escape
from whoosh import qparser
from whoosh.highlight import Fragment, HtmlFormatter, PinpointFragmenter
from whoosh.lang import has_stopwords, stopwords_for_language
from whoosh.query import And, NullQuery, Or, Prefix, Query, Term

from guidelines.search.index import STATE_KIND, SearchIndex
from guidelines.search.schema import COMPOUNDING, FACETS, LANGUAGES, MIN_PART, fold, schema

PAGE_SIZE = 10
COMPOUND_SCORE = 0.001
MAX_PAGE = 100
MAX_QUERY_LENGTH = 500
SORTS = ("relevance", "date")
_WORD = re.compile(r"\w+")
_SNIPPET_CHARS = 240


@dataclass(frozen=True)
class SearchRequest:
    """What the reader asked: the words, the language, filters, sorting and page."""

    q: str
    language: str
    filters: dict[str, str] = field(default_factory=dict)
    page: int = 1
    sort: str = "relevance"
    all_versions: bool = False


@dataclass(frozen=True)
class Hit:
    """One section found: where it is, what it is, and a snippet with the matches marked."""

    kind: str
    guideline: str
    title: str
    version: str
    locale: str
    language: str
    heading: str
    path: str
    anchor: str
    url: str
    snippet: Markup
    status: str
    networks: tuple[str, ...]
    ern: str
    orpha: tuple[str, ...]
    strength: tuple[str, ...]
    certainty: tuple[str, ...]
    date: datetime | None
    score: float


@dataclass(frozen=True)
class SearchResults:
    """A page of hits, the facet counts of all hits, and a spelling suggestion if one helps."""

    request: SearchRequest
    hits: list[Hit]
    total: int
    facets: dict[str, list[tuple[str, int]]]
    suggestion: str | None

    @property
    def pages(self) -> int:
        return min(MAX_PAGE, max(1, -(-self.total // PAGE_SIZE)))


KINDS = ("source", "translation", "draft", "publication")
FILTERS = ("network", "ern", "orpha", "kind", "strength", "certainty")
_MAX_FILTER_LENGTH = 100


class BadSearch(ValueError):
    """A search request that cannot be run as asked (an unknown language, sort or page)."""


def request_from_args(
    args, *, default_language: str, kinds=KINDS, language_arg: str = "lang"
) -> SearchRequest:
    """Read a search request from query-string arguments, refusing what makes no sense.

    The API names the text's language ``lang``; the pages call it ``language``, since their
    ``lang`` switches the language of the interface.
    """
    from flask_babel import gettext as _

    language = (args.get(language_arg) or default_language).strip().lower()
    if language not in LANGUAGES:
        raise BadSearch(
            _(
                "Unknown language %(lang)s: use one of %(known)s.",
                lang=language,
                known=", ".join(LANGUAGES),
            )
        )
    sort = args.get("sort") or "relevance"
    if sort not in SORTS:
        raise BadSearch(_("Sort by relevance or by date."))
    try:
        page = int(args.get("page") or 1)
    except ValueError:
        page = 0
    if not 1 <= page <= MAX_PAGE:
        raise BadSearch(_("The page must be a number from 1 to %(last)s.", last=MAX_PAGE))
    filters = {}
    for name in FILTERS:
        value = (args.get(name) or "").strip()
        if len(value) > _MAX_FILTER_LENGTH:
            raise BadSearch(_("The %(name)s filter is too long.", name=name))
        if value:
            filters[name] = value.upper() if name == "orpha" else value
    if filters.get("kind") and filters["kind"] not in kinds:
        raise BadSearch(
            _(
                "Unknown kind %(kind)s: use one of %(known)s.",
                kind=filters["kind"],
                known=", ".join(kinds),
            )
        )
    if len(kinds) == 1:
        filters["kind"] = kinds[0]
    return SearchRequest(
        q=(args.get("q") or "").strip()[:MAX_QUERY_LENGTH],
        language=language,
        filters=filters,
        page=page,
        sort=sort,
        all_versions=args.get("versions") == "all",
    )


class SnippetFragmenter(PinpointFragmenter):
    """Fragments around the matches, from the stored character positions (no re-analysis),
    without a limit on how far into a section a match may be, and never overlapping: two
    matches closer than twice the context share one fragment rather than repeat its words."""

    def __init__(self) -> None:
        super().__init__(maxchars=200, surround=70, autotrim=True, charlimit=None)

    def fragment_matches(self, text, tokens):
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


def parse(q: str, language: str) -> Query:
    """Return the query for ``q`` in ``language``'s fields, words joined by AND."""
    parser = qparser.QueryParser(f"text_{language}", schema=schema(), group=qparser.AndGroup)
    # Readers search words and phrases; field names and wildcards are not theirs to use.
    for plugin in (qparser.FieldsPlugin, qparser.WildcardPlugin, qparser.BoostPlugin):
        parser.remove_plugin_class(plugin)
    return _with_alternatives(parser.parse(q[:MAX_QUERY_LENGTH]), language)


def _with_alternatives(query: Query, language: str) -> Query:
    text_field = f"text_{language}"
    if isinstance(query, Term) and query.fieldname == text_field:
        alternatives: list[Query] = [query, Term(f"heading_{language}", query.text, boost=2.0)]
        if language in COMPOUNDING and len(query.text) >= MIN_PART:
            # A constant far below any BM25 score of a real match: a section that holds the
            # word itself always ranks above one that only holds it inside a compound.
            alternatives.append(
                Prefix(f"parts_{language}", fold(query.text), boost=COMPOUND_SCORE)
            )
        return Or(alternatives)
    if query.is_leaf():
        return query
    return query.apply(lambda child: _with_alternatives(child, language))


def visibility(audience: list[str] | None) -> Query | None:
    """Return the filter of what an audience may see (None: everything, for administrators)."""
    if audience is None:
        return None
    return Or([Term("audience", term) for term in audience])


def filter_query(request: SearchRequest, audience: list[str] | None) -> Query | None:
    """Return the filter of a request: what the reader may see and what they chose."""
    parts: list[Query] = []
    seen = visibility(audience)
    if seen is not None:
        parts.append(seen)
    if not request.all_versions:
        parts.append(Term("current", "yes"))
    for name, value in request.filters.items():
        if value:
            parts.append(Term(name, value))
    if not parts:
        return None  # an administrator's search of every version: nothing to restrict
    return And(parts) if len(parts) > 1 else parts[0]


def search(index: SearchIndex, request: SearchRequest, audience: list[str] | None):
    """Run a search and return its page of hits with snippets, facets and suggestion."""
    searcher = index.searcher()
    language = request.language if request.language in LANGUAGES else "nl"
    query = parse(request.q, language)
    restrict = filter_query(request, audience)
    if query is NullQuery:
        return SearchResults(request, [], 0, {}, None)
    matched = set(searcher.docs_for_query(_restricted(query, restrict)))
    page = max(1, min(request.page, MAX_PAGE))
    hits: list[Hit] = []
    if matched and page <= -(-len(matched) // PAGE_SIZE):  # Whoosh repeats the last page
        kwargs = {"terms": True, "filter": restrict}
        if request.sort == "date":
            kwargs |= {"sortedby": "date", "reverse": True}
        results = searcher.search_page(query, page, pagelen=PAGE_SIZE, **kwargs)
        results.results.fragmenter = SnippetFragmenter()
        results.results.formatter = HtmlFormatter(tagname="mark", between=" … ")
        hits = [_hit(hit, language) for hit in results]
    facets = facet_counts(searcher, matched)
    facets["language"] = _language_counts(searcher, request, language, len(matched), restrict)
    suggestion = suggest(searcher, request, language, restrict, len(matched))
    return SearchResults(request, hits, len(matched), facets, suggestion)


def _restricted(query: Query, restrict: Query | None) -> Query:
    return query if restrict is None else And([query, restrict])


def _hit(hit, language: str) -> Hit:
    body = hit["body"]
    snippet = hit.highlights(f"text_{language}", text=body, top=2)
    if not snippet and language in COMPOUNDING:
        snippet = hit.highlights(f"parts_{language}", text=body, top=2)
    if not snippet:
        snippet = escape(body[:_SNIPPET_CHARS].rsplit(" ", 1)[0] + " …")
    anchor = hit.get("anchor", "")
    return Hit(
        kind=hit["kind"],
        guideline=hit["guideline"],
        title=hit["title"],
        version=hit.get("version", ""),
        locale=hit["locale"],
        language=hit["language"],
        heading=hit.get("heading", ""),
        path=hit.get("path", ""),
        anchor=anchor,
        url=hit["url"] + (f"#{anchor}" if anchor else ""),
        snippet=Markup(snippet),
        status=hit.get("status", ""),
        networks=_values(hit.get("network")),
        ern=hit.get("ern", ""),
        orpha=_values(hit.get("orpha")),
        strength=_values(hit.get("strength")),
        certainty=_values(hit.get("certainty")),
        date=hit.get("date"),
        score=hit.score or 0.0,
    )


def _values(stored: str | None) -> tuple[str, ...]:
    return tuple(value for value in (stored or "").split(",") if value)


def facet_counts(searcher, matched: set[int]) -> dict[str, list[tuple[str, int]]]:
    """Return, per facet field, each value's number of matched documents, most first."""
    table = _facet_table(searcher)
    counts = {name: Counter() for name in FACETS}
    for docnum in matched:
        values = table.get(docnum)
        if values:
            for name, value in values:
                counts[name][value] += 1
    return {
        name: sorted(counter.items(), key=lambda item: (-item[1], item[0]))
        for name, counter in counts.items()
    }


def _facet_table(searcher) -> dict[int, list[tuple[str, str]]]:
    """Return each document's facet values, built once per searcher from the postings."""
    table = getattr(searcher, "_guidelines_facet_table", None)
    if table is None:
        table = {}
        reader = searcher.reader()
        for name in FACETS:
            for term in reader.lexicon(name):
                value = term.decode("utf-8")
                if name == "kind" and value == STATE_KIND:
                    continue
                for docnum in reader.postings(name, term).all_ids():
                    table.setdefault(docnum, []).append((name, value))
        searcher._guidelines_facet_table = table
    return table


def _language_counts(searcher, request: SearchRequest, language: str, total: int, restrict):
    counts = []
    for other in LANGUAGES:
        if other == language:
            count = total
        else:
            query = parse(request.q, other)
            count = sum(1 for _doc in searcher.docs_for_query(_restricted(query, restrict)))
        if count:
            counts.append((other, count))
    return sorted(counts, key=lambda item: (-item[1], item[0]))


def suggest(searcher, request: SearchRequest, language: str, restrict, total: int) -> str | None:
    """Return the query with misspelt words corrected, if that finds more than the original."""
    text_field = f"text_{language}"
    spell_field = searcher.schema[text_field].spelling_fieldname(text_field)
    reader = searcher.reader()
    stop = stopwords_for_language(language) if has_stopwords(language) else frozenset()
    corrector = None
    pieces: list[str] = []
    position = 0
    changed = False
    q = request.q[:MAX_QUERY_LENGTH]
    for match in _WORD.finditer(q):
        word = match.group().lower()
        pieces.append(q[position : match.start()])
        position = match.end()
        replacement = match.group()
        if len(word) >= 4 and not word.isdigit() and word not in stop:
            if (spell_field, fold(word)) not in reader:
                corrector = corrector or searcher.corrector(text_field)
                candidates = corrector.suggest(fold(word), limit=1, maxdist=2, prefix=1)
                if candidates:
                    replacement, changed = candidates[0], True
        pieces.append(replacement)
    if not changed:
        return None
    corrected = "".join(pieces) + q[position:]
    query = parse(corrected, language)
    found = sum(1 for _doc in searcher.docs_for_query(_restricted(query, restrict)))
    return corrected if found > total else None
