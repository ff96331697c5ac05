"""PO files for professional translators: export, a strict reader, and the import plan.

Pure functions on bytes and strings. The writer is our own: Babel 2.18's ``write_po`` wraps
``#| msgid`` comments with a text wrapper that can cut a quoted string in two (``msgfmt`` then
refuses the file), and it adds ``python-format`` to any text with a percent sign. The reader is
our own too: Babel's ``read_po`` skips what it cannot parse, and a translator's file must be
refused whole, with the line of the error, rather than half read.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class EntryOutcome:
    """What importing one PO entry does: updated, unchanged or rejected (with the reason)."""

    key: str
    status: str
    reason: str = ""
    target: str = ""
    fuzzy: bool = False


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

_STRING = re.compile(r'[ \t]*"((?:[^"\\]|\\.)*)"')
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?(?=[ \t\"]|$)")
_PREVIOUS_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid)(?=[ \t\"]|$)")
_SIMPLE_ESCAPES = dict(zip("ntr\"\\abfv'?", "\n\t\r\"\\\a\b\f\v'?", strict=True))
_FIX = "check the file with msgfmt --check, or export a fresh one from the workbench"


def _unescape(body: str, line: int) -> str:
    """Return the value of a string literal's inside, refusing unknown escapes."""

    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[code]
        if code[0] in "01234567":
            return chr(int(code, 8))
        if code[0] == "x" and len(code) > 1:
            return chr(int(code[1:], 16))
        raise PoFormatError(line, f"unknown escape \\{code[0]}: write a backslash as \\\\")

    return re.sub(r"\\(x[0-9a-fA-F]*|[0-7]{1,3}|.)", replace, body)


def _strings(text: str, line: int, after: str) -> str:
    """Return the concatenated value of the string literals that make up ``text``."""
    parts, position = [], 0
    while position < len(text.rstrip()):
        match = _STRING.match(text, position)
        if not match:
            rest = text[position:].strip()
            if rest.startswith('"'):
                raise PoFormatError(
                    line, 'the string is not closed: end it with a double quote (")'
                )
            raise PoFormatError(line, f"unexpected {rest[:20]!r} after {after}: {_FIX}")
        parts.append(_unescape(match.group(1), line))
        position = match.end()
    if not parts:
        raise PoFormatError(line, f'{after} needs a quoted string, such as {after} ""')
    return "".join(parts)


@dataclass
class _Draft:
    """An entry being read: its comments, then its keywords in file order."""

    flags: set[str] = field(default_factory=set)
    extracted: list[str] = field(default_factory=list)
    previous: dict[str, str] = field(default_factory=dict)
    previous_field: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    current: str = ""
    obsolete: bool = False

    def complete(self) -> bool:
        """Return whether the entry has its msgstr, so a new keyword starts a new entry."""
        return any(name.startswith("msgstr") for name in self.fields)


