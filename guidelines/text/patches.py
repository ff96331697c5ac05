"""Patches between document texts: diff-match-patch patch text, made fast and applied strictly.

A patch is only ever applied to the exact text it was made against (its base is named by its
SHA-256), so application is exact: every hunk must find its context at its stated offset.
diff-match-patch's own ``patch_apply`` is fuzzy by design (bitap matching of at most
``Match_MaxBits`` characters, large deletions matched only at their two ends and accepted when
half right), which could turn a corrupt patch into a silently different text; it is not used.
"""

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from itertools import chain

from diff_match_patch import diff_match_patch, patch_obj

from guidelines.text.hashing import sha256_text

DELETE = diff_match_patch.DIFF_DELETE
EQUAL = diff_match_patch.DIFF_EQUAL
INSERT = diff_match_patch.DIFF_INSERT

Diff = list[tuple[int, str]]
TokenDiff = list[tuple[int, list[str]]]

# Words, runs of whitespace, and single other characters: together they cover every character,
# so joining the tokens gives back the exact text.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
_LAST_SPACE = re.compile(r".*\s", re.DOTALL)
_SPACE = re.compile(r"\s")

# Shared: its settings are set once here, and its methods keep no other state.
_ENGINE = diff_match_patch()
# diff_main only runs on short stretches between anchors here, so the timeout guards against
# pathological input (long unrelated stretches) rather than being a budget: past it the library
# returns a coarser but still exact diff. Patches stay correct either way, since application is
# exact and hash-checked; only their size could differ, on input that takes a second to diff.
# (0, no timeout, would be deterministic there too, but could hang a request for minutes.)
_ENGINE.Diff_Timeout = 1.0

# Tokens are encoded from the CJK block on: every code is then alphanumeric, so the library's
# word-boundary scoring treats all tokens alike instead of reading meaning into the codes.
_CODE_POINTS = (range(0x4E00, 0xD800), range(0xE000, 0x110000))
_CODE_CAPACITY = sum(map(len, _CODE_POINTS))
# Below this many tokens a plain diff_main is cheaper than finding anchors.
_ANCHOR_ABOVE = 64
# Anchors are sought again inside stretches this many times at most, which bounds recursion.
_ANCHOR_DEPTH = 8
# A stretch this many times longer than the other side is replaced whole rather than aligned.
_LOPSIDED = 8


class PatchError(ValueError):
    """A patch that is malformed, does not apply exactly, or produces the wrong text."""


def split_lines(text: str) -> list[str]:
    """Split ``text`` into lines that keep their newline, so that they join back exactly."""
    # Not str.splitlines: it also breaks on \r, \v, \x1c and U+2028; a line ends at "\n".
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    return lines + [parts[-1]] if parts[-1] else lines


def split_words(text: str) -> list[str]:
    """Split ``text`` into words, whitespace runs and single punctuation characters."""
    return _TOKEN.findall(text)


def diff_tokens(old: Sequence[str], new: Sequence[str], *, semantic: bool = False) -> TokenDiff:
    """Diff two token sequences by encoding each distinct token as one character."""
    distinct = dict.fromkeys(chain(old, new))
    if len(distinct) > _CODE_CAPACITY:
        raise ValueError(f"too many distinct tokens to diff: {len(distinct)}")
    codes = dict(zip(distinct, map(chr, chain(*_CODE_POINTS)), strict=False))
    tokens = dict(zip(codes.values(), codes, strict=True))
    encoded_old = "".join(map(codes.__getitem__, old))
    encoded_new = "".join(map(codes.__getitem__, new))
    diffs = _anchored_diff(encoded_old, encoded_new)
    if semantic:
        _ENGINE.diff_cleanupSemantic(diffs)
    return [(op, [tokens[code] for code in text]) for op, text in diffs]


def _anchored_diff(old: str, new: str) -> Diff:
    diffs: Diff = []
    _diff_into(diffs, old, new, _ANCHOR_DEPTH)
    return diffs


