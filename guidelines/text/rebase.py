"""Rebasing a local adaptation onto a new version of its base text, one local hunk at a time.

No text is ever placed by resemblance. Both the local edits and the upstream edits are exact
edits on the old base (``hunks.edits_between``); a local hunk moves into the new base only
through the equal text around it, and only when that text is provably still there:

- ``applied``: the new base left the hunk's words and its whole block untouched;
- ``needs_confirmation``: the new base changed another part of the block; ``merged`` offers
  the new block with the local edit at its exact place, for a person to accept;
- ``conflict``: the new base changed the words the hunk touches, inserted text at the same
  place, or removed the block. A conflict covers whole blocks, and every local edit in them,
  so a person resolves it with one text.

Diff-match-patch's fuzzy ``patch_apply`` was measured to put some local edits in the wrong
paragraph after an upstream insertion (the nearest look-alike wins); it is not used.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from guidelines.text.hunks import Edit, EditMap, Lines, Span, Spans, block_spans, edits_between

Outcome = Literal["applied", "needs_confirmation", "conflict"]
APPLIED: Outcome = "applied"
NEEDS_CONFIRMATION: Outcome = "needs_confirmation"
CONFLICT: Outcome = "conflict"
OUTCOMES: tuple[Outcome, ...] = (APPLIED, NEEDS_CONFIRMATION, CONFLICT)

# Local edits on one line with less than this between them are judged together, as one hunk:
# "3 mg daily" -> "5 mg twice daily" is one change to a person, not two.
_JOIN_BELOW = 16

_UNCHANGED = "the new base left this block unchanged"
_UNCHANGED_AROUND = "the new base left the text around this insertion unchanged"
_ELSEWHERE = "the new base changed another part of this block"
_TOUCHED = "the new base changed the text this edit touches"
_SAME_PLACE = "the new base also changed the text at this place; the order is for a person"
_REMOVED = "the new base removed this passage"
_LOST = "the exact context of this edit is not in the new base"


@dataclass(frozen=True)
class RebaseHunk:
    """One local change and what the rebase did with it.

    ``old_base[old_start:old_end]`` is what the change replaces, by ``replacement``; the same
    text is ``new_base[new_start:new_end]`` (for a conflict: the region a resolution replaces,
    empty where the new base removed it). The excerpts are whole blocks, for a person to read:
    ``old_base``, ``new_base`` and ``local`` (the local text of the old excerpt). ``merged`` is
    the new excerpt with only this change, offered when the outcome is needs_confirmation.
    """

    index: int
    outcome: Outcome
    reason: str
    old_start: int
    old_end: int
    new_start: int
    new_end: int
    replacement: str
    old_base: str
    new_base: str
    local: str
    merged: str | None = None


@dataclass(frozen=True)
class RebaseResult:
    """The new base, the text with exactly the applied hunks, and every hunk with its outcome."""

    new_base: str
    text: str
    hunks: tuple[RebaseHunk, ...]

    @property
    def clean(self) -> bool:
        """Tell whether every hunk applied by itself."""
        return all(hunk.outcome == APPLIED for hunk in self.hunks)

    def of(self, outcome: Outcome) -> tuple[RebaseHunk, ...]:
        """Return the hunks with ``outcome``."""
        return tuple(hunk for hunk in self.hunks if hunk.outcome == outcome)

    def apply(
        self, confirmed: Iterable[int] = (), resolutions: Mapping[int, str] | None = None
    ) -> str:
        """Return the new base with the applied hunks, the ``confirmed`` needs_confirmation
        hunks and, for conflicts, the resolution texts (hunk index -> text)."""
        confirmed = set(confirmed)
        resolutions = dict(resolutions or {})
        changes: list[tuple[int, int, str]] = []
        for hunk in self.hunks:
            if hunk.index in resolutions:
                if hunk.outcome != CONFLICT:
                    raise ValueError(f"hunk {hunk.index} is {hunk.outcome}, not a conflict")
                changes.append((hunk.new_start, hunk.new_end, resolutions.pop(hunk.index)))
            elif hunk.outcome == APPLIED or hunk.index in confirmed:
                if hunk.outcome == CONFLICT:
                    raise ValueError(f"hunk {hunk.index} is a conflict: it needs a resolution")
                changes.append((hunk.new_start, hunk.new_end, hunk.replacement))
            confirmed.discard(hunk.index)
        if confirmed or resolutions:
            raise ValueError(f"no such hunks: {sorted(confirmed | set(resolutions))}")
        return splice(self.new_base, changes)


def splice(text: str, changes: Sequence[tuple[int, int, str]]) -> str:
    """Return ``text`` with each ``(start, end, replacement)`` made; the ranges may not overlap."""
    pieces: list[str] = []
    at = 0
    # Sorting is stable: two insertions at one offset keep the order they were given in.
    for start, end, replacement in sorted(changes, key=lambda change: change[:2]):
        if start < at or end < start or end > len(text):
            raise ValueError(f"overlapping or invalid change at {start}:{end}")
        pieces += [text[at:start], replacement]
        at = end
    pieces.append(text[at:])
    return "".join(pieces)


def rebase(old_base: str, local: str, new_base: str) -> RebaseResult:
    """Rebase ``local`` (``old_base`` with local edits) onto ``new_base``, hunk by hunk."""
    return _Rebase(old_base, local, new_base).result()


@dataclass(frozen=True)
class _Draft:
    """A hunk being classified: its old range (a conflict's region) and where it is in new."""

    outcome: Outcome
    reason: str
    start: int
    end: int
    new_start: int
    new_end: int
    replacement: str
    context: Span  # the old text that must be found intact, for an applied hunk's excerpt
    mine: Span  # where the local text has the hunk (or the region's hunks)
    touched: tuple[Edit, ...] = ()


def _overlap(first: _Draft, second: _Draft) -> bool:
    """Tell whether two hunks share text in the old base or in the new one, where they apply."""
    # Also true when an empty range lies strictly inside the other one. The new ranges count
    # too: an insertion just before a replaced stretch can map onto the same upstream text,
    # and two resolutions of one region could not both be spliced in.
    in_old = first.start < second.end and second.start < first.end
    return in_old or (first.new_start < second.new_end and second.new_start < first.new_end)


class _Rebase:
    def __init__(self, old: str, local: str, new: str) -> None:
        self.old, self.local, self.new = old, local, new
        self.old_lines, self.new_lines = Lines(old), Lines(new)
        self.upstream = EditMap(edits_between(self.old_lines, self.new_lines))
        self.local_map = EditMap(edits_between(self.old_lines, local))
        self.old_blocks = Spans(block_spans(self.old_lines))
        self.new_blocks = Spans(block_spans(self.new_lines))
        self.new_block_set = set(self.new_blocks.spans)

    def result(self) -> RebaseResult:
        drafts = self._settle([self._classify(*hunk) for hunk in self._hunks()])
        hunks = tuple(self._describe(index, draft) for index, draft in enumerate(drafts))
        applied = [(h.new_start, h.new_end, h.replacement) for h in hunks if h.outcome == APPLIED]
        return RebaseResult(self.new, splice(self.new, applied), hunks)

    def _hunks(self) -> list[tuple[int, int, str]]:
        """Group the local edits that are close together on one line."""
        hunks: list[tuple[int, int, str]] = []
        for edit in self.local_map.edits:
            gap = self.old[hunks[-1][1] : edit.start] if hunks else "\n"
            if len(gap) < _JOIN_BELOW and "\n" not in gap:
                start, _end, text = hunks[-1]
                hunks[-1] = (start, edit.end, text + gap + edit.text)
            else:
                hunks.append((edit.start, edit.end, edit.text))
        return hunks

    def _classify(self, start: int, end: int, replacement: str) -> _Draft:
        lines, blocks = self.old_lines, self.old_blocks
        touched: list[Edit] = []
        unchanged = _UNCHANGED
        if start == end:
            # What follows an insertion decides nothing about its order with an upstream
            # insertion at the same offset, or next to a deletion there: a person decides.
            touched += self.upstream.at(start)
            if lines.is_start(start) and (replacement.endswith("\n") or start == len(self.old)):
                # New lines between lines: anchored by the nearest text on both sides.
                context = lines.around(start)
                unchanged = _UNCHANGED_AROUND
                own = blocks.spans[blocks.overlapping(start, start)]
            else:
                context = lines.words_around(start, end)
                own = blocks.spans[blocks.at(start)]
        else:
            context = lines.words_around(start, end)
            own = blocks.spans[blocks.overlapping(start, end)]
        touched += [e for e in self.upstream.touching(*context) if e not in touched]
        mine = (self.local_map.left(start), self.local_map.right(end))
        region = (min(start, context[0]), max(end, context[1]))
        if touched:
            reason = _SAME_PLACE if start == end and self.upstream.at(start) else _TOUCHED
            return self._conflict(reason, *region, mine, touched)
        new_context = self.upstream.right(context[0])
        found = self.new[new_context : new_context + context[1] - context[0]]
        if found != self.old[context[0] : context[1]]:
            # Cannot happen when the diff is right; if it is not, nothing is applied on trust.
            return self._conflict(_LOST, *region, mine, [])
        new_start = new_context + start - context[0]
        changed = any(not self._unchanged(block) for block in own)
        return _Draft(
            outcome=NEEDS_CONFIRMATION if changed else APPLIED,
            reason=_ELSEWHERE if changed else unchanged,
            start=start,
            end=end,
            new_start=new_start,
            new_end=new_start + end - start,
            replacement=replacement,
            context=context,
            mine=mine,
        )

    def _unchanged(self, block: Span) -> bool:
        """Tell whether the new base has ``block`` exactly, and still as one block."""
        start, end = block
        if self.upstream.touching(start, end):
            return False
        return (self.upstream.right(start), self.upstream.left(end)) in self.new_block_set

    def _conflict(
        self, reason: str, start: int, end: int, mine: Span, touched: Sequence[Edit]
    ) -> _Draft:
        """Return a conflict over ``[start, end)`` grown to whole lines, blocks and the
        upstream edits that touch it, until it grows no more."""
        edits = list(touched)
        while True:
            grown_start, grown_end = self.old_lines.widen(start, end)
            for block_start, block_end in self.old_blocks.spans[
                self.old_blocks.overlapping(grown_start, grown_end)
            ]:
                grown_start, grown_end = min(grown_start, block_start), max(grown_end, block_end)
            for edit in self.upstream.touching(grown_start, grown_end):
                grown_start, grown_end = min(grown_start, edit.start), max(grown_end, edit.end)
                if edit not in edits:
                    edits.append(edit)
            if (grown_start, grown_end) == (start, end):
                break
            start, end = grown_start, grown_end
        # Text that the new base inserted at the region's edges stays outside it, unless it is
        # what the conflict is about (an insertion at the same place as a local one).
        new_start = min([self.upstream.right(start)] + [e.new_start for e in edits])
        new_end = max([self.upstream.left(end), new_start] + [e.new_end for e in edits])
        if not self.new[new_start:new_end].strip() and self.old[start:end].strip():
            reason = _REMOVED
        # Likewise local text at the edges: hunks of their own, unless they are this one.
        mine = (
            min(mine[0], self.local_map.right(start)),
            max(mine[1], self.local_map.left(end), mine[0]),
        )
        return _Draft(
            outcome=CONFLICT,
            reason=reason,
            start=start,
            end=end,
            new_start=new_start,
            new_end=new_end,
            replacement=self.local[mine[0] : mine[1]],
            context=(start, end),
            mine=mine,
            touched=tuple(edits),
        )

    def _settle(self, drafts: list[_Draft]) -> list[_Draft]:
        """Merge every hunk that overlaps a conflict's region into it, until none does."""
        while True:
            drafts.sort(key=lambda draft: (draft.start, draft.end))
            settled: list[_Draft] = []
            for draft in drafts:
                last = settled[-1] if settled else None
                if last and CONFLICT in (last.outcome, draft.outcome) and _overlap(last, draft):
                    conflict = last if last.outcome == CONFLICT else draft
                    settled[-1] = self._conflict(
                        conflict.reason,
                        min(last.start, draft.start),
                        max(last.end, draft.end),
                        (min(last.mine[0], draft.mine[0]), max(last.mine[1], draft.mine[1])),
                        last.touched + draft.touched,
                    )
                else:
                    settled.append(draft)
            if len(settled) == len(drafts):
                return settled
            drafts = settled

    def _describe(self, index: int, draft: _Draft) -> RebaseHunk:
        if draft.outcome == CONFLICT:
            return RebaseHunk(
                index=index,
                outcome=CONFLICT,
                reason=draft.reason,
                old_start=draft.start,
                old_end=draft.end,
                new_start=draft.new_start,
                new_end=draft.new_end,
                replacement=draft.replacement,
                old_base=self.old[draft.start : draft.end],
                new_base=self.new[draft.new_start : draft.new_end],
                local=draft.replacement,
            )
        old_start, old_end = _excerpt(self.old_lines, self.old_blocks, *draft.context)
        # A local edit that crosses the excerpt's edge is shown whole.
        for edit in self.local_map.touching(old_start, old_end):
            old_start, old_end = min(old_start, edit.start), max(old_end, edit.end)
        new_context = draft.new_start - (draft.start - draft.context[0])
        new_start, new_end = _excerpt(
            self.new_lines,
            self.new_blocks,
            new_context,
            new_context + draft.context[1] - draft.context[0],
        )
        new_excerpt = self.new[new_start:new_end]
        local_start = min(self.local_map.right(old_start), draft.mine[0])
        local_end = max(self.local_map.left(old_end), draft.mine[1])
        merged = None
        if draft.outcome == NEEDS_CONFIRMATION:
            merged = (
                new_excerpt[: draft.new_start - new_start]
                + draft.replacement
                + new_excerpt[draft.new_end - new_start :]
            )
        return RebaseHunk(
            index=index,
            outcome=draft.outcome,
            reason=draft.reason,
            old_start=draft.start,
            old_end=draft.end,
            new_start=draft.new_start,
            new_end=draft.new_end,
            replacement=draft.replacement,
            old_base=self.old[old_start:old_end],
            new_base=new_excerpt,
            local=self.local[local_start:local_end],
            merged=merged,
        )


def _excerpt(lines: Lines, blocks: Spans, start: int, end: int) -> Span:
    """Return the blocks around ``[start, end)``, or its whole lines where it is in none."""
    around = blocks.spans[blocks.overlapping(start, end)] or blocks.spans[blocks.at(start)]
    if not around:
        return lines.widen(start, end)
    return min(start, around[0][0]), max(end, around[-1][1])
