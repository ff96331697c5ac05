"""Searching the index: the query in the reader's language, visibility, facets, snippets.

A query is parsed against one language's fields only: a parse across languages loses hits,
since a stop word of one language ("deze") is a required word in another's field. Each word
is looked for in the section's text and headings and, in Dutch and German, anywhere inside a
compound word (with a tiny constant score, so exact hits come first).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup
from whoosh import qparser
from whoosh.analysis import Token
from whoosh.lang import has_stopwords, stopwords_for_language
from whoosh.query import And, NullQuery, Or, Prefix, Query, Term

from guidelines.search.facets import facet_counts
from guidelines.search.index import SearchIndex
from guidelines.search.schema import COMPOUNDING, LANGUAGES, MIN_PART, fold, schema
from guidelines.search.snippets import match_positions, snippet

PAGE_SIZE = 10
_FILTER_CACHE_SIZE = 64
COMPOUND_SCORE = 0.001
MAX_PAGE = 100
MAX_QUERY_LENGTH = 500
SORTS = ("relevance", "date")
_WORD = re.compile(r"\w+")


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
MAX_FILTER_LENGTH = 100


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
        if len(value) > MAX_FILTER_LENGTH:
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
        if language not in COMPOUNDING or len(query.text) < MIN_PART:
            return query
        # A constant far below any BM25 score of a real match: a section that holds the word
        # itself always ranks above one that only holds it inside a compound.
        inside = Prefix(f"parts_{language}", fold(query.text), boost=COMPOUND_SCORE)
        return Or([query, inside])
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
    if query is NullQuery:
        return SearchResults(request, [], 0, {}, None)
    allowed = allowed_documents(searcher, filter_query(request, audience))
    matched = matching(searcher, query, allowed)
    page = max(1, min(request.page, MAX_PAGE))
    hits: list[Hit] = []
    if matched and page <= -(-len(matched) // PAGE_SIZE):  # Whoosh repeats the last page
        hits = page_of_hits(searcher, query, allowed, language, page=page, sort=request.sort)
    facets = facet_counts(searcher, matched)
    facets["language"] = _language_counts(searcher, request, language, len(matched), allowed)
    suggestion = suggest(searcher, request, language, allowed, len(matched))
    return SearchResults(request, hits, len(matched), facets, suggestion)


def page_of_hits(
    searcher, query: Query, allowed: set[int] | None, language: str, *, page: int, sort: str
) -> list[Hit]:
    """Return one page of hits, best first (or newest), each with its highlighted snippet."""
    if allowed is not None and len(allowed) >= searcher.doc_count() - 1:
        allowed = None  # it lets every section through (all but the state document)
    # search() and a slice rather than search_page(), which counts every hit once more.
    kwargs = {"filter": allowed, "limit": page * PAGE_SIZE}
    if sort == "date":
        kwargs |= {"sortedby": "date", "reverse": True}
    results = searcher.search(query, **kwargs)
    hits = results[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    marks = match_positions(searcher, query, [hit.docnum for hit in hits], language)
    return [_hit(hit, marks[hit.docnum]) for hit in hits]


def allowed_documents(searcher, restrict: Query | None) -> set[int] | None:
    """Return the documents a filter lets through, computed once per searcher and filter.

    Evaluating the filter is a walk over the postings of every visible document; readers and
    their filters repeat, the index changes seldom, so the set is kept with the searcher.
    """
    if restrict is None:
        return None
    cache = getattr(searcher, "_guidelines_filters", None)
    if cache is None:
        cache = searcher._guidelines_filters = OrderedDict()
    key = repr(restrict)
    allowed = cache.get(key)
    if allowed is None:
        allowed = cache[key] = set(searcher.docs_for_query(restrict))  # never changed
        while len(cache) > _FILTER_CACHE_SIZE:
            cache.popitem(last=False)
    else:
        cache.move_to_end(key)
    return allowed


def matching(searcher, query: Query, allowed: set[int] | None) -> set[int]:
    """Return the documents that match ``query`` and that the filter allows."""
    found = set(searcher.docs_for_query(query))
    return found if allowed is None else found & allowed


def _hit(hit, marks: list[Token]) -> Hit:
    body = hit["body"]
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
        snippet=snippet(body, marks),
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


def _language_counts(searcher, request: SearchRequest, language: str, total: int, allowed):
    counts = []
    for other in LANGUAGES:
        if other == language:
            count = total
        else:
            query = parse(request.q, other)
            count = len(matching(searcher, query, allowed))
        if count:
            counts.append((other, count))
    return sorted(counts, key=lambda item: (-item[1], item[0]))


def suggest(searcher, request: SearchRequest, language: str, allowed, total: int) -> str | None:
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
    found = len(matching(searcher, query, allowed))
    return corrected if found > total else None
