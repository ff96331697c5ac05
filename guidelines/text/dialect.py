"""The workbench's Markdown dialect, and what it reads from a text: heading ids and blocks.

Structure and rendering must read a text identically: the anchor of a section unit is the ``id``
of its rendered heading, and both come from the same token stream. ``markdown.py`` adds the
HTML. Structure needs no inline Markdown but the headings', so it reads texts with a parser that
skips the rest: the same blocks and headings, in a third of the time.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

from guidelines.text.frontmatter import body_offset, line_count

STRENGTHS = ("strong", "conditional")
CERTAINTIES = ("high", "moderate", "low", "very-low")
DIRECTIONS = ("for", "against")
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "strength": STRENGTHS,
    "certainty": CERTAINTIES,
    "direction": DIRECTIONS,
}
BLOCK_NAME = "recommendation"
HEADING_PREFIX = "s-"
RECOMMENDATION_PREFIX = "rec-"
# The unit for text before the first heading; it has no title, and anchor "" (the page top).
PREAMBLE_KEY = "preamble"

_KEY = re.compile(r"[^\W_][\w.\-]*")
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
# Browsers drop tabs and newlines anywhere in a URL and ignore leading control characters and
# spaces; removing every such character (and invisible format characters) before reading the
# scheme means "java\tscript:" and "\x01javascript:" are judged as "javascript:".
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060\ufeff]")
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_IMAGE_SCHEMES = frozenset({"http", "https"})
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")
# Letters without a decomposition to an ASCII base letter, spelled as their languages do.
_TRANSLITERATION = str.maketrans(
    {"ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o"}
    | {"đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ł": "l", "Ł": "l"}
)
_MAX_SLUG = 80
_ALNUM_RUN = re.compile(r"[^\W_]+")  # what str.isalnum() accepts: \w without "_"
# A kramdown attribute list ending a heading, "{#select-step}" or "{: #id .class}". It is
# dropped, never used: our anchors are our own slugs, stable across versions.
_ATTRIBUTE_LIST = re.compile(r"[ \t]+\{(?:#[^\s{}][^{}]*|:[^{}]*)\}\Z")
# The characters that start an inline rule other than plain text: escapes, code, strikethrough,
# emphasis, links, images, autolinks and entities (raw HTML and linkify are off).
_INLINE_MARKUP = re.compile(r"[\\`~*_\[!<&\n]")


class RecommendationError(ValueError):
    """A malformed recommendation block; ``key`` and ``line`` (1-based, whole file) locate it."""

    def __init__(self, message: str, *, key: str | None, line: int) -> None:
        super().__init__(message)
        self.key = key
        self.line = line


@dataclass(frozen=True)
class Recommendation:
    """One ``::: recommendation`` block: its key, Markdown body and GRADE attributes."""

    key: str
    text: str
    strength: str | None
    certainty: str | None
    direction: str | None
    anchor: str
    line: int


def is_safe_url(url: str, *, image: bool = False) -> bool:
    """Tell whether a link (or image source) is http(s), mailto (links only), or relative."""
    # Decoding one level of percent escapes only makes the check stricter: a browser reads
    # "%6Aavascript:" as a relative path, and we refuse it anyway.
    cleaned = _IGNORED_IN_URL.sub("", unquote(url)).lower()
    scheme = _SCHEME.match(cleaned)
    if scheme:
        return scheme.group(1) in (_IMAGE_SCHEMES if image else _LINK_SCHEMES)
    # A colon before the first "/", "?" or "#" could still be read as a scheme somewhere.
    return ":" not in re.split(r"[/?#]", cleaned, maxsplit=1)[0]


class _FoldedCharacters(dict[int, str]):
    """A ``str.translate`` table that folds each character on first sight, then remembers it."""

    LIMIT = 10_000  # characters remembered; a text of rare characters must not grow it forever

    def __missing__(self, code: int) -> str:
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        # Fold "é" to "e", but keep letters such as Greek or Cyrillic whole rather than lose them.
        folded = base if base.isascii() else char
        if len(self) < self.LIMIT:
            self[code] = folded
        return folded


_FOLDED = _FoldedCharacters()


def slugify(text: str) -> str:
    """Return a readable lowercase slug of ``text``: accents folded, other scripts kept."""
    if text.isascii():  # nearly every heading: nothing to transliterate, compose or fold
        folded = text.lower()
    else:
        composed = unicodedata.normalize("NFC", text.translate(_TRANSLITERATION))
        folded = composed.lower().translate(_FOLDED)
    words = _ALNUM_RUN.findall(folded)
    return "-".join(words)[:_MAX_SLUG].rstrip("-")


def plain_text(tokens: Sequence[Token] | None) -> str:
    """Return the text of inline tokens without markup, whitespace collapsed."""
    parts: list[str] = []
    for token in tokens or ():
        # "text_special" (an escape or entity) is text that the text_join rule has not merged.
        if token.type in ("text", "text_special", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type == "image":
            parts.append(plain_text(token.children))
    return " ".join("".join(parts).split())


def markdown_parser(*, blocks: bool = True, inline: bool = True) -> MarkdownIt:
    """Return a new parser for the workbench dialect; ``blocks`` adds anchors and cards.

    Without ``inline``, only headings get inline tokens; other blocks keep their raw text.
    """
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    # An allow-list on top of markdown-it's own deny-list; links that fail stay literal text.
    md.validateLink = is_safe_url  # type: ignore[method-assign]
    md.core.ruler.after("block", "strip_heading_attributes", _strip_heading_attributes)
    if not inline:
        md.core.ruler.at("inline", _parse_heading_inline)
    md.core.ruler.push("drop_unsafe_images", _drop_unsafe_images)
    if blocks:
        md.use(container_plugin, name=BLOCK_NAME, validate=is_block_info)
        md.core.ruler.push("annotate_structure", _annotate_structure)
    return md


def is_block_info(params: str, *_args: Any) -> bool:
    """Tell whether the words after a ``:::`` fence open a recommendation block."""
    words = params.split()
    return bool(words) and words[0] == BLOCK_NAME


def _strip_heading_attributes(state: StateCore) -> None:
    """Drop a kramdown attribute list from the end of each heading, before inline parsing."""
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            inline = tokens[index + 1]
            inline.content = _ATTRIBUTE_LIST.sub("", inline.content)


def _parse_heading_inline(state: StateCore) -> None:
    """Parse the inline Markdown of headings only, exactly as the full "inline" rule would."""
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            inline = tokens[index + 1]
            inline.children = []
            state.md.inline.parse(inline.content, state.md, state.env, inline.children)


def _drop_unsafe_images(state: StateCore) -> None:
    """Turn images whose source is not http(s) or relative (e.g. mailto:) into their alt text."""
    for block in state.tokens:
        for child in block.children or ():
            if child.type == "image" and not is_safe_url(
                str(child.attrGet("src") or ""), image=True
            ):
                child.content = plain_text(child.children)
                child.type, child.tag, child.attrs, child.children = "text", "", {}, None


def first_free(
    name: str, taken: Container[str], numbers: dict[str, int], numbered: str = "{}-{}"
) -> str:
    """Return ``name``, or the first of its numbered forms from 2 on that is not ``taken``.

    ``numbers`` remembers per name where the search stopped (what is taken stays taken), so
    that n equal names cost n steps, not n * n / 2: 5,000 "# h" lines took seconds to render.
    """
    if name not in taken:
        return name
    number = numbers.get(name, 2)
    while numbered.format(name, number) in taken:
        number += 1
    numbers[name] = number
    return numbered.format(name, number)


def unique_anchor(base: str, used: set[str], numbers: dict[str, int]) -> str:
    """Return ``base``, or ``base-2``, ``base-3``... whichever is not in ``used`` yet; use it."""
    anchor = first_free(base, used, numbers)
    used.add(anchor)
    return anchor


class BlockReader:
    """Read a text's recommendation blocks in order: keys, anchors and problems depend on order."""

    def __init__(self, lines: list[str], line_offset: int) -> None:
        self.lines = lines
        self.line_offset = line_offset
        self.recommendations: list[Recommendation] = []
        self.problems: list[RecommendationError] = []
        self._anchors: set[str] = set()
        self._anchor_numbers: dict[str, int] = {}
        self._first_lines: dict[str, int] = {}
        self._key_numbers: dict[str, int] = {}

    def read(self, info: str, start: int, end: int) -> tuple[Recommendation, tuple[str, ...]]:
        """Read the block on body lines ``start`` (its opening line) to ``end`` (exclusive)."""
        ordinal = len(self.recommendations) + 1
        recommendation, unknown, problems = read_block(
            info,
            start,
            end,
            self.lines,
            self.line_offset,
            ordinal,
            self._first_lines,
            self._key_numbers,
        )
        anchor_base = RECOMMENDATION_PREFIX + (slugify(recommendation.key) or str(ordinal))
        anchor = unique_anchor(anchor_base, self._anchors, self._anchor_numbers)
        recommendation = replace(recommendation, anchor=anchor)
        self.recommendations.append(recommendation)
        self.problems.extend(problems)
        return recommendation, unknown


