"""YAML front matter: the metadata block that some Markdown files open with.

The block runs from a first line ``---`` to the next ``---`` line (Jekyll's convention). The split
is exact: ``text[:body_offset(text)] + body == text``, so hashes of the whole text stay meaningful.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

# One line with its own line break; markdown-it breaks lines at \r\n, \r and \n only, and so do we,
# so that line numbers here agree with the Markdown parser's.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_FENCE = "---"
_BOM = "\ufeff"


class FrontMatterError(ValueError):
    """Front matter that is not a YAML mapping; ``line`` is the 1-based line of the problem."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class _NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases (``*name``).

    Metadata never needs them, and they are a "billion laughs": ten short lines of aliases
    of aliases make a value whose ``str()`` or ``repr()`` would not finish in a lifetime.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in front matter", mark
            )
        return super().compose_node(parent, index)


def _is_fence(line: str) -> bool:
    return line.rstrip() == _FENCE


def _front_matter_span(text: str) -> tuple[int, int, int] | None:
    """Return (YAML start, YAML end, body start) offsets, or None when there is no front matter."""
    start = len(_BOM) if text.startswith(_BOM) else 0
    lines = _LINE.finditer(text, start)
    first = next(lines)
    # The opening fence needs its own line break: a text that is just "---" has no front matter.
    if not _is_fence(first.group()) or first.group() == first.group().rstrip("\r\n"):
        return None
    for match in lines:
        line = match.group()
        if not line:
            break
        if _is_fence(line):
            return first.end(), match.start(), match.end()
    # No closing fence: the first line is a Markdown thematic break, not front matter.
    return None


def body_offset(text: str) -> int:
    """Return the index where the Markdown body starts: after the front matter, or after a
    byte order mark, which markdown-it would read as text ("\ufeff# Title" is no heading)."""
    span = _front_matter_span(text)
    if span:
        return span[2]
    return len(_BOM) if text.startswith(_BOM) else 0


def line_count(text: str) -> int:
    """Return how many line breaks ``text`` holds, counted as the Markdown parser counts them."""
    return len(_LINE_BREAK.findall(text))


def split_front_matter(text: str) -> tuple[dict[Any, Any], str]:
    """Split ``text`` into its front matter (parsed) and its body, exactly."""
    span = _front_matter_span(text)
    if span is None:
        return {}, text[body_offset(text) :]
    yaml_start, yaml_end, body_start = span
    # Line 1 is the opening fence, so the YAML's own first line is line 2 of the file.
    first_yaml_line = 2
    try:
        meta = yaml.load(text[yaml_start:yaml_end], Loader=_NoAliasLoader)  # a SafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_yaml_line + (mark.line if mark else 0)
        where = f"line {line}, column {mark.column + 1}" if mark else f"line {line}"
        problem = error.problem or error.context or "unreadable YAML"
        raise FrontMatterError(f"{where}: {problem}", line) from error
    except yaml.YAMLError as error:
        raise FrontMatterError(f"line {first_yaml_line}: {error}", first_yaml_line) from error
    except (ValueError, OverflowError) as error:
        # PyYAML builds dates with datetime, which refuses "2020-02-30" with a bare ValueError.
        raise FrontMatterError(
            f"line {first_yaml_line}: a value cannot be read: {error}", first_yaml_line
        ) from error
    except RecursionError as error:
        raise FrontMatterError(
            f"line {first_yaml_line}: the front matter nests too deeply", first_yaml_line
        ) from error
    if meta is None:
        return {}, text[body_start:]
    if not isinstance(meta, dict):
        shown = repr(meta) if len(repr(meta)) <= 60 else repr(meta)[:57] + "..."
        kind = "a list" if isinstance(meta, list) else f"the single value {shown}"
        raise FrontMatterError(
            f"line {first_yaml_line}: the front matter must be 'name: value' lines "
            f"(a YAML mapping), not {kind}",
            first_yaml_line,
        )
    return meta, text[body_start:]
