"""Where the text of each heading, paragraph and table cell lies in a document, to the character.

Markdown tokens know their lines, not their characters, and a block's text leaves out what
starts its lines (block quote markers, list indentation) and what ends them. Only the block
parser knows those prefixes, while it reads the block, so its paragraph, heading and table
rules are wrapped to note, on each text token, the span of its text on every line it spans.
A block whose noted text does not read as the parser's own is left unnoted, and counted.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import MD_TRIM_CHARS
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

from guidelines.text.structure import markdown_parser

LINES = "segment_lines"  # token.meta key: the (start, end) of the text on each line, parsed body
UNPLACED = "segment_unplaced"  # env key: how many text blocks could not be located exactly
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# "##Besluit": hashes that the author meant as a heading, but CommonMark reads as text.
_UNSPACED_HASHES = re.compile(r"#{1,6}(?=[^\s#])")
# A kramdown attribute list closing a heading, "{#anchor}" or "{: .class}"; the dialect drops it.
_ATTRIBUTE_LIST = re.compile(r"[ \t]+\{[#:][^{}]*\}\Z")
_SPACE = " \t"

Span = tuple[int, int]
Locator = Callable[[StateBlock, list[Token]], None]


class BodyOffsets:
    """Map offsets in the parsed body (every line break made "\\n") to offsets in the text."""

    def __init__(self, text: str, body_start: int) -> None:
        self.parsed_starts = [0]
        self.text_starts = [body_start]
        for match in _LINE_BREAK.finditer(text, body_start):
            line_length = match.start() - self.text_starts[-1]
            self.parsed_starts.append(self.parsed_starts[-1] + line_length + 1)
            self.text_starts.append(match.end())

    def __call__(self, parsed: int) -> int:
        """Return the offset in the text of offset ``parsed`` in the parsed body."""
        line = bisect_right(self.parsed_starts, parsed) - 1
        return self.text_starts[line] + parsed - self.parsed_starts[line]

    def line_start(self, parsed: int) -> int:
        """Return where, in the text, the line holding ``parsed`` starts."""
        return self.text_starts[bisect_right(self.parsed_starts, parsed) - 1]


def located_parser() -> MarkdownIt:
    """Return a new parser of the workbench dialect that notes where each block's text lies."""
    md = markdown_parser(inline=False)
    locators: dict[str, Locator] = {
        "paragraph": _locate_paragraph,
        "lheading": _locate_setext_heading,
        "heading": _locate_heading,
        "table": _locate_table,
    }
    for name, locate in locators.items():
        rule = next(rule for rule in md.block.ruler.__rules__ if rule.name == name)
        md.block.ruler.at(name, _located(rule.fn, locate), {"alt": list(rule.alt)})
    return md


def _located(original: Any, locate: Locator) -> Any:
    def rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        first_token = len(state.tokens)
        if not original(state, start_line, end_line, silent):
            return False
        if not silent:  # a silent call only asks whether a block could start here
            locate(state, state.tokens[first_token:])
        return True

    return rule


def _trimmed(src: str, span: Span, *, left: str, right: str) -> Span:
    """Return ``span`` without the ``left`` characters it starts with and ``right`` it ends with."""
    start, end = span
    text = src[start:end]
    start += len(text) - len(text.lstrip(left))
    end -= len(text) - len(text.rstrip(right))
    return start, max(start, end)


def _paragraph_lines(state: StateBlock, first: int, last: int) -> list[Span]:
    """Return the text of body lines ``first`` to ``last`` (exclusive) without their syntax."""
    lines = []
    for line in range(first, last):
        # bMarks and tShift are the block parser's: past block quote markers and indentation.
        span = (state.bMarks[line] + state.tShift[line], state.eMarks[line])
        lines.append(_trimmed(state.src, span, left=_SPACE, right=_SPACE))
    # The parser trims the text as a whole, Unicode spaces too: whole lines of them vanish.
    while lines:
        lines[0] = _trimmed(state.src, lines[0], left=MD_TRIM_CHARS, right=_SPACE)
        if lines[0][0] < lines[0][1]:
            break
        lines.pop(0)
    while lines:
        lines[-1] = _trimmed(state.src, lines[-1], left=_SPACE, right=MD_TRIM_CHARS)
        if lines[-1][0] < lines[-1][1]:
            break
        lines.pop()
    return lines


