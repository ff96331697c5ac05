"""Snippets: matches marked, the text escaped, and matches deep inside a long section."""

import re

from guidelines.search.index import sync
from tests.search.conftest import AFBREKING, PUBLIC, find

MARK = re.compile(r"<mark[^>]*>([^<]*)</mark>")


def test_snippet_marks_the_matching_words(import_nl, search_index):
    import_nl(AFBREKING)
    sync(search_index)
    results = find(search_index, "vergunning", PUBLIC)
    assert results.hits
    for hit in results.hits:
        marked = {word.lower() for word in MARK.findall(str(hit.snippet))}
        assert marked and marked <= {"vergunning", "vergunningen"}, hit.snippet


def test_snippet_escapes_the_text_around_the_marks(import_text, search_index):
    # An entity in Markdown is text: the section holds "<script>", the page must not run it.
    import_text(
        "# Veilig\n\n## Invoer\n\nTyp nooit &lt;script&gt;alert(1)&lt;/script&gt; in het "
        "veld voor de botdichtheid.\n",
        slug="veilig",
        language="nl",
    )
    sync(search_index)
    (hit,) = find(search_index, "veld", PUBLIC).hits
    snippet = str(hit.snippet)
    assert "&lt;script&gt;" in snippet
    assert "<script" not in snippet
    assert MARK.findall(snippet) == ["veld"]


def test_snippet_without_a_match_in_the_text_is_escaped_too(import_text, search_index):
    # A heading-only match has nothing to mark in the body: the start of the body is shown.
    import_text(
        "# Veilig\n\n## Botdichtheid\n\nTyp &lt;b&gt;niets&lt;/b&gt; hier.\n",
        slug="veilig-kop",
        language="nl",
    )
    sync(search_index)
    (hit,) = find(search_index, "botdichtheid", PUBLIC).hits
    assert "&lt;b&gt;" in str(hit.snippet) and "<b>" not in str(hit.snippet)


def test_a_match_beyond_32_kib_into_a_section_is_highlighted(import_text, search_index):
    filler = "\n\n".join(
        f"Paragraaf {n}: de kliniek houdt een register bij van elke behandeling."
        for n in range(700)
    )
    assert len(filler.encode()) > 40 * 1024
    import_text(
        f"# Lang\n\n## Register\n\n{filler}\n\nTot slot geldt de meldplicht voor de arts.\n",
        slug="lang-register",
        language="nl",
    )
    sync(search_index)
    (hit,) = find(search_index, "meldplicht", PUBLIC).hits
    assert MARK.findall(str(hit.snippet)) == ["meldplicht"]
