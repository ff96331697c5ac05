"""Fuzzing PO import: any bytes are read or refused with a PoFormatError and its line, and an
export reads back to the very same entries."""

from hypothesis import example, given, note, settings
from hypothesis import strategies as st

from guidelines.translation.po import PoEntry, PoFormatError, export_po
from guidelines.translation.po_import import plan_import
from guidelines.translation.po_reader import read_po
from tests.conftest import corpus_path
from tests.fuzz.strategies import ODD_CHARACTERS, edited, examples

FUZZ = settings.get_profile("fuzz")

# Any character a segment can hold: PO cannot hold NUL, and export refuses it.
SEGMENT_TEXT = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40),
    st.lists(
        st.sampled_from(['"', "\\", "\n", "\t", "\r", "\\n", '\\"', "%s", "a b", "  ", "é", "{1}"])
        | st.sampled_from([c for c in ODD_CHARACTERS if "\x00" not in c]),
        max_size=12,
    ).map("".join),
    st.text(min_size=100, max_size=400).filter(lambda text: "\x00" not in text),
)

PO_LINES = [
    'msgid ""',
    'msgstr ""',
    '"Content-Type: text/plain; charset=UTF-8\\n"',
    'msgctxt "s-intro/p1"',
    'msgid "Hello"',
    'msgstr "Hallo"',
    'msgid_plural "Hellos"',
    'msgstr[0] "x"',
    'msgstr[1] "y"',
    'msgstr[٣] "y"',
    "#, fuzzy, no-python-format",
    "#. Intro > Doses",
    "# translator comment",
    '#| msgid "Old"',
    '#| msgctxt "old"',
    '#| "continued"',
    "#|",
    '#~ msgid "Gone"',
    '#~ msgstr "Weg"',
    '#~| msgid "Older"',
    "#~",
    '"continued \\" string"',
    '"bad \\q escape"',
    '"octal \\101 \\7 \\777 hex \\x41 \\x \\xFFFFFFFFFF \\xD800"',
    '"unterminated',
    'msgid "a" "b"  "c"',
    "msgid",
    "msgstr x",
    "msgidfoo",
    "\ufeffmsgid",
    "\x00",
    "\r",
    "",
    "\u2028",
    "\x0c",
]


ESCAPES = [
    "\\n",
    '\\"',
    "\\\\",
    "\\t",
    "\\q",
    "\\",
    "\\0",
    "\\101",
    "\\777",
    "\\303\\251",
    "\\x41",
    "\\xc3\\xa9",
    "\\xe9",
    "\\x",
    "\\xD800",
    "\\x110000",
    "\\x" + "F" * 30,
    "\x00",
    "é",
    "a",
    " ",
]


@st.composite
def po_lines(draw: st.DrawFn) -> str:
    """Return one line of a PO file: a keyword or comment and strings full of escapes."""
    if draw(st.booleans()):
        return draw(st.sampled_from(PO_LINES) | st.text(max_size=20))
    keyword = draw(
        st.sampled_from(["msgid ", "msgstr ", "msgctxt ", "#| msgid ", "#~ msgstr ", "", "#| "])
    )
    strings = draw(st.lists(st.lists(st.sampled_from(ESCAPES), max_size=5), min_size=1))
    return keyword + " ".join('"' + "".join(pieces) + '"' for pieces in strings)


@st.composite
def po_files(draw: st.DrawFn) -> bytes:
    """Return PO-ish bytes: real keywords and strings, broken and shuffled at random."""
    lines = draw(st.lists(po_lines(), max_size=20))
    text = draw(st.sampled_from(["\n", "\r\n"])).join(lines)
    data = text.encode("utf-8")
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(data)))
        data = data[:cut]  # a truncated file, maybe inside a multi-byte character
    return draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe"])) + data


def entries_strategy() -> st.SearchStrategy[list[PoEntry]]:
    entry = st.builds(
        PoEntry,
        key=SEGMENT_TEXT,
        source=SEGMENT_TEXT,
        target=SEGMENT_TEXT,
        fuzzy=st.booleans(),
        previous_source=st.none() | SEGMENT_TEXT,
        # A path joins heading titles, which never hold "\r" (markdown-it normalises it away);
        # "#." comment lines end where a "\r\n" line ends.
        path=st.text(st.characters(codec="utf-8", exclude_characters="\x00\r"), max_size=30),
        obsolete=st.booleans(),
    )
    return st.lists(entry, min_size=1, max_size=5, unique_by=lambda e: (e.obsolete, e.key))