def _diff_into(diffs: Diff, old: str, new: str, depth: int) -> None:
    # Myers' algorithm costs (N + M) * D; cutting both sides at the tokens that occur exactly
    # once in each, in the same order (the "patience" anchors), and again inside each stretch
    # between anchors, leaves only short stretches for diff_main. That keeps a diff of a long
    # document with scattered edits, or of a rewritten paragraph, within a few milliseconds.
    head = _ENGINE.diff_commonPrefix(old, new)
    tail = _ENGINE.diff_commonSuffix(old[head:], new[head:])
    _append(diffs, EQUAL, old[:head])
    old_middle, new_middle = old[head : len(old) - tail], new[head : len(new) - tail]
    long_enough = len(old_middle) + len(new_middle) >= _ANCHOR_ABOVE
    anchors = _unique_anchors(old_middle, new_middle) if long_enough and depth else []
    shorter, longer = sorted((len(old_middle), len(new_middle)))
    if not anchors and long_enough and shorter * _LOPSIDED < longer:
        # Myers' D is at least the difference in length, so a few tokens against a long
        # stretch cost milliseconds to align, and semantic cleanup would undo the alignment.
        _append(diffs, DELETE, old_middle)
        _append(diffs, INSERT, new_middle)
    elif not anchors:
        for op, text in _ENGINE.diff_main(old_middle, new_middle, False):
            _append(diffs, op, text)
    else:
        start_old = start_new = equal_from = 0
        for at_old, at_new in anchors + [(len(old_middle), len(new_middle))]:
            gap_old, gap_new = old_middle[start_old:at_old], new_middle[start_new:at_new]
            # Repeated tokens (blank lines) leave many gaps that hold the same on both sides.
            if gap_old != gap_new:
                _append(diffs, EQUAL, old_middle[equal_from:start_old])
                _diff_into(diffs, gap_old, gap_new, depth - 1)
                equal_from = at_old
            start_old, start_new = at_old + 1, at_new + 1
        _append(diffs, EQUAL, old_middle[equal_from:])
    _append(diffs, EQUAL, old[len(old) - tail :])


def _append(diffs: Diff, op: int, text: str) -> None:
    # Stretches are cut at anchors, so only equalities can meet; join them as diff_main would.
    if not text:
        return
    if diffs and diffs[-1][0] == op:
        diffs[-1] = (op, diffs[-1][1] + text)
    else:
        diffs.append((op, text))


def _unique_anchors(old: str, new: str) -> list[tuple[int, int]]:
    count_old, count_new = Counter(old), Counter(new)
    where_new = {code: at for at, code in enumerate(new) if count_new[code] == 1}
    pairs = [
        (at, where_new[code])
        for at, code in enumerate(old)
        if count_old[code] == 1 and code in where_new
    ]
    if all(map(int.__lt__, (p[1] for p in pairs), (p[1] for p in pairs[1:]))):
        return pairs  # Nothing moved: every pair is an anchor.
    # Longest run of pairs increasing on both sides (patience sorting).
    tails: list[int] = []
    tail_pairs: list[int] = []
    previous = [-1] * len(pairs)
    for index, (_, at_new) in enumerate(pairs):
        pile = bisect_left(tails, at_new)
        if pile == len(tails):
            tails.append(at_new)
            tail_pairs.append(index)
        else:
            tails[pile] = at_new
            tail_pairs[pile] = index
        previous[index] = tail_pairs[pile - 1] if pile else -1
    anchors = []
    index = tail_pairs[-1] if tail_pairs else -1
    while index != -1:
        anchors.append(pairs[index])
        index = previous[index]
    return anchors[::-1]


def refined_diff(old: str, new: str) -> Diff:
    """Return a line diff of ``old`` and ``new`` whose replaced blocks are refined to words."""
    result: Diff = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted and inserted:
            for op, text in _word_diff("".join(deleted), "".join(inserted)):
                _append(result, op, text)
        elif deleted or inserted:
            _append(result, DELETE if deleted else INSERT, "".join(deleted or inserted))
        deleted.clear()
        inserted.clear()

    for op, lines in diff_tokens(split_lines(old), split_lines(new)):
        if op == DELETE:
            deleted.extend(lines)
        elif op == INSERT:
            inserted.extend(lines)
        else:
            flush()
            _append(result, EQUAL, "".join(lines))
    flush()
    return result


def _word_diff(old: str, new: str) -> Diff:
    # Only the stretch between the common prefix and suffix (cut back to whitespace, so that no
    # word is split) is tokenised; a changed word in a long paragraph stays cheap.
    head = _LAST_SPACE.match(old, 0, _ENGINE.diff_commonPrefix(old, new))
    start = head.end() if head else 0
    tail = _ENGINE.diff_commonSuffix(old[start:], new[start:])
    space = _SPACE.search(old, len(old) - tail)
    tail = len(old) - space.start() if space else 0
    middle = diff_tokens(
        split_words(old[start : len(old) - tail]),
        split_words(new[start : len(new) - tail]),
        semantic=True,
    )
    diffs: Diff = []
    for op, text in [(EQUAL, old[:start])] + [(op, "".join(words)) for op, words in middle]:
        _append(diffs, op, text)
    _append(diffs, EQUAL, old[len(old) - tail :])
    return diffs


def _add_context(hunk: patch_obj, new: str, cut_new: int, old: str, cut_old: int) -> None:
    # The text the hunk applies to, as earlier hunks left it, is new[:cut_new] + old[cut_old:].
    # Context grows until unique within a window of Match_Distance each side, not the whole
    # text: diff-match-patch never places a hunk farther than Match_Threshold * Match_Distance
    # (500 characters) from where it is expected, and scanning 100 KB once per hunk was most
    # of the cost of a patch (patch_make, which does scan it all, took about 10 ms on 100 KB).
    reach = _ENGINE.Match_Distance
    start = max(0, hunk.start2 - reach)
    stop = hunk.start2 + hunk.length1 + reach
    shift = cut_old - cut_new
    window = new[start : min(stop, cut_new)] + old[max(start, cut_new) + shift : stop + shift]
    hunk.start1 -= start
    hunk.start2 -= start
    _ENGINE.patch_addContext(hunk, window)
    hunk.start1 += start
    hunk.start2 += start


