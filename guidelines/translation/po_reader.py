"""A strict PO reader: a translator's file is read whole, or refused with the line of the error.

Babel's ``read_po`` skips what it cannot parse; a file that is half read would import half a
translation without anyone noticing.
"""

import re
from dataclasses import dataclass, field

from guidelines.translation.po import PoEntry, PoFormatError

_STRING = re.compile(r'[ \t]*"((?:[^"\\]|\\.)*)"')
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?(?=[ \t\"]|$)")
_PREVIOUS_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid)(?=[ \t\"]|$)")
_ESCAPE_SEQUENCE = re.compile(r"\\(x[0-9a-fA-F]*|[0-7]{1,3}|.)")
_SIMPLE_ESCAPES = dict(zip("ntr\"\\abfv'?", "\n\t\r\"\\\a\b\f\v'?", strict=True))
_FIX = "check the file with msgfmt --check, or export a fresh one from the workbench"


def _unescape(body: str, line: int) -> str:
    """Return the value of a string literal's inside, refusing unknown escapes.

    As in GNU gettext, an octal or hex escape stands for one byte of the file's UTF-8, not for
    a code point: "\\303\\251" is "é". So no escape can make a lone surrogate, a character
    beyond U+10FFFF or a NUL, which no translation can hold (nor PostgreSQL store).
    """
    data = bytearray()
    position = 0
    for match in _ESCAPE_SEQUENCE.finditer(body):
        data += body[position : match.start()].encode("utf-8")
        data += _escaped_byte(match.group(1), line)
        position = match.end()
    data += body[position:].encode("utf-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise PoFormatError(
            line, f"the octal or \\x escapes do not spell UTF-8 characters: {_FIX}"
        ) from None
    if "\0" in text:
        raise PoFormatError(line, "the string holds a NUL character, which no text can hold")
    return text


def _escaped_byte(code: str, line: int) -> bytes:
    """Return what the escape ``\\<code>`` stands for, as UTF-8 bytes."""
    if code in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[code].encode("utf-8")
    if code[0] in "01234567":
        value = int(code, 8)
    elif code[0] == "x" and len(code) > 1:
        value = int(code[1:], 16)
    else:
        raise PoFormatError(line, f"unknown escape \\{code[0]}: write a backslash as \\\\")
    if value > 0xFF:
        raise PoFormatError(line, f"the escape \\{code[:12]} is more than one byte: {_FIX}")
    return bytes([value])


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
    previous: dict[str, list[str]] = field(default_factory=dict)
    previous_field: str = ""
    # The string pieces of each keyword, joined at the end: adding to a growing string per
    # continuation line made a long msgid cost quadratic time (seconds for a 2 MB file).
    fields: dict[str, list[str]] = field(default_factory=dict)
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
            self.draft.previous[match.group(1)] = [value]
        elif text.startswith('"') and self.draft.previous_field:
            value = _strings(text, number, "#|")
            self.draft.previous[self.draft.previous_field].append(value)
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
            draft.fields[draft.current].append(_strings(text, number, draft.current))
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
        draft.fields[full] = [_strings(text[match.end() :], number, full)]
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
        fields = {name: "".join(pieces) for name, pieces in draft.fields.items()}
        context, source = fields.get("msgctxt"), fields["msgid"]
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
        plural = "msgid_plural" in fields
        previous = draft.previous.get("msgid")
        self.entries.append(
            PoEntry(
                key=context or "",
                source=source,
                target=fields["msgstr[0]" if plural else "msgstr"],
                fuzzy="fuzzy" in draft.flags,
                previous_source=None if previous is None else "".join(previous),
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