def _annotate_structure(state: StateCore) -> None:
    """Give each heading a stable id and read each recommendation block's opening line."""
    env = state.env
    lines = state.src.split("\n")
    blocks = BlockReader(lines, env.get("line_offset", 0))
    heading_ids: set[str] = set()
    heading_numbers: dict[str, int] = {}
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            title = plain_text(tokens[index + 1].children)
            base = HEADING_PREFIX + (slugify(title) or "section")
            anchor = unique_anchor(base, heading_ids, heading_numbers)
            token.attrSet("id", anchor)
            token.meta.update(title=title, anchor=anchor)
        elif token.type == f"container_{BLOCK_NAME}_open":
            start, end = token.map or (0, len(lines))
            recommendation, unknown = blocks.read(token.info, start, end)
            token.meta.update(recommendation=recommendation, unknown=unknown)
    env["lines"] = lines
    env["recommendations"] = blocks.recommendations
    env["problems"] = blocks.problems


def read_block(
    info: str,
    start: int,
    end: int,
    lines: list[str],
    line_offset: int,
    ordinal: int,
    first_lines: dict[str, int],
    key_numbers: dict[str, int],
) -> tuple[Recommendation, tuple[str, ...], list[RecommendationError]]:
    """Read one block best-effort; also return the words not understood and every problem."""
    line = start + 1 + line_offset
    words = info.split()[1:]
    written_key = key = words.pop(0) if words and "=" not in words[0] else None
    problems: list[RecommendationError] = []

    def problem(message: str) -> None:
        error = RecommendationError(f"line {line}: {message}", key=written_key, line=line)
        problems.append(error)

    if key is None:
        problem(
            f"recommendation block has no key; start it like "
            f"'::: {BLOCK_NAME} R3.1 strength=strong certainty=moderate direction=for'"
        )
    elif not _KEY.fullmatch(key):
        problem(
            f"recommendation key {key!r} may hold only letters, digits, '.', '-' and '_', "
            f"starting with a letter or digit"
        )
    name = key if key is not None else f"#{ordinal}"
    values, unknown = _read_attributes(words, lambda m: problem(f"recommendation {name}: {m}"))
    if key is not None and key in first_lines:
        problem(
            f"recommendation {key} is defined twice (first on line {first_lines[key]}); "
            f"each key must be unique"
        )
        key = first_free(key, first_lines, key_numbers, "{} ({})")
    if not _is_closed(lines, end):
        problem(f"recommendation {name} is not closed; end it with a line ':::'")
    key = key if key is not None else f"unnamed-{ordinal}"
    first_lines[key] = line
    recommendation = Recommendation(
        key=key,
        text=trim_lines(lines[start + 1 : end]),
        strength=values.get("strength"),
        certainty=values.get("certainty"),
        direction=values.get("direction"),
        anchor="",
        line=line,
    )
    return recommendation, tuple(unknown), problems


