"""The outline of a guideline text: its top-level headings and its recommendation blocks.

markdown-it spends ~10 ms on 60 KB of text, nearly all of it on blocks that the outline never
looks at. ``scan_outline`` reads the outline with a line scanner instead, but only in a subset
of Markdown where the scanner provably reads what markdown-it reads; for any other text it
returns None, and ``read_outline`` asks markdown-it.

Why the subset is safe: an ATX heading, a code fence or a ``:::`` block opening in column 0 can
neither continue a paragraph lazily nor sit in a list item or indented code, so it is top-level
unless a top-level fence or block hides it, and those the scanner follows exactly. Whatever
could break that reading sends the text to markdown-it: a possible setext underline, a heading,
fence or ``:::`` line indented 1-3 spaces (top-level or in a list item?), a ``:::`` line behind
quote or list markers or inside a block, a ``|`` on an outline line (a table's first row?), a
nested heading (its id would shift later anchors), a link in a heading when the text may define
references, and carriage returns or NUL characters (markdown-it rewrites them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from markdown_it.common.utils import mdTrim

from guidelines.text.dialect import (
    HEADING_PREFIX,
    BlockReader,
    Recommendation,
    RecommendationError,
    heading_title,
    is_block_info,
    slugify,
    tokenize,
    unique_anchor,
)
from guidelines.text.frontmatter import body_offset, line_count

# Every line that could matter to the outline: a possible setext underline, or a heading, "```",
# "~~~" or ":::" after indentation, quote or list markers (or digits and dots that only look so).
_CANDIDATE = re.compile(
    r"(?P<rule>[ \t>]*(?:=+|-+)[ \t]*\Z)"
    r"|(?P<prefix>[ \t>*+\-0-9.)]*)(?:#{1,6}(?:[ \t]|\Z)|:::|```|~~~)"
)
_CANDIDATE_FIRST = frozenset(" \t>*+-0123456789.)#:`~=")


@dataclass(frozen=True)
class OutlineHeading:
    """A top-level heading: its body lines (0-based, end excluded), level, title and anchor.

    The anchor is blank in a text with recommendation blocks: its units are the blocks, and the
    scanner skips the headings inside blocks, whose ids would shift the anchors after them.
    """

    line: int
    end: int
    level: int
    title: str
    anchor: str


@dataclass(frozen=True)
class Outline:
    """What structure reads from a text: body lines, top-level headings and blocks."""

    lines: list[str]
    line_offset: int
    headings: tuple[OutlineHeading, ...]
    recommendations: tuple[Recommendation, ...]
    problems: tuple[RecommendationError, ...]


def read_outline(text: str) -> Outline:
    """Return the outline of ``text`` (front matter skipped), by the fastest exact way."""
    return scan_outline(text) or parse_outline(text)


def parse_outline(text: str) -> Outline:
    """Return the outline of ``text`` as markdown-it reads it."""
    tokens, env = tokenize(text)
    headings = tuple(
        OutlineHeading(
            line=token.map[0],
            end=token.map[1],
            level=int(token.tag[1:]),
            title=token.meta["title"],
            anchor=token.meta["anchor"],
        )
        for token in tokens
        if token.type == "heading_open" and token.level == 0 and token.map
    )
    return Outline(
        lines=env["lines"],
        line_offset=env["line_offset"],
        headings=_without_anchors(headings) if env["recommendations"] else headings,
        recommendations=tuple(env["recommendations"]),
        problems=tuple(env["problems"]),
    )


def scan_outline(text: str) -> Outline | None:
    """Return the outline of ``text`` read line by line, or None if only markdown-it can tell."""
    offset = body_offset(text)
    body = text[offset:]
    if "\r" in body or "\0" in body:
        return None
    lines = body.split("\n")
    found = _scan(lines)
    if found is None:
        return None
    raw_headings, blocks = found
    if "]:" in body and any("[" in lines[line] for line, _level in raw_headings):
        return None  # a link in a heading could use a reference defined anywhere
    used: set[str] = set()
    numbers: dict[str, int] = {}
    headings: list[OutlineHeading] = []
    for line, level in raw_headings:
        title = heading_title(_heading_text(lines[line], level))
        anchor = unique_anchor(HEADING_PREFIX + (slugify(title) or "section"), used, numbers)
        headings.append(OutlineHeading(line, line + 1, level, title, anchor))
    reader = BlockReader(lines, line_count(text[:offset]))
    for info, start, end in blocks:
        reader.read(info, start, end)
    return Outline(
        lines=lines,
        line_offset=reader.line_offset,
        headings=_without_anchors(headings) if blocks else tuple(headings),
        recommendations=tuple(reader.recommendations),
        problems=tuple(reader.problems),
    )


def _scan(lines: list[str]) -> tuple[list[tuple[int, int]], list[tuple[str, int, int]]] | None:
    """Find the top-level ATX headings (line, level) and blocks (info, start, end), or None."""
    headings: list[tuple[int, int]] = []
    blocks: list[tuple[str, int, int]] = []
    nested_heading = False
    fence: tuple[str, int] | None = None  # marker and length of the open top-level fence
    block: tuple[str, int, int] | None = None  # info, line and colons of the open block
    for number, line in enumerate(lines):
        if not line or line[0] not in _CANDIDATE_FIRST:
            continue  # most lines: prose
        match = _CANDIDATE.match(line)
        if match is None:
            continue
        if fence is not None:
            if _closes(line, *fence):
                fence = None
        elif block is not None:
            if _closes(line, ":", block[2]):
                blocks.append((block[0], block[1], number))
                block = None
            elif ":::" in line:
                return None  # a block inside the block, perhaps
        elif match.group("rule") is not None:
            if number and lines[number - 1].strip(" \t"):
                return None  # a setext underline, perhaps
        elif prefix := match.group("prefix"):
            marker = line[len(prefix)]
            if len(prefix) < 4 and not prefix.strip(" ") or marker == ":":
                return None  # top-level or in a list item? a block in a quote or list?
            nested_heading = nested_heading or marker == "#"
        elif "|" in line:
            return None  # a table's header row, if the next line were a delimiter row
        elif line[0] == "#":
            headings.append((number, len(line) - len(line.lstrip("#"))))
        elif line[0] == ":":
            colons = len(line) - len(line.lstrip(":"))
            if is_block_info(line[colons:]):
                block = (line[colons:], number, colons)
        else:
            length = len(line) - len(line.lstrip(line[0]))
            if line[0] == "~" or "`" not in line[length:]:
                fence = (line[0], length)
    if block is not None:
        # markdown-it counts no last line of only spaces and tabs.
        end = len(lines) - 1 if not lines[-1].strip(" \t") else len(lines)
        blocks.append((block[0], block[1], end))
    if nested_heading:
        return None  # its id, unseen here, could take the anchor of a later heading
    return headings, blocks


def _without_anchors(headings: Sequence[OutlineHeading]) -> tuple[OutlineHeading, ...]:
    return tuple(replace(heading, anchor="") for heading in headings)


def _closes(line: str, marker: str, length: int) -> bool:
    """Tell whether ``line`` closes a fence of ``length`` markers, as markdown-it does."""
    stripped = line.lstrip(" ")
    if len(line) - len(stripped) > 3:
        return False
    run = len(stripped) - len(stripped.lstrip(marker))
    return run >= length and not stripped[run:].strip(" \t")


def _heading_text(line: str, level: int) -> str:
    """Return the text of an ATX heading line, cut as markdown-it's heading rule cuts it."""
    end = level + len(line[level:].rstrip(" \t"))
    closing = level + len(line[level:end].rstrip("#"))
    if closing > level and line[closing - 1] in " \t":
        end = closing
    return mdTrim(line[level:end])
