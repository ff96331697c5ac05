"""PO files for professional translators: the entries, and the writer.

Pure functions on bytes and strings. The writer is our own: Babel 2.18's ``write_po`` wraps
``#| msgid`` comments with a text wrapper that can cut a quoted string in two (``msgfmt`` then
refuses the file), and it adds ``python-format`` to any text with a percent sign. The reader is
in ``po_reader``, the import plan in ``po_import``.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from babel.core import Locale, UnknownLocaleError
from babel.messages.plurals import get_plural

WIDTH = 76
CONTENT_FLAG = "no-python-format"


@dataclass(frozen=True)
class PoEntry:
    """One segment as a PO entry: the key is the msgctxt, the source the msgid."""

    key: str
    source: str
    target: str
    fuzzy: bool = False
    previous_source: str | None = None
    path: str = ""
    obsolete: bool = False
    plural: bool = False  # read from other tools' files only; our exports never have plurals


class PoFormatError(ValueError):
    """A PO file refused whole; ``line`` (1-based) is where the problem is."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


# Export ------------------------------------------------------------------------------------

_ESCAPE = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(text: str) -> str:
    """Return ``text`` as the inside of a PO string literal."""
    return "".join(
        _ESCAPE.get(char) or (f"\\{ord(char):03o}" if ord(char) < 32 or char == "\x7f" else char)
        for char in text
    )


def _string_lines(keyword: str, text: str, prefix: str = "") -> list[str]:
    """Return ``keyword "text"`` as PO lines, wrapped after line breaks and at spaces."""
    if "\n" not in text[:-1] and len(prefix + keyword + _escape(text)) + 3 <= WIDTH:
        return [f'{prefix}{keyword} "{_escape(text)}"']
    lines, room = [f'{prefix}{keyword} ""'], WIDTH - len(prefix) - 2
    for piece in re.findall(r"[^\n]*\n|[^\n]+", text):
        chunk = ""
        for token in re.findall(r"[^ ]+ *| +", piece):
            if chunk and len(chunk) + len(_escape(token)) > room:
                lines.append(f'{prefix}"{chunk}"')
                chunk = ""
            chunk += _escape(token)
        lines.append(f'{prefix}"{chunk}"')
    return lines


def _one_line(value: str) -> str:
    """Return ``value`` with every run of white space (line breaks too) as one space."""
    return " ".join(value.split())


def _header(language: str, project: str, version: str, revision_date: datetime | None) -> str:
    """Return the header entry (with its comment) for a catalog in ``language``."""
    try:
        locale: Locale | None = Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        locale = None
    code = str(locale) if locale else _one_line(language)
    name = locale.english_name if locale and locale.english_name else code
    date = revision_date or datetime.now(UTC)
    stamp = (date if date.tzinfo else date.replace(tzinfo=UTC)).strftime("%Y-%m-%d %H:%M%z")
    fields = {
        "Project-Id-Version": _one_line(f"{project} {version}"),
        "POT-Creation-Date": stamp,
        "PO-Revision-Date": stamp,
        "Last-Translator": "",  # the translator's tool fills this in
        "Language-Team": name,
        "Language": code,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    if locale:
        fields["Plural-Forms"] = get_plural(locale).plural_forms
    fields["X-Generator"] = "guidelines workbench"
    body = "".join(f"{label}: {value}\n" for label, value in fields.items())
    comment = f"# {name} translation of {_one_line(project)} {_one_line(version)}."
    return "\n".join([comment, *_string_lines("msgid", ""), *_string_lines("msgstr", body)])


def _entry_lines(entry: PoEntry) -> list[str]:
    """Return the lines of one content entry."""
    if "\0" in entry.key + entry.source + entry.target + (entry.previous_source or ""):
        raise ValueError(f"segment {entry.key!r} contains a NUL character, which PO cannot hold")
    if entry.plural:
        raise ValueError(f"segment {entry.key!r} is a plural entry; segments have no plurals")
    lines = [f"#. {line}" for line in entry.path.split("\n")] if entry.path else []
    lines.append("#, " + ", ".join(["fuzzy", CONTENT_FLAG] if entry.fuzzy else [CONTENT_FLAG]))
    prefix = "#~ " if entry.obsolete else ""
    if entry.previous_source is not None:
        previous_prefix = "#~| " if entry.obsolete else "#| "
        lines += _string_lines("msgid", entry.previous_source, previous_prefix)
    lines += _string_lines("msgctxt", entry.key, prefix)
    lines += _string_lines("msgid", entry.source, prefix)
    lines += _string_lines("msgstr", entry.target, prefix)
    return lines


def export_po(
    entries: Iterable[PoEntry],
    *,
    language: str,
    project: str,
    version: str,
    revision_date: datetime | None = None,
) -> bytes:
    """Return a UTF-8 PO catalog of ``entries`` that passes ``msgfmt --check``."""
    blocks, seen = [_header(language, project, version, revision_date)], set()
    for entry in entries:
        identity = (entry.obsolete, entry.key, entry.source if entry.obsolete else "")
        if identity in seen:
            raise ValueError(f"segment key {entry.key!r} appears twice")
        seen.add(identity)
        blocks.append("\n".join(_entry_lines(entry)))
    return ("\n\n".join(blocks) + "\n").encode("utf-8")


# Import ------------------------------------------------------------------------------------