def _read_attributes(
    words: list[str], problem: Callable[[str], None]
) -> tuple[dict[str, str], list[str]]:
    """Return the valid ``name=value`` attributes and the words that are not, reporting each."""
    values: dict[str, str] = {}
    unknown: list[str] = []
    allowed_names = ", ".join(ATTRIBUTES)
    for word in words:
        name, equals, raw_value = word.partition("=")
        name, value = name.lower(), raw_value.strip("\"'").lower()
        if not equals:
            problem(f"{word!r} is not a name=value attribute; allowed names: {allowed_names}")
        elif name not in ATTRIBUTES:
            problem(f"unknown attribute {name!r}; allowed names: {allowed_names}")
        elif name in values:
            problem(f"{name} is given twice")
        elif value not in ATTRIBUTES[name]:
            problem(
                f"{name}={raw_value!r} is not allowed; use one of: {', '.join(ATTRIBUTES[name])}"
            )
        else:
            values[name] = value
            continue
        unknown.append(word)
    return values, unknown


def _is_closed(lines: list[str], end: int) -> bool:
    """Tell whether line ``end`` is a closing ``:::`` fence (the container ends there if so)."""
    if end >= len(lines):
        return False
    # Inside a block quote the fence line still carries the quote markers.
    fence = lines[end].strip().lstrip("> \t")
    return len(fence) >= 3 and set(fence) == {":"}


def trim_lines(lines: Sequence[str]) -> str:
    """Join ``lines``, without the blank lines that open them or the white space closing them."""
    return _LEADING_BLANK_LINES.sub("", "\n".join(lines).rstrip())


# Structure reads headings, blocks and lines only: the inline Markdown of the rest is skipped.
STRUCTURE_PARSER = markdown_parser(inline=False)


def tokenize(text: str, parser: MarkdownIt | None = None) -> tuple[list[Token], dict[str, Any]]:
    """Parse the body of ``text`` (front matter skipped) into annotated tokens and findings.

    The default parser gives inline tokens to headings only; pass a full one to render.
    """
    offset = body_offset(text)
    env: dict[str, Any] = {"line_offset": line_count(text[:offset])}
    tokens = (parser or STRUCTURE_PARSER).parse(text[offset:], env)
    return tokens, env


def heading_title(content: str) -> str:
    """Return the title of a heading's raw text, read as a parsed heading's without references."""
    source = _ATTRIBUTE_LIST.sub("", content)
    if _INLINE_MARKUP.search(source) is None:
        return " ".join(source.split())  # text tokens only, which plain_text would join so
    children: list[Token] = []
    STRUCTURE_PARSER.inline.parse(source, STRUCTURE_PARSER, {}, children)
    return plain_text(children)
