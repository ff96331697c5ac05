"""The sections of a text, for search: one per top-level heading, its body as plain text.

A search hit names a section and links to its anchor, so the anchors here are the ones the
renderer gives the headings. The body is reduced to plain text by a line-wise pass of regular
expressions rather than a Markdown parser: search needs the words, and the snippets it shows
are escaped, so an unusual construct costs at most a stray character in a snippet; markdown-it
would cost a third of a full reindex.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from guidelines.text.dialect import tokenize
from guidelines.text.outline import read_outline

_FENCE = re.compile(r"\s{0,3}(?:```|~~~|:::)")
_TABLE_RULE = re.compile(r"\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*\Z")
_LINE_MARKERS = re.compile(r"\A\s{0,3}(?:>\s?)*(?:#{1,6}\s+|[-*+]\s+|\d{1,9}[.)]\s+)?")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\[[^\]]*\])")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_ATTRIBUTES = re.compile(r"\s*\{#[^{}]*\}\s*\Z")
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3}|~~|`+)")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_SPACES = re.compile(r"[ \t\u00a0]+")


@dataclass(frozen=True)
class Section:
    """The text under one top-level heading (or before the first), ready to be indexed."""

    heading: str
    path: tuple[str, ...]
    anchor: str
    text: str
    strengths: tuple[str, ...] = ()
    certainties: tuple[str, ...] = ()


def split_sections(text: str, *, title: str = "") -> list[Section]:
    """Return the sections of ``text`` that hold any words; ``title`` names the preamble."""
    outline = read_outline(text)
    headings = outline.headings
    anchors = [heading.anchor for heading in headings]
    if outline.recommendations:
        # The outline leaves headings unanchored here; markdown-it numbers them all.
        anchors = _rendered_anchors(text, len(headings)) or anchors
    lines = outline.lines
    starts = [heading.line for heading in headings] + [len(lines)]
    blocks = [(rec.line - 1 - outline.line_offset, rec) for rec in outline.recommendations]
    sections: list[Section] = []

    def add(heading: str, path: tuple[str, ...], anchor: str, start: int, end: int) -> None:
        body = plain_text_of(lines[start:end])
        if not body:
            return
        inside = [rec for line, rec in blocks if start <= line < end]
        sections.append(
            Section(
                heading=heading,
                path=path,
                anchor=anchor,
                text=body,
                strengths=_distinct(rec.strength for rec in inside),
                certainties=_distinct(rec.certainty for rec in inside),
            )
        )

    add(title, (title,) if title else (), "", 0, starts[0])
    trail: list[tuple[int, str]] = []
    for index, heading in enumerate(headings):
        while trail and trail[-1][0] >= heading.level:
            trail.pop()
        trail.append((heading.level, heading.title))
        path = tuple(name for _level, name in trail)
        add(heading.title, path, anchors[index], heading.end, starts[index + 1])
    return sections


def plain_text_of(lines: list[str]) -> str:
    """Return Markdown lines as plain text: paragraphs on lines of their own, markup dropped."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if not line.strip() or _FENCE.match(line) or _TABLE_RULE.match(line):
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        words = plain_line(line)
        if words:
            current.append(words)
    if current:
        paragraphs.append(" ".join(current))
    return "\n".join(paragraphs)


def plain_line(line: str) -> str:
    """Return one line of Markdown as plain text."""
    line = _LINE_MARKERS.sub("", line, count=1)
    line = _ATTRIBUTES.sub("", line)
    line = _IMAGE.sub(r"\1", line)
    line = _LINK.sub(r"\1", line)
    line = _AUTOLINK.sub(r"\1", line)
    line = _TAG.sub(" ", line)
    line = _EMPHASIS.sub("", line)
    line = _ESCAPE.sub(r"\1", line)
    if "|" in line:
        line = line.replace("|", " ")
    if "&" in line:
        line = html.unescape(line)
    return _SPACES.sub(" ", line).strip()


def _rendered_anchors(text: str, count: int) -> list[str] | None:
    tokens, _env = tokenize(text)
    anchors = [
        token.meta.get("anchor", "")
        for token in tokens
        if token.type == "heading_open" and token.level == 0 and token.map
    ]
    return anchors if len(anchors) == count else None


def _distinct(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value))
