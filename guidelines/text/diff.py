"""Comparing two versions of a document: rows side by side, one inline column, and units.

Every piece of text that leaves this module as HTML is escaped here: a version may contain
"<script>", and it must reach the page as text.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from typing import NamedTuple

from guidelines.text.patches import (
    DELETE,
    EQUAL,
    INSERT,
    TokenDiff,
    diff_tokens,
    make_patch,
    split_words,
)
from guidelines.text.significance import clinical_flags, grading_flags
from guidelines.text.structure import Unit, split_units

CHANGES = ("unchanged", "changed", "added", "removed")


@dataclass(frozen=True)
class DiffRow:
    """One row of a side-by-side diff; a "skip" row stands for ``count`` hidden equal lines."""

    kind: str  # "equal" | "insert" | "delete" | "replace" | "skip"
    old_no: int | None
    new_no: int | None
    old_html: str
    new_html: str
    count: int = 0


@dataclass(frozen=True)
class UnitChange:
    """What happened to one unit (recommendation or section) between two versions."""

    key: str
    title: str
    kind: str
    change: str  # "unchanged" | "changed" | "added" | "removed"
    flags: tuple[str, ...]
    anchor: str


@dataclass(frozen=True)
class VersionDiff:
    """Everything the comparison page shows about two versions, and the patch between them."""

    rows: list[DiffRow]
    inline: str
    units: list[UnitChange]
    patch: str


class _Line(NamedTuple):
    # A tuple, not a dataclass: one is made per line of both versions, and that adds up.
    kind: str
    old_no: int | None
    new_no: int | None
    old: str
    new: str
    words: TokenDiff | None = None  # Only for "replace": the word diff of old and new.
    count: int = 0


def _split(text: str) -> list[str]:
    # A final newline ends the last line rather than starting an empty one.
    lines = text.split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def _lines(old: str, new: str) -> list[_Line]:
    lines: list[_Line] = []
    old_no = new_no = 1
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        nonlocal old_no, new_no
        # Deleted and inserted lines of one block are paired in order; the rest stand alone.
        for index in range(max(len(deleted), len(inserted))):
            if index < len(deleted) and index < len(inserted):
                words = diff_tokens(
                    split_words(deleted[index]), split_words(inserted[index]), semantic=True
                )
                line = _Line("replace", old_no, new_no, deleted[index], inserted[index], words)
            elif index < len(deleted):
                line = _Line("delete", old_no, None, deleted[index], "")
            else:
                line = _Line("insert", None, new_no, "", inserted[index])
            lines.append(line)
            old_no += line.old_no is not None
            new_no += line.new_no is not None
        deleted.clear()
        inserted.clear()

    for op, texts in diff_tokens(_split(old), _split(new)):
        if op == DELETE:
            deleted.extend(texts)
        elif op == INSERT:
            inserted.extend(texts)
        else:
            flush()
            for text in texts:
                lines.append(_Line("equal", old_no, new_no, text, text))
                old_no, new_no = old_no + 1, new_no + 1
    flush()
    return lines


def _collapse(lines: list[_Line], context: int | None) -> list[_Line]:
    if context is None:
        return lines
    context = max(context, 0)
    result: list[_Line] = []
    index = 0
    while index < len(lines):
        if lines[index].kind != "equal":
            result.append(lines[index])
            index += 1
            continue
        end = index
        while end < len(lines) and lines[end].kind == "equal":
            end += 1
        keep_head = context if index > 0 else 0
        keep_tail = context if end < len(lines) else 0
        hidden = end - index - keep_head - keep_tail
        # A skip row that hides a single line would take as much room as the line itself.
        if hidden < 2:
            result.extend(lines[index:end])
        else:
            first = lines[index + keep_head]
            result.extend(lines[index : index + keep_head])
            result.append(_Line("skip", first.old_no, first.new_no, "", "", count=hidden))
            result.extend(lines[end - keep_tail : end])
        index = end
    return result


_MARKUP = {EQUAL: "{}", DELETE: "<del>{}</del>", INSERT: "<ins>{}</ins>"}


def _words_html(words: TokenDiff, *, show: tuple[int, ...]) -> str:
    return "".join(
        _MARKUP[op].format(escape("".join(tokens))) for op, tokens in words if op in show
    )


def _row(line: _Line) -> DiffRow:
    if line.words is not None:
        old_html = _words_html(line.words, show=(EQUAL, DELETE))
        new_html = _words_html(line.words, show=(EQUAL, INSERT))
    else:
        old_html, new_html = escape(line.old), escape(line.new)
    return DiffRow(line.kind, line.old_no, line.new_no, old_html, new_html, line.count)


def _inline(lines: list[_Line]) -> Iterator[str]:
    for line in lines:
        if line.kind == "skip":
            yield f'<div class="line skip" data-count="{line.count}">⋯</div>'
            continue
        if line.words is not None:
            body = _words_html(line.words, show=(EQUAL, DELETE, INSERT))
        elif line.kind == "delete":
            body = f"<del>{escape(line.old)}</del>"
        elif line.kind == "insert":
            body = f"<ins>{escape(line.new)}</ins>"
        else:
            body = escape(line.new)
        yield f'<div class="line {line.kind}">{body}</div>'


def side_by_side(old: str, new: str, *, context: int | None = 3) -> list[DiffRow]:
    """Return side-by-side rows from ``old`` to ``new``, equal runs beyond ``context`` skipped."""
    return [_row(line) for line in _collapse(_lines(old, new), context)]


def inline_html(old: str, new: str, *, context: int | None = 3) -> str:
    """Return one escaped HTML column of lines with the changed words in <del> and <ins>."""
    return "\n".join(_inline(_collapse(_lines(old, new), context)))


def _change(unit: Unit, change: str, flags: tuple[str, ...] = ()) -> UnitChange:
    return UnitChange(unit.key, unit.title, unit.kind, change, flags, unit.anchor)


def _compare(old: Unit | None, new: Unit) -> UnitChange:
    if old is None:
        return _change(new, "added")
    grading = grading_flags(old, new)
    if old.text == new.text and not grading:
        return _change(new, "unchanged")
    return _change(new, "changed", (*clinical_flags(old.text, new.text), *grading))


def summarize_units(old: str, new: str) -> list[UnitChange]:
    """Return what happened to each unit, in new-document order, removed ones where they were."""
    old_units, new_units = split_units(old), split_units(new)
    old_by_key = {unit.key: unit for unit in old_units}
    new_keys = {unit.key for unit in new_units}
    # Each run of removed units follows the last unit before it that is still there (or
    # opens the list when there is none).
    removed_after: dict[str | None, list[Unit]] = defaultdict(list)
    kept: str | None = None
    for unit in old_units:
        if unit.key in new_keys:
            kept = unit.key
        else:
            removed_after[kept].append(unit)
    changes = [_change(gone, "removed") for gone in removed_after[None]]
    for unit in new_units:
        changes.append(_compare(old_by_key.get(unit.key), unit))
        changes.extend(_change(gone, "removed") for gone in removed_after[unit.key])
    return changes


def counts(units: list[UnitChange]) -> dict[str, int]:
    """Return how many units are unchanged, changed, added and removed."""
    tally = dict.fromkeys(CHANGES, 0)
    for unit in units:
        tally[unit.change] += 1
    return tally


def diff_versions(old: str, new: str, *, context: int | None = 3) -> VersionDiff:
    """Compare two versions: rows, inline column, unit summary and the patch from old to new."""
    lines = _collapse(_lines(old, new), context)
    return VersionDiff(
        rows=[_row(line) for line in lines],
        inline="\n".join(_inline(lines)),
        units=summarize_units(old, new),
        patch=make_patch(old, new),
    )
