"""Publications as files: the exact Markdown, and one self-contained HTML document."""

from functools import cache
from pathlib import Path

from flask import current_app

from guidelines.portal.models import Publication

# The parts of the site's stylesheet that a reader of the text needs: type and cards.
_FIRST_SECTION = "/* Type */"
_SECTIONS_END = "/* Version comparison */"
_DOWNLOAD_RULES = """
body { display: block; max-width: 52rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
.publication-facts { border: 1px solid var(--border); border-radius: var(--radius);
  background: var(--bg-soft); padding: .75rem 1rem; margin-bottom: 2rem; }
.publication-facts p { margin: .25rem 0; }
.hash { font-family: var(--mono); overflow-wrap: anywhere; }
.skip-link { position: absolute; left: -999rem; }
.skip-link:focus { left: 1rem; top: 1rem; background: var(--bg); padding: .25rem .5rem; }
@media print { .skip-link { display: none; } .recommendation { break-inside: avoid; } }
"""


def filename(publication: Publication, extension: str) -> str:
    """Return the file name of a publication: its guideline, its network and its number."""
    return f"{publication.guideline.slug}-{publication.network.code}-{publication.id}.{extension}"


def markdown_download(publication: Publication):
    """Return a response with the exact UTF-8 bytes of the publication's Markdown."""
    return current_app.response_class(
        publication.markdown.encode("utf-8"),
        mimetype="text/markdown",
        headers={
            "Content-Disposition": f'attachment; filename="{filename(publication, "md")}"',
            "X-Content-SHA256": publication.sha256,
        },
    )


def html_download(publication: Publication, page: str):
    """Return a response that saves ``page`` as the publication's HTML file."""
    return current_app.response_class(
        page,
        mimetype="text/html",
        headers={"Content-Disposition": f'attachment; filename="{filename(publication, "html")}"'},
    )


@cache
def download_stylesheet(static_folder: str) -> str:
    """Return the root variables, type and card rules of app.css, plus the download's own."""
    css = (Path(static_folder) / "app.css").read_text(encoding="utf-8")
    start, end = css.find(_FIRST_SECTION), css.find(_SECTIONS_END)
    root_end = css.find("}", css.find(":root")) + 1
    if 0 < root_end < start < end:
        css = css[:root_end] + "\n" + css[start:end]
    return css + _DOWNLOAD_RULES
