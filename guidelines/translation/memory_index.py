"""An in-memory translation memory index: exact and fuzzy matches of source segments.

Pure: strings in, suggestions out; it knows neither Flask nor the database.

Exact matching compares normalised sources (see ``normalise``). Fuzzy matching scores a word
edit distance: the Levenshtein distance between the token sequences of two sources (words,
digit runs and punctuation marks are tokens), as a similarity ``(longest - distance) / longest``.
"10 mg" and "5 mg" differ by one token, so a changed dose is never an exact match.

A fuzzy search scores only the sources that can reach the threshold ``t``, found without a scan.
For a query of ``n`` tokens, a source of ``m`` tokens:

- needs ``t * n <= m <= n / t`` (the distance is at least the difference in length); posting
  lists are sorted by length, so this window is two binary searches per looked-up token;
- needs at least ``ceil(t * max(n, m))`` tokens in common with the query (the distance is at
  least the longer length minus the shared tokens), so it has one of the ``n - ceil(t * n) + 1``
  rarest query tokens (prefix filtering): those are looked up, then rarer-than-a-budget ones,
  counting the tokens each source shares; common tokens such as "the" are never looked up;
- is then scored with a bit-parallel edit distance (Myers, Hyyrö): one pass over its tokens,
  with each column of the dynamic programme held in one Python integer.

Both filters only drop sources that cannot reach the threshold: the index returns what a scan of
every entry would. Entries with the same normalised source share one indexed source. Not
thread-safe: callers that share an index between threads hold a lock.
"""

import math
import re
import unicodedata
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from heapq import nsmallest

# Letters, digit runs and single punctuation marks: "10mg" and "10 mg" give the same tokens.
_TOKEN = re.compile(r"[^\W\d_]+|\d+|[^\w\s]|_")
# Loosens the derived integer bounds against float rounding; looser bounds only cost time.
_SLACK = 1e-9
# A posting is one integer: the source's token count above its number, so sorted postings
# are sorted by length and a length window is two binary searches.
_LENGTH_SHIFT = 32
_NUMBER_MASK = (1 << _LENGTH_SHIFT) - 1
# Past the required rare tokens, look up further tokens while so few sources have them.
_LOOKUP_BUDGET = 300


@dataclass(frozen=True)
class Suggestion:
    """A memory entry offered for a source segment, with how similar its source is."""

    entry_id: int
    source: str
    target: str
    similarity: float  # 0..1, 1.0 = identical after normalisation


@dataclass(slots=True, eq=False)
class _Source:
    """One distinct normalised source and the entries that have it."""

    text: str
    number: int  # its position in MemoryIndex._numbered, which never changes
    entry_ids: list[int] = field(default_factory=list)


_REMOVED = _Source("", -1)


def normalise(text: str) -> str:
    """Return ``text`` in Unicode NFC, its whitespace runs collapsed to one space, stripped.

    Case, punctuation, digits and the spacing between them are kept: "5 mg" and "5mg", or
    "Iron" and "iron", may need different translations, so they are not exact matches.
    """
    return " ".join(unicodedata.normalize("NFC", text).split())


def tokenise(text: str) -> list[str]:
    """Return the words, digit runs and punctuation marks of ``text``, case kept."""
    return _TOKEN.findall(normalise(text))


def token_distance(first: Sequence[str], second: Sequence[str]) -> int:
    """Return the Levenshtein distance between two token sequences."""
    return _distance(_pattern(first), len(first), second)


def similarity(first: str, second: str) -> float:
    """Return how similar two sources are, from 0 to 1 (1 only when they normalise alike)."""
    first, second = normalise(first), normalise(second)
    if first == second:
        return 1.0
    first_tokens, second_tokens = _TOKEN.findall(first), _TOKEN.findall(second)
    return _ratio(token_distance(first_tokens, second_tokens), first_tokens, second_tokens)


def _ratio(distance: int, first: Sequence[str], second: Sequence[str]) -> float:
    """Return the similarity of two different sources from the distance of their tokens."""
    longest = max(len(first), len(second))
    # The sources differ (in spacing, say) even when their tokens do not: count one edit.
    distance = max(distance, 1)
    return max(longest - distance, 0) / longest if longest else 0.0


