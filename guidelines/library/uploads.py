"""Reading an uploaded guideline file: bytes to text, and the metadata in its front matter."""

import re
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import format_decimal
from flask_babel import gettext as _

from guidelines.text import FrontMatterError, split_front_matter


class ImportRefused(ValueError):
    """A text that cannot be imported; the message says what was wrong and what to do."""


@dataclass(frozen=True)
class Metadata:
    """What the front matter of a guideline file says about it."""

    title: str | None = None
    slug: str | None = None
    ern: str | None = None
    label: str | None = None
    published: date | None = None
    orpha: tuple[str, ...] = ()
    language: str | None = None
    change_note: str | None = None


SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,119}$")
HEADING_PATTERN = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


def decode_upload(data: bytes, *, max_bytes: int, name: str = "The file") -> str:
    """Return the text of an uploaded file, refusing empty, oversized and non-UTF-8 files."""
    if not data.strip():
        raise ImportRefused(
            _("%(name)s is empty: choose a Markdown file that has text in it.", name=name)
        )
    if len(data) > max_bytes:
        raise ImportRefused(
            _(
                "%(name)s is %(size)s bytes; the limit is %(limit)s bytes. Split the guideline, "
                "or ask an administrator to raise MAX_UPLOAD_BYTES.",
                name=name,
                size=format_decimal(len(data)),
                limit=format_decimal(max_bytes),
            )
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportRefused(
            _(
                "%(name)s is not valid UTF-8 (byte %(byte)s, line %(line)s). Save it as UTF-8 "
                "in your editor and upload it again.",
                name=name,
                byte=error.start + 1,
                line=line,
            )
        ) from error
    check_no_nul(text, name)
    return text


def check_no_nul(text: str, name: str = "The file") -> None:
    """Refuse a text holding the NUL character: no guideline has one, and PostgreSQL can't."""
    position = text.find("\x00")
    if position >= 0:
        raise ImportRefused(
            _(
                "%(name)s contains a NUL character (code 0) on line %(line)s: it is not a text "
                "file, or it was damaged. Check that you chose the right file.",
                name=name,
                line=text.count("\n", 0, position) + 1,
            )
        )


def read_metadata(text: str) -> Metadata:
    """Return the metadata in the YAML front matter of ``text`` (empty when there is none)."""
    try:
        meta, _body = split_front_matter(text)
    except FrontMatterError as error:
        raise ImportRefused(
            _("The front matter is not valid YAML: %(error)s", error=error)
        ) from error
    slug = _string(meta.get("slug"))
    if slug is not None:
        check_slug(slug)
    return Metadata(
        title=_string(meta.get("title")),
        slug=slug,
        ern=_string(meta.get("ern")),
        label=_string(meta.get("version")),
        published=_date(meta.get("published")),
        orpha=_codes(meta.get("orpha")),
        language=_string(meta.get("language")),
        change_note=_string(meta.get("change_note")),
    )


def check_slug(slug: str) -> str:
    """Return ``slug`` if it is lower-case letters, digits and hyphens; refuse it otherwise."""
    if not SLUG_PATTERN.match(slug):
        raise ImportRefused(
            _(
                "%(slug)s cannot be a slug: use lower-case letters, digits and hyphens "
                "(at most 120), for example osteogenesis-imperfecta-adults.",
                slug=repr(slug),
            )
        )
    return slug


def slug_from_filename(filename: str) -> str:
    """Derive a slug from a file name: ``Gaucher Disease.md`` gives ``gaucher-disease``."""
    stem = filename.rsplit("/", 1)[-1].removesuffix(".md").removesuffix(".markdown")
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return slug[:120].rstrip("-")


def first_heading(text: str) -> str | None:
    """Return the text of the first ATX heading after the front matter, if any."""
    _meta, body = split_front_matter(text)
    match = HEADING_PATTERN.search(body)
    return match.group(1).strip() if match else None


def _string(value) -> str | None:
    if value is None:
        return None
    return str(value).strip() or None


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as error:
        raise ImportRefused(
            _("published: %(value)s is not a date; write it as YYYY-MM-DD.", value=repr(value))
        ) from error


def _codes(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | int):
        value = [value]
    return tuple(str(code).strip() for code in value)
