"""Render guideline Markdown to safe HTML with a table of contents, behind a bounded cache.

The dialect (CommonMark, tables, strikethrough, raw HTML off, allow-listed links, heading
anchors, kramdown heading ids dropped, recommendation blocks) is defined in
``structure.markdown_parser``; this module only turns its tokens into HTML. Recommendation
blocks become cards whose grading labels are English unless the caller passes its own
(translated) labels; the raw values are in ``data-*`` attributes too.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererProtocol
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from guidelines.text.hashing import sha256_text
from guidelines.text.structure import BLOCK_NAME, Recommendation, markdown_parser, tokenize

CACHE_SIZE = 256

# The English grading labels; a caller may pass its own (translated) ones to render_markdown.
GRADE_LABELS: dict[str, dict[str, str]] = {
    "strength": {"strong": "Strong", "conditional": "Conditional"},
    "certainty": {
        "high": "High certainty",
        "moderate": "Moderate certainty",
        "low": "Low certainty",
        "very-low": "Very low certainty",
    },
    "direction": {"for": "for", "against": "against"},
}
# (attribute, value, label) triples: hashable, so they can be part of the cache key.
GradeLabels = tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class Heading:
    """A heading of a rendered document, for its table of contents."""

    level: int
    title: str
    anchor: str


@dataclass(frozen=True)
class RenderedDocument:
    """The HTML of a document's body, its headings and its recommendation blocks."""

    html: str
    toc: tuple[Heading, ...]
    recommendations: tuple[Recommendation, ...]


def _render_card_open(
    renderer: RendererProtocol,
    tokens: Sequence[Token],
    idx: int,
    options: OptionsDict,
    env: EnvType,
) -> str:
    """Open a recommendation card: its key and grades in a header, then the body."""
    token = tokens[idx]
    rec: Recommendation = token.meta["recommendation"]
    classes = "recommendation" + (f" recommendation-{rec.strength}" if rec.strength else "")
    grades = {"strength": rec.strength, "certainty": rec.certainty, "direction": rec.direction}
    data = [f' data-key="{escapeHtml(rec.key)}"']
    header = [f'<span class="rec-key">{escapeHtml(rec.key)}</span>']
    for name, value in grades.items():
        if value is not None:
            data.append(f' data-{name}="{escapeHtml(value)}"')
            labels = env.get("grade_labels") or GRADE_LABELS
            label = escapeHtml(labels[name][value])
            header.append(f'<span class="grade grade-{name}">{label}</span>')
    # Show what the author wrote but the parser did not understand, rather than hide it.
    for word in token.meta["unknown"]:
        header.append(f'<span class="grade grade-unknown">{escapeHtml(word)}</span>')
    return (
        f'<section class="{classes}" id="{escapeHtml(rec.anchor)}"{"".join(data)}>\n'
        f"<header>{' '.join(header)}</header>\n"
        f'<div class="rec-body">\n'
    )


def _render_card_close(
    renderer: RendererProtocol,
    tokens: Sequence[Token],
    idx: int,
    options: OptionsDict,
    env: EnvType,
) -> str:
    """Close a recommendation card."""
    return "</div>\n</section>\n"


def _document_parser() -> MarkdownIt:
    md = markdown_parser()
    md.add_render_rule(f"container_{BLOCK_NAME}_open", _render_card_open)
    md.add_render_rule(f"container_{BLOCK_NAME}_close", _render_card_close)
    return md


_DOCUMENT = _document_parser()
# Snippets (comments, a recommendation's text) get no heading ids, which could clash with the
# page's, and no recommendation blocks.
_FRAGMENT = markdown_parser(blocks=False)

_cache: OrderedDict[tuple[str, GradeLabels | None], RenderedDocument] = OrderedDict()
_cache_lock = threading.Lock()


def _render(text: str, labels: GradeLabels | None) -> RenderedDocument:
    tokens, env = tokenize(text, _DOCUMENT)
    env["grade_labels"] = _as_dict(labels) if labels else None
    toc = tuple(
        Heading(level=int(token.tag[1:]), title=token.meta["title"], anchor=token.meta["anchor"])
        for token in tokens
        if token.type == "heading_open"
    )
    html = _DOCUMENT.renderer.render(tokens, _DOCUMENT.options, env)
    return RenderedDocument(html=html, toc=toc, recommendations=tuple(env["recommendations"]))


def grade_labels(labels: dict[str, dict[str, str]]) -> GradeLabels:
    """Return grading labels (attribute -> value -> label) in the hashable form that
    render_markdown takes; every value of GRADE_LABELS needs a label."""
    return tuple(
        (name, value, labels[name][value])
        for name, values in GRADE_LABELS.items()
        for value in values
    )


def _as_dict(labels: GradeLabels) -> dict[str, dict[str, str]]:
    result: dict[str, dict[str, str]] = {}
    for name, value, label in labels:
        result.setdefault(name, {})[value] = label
    return result


def render_markdown(text: str, *, labels: GradeLabels | None = None) -> RenderedDocument:
    """Render a whole document (front matter skipped); identical texts share one cached result.

    ``labels`` (from ``grade_labels``) replaces the English grading labels of the cards.
    """
    key = (sha256_text(text), labels)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    # Render outside the lock so that one large document does not hold up every other request.
    rendered = _render(text, labels)
    with _cache_lock:
        # Another thread may have rendered the same text meanwhile; keep one object per text.
        rendered = _cache.setdefault(key, rendered)
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return rendered


def render_fragment(text: str) -> str:
    """Render a short Markdown snippet to safe HTML, without cache, anchors or blocks."""
    return _FRAGMENT.render(text)


def clear_render_cache() -> None:
    """Empty the render cache (for benchmarks that compare cold and cached rendering)."""
    with _cache_lock:
        _cache.clear()