class _Reader:
    """A strict line-by-line PO parser that stops at the first problem."""

    def __init__(self) -> None:
        self.draft = _Draft()
        self.entries: list[PoEntry] = []
        self.seen: dict[tuple[bool, str | None, str], int] = {}

    def feed(self, number: int, line: str) -> None:
        """Read one line of the file."""
        text = line.strip()
        if not text or text == "#~":
            return
        if text.startswith("#~|"):
            self.previous(number, text[3:].strip())
        elif text.startswith("#~"):
            self.keyword(number, text[2:].strip(), obsolete=True)
        elif text.startswith("#|"):
            self.previous(number, text[2:].strip())
        elif text.startswith("#"):
            self.comment(number, line.lstrip())
        else:
            self.keyword(number, text, obsolete=False)

    def start_comment(self, number: int) -> None:
        """Begin a new entry's comments, or refuse a comment inside an entry."""
        if self.draft.complete():
            self.finish_entry()
        elif self.draft.fields:
            first = min(self.draft.lines.values())
            raise PoFormatError(
                number,
                f"a comment stands inside the entry that starts at line {first}: "
                "move it above that entry's msgctxt or msgid, or add the missing msgstr",
            )

    def comment(self, number: int, text: str) -> None:
        """Read a comment line: flags and extracted comments matter, the others do not."""
        self.start_comment(number)
        if text.startswith("#,"):
            self.draft.flags.update(flag.strip() for flag in text[2:].split(","))
        elif text.startswith("#."):
            body = text[2:]
            self.draft.extracted.append(body[1:] if body.startswith(" ") else body)

    def previous(self, number: int, text: str) -> None:
        """Read a ``#|`` line: the previous msgctxt or msgid of a fuzzy entry."""
        self.start_comment(number)
        match = _PREVIOUS_KEYWORD.match(text)
        if match:
            self.draft.previous_field = match.group(1)
            value = _strings(text[match.end() :], number, f"#| {match.group(1)}")
            self.draft.previous[match.group(1)] = value
        elif text.startswith('"') and self.draft.previous_field:
            value = _strings(text, number, "#|")
            self.draft.previous[self.draft.previous_field] += value
        else:
            raise PoFormatError(number, f"a #| line must hold msgid and a quoted string: {_FIX}")

    def keyword(self, number: int, text: str, *, obsolete: bool) -> None:
        """Read a keyword line (msgctxt, msgid, msgid_plural, msgstr) or a continued string."""
        draft = self.draft
        if text.startswith('"'):
            if not draft.current:
                raise PoFormatError(
                    number, "a string continues nothing: put it right after msgid or msgstr"
                )
            self.check_obsolete(number, obsolete)
            draft.fields[draft.current] += _strings(text, number, draft.current)
            return
        match = _KEYWORD.match(text)
        if not match:
            word = text.split()[0][:30]
            raise PoFormatError(
                number,
                f"unknown keyword {word!r}: a line starts with msgctxt, msgid, msgstr, "
                "a quoted string or #",
            )
        name, index = match.group(1), match.group(2)
        if name in ("msgctxt", "msgid") and draft.complete():
            self.finish_entry()
            draft = self.draft
        self.check_obsolete(number, obsolete)
        self.check_order(number, name, index)
        full = f"{name}[{index}]" if index is not None else name
        draft.obsolete = obsolete
        draft.fields[full] = _strings(text[match.end() :], number, full)
        draft.lines[full], draft.current = number, full

    def check_obsolete(self, number: int, obsolete: bool) -> None:
        """Refuse an entry whose lines are partly obsolete (#~) and partly current."""
        if self.draft.fields and self.draft.obsolete != obsolete:
            raise PoFormatError(
                number, "an entry mixes obsolete (#~) and current lines: mark all or none with #~"
            )

    def check_order(self, number: int, name: str, index: str | None) -> None:
        """Refuse a keyword that cannot come at this point of an entry."""
        fields, lines = self.draft.fields, self.draft.lines
        first = min(lines.values(), default=number)
        if name == "msgctxt" and fields:
            problem = f"msgctxt inside the entry of line {first}: give that entry its msgstr first"
        elif name == "msgid" and "msgid" in fields:
            problem = f'the msgid of line {lines["msgid"]} has no msgstr: add msgstr "" after it'
        elif name == "msgid_plural" and list(fields)[-1:] != ["msgid"]:
            problem = "msgid_plural must come right after msgid"
        elif name == "msgstr" and "msgid" not in fields:
            problem = "msgstr without msgid: put the msgid it translates above it"
        elif name == "msgstr" and index is None and "msgstr" in fields:
            problem = (
                f"msgstr without msgid: the msgid of line {lines['msgid']} already has its "
                f"msgstr at line {lines['msgstr']}; put this msgstr's own msgid above it"
            )
        elif name == "msgstr" and ("msgid_plural" in fields) != (index is not None):
            problem = "msgstr[N] goes with msgid_plural, and a plain msgstr with a plain msgid"
        elif name == "msgstr" and int(index or 0) != sum(k.startswith("msgstr") for k in fields):
            problem = f"msgstr[{index}] is out of order: number them msgstr[0], msgstr[1], ..."
        else:
            return
        raise PoFormatError(number, problem)

    def finish_entry(self) -> None:
        """Turn the complete draft into an entry (the header is checked, not kept)."""
        draft, self.draft = self.draft, _Draft()
        context, source = draft.fields.get("msgctxt"), draft.fields["msgid"]
        identity = (draft.obsolete, context, source)
        number = draft.lines["msgid"]
        if identity in self.seen:
            raise PoFormatError(
                number,
                f"this msgctxt and msgid already appear at line {self.seen[identity]}: "
                "keep one of the two entries",
            )
        self.seen[identity] = number
        if context is None and source == "" and not draft.obsolete:
            return
        plural = "msgid_plural" in draft.fields
        self.entries.append(
            PoEntry(
                key=context or "",
                source=source,
                target=draft.fields["msgstr[0]" if plural else "msgstr"],
                fuzzy="fuzzy" in draft.flags,
                previous_source=draft.previous.get("msgid"),
                path="\n".join(draft.extracted),
                obsolete=draft.obsolete,
                plural=plural,
            )
        )

    def finish(self, last_line: int) -> list[PoEntry]:
        """Return the entries, refusing an unfinished last entry or a file without entries."""
        if self.draft.complete():
            self.finish_entry()
        elif self.draft.fields:
            first = min(self.draft.lines.values())
            raise PoFormatError(first, f'the entry at line {first} has no msgstr: add msgstr ""')
        if not any(not entry.obsolete for entry in self.entries):
            raise PoFormatError(
                last_line,
                "the file has no entries to translate, a header at most: "
                "export a PO file from the workbench and translate that",
            )
        return self.entries


