"""Exact geometry for a rebase: the edits between two texts, their lines and blocks, and offsets
carried from one text into the other through those edits.

Nothing here matches text approximately. An offset crosses a diff only through the equal run
around it, so it lands on the very same characters of the other text, or it is known not to.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from guidelines.text.patches import DELETE, EQUAL, INSERT, refined_diff

# Indentation and block-quote markers: a quoted list item still starts a block of its own.
_LEAD = re.compile(r"(?:[ \t]*>)*[ \t]*")
_RULE = re.compile(r"([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
_ITEM = re.compile(r"(?:[*+-]|\d{1,9}[.)])(?:[ \t]|$)")
_FENCE = re.compile(r"(`{3,}|~{3,})")
_CONTAINER_OPEN = re.compile(r":{3,}[ \t]*\S")
_CONTAINER_CLOSE = re.compile(r":{3,}[ \t]*$")

# The rest of a word, what separates it from the next, that word, a separator, one more word:
# an edit's context is its phrase ("5 mg per dag"), so "5 mg tweemaal per dag" touches "dag".
_TWO_WORDS = (True, False, True, False, True)

# Paragraphs between two unique ones are paired by dynamic programming up to this many
# cells (a few milliseconds); a larger stretch of recurring paragraphs goes to the line diff.
_ALIGN_CELLS = 2500

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Edit:
    """``old[start:end]`` became ``new[new_start:new_end]``, which is ``text``."""

    start: int
    end: int
    new_start: int
    new_end: int
    text: str


def edits_between(old: str | Lines, new: str | Lines) -> list[Edit]:
    """Return the exact edits that turn ``old`` into ``new``, in order.

    Paragraphs are aligned first, as wholes, and only the stretches between aligned ones are
    diffed by lines and then words. A line diff alone breaks ties between recurring lines
    arbitrarily, and could pair a kept paragraph with a look-alike, or turn an edit of one
    of two identical paragraphs into an insertion before them and a deletion after.
    """
    old_lines = old if isinstance(old, Lines) else Lines(old)
    new_lines = new if isinstance(new, Lines) else Lines(new)
    old, new = old_lines.text, new_lines.text
    old_paragraphs, new_paragraphs = _paragraphs(old_lines), _paragraphs(new_lines)
    edits: list[Edit] = []
    at_old = at_new = 0
    for index_old, index_new in _align(
        [old[start:end] for start, end in old_paragraphs],
        [new[start:end] for start, end in new_paragraphs],
    ):
        old_start, old_end = old_paragraphs[index_old]
        new_start, new_end = new_paragraphs[index_new]
        _diff_stretch(old, at_old, old_start, new, at_new, new_start, edits)
        at_old, at_new = old_end, new_end
    _diff_stretch(old, at_old, len(old), new, at_new, len(new), edits)
    return edits


def _align(old: Sequence[str], new: Sequence[str]) -> list[tuple[int, int]]:
    """Return pairs of equal paragraphs, in order: first those that occur once in each text,
    then, between those, as many others as possible, each as near its old place as can be."""
    pairs: list[tuple[int, int]] = []
    last_old = last_new = -1
    for anchor in [*_unique_anchors(old, new), (len(old), len(new))]:
        pairs += _align_stretch(old, new, last_old + 1, anchor[0], last_new + 1, anchor[1])
        pairs.append(anchor)
        last_old, last_new = anchor
    return pairs[:-1]


def _align_stretch(
    old: Sequence[str],
    new: Sequence[str],
    old_start: int,
    old_end: int,
    new_start: int,
    new_end: int,
) -> list[tuple[int, int]]:
    rows, columns = old_end - old_start, new_end - new_start
    if not rows or not columns or rows * columns > _ALIGN_CELLS:
        return []  # nothing to pair, or left to the line diff
    # Longest common subsequence; among the longest, the least displaced (sum of |i - j|).
    weight = rows * columns + 1

    def gain(i: int, j: int) -> int:
        return weight - abs(i - j) if old[old_start + i] == new[new_start + j] else 0

    score = [[0] * (columns + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        row, below = score[i], score[i + 1]
        for j in range(columns - 1, -1, -1):
            paired = below[j + 1] + gain(i, j) if gain(i, j) else 0
            row[j] = max(below[j], row[j + 1], paired)
    pairs = []
    i = j = 0
    while i < rows and j < columns:
        if gain(i, j) and score[i][j] == score[i + 1][j + 1] + gain(i, j):
            pairs.append((old_start + i, new_start + j))
            i, j = i + 1, j + 1
        elif score[i][j] == score[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _unique_anchors(old: Sequence[str], new: Sequence[str]) -> list[tuple[int, int]]:
    """Return the longest run of pairs of equal items, once in each sequence, in order."""
    old_count, new_count = Counter(old), Counter(new)
    where = {item: index for index, item in enumerate(new) if new_count[item] == 1}
    pairs = [
        (i, where[item]) for i, item in enumerate(old) if old_count[item] == 1 and item in where
    ]
    # Longest increasing run of new positions (patience sorting): piles keep their top's pair.
    tops: list[int] = []
    top_pairs: list[int] = []
    previous = [-1] * len(pairs)
    for index, (_old, position) in enumerate(pairs):
        pile = bisect_left(tops, position)
        if pile == len(tops):
            tops.append(position)
            top_pairs.append(index)
        else:
            tops[pile], top_pairs[pile] = position, index
        previous[index] = top_pairs[pile - 1] if pile else -1
    run: list[tuple[int, int]] = []
    index = top_pairs[-1] if top_pairs else -1
    while index >= 0:
        run.append(pairs[index])
        index = previous[index]
    return run[::-1]


def _paragraphs(lines: Lines) -> list[Span]:
    spans: list[Span] = []
    start = -1
    for index in range(len(lines)):
        if lines.is_blank(index):
            if start >= 0:
                spans.append((start, lines.ends[index - 1]))
                start = -1
        elif start < 0:
            start = lines.starts[index]
    if start >= 0:
        spans.append((start, lines.ends[-1]))
    return spans


def _diff_stretch(
    old: str,
    old_start: int,
    old_end: int,
    new: str,
    new_start: int,
    new_end: int,
    edits: list[Edit],
) -> None:
    """Append the edits between ``old[old_start:old_end]`` and ``new[new_start:new_end]``."""
    if (
        old_end - old_start == new_end - new_start
        and old[old_start:old_end] == new[new_start:new_end]
    ):
        return  # most stretches between kept paragraphs are the same blank line
    at_old, at_new = old_start, new_start
    open_old = open_new = -1
    inserted: list[str] = []
    for op, chunk in refined_diff(old[old_start:old_end], new[new_start:new_end]):
        if op == EQUAL and open_old >= 0:
            edits.append(Edit(open_old, at_old, open_new, at_new, "".join(inserted)))
            open_old, inserted = -1, []
        elif op != EQUAL and open_old < 0:
            # Deletions and insertions with no equal text between them are one replacement.
            open_old, open_new = at_old, at_new
        if op == INSERT:
            inserted.append(chunk)
        at_old += 0 if op == INSERT else len(chunk)
        at_new += 0 if op == DELETE else len(chunk)
    if open_old >= 0:
        edits.append(Edit(open_old, at_old, open_new, at_new, "".join(inserted)))


class Spans:
    """Sorted, disjoint spans of a text, found by position in logarithmic time."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.spans = list(spans)
        self._starts = [start for start, _end in self.spans]
        self._ends = [end for _start, end in self.spans]

    def overlapping(self, start: int, end: int) -> slice:
        """Return which spans share characters with ``[start, end)``, or lie strictly around it."""
        # One test covers both: a span overlaps a stretch, or an empty stretch lies inside it.
        return slice(bisect_right(self._ends, start), bisect_left(self._starts, end))

    def at(self, point: int) -> slice:
        """Return which spans contain ``point`` or begin or end there."""
        return slice(bisect_left(self._ends, point), bisect_right(self._starts, point))

    def before(self, point: int) -> int:
        """Return how many spans end before ``point``."""
        return bisect_left(self._ends, point)


