"""Facet counts: how many of the matched sections carry each value of each facet field."""

from __future__ import annotations

from collections import Counter

from guidelines.search.index import STATE_KIND
from guidelines.search.schema import FACETS


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
