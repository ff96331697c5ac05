"""The Whoosh schema: one document per section, its text in a field per language.

The text field holds the section's body followed by its heading path: one field to match
rather than two makes a query about twice as fast, and the stored body (for snippets) is the
same text without the headings, so a snippet shows only body text.

Each language's text is analysed with that language's stop words and stemmer, then folded to
plain letters, so that ``hôpital`` finds ``hopital``. Dutch and German glue words into
compounds (``zwangerschapsafbreking``): their ``parts_`` field holds every tail of every word,
so a prefix query there finds a word anywhere inside a compound.
"""

from functools import cache

from whoosh.analysis import (
    CharsetFilter,
    Filter,
    LanguageAnalyzer,
    LowercaseFilter,
    RegexTokenizer,
)
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.support.charset import accent_map

#: Bump when the schema or the analysis changes: an index built otherwise is rebuilt.
SCHEMA_VERSION = 2

LANGUAGES = ("nl", "en", "fr", "de")
COMPOUNDING = ("nl", "de")
#: The shortest piece of a compound a query can find.
MIN_PART = 3
#: Fields whose values are counted for each result list.
FACETS = ("network", "ern", "orpha", "kind", "strength", "certainty")


class CompoundPartsFilter(Filter):
    """Emit every tail of a word of at least ``minsize`` letters, each at the word's place."""

    def __init__(self, minsize: int = MIN_PART) -> None:
        self.minsize = minsize

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CompoundPartsFilter) and other.minsize == self.minsize

    def __call__(self, tokens):
        minsize = self.minsize
        for token in tokens:
            word = token.text
            if len(word) < minsize:
                continue
            for start in range(len(word) - minsize + 1):
                token.text = word[start:]
                yield token


def text_analyzer(language: str):
    """Return the analyzer of one language: stop words, stemming, then accent folding."""
    return LanguageAnalyzer(language, cachesize=100_000) | CharsetFilter(accent_map)


def parts_analyzer():
    """Return the analyzer of the compound fields: words folded, then all their tails."""
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map) | CompoundPartsFilter()


def fold(word: str) -> str:
    """Return ``word`` as the compound fields hold it: lower case, accents folded."""
    return word.lower().translate(accent_map)


def build_schema() -> Schema:
    """Return the schema of the search index."""
    fields = {
        "id": ID(unique=True, stored=True),
        # What a change refreshes: "source:<id>", "translation:<id>" or "adaptation:<id>".
        "owner": ID,
        "guideline_id": ID,
        "kind": ID(stored=True),
        "guideline": ID(stored=True),
        "title": STORED,
        "version": STORED,
        "locale": ID(stored=True),
        "language": ID(stored=True),
        "network": KEYWORD(stored=True, commas=True),
        "ern": ID(stored=True),
        "orpha": KEYWORD(stored=True, commas=True),
        "strength": KEYWORD(stored=True, commas=True),
        "certainty": KEYWORD(stored=True, commas=True),
        "status": ID(stored=True),
        # "yes" for what readers look for by default; older source versions are "no".
        "current": ID,
        "audience": KEYWORD(commas=True),
        "heading": STORED,
        "path": STORED,
        "anchor": STORED,
        "url": STORED,
        "date": DATETIME(stored=True, sortable=True),
        "body": STORED,
        "state": STORED,
    }
    for language in LANGUAGES:
        analyzer = text_analyzer(language)
        fields[f"text_{language}"] = TEXT(analyzer=analyzer, chars=True, spelling=True)
    for language in COMPOUNDING:
        fields[f"parts_{language}"] = TEXT(analyzer=parts_analyzer(), chars=True)
    return Schema(**fields)


@cache
def schema() -> Schema:
    """Return the schema, built once per process (queries parse against it)."""
    return build_schema()