class EditMap:
    """The edits from one text to another, and offsets of the first carried into the second."""

    def __init__(self, edits: Sequence[Edit]) -> None:
        self.edits = list(edits)
        # Edits are separated by equal text, so their starts and ends both increase strictly.
        self._spans = Spans([(edit.start, edit.end) for edit in self.edits])

    def touching(self, start: int, end: int) -> list[Edit]:
        """Return the edits that change ``[start, end)`` or insert strictly inside it."""
        return self.edits[self._spans.overlapping(start, end)]

    def at(self, point: int) -> list[Edit]:
        """Return the edits that contain ``point`` or begin or end there."""
        return self.edits[self._spans.at(point)]

    def left(self, offset: int) -> int:
        """Carry ``offset`` into the new text, before anything inserted exactly there."""
        return self._carry(offset, after=False)

    def right(self, offset: int) -> int:
        """Carry ``offset`` into the new text, after anything inserted exactly there."""
        return self._carry(offset, after=True)

    def _carry(self, offset: int, *, after: bool) -> int:
        around = self.at(offset)
        if around:
            # At most one edit: two would need equal text between them.
            edit = around[0]
            if offset == edit.end and (after or offset > edit.start):
                return edit.new_end
            if offset == edit.start or not after:
                return edit.new_start
            return edit.new_end  # strictly inside a replaced stretch
        before = self._spans.before(offset)
        if not before:
            return offset
        edit = self.edits[before - 1]
        return offset + edit.new_end - edit.end


