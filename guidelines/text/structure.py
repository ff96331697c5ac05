"""The structure of a guideline text: units of decision, from its headings and recommendations.

The Markdown dialect and the recommendation blocks are read in ``dialect.py``; the outline
(top-level headings and blocks) in ``outline.py``. Names that other modules import from here
are re-exported.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from guidelines.text.dialect import (
    ATTRIBUTES,
    BLOCK_NAME,
    CERTAINTIES,
    DIRECTIONS,
    HEADING_PREFIX,
    PREAMBLE_KEY,
    RECOMMENDATION_PREFIX,
    STRENGTHS,
    Recommendation,
    RecommendationError,
    is_safe_url,
    markdown_parser,
    plain_text,
    slugify,
    tokenize,
    trim_lines,
)
from guidelines.text.hashing import sha256_text
from guidelines.text.outline import Outline, read_outline

__all__ = [
    "ATTRIBUTES",
    "BLOCK_NAME",
    "CERTAINTIES",
    "DIRECTIONS",
    "HEADING_PREFIX",
    "PREAMBLE_KEY",
    "RECOMMENDATION_PREFIX",
    "STRENGTHS",
    "UNITS_CACHE_SIZE",
    "Recommendation",
    "RecommendationError",
    "Unit",
    "clear_units_cache",
    "is_safe_url",
    "markdown_parser",
    "parse_recommendations",
    "plain_text",
    "slugify",
    "split_units",
    "tokenize",
]

UNITS_CACHE_SIZE = 64


@dataclass(frozen=True)
class Unit:
    """A unit of decision: a recommendation block, or the text directly under one heading."""

    key: str
    kind: str
    title: str
    text: str
    anchor: str
    strength: str | None = None
    certainty: str | None = None
    direction: str | None = None


_units_cache: OrderedDict[str, tuple[Unit, ...]] = OrderedDict()
_units_lock = threading.Lock()


def parse_recommendations(text: str, *, strict: bool = False) -> list[Recommendation]:
    """Return the recommendation blocks of ``text``; with ``strict``, refuse malformed ones."""
    outline = read_outline(text)
    if strict and outline.problems:
        raise outline.problems[0]
    return list(outline.recommendations)


def split_units(text: str) -> list[Unit]:
    """Split ``text`` into units of decision: its recommendation blocks, or else its sections."""
    # Versions never change, and a comparison page splits the same two texts on every view.
    key = sha256_text(text)
    with _units_lock:
        units = _units_cache.get(key)
        if units is not None:
            _units_cache.move_to_end(key)
            return list(units)
    units = tuple(units_of(read_outline(text)))
    with _units_lock:
        _units_cache[key] = units
        while len(_units_cache) > UNITS_CACHE_SIZE:
            _units_cache.popitem(last=False)
    return list(units)


def clear_units_cache() -> None:
    """Forget every split text (for benchmarks that compare cold and cached splitting)."""
    with _units_lock:
        _units_cache.clear()


def units_of(outline: Outline) -> list[Unit]:
    """Return the units of decision of an outline, uncached."""
    if outline.recommendations:
        return _recommendation_units(outline)
    return _section_units(outline)


def _recommendation_units(outline: Outline) -> list[Unit]:
    units: list[Unit] = []
    headings = iter(outline.headings)
    following = next(headings, None)
    heading = ""
    for rec in outline.recommendations:
        # A block is under the last top-level heading above its opening line.
        while following is not None and following.line < rec.line - 1 - outline.line_offset:
            heading = following.title
            following = next(headings, None)
        units.append(
            Unit(
                key=rec.key,
                kind="recommendation",
                title=f"{rec.key} — {heading}" if heading else rec.key,
                text=rec.text,
                anchor=rec.anchor,
                strength=rec.strength,
                certainty=rec.certainty,
                direction=rec.direction,
            )
        )
    return units


def _section_units(outline: Outline) -> list[Unit]:
    # Only top-level headings cut the text: one inside a list or quote belongs to its section.
    headings, lines = outline.headings, outline.lines
    units: list[Unit] = []
    first = headings[0].line if headings else len(lines)
    preamble = trim_lines(lines[:first])
    if preamble:
        units.append(Unit(key=PREAMBLE_KEY, kind="section", title="", text=preamble, anchor=""))
    used = {PREAMBLE_KEY} if preamble else set()
    path: list[tuple[int, str]] = []
    for index, heading in enumerate(headings):
        while path and path[-1][0] >= heading.level:
            path.pop()
        path.append((heading.level, heading.title))
        end = headings[index + 1].line if index + 1 < len(headings) else len(lines)
        units.append(
            Unit(
                key=_unique_key(" > ".join(title for _level, title in path), used),
                kind="section",
                title=heading.title,
                text=trim_lines(lines[heading.end : end]),
                anchor=heading.anchor,
            )
        )
    return units


def _unique_key(path: str, used: set[str]) -> str:
    key, number = path, 2
    while key in used:
        key, number = f"{path} ({number})", number + 1
    used.add(key)
    return key