def _loose(text: str) -> str:
    return "\n".join(line.strip(_SPACE) for line in text.split("\n"))


def _locate_lines(state: StateBlock, token: Token) -> list[Span] | None:
    if not token.map:
        return None
    lines = _paragraph_lines(state, *token.map)
    found = "\n".join(state.src[start:end] for start, end in lines)
    return lines if lines and _loose(found) == _loose(token.content) else None


def _locate_paragraph(state: StateBlock, tokens: list[Token]) -> None:
    token = tokens[1]
    lines = _locate_lines(state, token)
    if lines:
        start, end = lines[0]
        if state.src.startswith("\ufeff", start):  # a byte order mark is no text to translate
            start, end = _trimmed(state.src, (start + 1, end), left=MD_TRIM_CHARS, right="")
        hashes = _UNSPACED_HASHES.match(state.src, start, end)
        lines[0] = (hashes.end() if hashes else start, end)
        lines = [line for line in lines if line[0] < line[1]]
        if not lines:
            return  # nothing but a byte order mark
    _place(state, token, lines)


def _locate_setext_heading(state: StateBlock, tokens: list[Token]) -> None:
    token = tokens[1]
    lines = _locate_lines(state, token)
    if lines:
        lines[-1] = _without_attributes(state.src, lines[-1])
    _place(state, token, lines)


def _locate_heading(state: StateBlock, tokens: list[Token]) -> None:
    token = tokens[1]
    line = token.map[0] if token.map else 0
    start, end = state.bMarks[line] + state.tShift[line], state.eMarks[line]
    # The heading's text is its line without the hashes and the spaces around it.
    after_hashes = start + len(state.src[start:end]) - len(state.src[start:end].lstrip("#"))
    found = state.src.find(token.content, after_hashes, end) if token.content else -1
    if found < 0:
        _place(state, token, None)
        return
    _place(state, token, [_without_attributes(state.src, (found, found + len(token.content)))])


def _without_attributes(src: str, span: Span) -> Span:
    attributes = _ATTRIBUTE_LIST.search(src[span[0] : span[1]])
    return (span[0], span[0] + attributes.start()) if attributes else span


def _locate_table(state: StateBlock, tokens: list[Token]) -> None:
    cells: list[Span] = []
    column = 0
    for token in tokens:
        if token.type == "tr_open" and token.map:
            line = token.map[0]
            row = (state.bMarks[line] + state.tShift[line], state.eMarks[line])
            cells, column = _row_cells(state.src, row), 0
        elif token.type == "inline":
            # The parser gives a row as many cells as the header; the cells past them vanish.
            if column < len(cells) and token.content:
                span = _trimmed(state.src, cells[column], left=MD_TRIM_CHARS, right=MD_TRIM_CHARS)
                exact = state.src[span[0] : span[1]].replace("\\|", "|") == token.content
                _place(state, token, [span] if exact else None)
            column += 1


def _row_cells(src: str, row: Span) -> list[Span]:
    """Split a table row into cells as the table rule does: at each pipe not after a backslash."""
    start, end = _trimmed(src, row, left=MD_TRIM_CHARS, right=MD_TRIM_CHARS)
    cells = []
    cell_start, escaped = start, False
    for position in range(start, end):
        character = src[position]
        if character == "|" and not escaped:
            cells.append((cell_start, position))
            cell_start = position + 1
        escaped = character == "\\"
    cells.append((cell_start, end))
    # Pipes at both ends of the row enclose it; they do not open or close an empty cell.
    if cells and cells[0][0] == cells[0][1]:
        cells.pop(0)
    if cells and cells[-1][0] == cells[-1][1]:
        cells.pop()
    return cells


def _place(state: StateBlock, token: Token, lines: list[Span] | None) -> None:
    if lines:
        token.meta[LINES] = lines
    elif token.content.strip():
        state.env[UNPLACED] = state.env.get(UNPLACED, 0) + 1