class Lines:
    """Where each line of a text starts and where its content ends (before its line break)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] = []
        self.ends: list[int] = []
        parts = text.split("\n")
        at = 0
        for part in parts:
            self.starts.append(at)
            at += len(part) + 1
            # A line ends at "\n" or "\r\n", as in patches.split_lines; a lone "\r" is text.
            self.ends.append(at - 2 if part.endswith("\r") and at <= len(text) else at - 1)
        self.ends[-1] = len(text)
        self.blank = [not text[a:b].strip() for a, b in zip(self.starts, self.ends, strict=True)]

    def __len__(self) -> int:
        return len(self.starts)

    def index(self, offset: int) -> int:
        """Return the number of the line that holds ``offset`` (or its line break)."""
        return bisect_right(self.starts, offset) - 1

    def is_blank(self, index: int) -> bool:
        """Tell whether line ``index`` holds only whitespace."""
        return self.blank[index]

    def is_start(self, offset: int) -> bool:
        """Tell whether a line starts at ``offset``."""
        return self.starts[self.index(offset)] == offset

    def widen(self, start: int, end: int) -> Span:
        """Return ``[start, end)`` grown to whole lines; a stretch that begins with a line
        break, or ends just after one, does not take in the line beyond it."""
        return self._floor(start, end), self._ceiling(start, end)

    def _floor(self, start: int, end: int) -> int:
        first = self.index(start)
        return start if start < end and start >= self.ends[first] else self.starts[first]

    def _ceiling(self, start: int, end: int) -> int:
        last = self.index(end)
        if end > self.ends[last]:  # between "\r" and "\n"
            return self.starts[last + 1]
        return end if end > start and end == self.starts[last] else self.ends[last]

    def around(self, point: int) -> Span:
        """Return the stretch from the last non-blank line before ``point`` to the next one."""
        index = self.index(point)
        before = index - 1
        while before >= 0 and self.is_blank(before):
            before -= 1
        after = index
        while after < len(self) and self.is_blank(after):
            after += 1
        start = self.starts[before] if before >= 0 else 0
        end = self.ends[after] if after < len(self) else len(self.text)
        return start, end

    def words_around(self, start: int, end: int) -> Span:
        """Return ``[start, end)`` grown by two words each side, within its own lines."""
        text = self.text
        # Whole lines replaced are their own context: the next line is no part of them.
        floor, ceiling = self.widen(start, end)
        left = start
        for in_word in _TWO_WORDS:
            while left > floor and _is_word(text[left - 1]) is in_word:
                left -= 1
        right = end
        for in_word in _TWO_WORDS:
            while right < ceiling and _is_word(text[right]) is in_word:
                right += 1
        return left, right


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def block_spans(lines: Lines) -> list[Span]:
    """Return the blocks of a Markdown text: paragraphs, list items, table rows, headings,
    fenced code and containers (each whole), from their first character to their last."""
    text = lines.text
    spans: list[Span] = []
    start = last = -1
    closing: re.Pattern[str] | None = None
    depth = 0  # of nested containers
    for index in range(len(lines)):
        line_start, line_end = lines.starts[index], lines.ends[index]
        body = text[line_start:line_end]
        if body[:1] in (" ", "\t", ">"):
            body = body[_LEAD.match(body).end() :]  # type: ignore[union-attr]
        if closing is not None:
            last = line_end
            if closing is _CONTAINER_CLOSE:
                depth += 1 if _CONTAINER_OPEN.match(body) else -bool(closing.match(body))
                done = depth == 0
            else:
                done = bool(closing.match(body))
            if done:
                spans.append((start, last))
                start, closing = -1, None
            continue
        if not body.strip():
            if start >= 0:
                spans.append((start, last))
                start = -1
            continue
        fence = _FENCE.match(body)
        single = bool(_RULE.match(body) or _HEADING.match(body))
        if start >= 0 and (fence or single or _ITEM.match(body) or body.startswith("|")):
            spans.append((start, last))
            start = -1
        if _CONTAINER_OPEN.match(body):
            # A container (a recommendation block) is one unit of decision: one block.
            if start >= 0:
                spans.append((start, last))
            start, closing, depth = line_start, _CONTAINER_CLOSE, 1
        elif fence:
            marker = fence.group(1)
            start = line_start
            closing = re.compile(re.escape(marker[0]) + "{" + str(len(marker)) + r",}[ \t]*$")
        elif start < 0:
            start = line_start
        last = line_end
        if single:
            spans.append((start, last))
            start = -1
    if start >= 0:
        spans.append((start, last))
    return spans
