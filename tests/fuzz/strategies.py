"""Strategies for the fuzz tests: Markdown-ish text that hits the hard paths, and random edits.

The generated text is not meant to be good Markdown: it mixes the dialect's constructs
(headings, lists, tables, fences, recommendation blocks, Liquid, HTML, links) with the
characters that break naive code (lone CR, NUL, U+2028, a BOM, combining marks, RTL marks,
very long lines), so that every branch of the renderer, the segmenter and the rebase is tried.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from hypothesis import strategies as st

from tests.conftest import corpus_path

# FUZZ_SCALE=10 tries ten times as many examples, for a deeper search on a developer's machine.
SCALE = int(os.environ.get("FUZZ_SCALE", "1"))


def examples(count: int) -> int:
    """Return how many examples a fuzz test that CI runs ``count`` times runs at this scale."""
    return count * SCALE


ODD_CHARACTERS = [
    "\r",
    "\r\n",
    "\x00",
    "\u2028",
    "\u2029",
    "\x85",
    "\ufeff",
    "\x0b",
    "\x0c",
    "\t",
    "e\u0301",  # a combining acute accent
    "\u0301",  # a combining mark with nothing to combine with
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u200d",  # zero width joiner
    "שלום",
    "مرحبا",
    "👩\u200d⚕️",
    "\ufffd",
    "ß",
    "İ",
    "ﬁ",
    "½",
    "٣",
    "\\",
    "&amp;",
    "&#0;",
    "&#x6A;",
]

WORDS = ["dose", "5 mg", "Vlaams", "één", "osteogenesis", "niet", "≥ 2", "µg/kg", "x", "a_b"]

INLINE_PIECES = [
    "`code`",
    "``a ` b``",
    "`unclosed",
    "**bold**",
    "*em*",
    "_u_",
    "~~gone~~",
    "***",
    "[link](https://example.org/a?b=1&c=2)",
    "[a](javascript:alert(1))",
    "[a](JaVaScRiPt:alert(1))",
    "[a](&#106;avascript:alert(1))",
    "[a](java&#x09;script:alert(1))",
    "[a](<java script:alert(1)>)",
    "[a](vbscript:msgbox(1))",
    "[a](data:text/html;base64,PHNjcmlwdD4=)",
    "![img](javascript:alert(1))",
    "![img](i.png)",
    "<javascript:alert(1)>",
    "<https://a.b/c>",
    "<a@b.be>",
    "https://w.org/x.",
    "www.example.org/(a)",
    "a@b.be",
    "[ref]",
    "[ref][]",
    "[text][ref]",
    "[x](#s-treatment)",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<svg/onload=alert(1)>",
    "<!-- comment -->",
    "<br>",
    "</div>",
    "{% include x.md %}",
    "{{ page.title }}",
    "{% raw %}",
    "{%",
    "{1}",
    "{2}",
    "{x}",
    "{#anchor}",
    "{: .class}",
    "\\|",
    "|",
    "\\",
    "\\*",
    "&nbsp;",
    "  ",
]

RECOMMENDATION_OPENERS = [
    "::: recommendation R3.1 strength=strong certainty=moderate direction=for",
    "::: recommendation R1 strength=conditional certainty=very-low direction=against",
    "::: recommendation R2",
    "::: recommendation",
    "::: recommendation R1 strength=bogus certainty=",
    '::: recommendation "><script>alert(1)</script> strength=strong',
    '::: recommendation R1" onmouseover="alert(1)',
    ":::: recommendation R9 direction=for",
    "::: note",
    ":::recommendation R4",
]

SEPARATORS = ["\n", "\n\n", "\r\n", "\r\n\r\n", "\r", "\n \n", "  \n\n", "\n\t\n", ""]


def inline_text() -> st.SearchStrategy[str]:
    """Return a strategy for one line of inline text, words and hard pieces mixed."""
    piece = st.one_of(
        st.sampled_from(WORDS),
        st.sampled_from(INLINE_PIECES),
        st.sampled_from(ODD_CHARACTERS),
        st.text(max_size=6),
    )
    return st.lists(piece, min_size=1, max_size=6).map(" ".join)


@st.composite
def blocks(draw: st.DrawFn) -> str:
    """Return one Markdown block (or a broken one)."""
    lines = draw(st.lists(inline_text(), min_size=1, max_size=3))
    kind = draw(st.integers(0, 16))
    if kind == 0:
        hashes = "#" * draw(st.integers(1, 7)) + draw(st.sampled_from([" ", "", "\t"]))
        return hashes + lines[0] + draw(st.sampled_from(["", " {#id}", " ##", " {onclick=x}"]))
    if kind == 1:
        return "\n".join(lines)
    if kind == 2:
        marker = draw(st.sampled_from(["- ", "* ", "+ ", "1. ", "10) ", "-", "1."]))
        indent = " " * draw(st.integers(0, 6))
        return marker + ("\n" + indent).join(lines)
    if kind == 3:
        return ">" + draw(st.sampled_from([" ", "", "> "])) + "\n> ".join(lines)
    if kind == 4:
        cells = draw(st.lists(inline_text(), min_size=1, max_size=3))
        row = "| " + " | ".join(cells) + " |"
        rule = draw(st.sampled_from(["|" + "---|" * len(cells), "|:-|", "---"]))
        return f"{row}\n{rule}\n" + "\n".join("| " + line for line in lines)
    if kind == 5:
        fence = draw(st.sampled_from(["```", "~~~", "````", "```python", "``` {.x}"]))
        close = draw(st.sampled_from(["```", "~~~", "", "````"]))
        return fence + "\n" + "\n".join(lines) + ("\n" + close if close else "")
    if kind == 6:
        opener = draw(st.sampled_from(RECOMMENDATION_OPENERS))
        close = draw(st.sampled_from([":::", ":::", "", "::::", "::: "]))
        return opener + "\n" + "\n\n".join(lines) + ("\n" + close if close else "")
    if kind == 7:
        return "\n".join(lines) + "\n" + draw(st.sampled_from(["===", "---", "- x", "***"]))
    if kind == 8:
        return "- " + lines[0] + "\n  - " + "\n    ".join(lines)
    if kind == 9:
        return "    " + "\n    ".join(lines)
    if kind == 10:
        return draw(
            st.sampled_from(
                ["[ref]: https://x.org/r", "[ref]: javascript:alert(1)", '[ref]: <a b> "t"']
            )
        )
    if kind == 11:
        prefix = draw(st.sampled_from(["> - ", ">\t-\t", "- > ", "-\t", "> 1. ", ">>"]))
        return prefix + draw(st.sampled_from(["\n>   ", "\n  > ", "\n", "\n\t"])).join(lines)
    if kind == 12:
        return "<div>\n" + "\n".join(lines) + "\n</div>"
    if kind == 13:
        return "---\n" + "\n".join(lines) + "\n---"  # front matter, or a rule and a heading
    if kind == 14:
        return draw(st.sampled_from(WORDS)) * draw(st.integers(200, 1500))  # a very long line
    if kind == 15:
        return draw(st.sampled_from(["{% include x.md %}", "{% if a %}", "<meta charset='x'>"]))
    return draw(st.text(max_size=30))


@st.composite
def markdown_documents(draw: st.DrawFn) -> str:
    """Return a Markdown-ish document of a few blocks, separated every which way."""
    parts = draw(st.lists(blocks(), min_size=0, max_size=8))
    text = "".join(part + draw(st.sampled_from(SEPARATORS)) for part in parts)
    return draw(st.sampled_from(["", "", "\ufeff", "---\ntitle: x\n---\n"])) + text


def any_text() -> st.SearchStrategy[str]:
    """Return a strategy for Markdown-ish documents and for entirely arbitrary strings."""
    return st.one_of(markdown_documents(), st.text(max_size=200))


# --- Random edits of a text, for real documents and for rebases ---


@st.composite
def edited(draw: st.DrawFn, text: str, max_edits: int = 4) -> str:
    """Return ``text`` after a few random insertions, deletions, replacements or moves."""
    for _ in range(draw(st.integers(0, max_edits))):
        at = draw(st.integers(0, len(text)))
        end = draw(st.integers(at, min(len(text), at + 80)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "line", "copy"]))
        if kind == "insert":
            text = text[:at] + draw(_insertion()) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[end:]
        elif kind == "replace":
            text = text[:at] + draw(_insertion()) + text[end:]
        elif kind == "line":
            line_start = text.rfind("\n", 0, at) + 1
            text = text[:line_start] + draw(blocks()) + "\n" + text[line_start:]
        else:
            text = text[:at] + text[at:end] + text[at:]  # a repeated passage: look-alikes
    return text


def _insertion() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(WORDS),
        st.sampled_from(INLINE_PIECES),
        st.sampled_from(ODD_CHARACTERS),
        st.sampled_from(["\n", "\n\n", "\n\n## New\n\n", "\n- item\n", "\n:::\n"]),
        st.text(max_size=10),
    )


# --- Real documents from the shared corpus ---

_CORPUS_GLOBS = {
    "versions/*/v01.md": 1,
    "search/*.md": 280,
    "search-extra/hl7-cpg-ig/*.md": 12,
    "nl/*.md": 8,
    "fr/*.md": 1,
    "i18n/coronamelder-faq-2021-08/*/*.md": 25,
}
# Long documents are cut to a prefix: the fuzz budget is for many edits, not for big inputs.
_DOCUMENT_PREFIX = 12_000


def corpus_documents() -> list[str]:
    """Return a fixed sample of real documents (skip the test when the corpus is absent)."""
    return list(_corpus_sample(corpus_path()))


@lru_cache(maxsize=1)
def _corpus_sample(root: Path) -> tuple[str, ...]:
    documents: list[str] = []
    for pattern, step in _CORPUS_GLOBS.items():
        for path in sorted(root.glob(pattern))[::step]:
            documents.append(_read(path)[:_DOCUMENT_PREFIX])
    return tuple(documents)


def _read(path: Path) -> str:
    # Not read_text: it would turn "\r\n" into "\n", and line endings are part of the test.
    return path.read_bytes().decode("utf-8")