def _pattern(tokens: Sequence[str]) -> dict[str, int]:
    """Return, for each token, the bit mask of its positions in ``tokens``."""
    masks: dict[str, int] = {}
    for position, token in enumerate(tokens):
        masks[token] = masks.get(token, 0) | (1 << position)
    return masks


def _distance(pattern: dict[str, int], length: int, text: Sequence[str]) -> int:
    """Return the edit distance between the pattern's tokens and ``text`` (Hyyrö's bit-vector
    form of Myers' algorithm: each column of the dynamic programme is one integer)."""
    if length == 0:
        return len(text)
    full = (1 << length) - 1
    last = 1 << (length - 1)
    positive, negative = full, 0  # vertical deltas of +1 and -1
    score = length
    for token in text:
        equal = pattern.get(token, 0)
        vertical = equal | negative
        horizontal = (((equal & positive) + positive) ^ positive) | equal
        up = negative | ~(horizontal | positive)
        down = positive & horizontal
        if up & last:
            score += 1
        elif down & last:
            score -= 1
        up = (up << 1) | 1
        down <<= 1
        positive = (down | ~(vertical | up)) & full
        negative = up & vertical
    return score


class MemoryIndex:
    """Translation memory entries, searchable by exact and by fuzzy source match."""

    def __init__(self) -> None:
        self._entries: dict[int, tuple[_Source, str, str]] = {}  # id -> (key, source, target)
        self._sources: dict[str, _Source] = {}  # normalised text -> indexed source
        self._numbered: list[_Source] = []  # by _Source.number; _REMOVED once removed
        # token -> the sources that have it, as (token count << 32 | number), sorted, except
        # the arrays in _unsorted: adding appends, and the next lookup sorts (one sort for a
        # bulk load instead of an insertion in the middle of a long array per entry)
        self._postings: dict[str, array] = {}
        self._unsorted: set[str] = set()

    def __len__(self) -> int:
        """Return the number of entries."""
        return len(self._entries)

    def add(self, entry_id: int, source: str, target: str) -> None:
        """Add an entry, replacing any entry with the same id."""
        text = normalise(source)
        previous = self._entries.get(entry_id)
        if previous is not None:
            if previous[0].text == text:
                self._entries[entry_id] = (previous[0], source, target)
                return
            self.remove(entry_id)
        indexed = self._sources.get(text)
        if indexed is None:
            indexed = self._index_source(source if source == text else text)
        # Ids mostly arrive in increasing order: appending keeps the list sorted.
        if indexed.entry_ids and indexed.entry_ids[-1] > entry_id:
            indexed.entry_ids.insert(bisect_left(indexed.entry_ids, entry_id), entry_id)
        else:
            indexed.entry_ids.append(entry_id)
        self._entries[entry_id] = (indexed, source, target)

    def remove(self, entry_id: int) -> None:
        """Remove an entry; removing an absent id does nothing."""
        found = self._entries.pop(entry_id, None)
        if found is None:
            return
        indexed = found[0]
        indexed.entry_ids.remove(entry_id)
        if not indexed.entry_ids:
            self._unindex_source(indexed)

    def exact(self, source: str) -> list[Suggestion]:
        """Return the entries whose source normalises like ``source``, by id."""
        indexed = self._sources.get(normalise(source))
        if indexed is None:
            return []
        return [self._suggestion(entry_id, 1.0) for entry_id in indexed.entry_ids]

    def suggest(self, source: str, *, limit: int = 5, threshold: float = 0.7) -> list[Suggestion]:
        """Return up to ``limit`` entries at least ``threshold`` similar, best first.

        Exact matches come first (similarity 1.0); ties go to the lowest entry id.
        """
        if not 0 < threshold <= 1:
            raise ValueError(f"threshold must be in (0, 1], not {threshold}")
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit}")
        text = normalise(source)
        scored = [(1.0, self._sources[text])] if text in self._sources else []
        scored.extend(self._fuzzy(text, threshold))
        ranked = nsmallest(
            limit,
            ((-score, entry_id) for score, indexed in scored for entry_id in indexed.entry_ids),
        )
        return [self._suggestion(entry_id, -negative) for negative, entry_id in ranked]

    def _fuzzy(self, text: str, threshold: float) -> list[tuple[float, _Source]]:
        """Return the indexed sources other than ``text`` at least ``threshold`` similar."""
        tokens = _TOKEN.findall(text)
        length = len(tokens)
        if not length:
            return []
        pattern = _pattern(tokens)
        found = []
        for candidate in self._candidates(tokens, threshold):
            if candidate.text == text:
                continue
            # Tokenising again costs less than keeping every source's tokens: few get here.
            candidate_tokens = _TOKEN.findall(candidate.text)
            distance = _distance(pattern, length, candidate_tokens)
            score = _ratio(distance, tokens, candidate_tokens)
            if score >= threshold:
                found.append((score, candidate))
        return found

    def _candidates(self, tokens: list[str], threshold: float) -> list[_Source]:
        """Return the sources that share enough tokens with ``tokens`` to reach ``threshold``."""
        length = len(tokens)
        shortest = max(math.ceil(threshold * length - _SLACK), 1)
        longest = math.floor(length / threshold + _SLACK)
        low_value, high_value = shortest << _LENGTH_SHIFT, (longest + 1) << _LENGTH_SHIFT
        # A source reaching the threshold shares >= `shortest` tokens with the query, hence
        # one of the `length - shortest + 1` rarest: those must be looked up. Rarer tokens
        # past them are cheap to look up too, and each one tightens the count filter below.
        required = length - shortest + 1
        counts = Counter(tokens)
        hits: Counter[int] = Counter()
        looked_up = 0
        for token in sorted(counts, key=lambda t: (len(self._postings.get(t, ())), t)):
            values = self._posting(token)
            if values is not None:
                low = bisect_left(values, low_value)
                high = bisect_left(values, high_value, low)
                if looked_up >= required and high - low > _LOOKUP_BUDGET:
                    break
                window = values[low:high]
                for _ in range(counts[token]):
                    hits.update(window)
            looked_up += counts[token]
        # A source of `size` tokens needs ceil(threshold * max(size, length)) shared tokens, and
        # can share at most the unread query tokens besides those counted in `hits`.
        unread = length - looked_up
        needs = [
            math.ceil(threshold * max(size, length) - _SLACK) - unread
            for size in range(shortest, longest + 1)
        ]
        least = needs[0]
        return [
            self._numbered[value & _NUMBER_MASK]
            for value, shared in hits.items()
            if shared >= least and shared >= needs[(value >> _LENGTH_SHIFT) - shortest]
        ]

    def _suggestion(self, entry_id: int, score: float) -> Suggestion:
        _, source, target = self._entries[entry_id]
        return Suggestion(entry_id, source, target, score)

    def _posting(self, token: str) -> array | None:
        """Return the sorted posting array of ``token``, or None when no source has it."""
        values = self._postings.get(token)
        if values is not None and token in self._unsorted:
            values = self._postings[token] = array("Q", sorted(values))
            self._unsorted.discard(token)
        return values

    def _index_source(self, text: str) -> _Source:
        indexed = _Source(text, len(self._numbered))
        self._numbered.append(indexed)
        self._sources[text] = indexed
        tokens = _TOKEN.findall(text)
        value = len(tokens) << _LENGTH_SHIFT | indexed.number
        for token in set(tokens):
            values = self._postings.get(token)
            if values is None:
                self._postings[token] = array("Q", (value,))
                continue
            if values[-1] > value:
                self._unsorted.add(token)
            values.append(value)
        return indexed

    def _unindex_source(self, indexed: _Source) -> None:
        del self._sources[indexed.text]
        self._numbered[indexed.number] = _REMOVED
        tokens = _TOKEN.findall(indexed.text)
        value = len(tokens) << _LENGTH_SHIFT | indexed.number
        for token in set(tokens):
            self._posting(token)  # sorts the array if it needs it
            values = self._postings[token]
            del values[bisect_left(values, value)]
            if not values:
                del self._postings[token]
