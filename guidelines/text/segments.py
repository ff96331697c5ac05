"""Segments: the pieces of a source version that translators translate, and the rebuild.

A segment is the inline text of one heading, paragraph, list item paragraph, block quote
paragraph, table cell or recommendation paragraph. The Markdown syntax around it (heading
hashes, also "##" without a space, list markers, indentation, ``>`` markers, table pipes,
container fences with their GRADE attributes, a heading's ``{#id}``) is not part of it, and
what lies inside it but must not be translated is a placeholder (see ``placeholders.py``).
Front matter, code blocks and blocks with nothing but placeholders are not segments.

A paragraph may span lines: its ``source`` joins them with "\\n" and leaves out what starts
each continuation line (indentation, ``>``) and the white space that ends each line. ``restore``
returns text in that same form; the rebuild puts the line prefixes back, line by line (lines a
translation adds get the prefix of the last one), so ``rebuild_document(text, sources) == text``
exactly.

Keys are ``<scope>/<code><ordinal>``, counted within their scope only, so that an edit in one
section never changes the keys of another. The scope is the anchor of the section (``s-`` and
the heading's slug, as rendered; ``preamble`` before the first heading) or, inside a
recommendation block, the block's anchor (``rec-r3-1``). Codes: ``h`` the heading itself,
``p<n>`` a paragraph, ``li<n>`` a paragraph in a list item (nested lists count on), ``q<n>``
a paragraph in a block quote, ``td<t>.<r>.<c>`` table t, row r (the header is row 1), column
c. A recommendation's first paragraph is keyed by the block's anchor alone (``rec-r3-1``), the
next ones ``rec-r3-1/p2``... Ordinals count segments only: a paragraph with nothing to
translate (a lone Liquid tag or HTML line) is not one. Renaming a heading changes the keys in
its section, and so does an edit within the section before a segment of the same code; anchors
of headings with the same title are numbered in order (``s-notes``, ``s-notes-2``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markdown_it.token import Token

from guidelines.text.block_text import LINES, UNPLACED, BodyOffsets, located_parser
from guidelines.text.frontmatter import body_offset, line_count
from guidelines.text.placeholders import (
    count_problems,
    has_words,
    install_span_recorders,
    protect,
    substitute,
)
from guidelines.text.structure import (
    BLOCK_NAME,
    HEADING_PREFIX,
    PREAMBLE_KEY,
    RECOMMENDATION_PREFIX,
    plain_text,
    slugify,
)

HEADING = "heading"
PARAGRAPH = "paragraph"
LIST_ITEM = "list_item"
TABLE_CELL = "table_cell"
RECOMMENDATION = "recommendation"
BLOCKQUOTE = "blockquote"
_CODES = {PARAGRAPH: "p", LIST_ITEM: "li", BLOCKQUOTE: "q", RECOMMENDATION: "p"}
_CONTAINERS = {
    "blockquote_open": BLOCKQUOTE,
    "list_item_open": LIST_ITEM,
    f"container_{BLOCK_NAME}_open": RECOMMENDATION,
}
_CONTAINER_CLOSES = frozenset(name.replace("_open", "_close") for name in _CONTAINERS)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NEWLINES = re.compile(r"\r\n?")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
# Line starts that would open a new Markdown block inside a paragraph, and what they open. Only
# some blocks interrupt a paragraph; the first line of a paragraph can open any block.
_INTERRUPTIONS = (
    (re.compile(r"#{1,6}(?:[ \t]|$)"), "a heading"),
    (re.compile(r"(?:[-*_][ \t]*){3,}$"), "a horizontal rule"),
    (re.compile(r">"), "a block quote"),
    # Apart: a ":::" that opened nothing in the source says nothing about a "```".
    (re.compile(r"```|~~~"), "a fenced code block"),
    (re.compile(r":::"), "a ::: block"),
    (re.compile(r"[-+*][ \t]+\S"), "a list item"),
    (re.compile(r"1[.)][ \t]+\S"), "a numbered list item"),
)
_LIST_ITEMS = (
    (re.compile(r"[-+*](?:[ \t]|$)"), "a list item"),
    (re.compile(r"\d{1,9}[.)](?:[ \t]|$)"), "a numbered list item"),
)
_FIRST_LINE_BLOCKS = (
    *_LIST_ITEMS,
    # "[1]: zie bijlage" would be read as a link's definition, and the paragraph would vanish.
    (re.compile(r"\[(?:[^\\\[\]]|\\.)+\]:"), "a link reference definition"),
)
_CONTINUATION_BLOCKS = (
    (re.compile(r"(?:=+|-+)[ \t]*$"), "a heading underline"),
    # "--- | ---" under "x | y" turns the lines above it into a table's header row.
    (re.compile(r"(?=.*\|)(?=.*-)[|:-][ \t|:-]*$"), "a table"),
)
# A list item's or quote's line that is not indented (or has no ">") continues it lazily; there
# any list item ends it, "2) x" too, not only the "1." that may interrupt a paragraph.
_LAZY_KINDS = frozenset({LIST_ITEM, BLOCKQUOTE})
SEGMENTS_CACHE_SIZE = 32


@dataclass(frozen=True)
class Segment:
    """One translatable piece of a document: what the translator sees, and where it lies."""

    key: str
    kind: str
    source: str
    path: str
    placeholders: tuple[str, ...]
    start: int
    end: int
    # A heading underlined with "===" or "---": its lines are read like a paragraph's, so a
    # translated line could open another block, as in a paragraph.
    setext: bool = False


class PlaceholderError(ValueError):
    """A translation that cannot replace its segment; the message names the key and problems."""


@dataclass(frozen=True)
class _Piece:
    """A segment and the syntax between its lines, which a rebuild puts back."""

    segment: Segment
    separators: tuple[str, ...]  # what joins line i and line i+1 in the document
    continuation: str  # what joins lines that the translation adds


@dataclass(frozen=True)
class _Segmentation:
    pieces: tuple[_Piece, ...]
    unplaced: int  # text blocks left whole because their text could not be located exactly


def segment_document(text: str) -> list[Segment]:
    """Split ``text`` into the segments a translator translates, in document order."""
    return [piece.segment for piece in _segmentation(text).pieces]


def placeholder_problems(segment: Segment, target: str) -> list[str]:
    """Describe what keeps ``target`` from replacing ``segment``; [] when nothing does."""
    target = _NEWLINES.sub("\n", target)
    problems = count_problems(len(segment.placeholders), target)
    if not target.strip():
        problems.append("the translation is empty")
    one_line = segment.kind == TABLE_CELL or (
        segment.kind == HEADING and "\n" not in segment.source
    )
    if one_line and "\n" in target.strip():
        problems.append(f"a {segment.kind.replace('_', ' ')} must stay on one line")
    elif _BLANK_LINE.search(target.strip()):
        problems.append("a blank line would split the text in two")
    if segment.kind == TABLE_CELL and _UNESCAPED_PIPE.search(target):
        problems.append("an unescaped '|' would split the table cell; write '\\|'")
    elif (
        segment.setext
        and _UNESCAPED_PIPE.search(target)
        and not _UNESCAPED_PIPE.search(segment.source)
    ):
        # Above a "---" underline, a line with a "|" is a table's header row.
        problems.append("an unescaped '|' would make the heading a table; write '\\|'")
    if segment.kind == TABLE_CELL or (segment.kind == HEADING and not segment.setext):
        return problems  # after "## " or inside "| |", no text opens a block
    source_lines = segment.source.split("\n")
    lazy = segment.kind in _LAZY_KINDS
    # What the source's own lines look like they open, they evidently did not: a translation may
    # keep it, at the same place (first line, or a later one), where it opens nothing either.
    already = {
        (number > 0, what)
        for number, line in enumerate(source_lines)
        if (what := _opens(line, number, lazy))
    }
    for number, line in enumerate(target.strip().split("\n")):
        what = _opens(line, number, lazy)
        if what and (number > 0, what) not in already:
            problems.append(f"line {number + 1} would start {what}")
    return problems


def _opens(line: str, number: int, lazy: bool = False) -> str | None:
    """Return what block ``line`` would open as line ``number`` (from 0) of a paragraph
    (``lazy``: of a paragraph in a list item or block quote)."""
    stripped = line.lstrip(" \t")
    if not number:
        patterns = _FIRST_LINE_BLOCKS + _INTERRUPTIONS
    else:
        patterns = _CONTINUATION_BLOCKS + (_LIST_ITEMS if lazy else ()) + _INTERRUPTIONS
    return next((what for pattern, what in patterns if pattern.match(stripped)), None)


def restore(segment: Segment, target: str) -> str:
    """Return ``target`` with its placeholders replaced by the originals, or raise."""
    target = _NEWLINES.sub("\n", target)
    problems = placeholder_problems(segment, target)
    if problems:
        raise PlaceholderError(f"segment {segment.key}: {'; '.join(problems)}")
    return substitute(target, segment.placeholders)


def rebuild_document(text: str, targets: Mapping[str, str]) -> str:
    """Return ``text`` with each segment replaced by its restored target, if ``targets`` has one.

    Keys in ``targets`` that are not segments of ``text`` are ignored.
    """
    parts: list[str] = []
    position = 0
    for piece in _segmentation(text).pieces:
        segment = piece.segment
        target = targets.get(segment.key)
        if target is None:
            continue
        parts.append(text[position : segment.start])
        parts.append(_assemble(piece, restore(segment, target)))
        position = segment.end
    parts.append(text[position:])
    return "".join(parts)


def _assemble(piece: _Piece, restored: str) -> str:
    """Put the syntax that starts and ends each line back between the lines of ``restored``."""
    lines = [line.strip(" \t") for line in restored.strip(" \t\n").split("\n")]
    parts = [lines[0]]
    for number, line in enumerate(lines[1:]):
        separators = piece.separators
        parts.append(separators[number] if number < len(separators) else piece.continuation)
        parts.append(line)
    return "".join(parts)


_PARSER = located_parser()
install_span_recorders(_PARSER)


@lru_cache(maxsize=SEGMENTS_CACHE_SIZE)
def _segmentation(text: str) -> _Segmentation:
    # Source versions never change, and a rebuild usually follows a segmentation of its text.
    start = body_offset(text)
    env: dict[str, Any] = {"line_offset": line_count(text[:start])}
    tokens = _PARSER.parse(text[start:], env)
    pieces = _Walk(text, env, BodyOffsets(text, start)).pieces(tokens)
    return _Segmentation(tuple(pieces), env.get(UNPLACED, 0))


class _Walk:
    """Walk the tokens in order, knowing the section, the containers and the counts so far."""

    def __init__(self, text: str, env: dict[str, Any], offsets: BodyOffsets) -> None:
        self.text = text
        self.env = env
        self.offsets = offsets
        self.section = PREAMBLE_KEY
        self.headings: list[tuple[int, str]] = []
        self.containers: list[tuple[str, str]] = []  # kind, and a recommendation's anchor
        self.counts: dict[str, Counter[str]] = {}
        self.anchors: set[str] = set()
        self.table = self.row = self.column = 0

    @property
    def scope(self) -> str:
        """Return the anchor keys count within: the recommendation block's, or the section's."""
        blocks = [anchor for kind, anchor in self.containers if kind == RECOMMENDATION]
        return blocks[-1] if blocks else self.section

    def count(self, code: str) -> int:
        """Count one more ``code`` in the current scope and return the count."""
        counter = self.counts.setdefault(self.scope, Counter())
        counter[code] += 1
        return counter[code]

    def pieces(self, tokens: list[Token]) -> list[_Piece]:
        """Return the pieces of the located text blocks among ``tokens``."""
        pieces: list[_Piece] = []
        for index, token in enumerate(tokens):
            if token.type in _CONTAINERS:
                kind = _CONTAINERS[token.type]
                anchor = self._block_anchor(token) if kind == RECOMMENDATION else ""
                self.containers.append((kind, anchor))
            elif token.type in _CONTAINER_CLOSES:
                self.containers.pop()
            elif token.type == "heading_open":
                self._open_section(token, tokens[index + 1])
            elif token.type == "table_open":
                self.table, self.row = self.count("td"), 0
            elif token.type == "tr_open":
                self.row, self.column = self.row + 1, 0
            elif token.type in ("th_open", "td_open"):
                self.column += 1
            elif token.type == "inline" and LINES in token.meta:
                piece = self._piece(token, tokens[index - 1])
                if piece is not None:
                    pieces.append(piece)
        return pieces

    def _open_section(self, heading: Token, inline: Token) -> None:
        level = int(heading.tag[1:])
        title = str(heading.meta.get("title") or plain_text(inline.children))
        self.headings = [*(h for h in self.headings if h[0] < level), (level, title)]
        # The rendered heading's id, so that a segment links to its section on the page.
        anchor = heading.attrGet("id")
        self.section = str(anchor) if anchor else self._unique(HEADING_PREFIX, title)

    def _block_anchor(self, container: Token) -> str:
        recommendation = container.meta.get("recommendation")
        anchor = getattr(recommendation, "anchor", "")
        if anchor:
            return str(anchor)
        words = container.info.split()
        return self._unique(RECOMMENDATION_PREFIX, words[1] if len(words) > 1 else "")

    def _unique(self, prefix: str, name: str) -> str:
        base = prefix + (slugify(name) or str(len(self.anchors) + 1))
        anchor, number = base, 2
        while anchor in self.anchors:
            anchor, number = f"{base}-{number}", number + 1
        self.anchors.add(anchor)
        return anchor

    def _piece(self, token: Token, opening: Token) -> _Piece | None:
        text, offsets = self.text, self.offsets
        lines: list[tuple[int, int]] = token.meta[LINES]
        spans = [(offsets(start), offsets(end)) for start, end in lines]
        source, placeholders = protect("\n".join(text[s:e] for s, e in spans), _PARSER, self.env)
        if not has_words(source):
            return None
        kind, key = self._name(opening.type)
        path = " > ".join(title for _level, title in self.headings)
        setext = opening.type == "heading_open" and opening.markup in ("=", "-")
        segment = Segment(key, kind, source, path, placeholders, spans[0][0], spans[-1][1], setext)
        separators = tuple(text[spans[i][1] : spans[i + 1][0]] for i in range(len(spans) - 1))
        if separators:
            continuation = separators[-1].lstrip(" \t")
        else:
            # A one-line paragraph's next line is indented as its first line's text starts.
            prefix = text[offsets.line_start(lines[0][0]) : spans[0][0]]
            line_break = _LINE_BREAK.search(text, spans[0][1])
            continuation = (line_break.group() if line_break else "\n") + "".join(
                character if character in " \t>" else " " for character in prefix
            )
        return _Piece(segment, separators, continuation)

    def _name(self, parent: str) -> tuple[str, str]:
        """Return the kind and key of the next segment, whose block opens with ``parent``."""
        if parent == "heading_open":
            return HEADING, f"{self.section}/h"
        if parent in ("th_open", "td_open"):
            return TABLE_CELL, f"{self.scope}/td{self.table}.{self.row}.{self.column}"
        kind = self.containers[-1][0] if self.containers else PARAGRAPH
        number = self.count(_CODES[kind])
        if kind == RECOMMENDATION and number == 1:
            return kind, self.scope
        return kind, f"{self.scope}/{_CODES[kind]}{number}"