def _build_patches(old: str, new: str, diffs: Diff) -> list[patch_obj]:
    # The hunks of diff_match_patch.patch_make(old, diffs), which rebuilds the whole text after
    # every edit. Offsets and context are "rolling", as patch_apply expects: each hunk refers
    # to the text as the earlier hunks left it.
    patches: list[patch_obj] = []
    hunk: patch_obj | None = None
    at_old = at_new = cut_old = cut_new = 0
    for index, (op, text) in enumerate(diffs):
        if op == EQUAL and hunk is not None:
            if len(text) < 2 * _ENGINE.Patch_Margin and index < len(diffs) - 1:
                hunk.diffs.append((op, text))
                hunk.length1 += len(text)
                hunk.length2 += len(text)
            else:
                _add_context(hunk, new, cut_new, old, cut_old)
                patches.append(hunk)
                hunk, cut_old, cut_new = None, at_old, at_new
        elif op != EQUAL:
            if hunk is None:
                hunk = patch_obj()
                hunk.start1 = hunk.start2 = at_new
            hunk.diffs.append((op, text))
            if op == DELETE:
                hunk.length1 += len(text)
            else:
                hunk.length2 += len(text)
        at_old += 0 if op == INSERT else len(text)
        at_new += 0 if op == DELETE else len(text)
    if hunk is not None:
        _add_context(hunk, new, cut_new, old, cut_old)
        patches.append(hunk)
    return patches


def make_patch(old: str, new: str) -> str:
    """Return diff-match-patch patch text that turns ``old`` into ``new``."""
    if old == new:
        return ""
    return _ENGINE.patch_toText(_build_patches(old, new, refined_diff(old, new)))


class _PatchedText:
    """A text being patched: the finished part in pieces, then the rest of the original.

    Rebuilding the whole string after each hunk (as patch_apply does) cost milliseconds for a
    50-hunk patch on 100 KB; here each character is copied about once.
    """

    def __init__(self, text: str) -> None:
        self.done: list[str] = []
        self.done_length = 0
        self.given_back = ""  # Finished text that the next hunk's context reached back into.
        self.text, self.cursor = text, 0

    def _take(self, count: int) -> str:
        if count <= len(self.given_back):
            piece, self.given_back = self.given_back[:count], self.given_back[count:]
            return piece
        stop = self.cursor + count - len(self.given_back)
        piece, self.given_back = self.given_back + self.text[self.cursor : stop], ""
        self.cursor = min(stop, len(self.text))
        return piece

    def replace(self, start: int, before: str, after: str) -> bool:
        """Replace ``before`` at offset ``start`` by ``after``; say whether it was there."""
        if start < 0:
            return False
        # Offsets are rolling: a hunk's context may overlap what the previous hunk wrote.
        while self.done_length > start:
            piece = self.done.pop()
            self.done_length -= len(piece)
            self.given_back = piece + self.given_back
        gap = self._take(start - self.done_length)
        if len(gap) != start - self.done_length or self._take(len(before)) != before:
            return False
        self.done += [gap, after]
        self.done_length += len(gap) + len(after)
        return True

    def result(self) -> str:
        """Return the patched text."""
        return "".join(self.done) + self.given_back + self.text[self.cursor :]


def apply_patch(old: str, patch_text: str, *, expected_sha256: str | None = None) -> str:
    """Apply ``patch_text`` exactly to ``old`` and return the result, or raise PatchError."""
    try:
        patches = _ENGINE.patch_fromText(patch_text)
    except ValueError as error:
        raise PatchError(f"malformed patch: {error}") from error
    text = _PatchedText(old)
    for number, patch in enumerate(patches, start=1):
        before = _ENGINE.diff_text1(patch.diffs)
        after = _ENGINE.diff_text2(patch.diffs)
        if (len(before), len(after)) != (patch.length1, patch.length2):
            raise PatchError(
                f"malformed patch: hunk {number} header says {patch.length1}->{patch.length2}"
                f" characters, its body has {len(before)}->{len(after)}"
            )
        if not text.replace(patch.start1, before, after):
            raise PatchError(
                f"hunk {number} of {len(patches)} does not apply: its context is not at"
                f" offset {patch.start1}"
            )
    result = text.result()
    if expected_sha256 is not None and (actual := sha256_text(result)) != expected_sha256:
        raise PatchError(f"patched text has sha256 {actual}, expected {expected_sha256}")
    return result
