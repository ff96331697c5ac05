"""Placeholders: what a translator must carry over unchanged, shown as ``{1}``, ``{2}``...

Inside a segment's text, code spans, link and image destinations, autolinks, bare URLs and
e-mail addresses, raw HTML, Liquid tags (``{% include x.md %}``, ``{{ page.title }}``) and
anything already shaped like a placeholder (``{3}``, ``{x}``, ``{#anchor}``) are replaced by
numbered placeholders. Link text, image alt text and emphasis markers stay: translators move
them with the words. Because every ``{...}`` without white space inside is protected, each
``{n}`` in a segment's source is one of ours.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

PLACEHOLDER = re.compile(r"\{(\d+)\}")
# The env key under which one inline parse collects the spans its rules protect.
_RECORDER = "segment_protected_spans"
# What the inline Markdown parser does not see with raw HTML off: Liquid, HTML, URLs and braces.
# Alternatives are tried in order at each position; each starts with a literal character, which
# lets the regular expression engine skip ahead quickly.
_TEXTUAL = re.compile(
    r"(?P<liquid>\{%.*?%\}|\{\{.*?\}\})"
    r"|(?P<html><!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*"
    r"(?:\s+[^\s\"'<>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*\s*/?>)"
    r"|(?P<url>(?i:https?://|ftp://|www\.)[^\s<>]+)"
    r"|(?P<braces>\{:[^{}\n]*\}|\{[^{}\s]*\})",
    re.DOTALL,
)
# Searched for only where an "@" is: a pattern starting with a word character is tried everywhere.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Characters that end a sentence or markup rather than a bare URL.
_URL_TAIL = ".,:;!?'\"*_~"
_CLOSERS = {")": "(", "]": "["}
_WORD_CHARACTER = re.compile(r"[^\W_]")

Span = tuple[int, int]
InlineRule = Callable[[StateInline, bool], bool]


def install_span_recorders(md: MarkdownIt) -> None:
    """Make ``md``'s inline rules report the code, links and autolinks they find to ``protect``."""
    _wrap(md, "backticks", _code_span)
    _wrap(md, "link", _link_target)
    _wrap(md, "image", _link_target)
    _wrap(md, "autolink", _whole)


def _wrap(
    md: MarkdownIt, name: str, protected: Callable[[StateInline, int, list[Any]], Span | None]
) -> None:
    rule = next(rule for rule in md.inline.ruler.__rules__ if rule.name == name)
    original: InlineRule = rule.fn

    def recorded(state: StateInline, silent: bool) -> bool:
        start, first_token = state.pos, len(state.tokens)
        if not original(state, silent):
            return False
        recorder = state.env.get(_RECORDER)
        # Only the segment's own parse records; an image's alt text is parsed by a new state.
        if not silent and recorder is not None and recorder[0] is state:
            span = protected(state, start, state.tokens[first_token:])
            if span is not None and span[0] < span[1]:
                recorder[1].append(span)
        return True

    md.inline.ruler.at(name, recorded, {"alt": list(rule.alt)})


def _code_span(state: StateInline, start: int, tokens: list[Any]) -> Span | None:
    # An unmatched run of backticks is literal text, and pushes no code token.
    return (start, state.pos) if any(t.type == "code_inline" for t in tokens) else None


def _whole(state: StateInline, start: int, _tokens: list[Any]) -> Span | None:
    return start, state.pos


def _link_target(state: StateInline, start: int, _tokens: list[Any]) -> Span | None:
    """Return the destination of a link or image, or the whole link if its text is its name."""
    bracket = start + 1 if state.src[start] == "!" else start
    label_end = state.md.helpers.parseLinkLabel(state, bracket, state.src[start] != "!")
    end = state.pos
    tail = state.src[label_end + 1 : end]
    if tail.startswith("(") or (tail.startswith("[") and tail != "[]"):
        return label_end + 2, end - 1  # "(url "title")" or "[reference]": inside the brackets
    # "[name]" and "[name][]" find their reference by their text: translating it breaks them.
    return start, end


def protect(text: str, md: MarkdownIt, env: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """Return ``text`` with its protected parts as ``{1}``, ``{2}``..., and those parts."""
    state = StateInline(text, md, env, [])
    spans: list[Span] = []
    env[_RECORDER] = (state, spans)
    try:
        md.inline.tokenize(state)
    finally:
        del env[_RECORDER]
    pieces: list[str] = []
    originals: list[str] = []
    position = 0
    for start, end in _with_textual_spans(text, _outermost(spans)):
        if originals and start == position:
            # Side by side, as "{% highlight %}{% include x %}": one placeholder is easier to keep.
            originals[-1] += text[start:end]
        else:
            originals.append(text[start:end])
            pieces.append(f"{text[position:start]}{{{len(originals)}}}")
        position = end
    pieces.append(text[position:])
    return "".join(pieces), tuple(originals)


def _outermost(spans: list[Span]) -> list[Span]:
    """Sort ``spans`` and drop those inside another (a code span in a protected link)."""
    kept: list[Span] = []
    for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept


def _with_textual_spans(text: str, spans: list[Span]) -> list[Span]:
    """Add the spans that ``_TEXTUAL``, then ``_EMAIL``, find between ``spans``."""
    spans = _fill_gaps(text, spans, _TEXTUAL)
    return _fill_gaps(text, spans, _EMAIL) if "@" in text else spans


def _fill_gaps(text: str, spans: list[Span], pattern: re.Pattern[str]) -> list[Span]:
    result: list[Span] = []
    gap_start = 0
    for start, end in [*spans, (len(text), len(text))]:
        result.extend(_matches(text, gap_start, start, pattern))
        if start < end:
            result.append((start, end))
        gap_start = end
    return result


def _matches(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[Span]:
    spans: list[Span] = []
    position = start
    while match := pattern.search(text, position, end):
        span_end = match.end()
        if match.lastgroup == "url":
            span_end = match.start() + len(_trim_url(match.group()))
        if span_end > match.start():
            spans.append((match.start(), span_end))
        position = max(span_end, match.start() + 1)
    return spans


def _trim_url(url: str) -> str:
    """Drop the punctuation after a bare URL, keeping closing brackets that it opened."""
    while url:
        last = url[-1]
        if last in _URL_TAIL:
            url = url[:-1]
        elif last in _CLOSERS and url.count(last) > url.count(_CLOSERS[last]):
            url = url[:-1]
        else:
            break
    return url


def has_words(source: str) -> bool:
    """Tell whether ``source`` has a letter or digit outside its placeholders."""
    return bool(_WORD_CHARACTER.search(PLACEHOLDER.sub("", source)))


def count_problems(count: int, target: str) -> list[str]:
    """Describe how ``target`` misuses placeholders ``{1}`` to ``{count}``; [] when it does not."""
    found = Counter(match.group(1) for match in PLACEHOLDER.finditer(target))
    problems: list[str] = []
    for number in range(1, count + 1):
        times = found.pop(str(number), 0)
        if times == 0:
            problems.append(f"{{{number}}} is missing")
        elif times == 2:
            problems.append(f"{{{number}}} appears twice")
        elif times > 2:
            problems.append(f"{{{number}}} appears {times} times")
    problems.extend(f"{{{name}}} is unknown" for name in found)
    return problems


def substitute(target: str, originals: tuple[str, ...]) -> str:
    """Replace each ``{n}`` in a checked ``target`` by ``originals[n - 1]``."""
    return PLACEHOLDER.sub(lambda match: originals[int(match.group(1)) - 1], target)