def read_or_refuse(data: bytes) -> list[PoEntry] | None:
    """Read ``data``; a refusal must be a PoFormatError that names a line of the file."""
    note(f"data={data!r}")
    try:
        entries = read_po(data)
    except PoFormatError as error:
        assert 1 <= error.line <= data.count(b"\n") + 1, error
        assert error.message and str(error).startswith(f"line {error.line}: ")
        return None
    assert any(not entry.obsolete for entry in entries)
    for entry in entries:
        # What is read can be stored (PostgreSQL holds no NUL) and exported again.
        texts = entry.key + entry.source + entry.target + (entry.previous_source or "")
        assert "\x00" not in texts
        texts.encode("utf-8")  # no lone surrogate
    sources = {entry.key: entry.source for entry in entries}
    for outcome in plan_import(entries, sources, {}, lambda key, target: []):
        assert outcome.status in ("updated", "unchanged", "rejected")
    return entries


@settings(FUZZ, max_examples=examples(200))
@given(st.binary(max_size=200) | po_files())
# Escapes read as code points: chr() of a huge one overflowed, of a surrogate gave a text no
# database or export could take.
@example(b'msgid"\\xAAAAAAAA"')
@example(b'msgid"\\xAAAAAA"')
@example(b'msgid "\\xD800"\nmsgstr ""\n')
@example(b'msgid "\\0"\nmsgstr ""\n')
@example(b'msgid "' + b"x" * 1_000_000 + b'"\nmsgstr "' + b'\\"' * 100_000 + b'"\n')
@example(b'msgid "a"\nmsgstr ""\nmsgid "a"\nmsgstr "b"\n#| msgid "a"\n')
def test_any_bytes_are_read_or_refused_with_a_line(data: bytes) -> None:
    read_or_refuse(data)


@settings(FUZZ, max_examples=examples(80))
@given(st.data())
def test_edited_exports_are_read_or_refused_with_a_line(data: st.DataObject) -> None:
    entries = [e for e in data.draw(entries_strategy()) if not _has_nul(e)]
    exported = export_po(entries, language="nl", project="Fuzz", version="1").decode()
    read_or_refuse(data.draw(edited(exported, max_edits=3)).encode("utf-8", "surrogatepass"))


@settings(FUZZ, max_examples=examples(40))
@given(st.data())
def test_edited_real_catalogs_are_read_or_refused_with_a_line(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(["gnumed-nl.po", "gnuhealth-5.0.6-fr.po"]))
    catalog = _catalog(name)
    start = data.draw(st.integers(0, len(catalog) - 1))
    excerpt = catalog[start : start + data.draw(st.integers(0, 3000))]
    edited_bytes = data.draw(edited(excerpt.decode("utf-8", "replace"), max_edits=3)).encode()
    read_or_refuse(data.draw(st.sampled_from([excerpt, edited_bytes])))


HUGE = 'Een "lange" tekst\\met\tvan alles\r\n' * 20_000


@settings(FUZZ, max_examples=examples(150))
@given(entries_strategy())
@example([PoEntry(key="s-x/p1", source=HUGE, target=HUGE[::-1], previous_source=HUGE)])
def test_an_export_reads_back_to_the_same_entries(entries: list[PoEntry]) -> None:
    if not any(not entry.obsolete for entry in entries):
        entries[0] = PoEntry(key="k", source="s", target="t")
    exported = export_po(entries, language="nl-BE", project='Fuzz "p"\n', version="v\\1")
    note(exported.decode())
    read = read_po(exported)
    assert read == entries


_catalogs: dict[str, bytes] = {}


def _catalog(name: str) -> bytes:
    if name not in _catalogs:
        _catalogs[name] = corpus_path("po", name).read_bytes()
    return _catalogs[name]


def _has_nul(entry: PoEntry) -> bool:
    return "\x00" in entry.key + entry.source + entry.target + (entry.previous_source or "")