def _decode(data: bytes) -> str:
    """Return the text of a UTF-8 PO file (a BOM is dropped), refusing other encodings."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        raise PoFormatError(1, "the file is empty: upload the PO file your translation tool saved")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise PoFormatError(
            line,
            "this line is not valid UTF-8: save the file as UTF-8 "
            "(msgconv --to-code=UTF-8 converts it)",
        ) from None


def read_po(data: bytes) -> list[PoEntry]:
    """Return the entries of a PO file (not the header), or refuse the whole file."""
    text = _decode(data)
    reader = _Reader()
    for number, line in enumerate(text.split("\n"), start=1):
        reader.feed(number, line.removesuffix("\r"))
    return reader.finish(text.rstrip().count("\n") + 1)


# The import plan ---------------------------------------------------------------------------


def _edges(text: str) -> tuple[bool, bool]:
    """Return whether ``text`` starts and ends with a line break."""
    return text.startswith("\n"), text.endswith("\n")


def _judge(
    entry: PoEntry,
    sources: Mapping[str, str],
    current: Mapping[str, tuple[str, bool]],
    placeholder_problems: Callable[[str, str], list[str]],
) -> EntryOutcome:
    """Return the outcome of one current entry."""
    key = entry.key

    def rejected(reason: str) -> EntryOutcome:
        return EntryOutcome(key, "rejected", reason, entry.target, entry.fuzzy)

    if entry.plural:
        return rejected("plural entries are not used")
    if key not in sources:
        return rejected("unknown key")
    if entry.source != sources[key]:
        return rejected("the source text differs from this version")
    now_target, now_fuzzy = current.get(key, ("", False))
    if not entry.target:
        note = "an empty msgstr keeps the current translation" if now_target else ""
        return EntryOutcome(key, "unchanged", note, now_target, now_fuzzy)
    problems = placeholder_problems(key, entry.target)
    if problems:
        return rejected("broken placeholder: " + "; ".join(problems))
    if _edges(entry.target) != _edges(entry.source):
        return rejected(
            "the translation must start and end with a line break where the source does"
        )
    if (entry.target, entry.fuzzy) == (now_target, now_fuzzy):
        return EntryOutcome(key, "unchanged", "", now_target, now_fuzzy)
    return EntryOutcome(key, "updated", "", entry.target, entry.fuzzy)


def plan_import(
    entries: Iterable[PoEntry],
    sources: Mapping[str, str],
    current: Mapping[str, tuple[str, bool]],
    placeholder_problems: Callable[[str, str], list[str]],
) -> list[EntryOutcome]:
    """Return one outcome per current entry of a translator's file; change nothing.

    An empty msgstr never erases a translation: it is "unchanged" (with a note when a
    translation exists). Obsolete entries and a header are not reported. A key that comes back
    after it was already accepted is rejected, so one segment never gets two translations.
    """
    outcomes, accepted = [], set()
    for entry in entries:
        if entry.obsolete or (not entry.key and not entry.source):
            continue
        outcome = _judge(entry, sources, current, placeholder_problems)
        if entry.key in accepted:
            outcome = EntryOutcome(
                entry.key,
                "rejected",
                "the key appears twice in the file",
                entry.target,
                entry.fuzzy,
            )
        elif outcome.status != "rejected":
            accepted.add(entry.key)
        outcomes.append(outcome)
    return outcomes
