"""No script can run from guideline Markdown (DESIGN invariant 8).

Each attack is rendered as a whole document and as a fragment, and the output is parsed with
``html.parser`` so that the checks look at real elements and attributes, not at substrings.
"""

import re
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest

from guidelines.text.markdown import render_fragment, render_markdown

# Everything the dialect can produce; anything else (iframe, svg, object, style...) is injected.
MARKDOWN_TAGS = {
    "a", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "img", "li", "ol", "p", "pre", "s", "section", "span", "strong", "table", "tbody",
    "td", "th", "thead", "tr", "ul",
}  # fmt: skip
LINK_SCHEMES = {"", "http", "https", "mailto"}
IMAGE_SCHEMES = {"", "http", "https"}

ATTACKS = {
    "script tag": "<script>alert(1)</script>",
    "script in table": "| a |\n|---|\n| <script>alert(1)</script> |",
    "img onerror": "<img src=x onerror=alert(1)>",
    "raw anchor": '<a href="javascript:alert(1)">x</a>',
    "iframe": '<iframe src="javascript:alert(1)"></iframe>',
    "svg onload": "<svg onload=alert(1)>",
    "javascript link": "[a](javascript:alert(1))",
    "mixed case": "[a](JaVaScRiPt:alert(1))",
    "decimal entity": "[a](&#106;avascript:alert(1))",
    "hex entity": "[a](&#x6A;avascript:alert(1))",
    "named entity colon": "[a](javascript&colon;alert(1))",
    "tab entity": "[a](java&#x09;script:alert(1))",
    "newline entity": "[a](java&#10;script:alert(1))",
    "carriage return entity": "[a](jav&#x0D;ascript:alert(1))",
    "percent encoded": "[a](%6Aavascript:alert(1))",
    "leading spaces": "[a](<   javascript:alert(1)>)",
    "leading control char": "[a](<\x01javascript:alert(1)>)",
    "leading nul": "[a](\x00javascript:alert(1))",
    "vbscript": "[a](vbscript:msgbox(1))",
    "file": "[a](file:///etc/passwd)",
    "data html": "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "reference": "[a]: javascript:alert(1)\n\n[x][a]",
    "autolink": "<javascript:alert(1)>",
    "image javascript": "![x](javascript:alert(1))",
    "image data svg": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "image data png": "![x](data:image/png;base64,iVBORw0KGgo=)",
    "image mailto": "![x](mailto:a@example.org)",
    "heading attributes": "# Title {onclick=alert(1)}",
    "heading html": "# <b onmouseover=alert(1)>x</b>",
    "heading link": "## [x](javascript:alert(1))",
    "key breaks out": '::: recommendation "><script>alert(1)</script> strength=strong\nx\n:::',
    "value breaks out": '::: recommendation R1 strength="><script>alert(1)</script>\nx\n:::',
    "key adds handler": '::: recommendation R1" onmouseover="alert(1) strength=strong\nx\n:::',
    "link in card": "::: recommendation R1\n[a](javascript:alert(1))\n:::",
}


class Elements(HTMLParser):
    """Collect every start tag and its attributes, as a browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))


def elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


def scheme(url: str) -> str:
    """Return the scheme a browser could read from ``url`` ("" for a relative URL)."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", unquote(url)).lower()
    match = re.match(r"([a-z][a-z0-9+.\-]*):", cleaned)
    return match.group(1) if match else ""


def document_html(text: str) -> str:
    return render_markdown(text).html


RENDERERS: dict[str, Callable[[str], str]] = {
    "document": document_html,
    "fragment": render_fragment,
}


@pytest.fixture(params=sorted(RENDERERS))
def render(request: pytest.FixtureRequest) -> Callable[[str], str]:
    return RENDERERS[request.param]


def assert_inert(html: str) -> None:
    """Assert that ``html`` holds only the dialect's elements, no handler, no unsafe URL."""
    assert "<script" not in html.lower()
    for tag, attrs in elements(html):
        assert tag in MARKDOWN_TAGS, html
        for name, value in attrs:
            assert not name.startswith("on"), html
            if name in ("href", "src"):
                allowed = IMAGE_SCHEMES if name == "src" else LINK_SCHEMES
                # The scheme a browser reads, not a substring: "&#javascript:" is a fragment.
                assert scheme(value or "") in allowed, html


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_attack_renders_inert(render: Callable[[str], str], attack: str) -> None:
    html = render(attack)
    assert_inert(html)
    # The known attacks must not even survive as text of a URL.
    for _tag, attrs in elements(html):
        for name, value in attrs:
            if name in ("href", "src"):
                assert "javascript:" not in (value or "").lower(), html
                assert "data:text/html" not in (value or "").lower(), html


def test_unsafe_key_becomes_a_safe_id() -> None:
    html = render_markdown(ATTACKS["key breaks out"]).html
    ids = [value for _tag, attrs in elements(html) for name, value in attrs if name == "id"]
    assert ids == ["rec-script-alert-1-script"]


def test_rejected_link_stays_visible_as_text() -> None:
    assert render_fragment("[a](javascript:alert(1))") == "<p>[a](javascript:alert(1))</p>\n"


def test_mailto_image_becomes_its_alt_text() -> None:
    assert render_fragment("![a *map*](mailto:a@example.org)") == "<p>a map</p>\n"


def test_safe_images_keep_their_source() -> None:
    html = render_fragment("![a](https://example.org/a.png) ![b](img/b.png)")
    sources = [dict(attrs)["src"] for tag, attrs in elements(html) if tag == "img"]
    assert sources == ["https://example.org/a.png", "img/b.png"]


def test_fragment_link_keeps_its_anchor() -> None:
    assert render_fragment("[see](#s-treatment)") == '<p><a href="#s-treatment">see</a></p>\n'
