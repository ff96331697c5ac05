"""PO export, the strict PO reader and the import plan, checked against GNU gettext's msgfmt."""

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural

from guidelines.translation.po import PoEntry, PoFormatError, export_po
from guidelines.translation.po_import import EntryOutcome, plan_import
from guidelines.translation.po_reader import read_po

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
CORPUS_CATALOGS = [
    "gnuhealth-5.0.6-de.po",
    "gnuhealth-5.0.6-fr.po",
    "gnumed-de.po",
    "gnumed-fr.po",
    "gnumed-nl.2024-09-26.po",
    "gnumed-nl.po",
]
WHEN = datetime(2025, 3, 4, 5, 6, tzinfo=UTC)
LONG = "Adults with osteogenesis imperfecta should have   annual bone densitometry (DXA)"

HARD_ENTRIES = [
    PoEntry(
        "s-treatment/p1",
        "5% of patients need {1}.",
        "5% van de patiënten heeft {1} nodig.",
        path="Treatment > Adults",
    ),
    PoEntry(
        "s-treatment/p2",
        'Say "no" to C:\\temp\\{2} and\ttabs.',
        "Dites « non » à C:\\temp\\{2} et\ttabulations.",
        path="Traitement > Adultes",
    ),
    PoEntry(
        "s-treatment/p3",
        f"{LONG}, every two years.\nSee {{1}}.",
        "Erwachsene mit Osteogenesis imperfecta: Knochendichtemessung alle zwei Jahre.\nSiehe {1}.",
        fuzzy=True,
        previous_source=f"{LONG}, every year,\nand after   each fracture. See {{1}}.",
        path="Behandlung > Erwachsene",
    ),
    PoEntry("s-diagnosis/p1", "Ask for genetic testing.", "", path="Diagnosis"),
    PoEntry(
        "s-old/p1",
        "Old advice.",
        "Oud advies.",
        fuzzy=True,
        previous_source="Older advice.",
        obsolete=True,
    ),
]


def export(entries: list[PoEntry], language: str = "nl") -> bytes:
    """Return the export of ``entries`` at a fixed date."""
    return export_po(
        entries, language=language, project="ERN BOND OI", version="2024-05", revision_date=WHEN
    )


def msgfmt(path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """Run GNU msgfmt on ``path``, or skip the test when it is not installed."""
    executable = shutil.which("msgfmt")
    if executable is None:
        pytest.skip("GNU gettext's msgfmt is not installed (apt-get install gettext)")
    return subprocess.run(
        [executable, *options, "-o", os.devnull, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def msgfmt_counts(path: Path) -> tuple[int, int, int]:
    """Return msgfmt's translated, fuzzy and untranslated counts for ``path``."""
    report = msgfmt(path, "--statistics").stderr

    def count(label: str) -> int:
        match = re.search(rf"(\d+) {label}", report)
        return int(match.group(1)) if match else 0

    return count("translated message"), count("fuzzy translation"), count("untranslated message")


def our_counts(entries: list[PoEntry]) -> tuple[int, int, int]:
    """Return translated, fuzzy and untranslated counts of the current entries, as msgfmt."""
    current = [entry for entry in entries if not entry.obsolete]
    return (
        sum(1 for entry in current if entry.target and not entry.fuzzy),
        sum(1 for entry in current if entry.target and entry.fuzzy),
        sum(1 for entry in current if not entry.target),
    )


def header_block(data: bytes) -> str:
    """Return the header entry of an exported file, with its comments."""
    return data.decode().split("\n\n")[0]


# Export ------------------------------------------------------------------------------------


def test_round_trip_gives_the_same_entries() -> None:
    assert read_po(export(HARD_ENTRIES)) == HARD_ENTRIES


def test_msgfmt_check_passes_without_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "nl.po"
    path.write_bytes(export(HARD_ENTRIES))
    result = msgfmt(path, "--check")
    assert (result.returncode, result.stderr) == (0, "")


def test_msgfmt_counts_the_export_like_the_entries(tmp_path: Path) -> None:
    path = tmp_path / "nl.po"
    path.write_bytes(export(HARD_ENTRIES))
    assert msgfmt_counts(path) == our_counts(HARD_ENTRIES) == (2, 1, 1)


def test_long_previous_source_is_written_as_whole_strings() -> None:
    # Babel 2.18's write_po re-wraps "#| msgid" lines mid-string; msgfmt refuses that.
    lines = [line for line in export(HARD_ENTRIES).decode().splitlines() if line.startswith("#|")]
    assert len(lines) > 2
    assert all(re.fullmatch(r'#\| (msgid )?"([^"\\]|\\.)*"', line) for line in lines)


def test_header_is_not_fuzzy() -> None:
    assert "fuzzy" not in header_block(export(HARD_ENTRIES))


def test_header_names_project_language_plural_forms_and_utf8() -> None:
    header = header_block(export(HARD_ENTRIES, language="fr"))
    for line in [
        '"Project-Id-Version: ERN BOND OI 2024-05\\n"',
        '"PO-Revision-Date: 2025-03-04 05:06+0000\\n"',
        '"Language: fr\\n"',
        '"Language-Team: French\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
    ]:
        assert line in header.splitlines()
    # The plural rule is CLDR's, as Babel has it (it changes between Babel releases), and a
    # long one is wrapped over several quoted lines: compare the joined header.
    fields = "".join(line[1:-1] for line in header.splitlines() if line.startswith('"'))
    assert f"Plural-Forms: {get_plural('fr').plural_forms}\\n" in fields


def test_language_unknown_to_babel_gets_no_plural_forms() -> None:
    data = export(HARD_ENTRIES, language="xx")
    assert '"Language: xx\\n"' in header_block(data)
    assert "Plural-Forms" not in header_block(data)


def test_every_content_entry_is_flagged_no_python_format() -> None:
    flags = [line for line in export(HARD_ENTRIES).decode().splitlines() if line.startswith("#,")]
    assert len(flags) == len(HARD_ENTRIES)
    assert all("no-python-format" in line for line in flags)
    assert not any(re.search(r"(?<!no-)python-format", line) for line in flags)


def test_export_refuses_a_key_twice() -> None:
    with pytest.raises(ValueError, match="appears twice"):
        export([PoEntry("s-a/p1", "One", ""), PoEntry("s-a/p1", "Two", "")])


# Reading -----------------------------------------------------------------------------------

HEADER = b'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def test_read_drops_a_bom_and_reads_crlf_lines() -> None:
    data = b"\xef\xbb\xbf" + (HEADER + b'msgctxt "k"\nmsgid "a"\nmsgstr "b"\n').replace(
        b"\n", b"\r\n"
    )
    assert read_po(data) == [PoEntry("k", "a", "b")]


def test_read_decodes_escapes() -> None:
    data = HEADER + b'msgctxt "k"\nmsgid "a\\n\\t\\"q\\" \\\\ \\101"\nmsgstr "\xc3\xa9"\n'
    assert read_po(data) == [PoEntry("k", 'a\n\t"q" \\ A', "é")]


def test_read_joins_multiline_strings() -> None:
    data = HEADER + b'msgid ""\n"one\\n"\n  "two" " three"\nmsgstr "" "een"\n'
    assert read_po(data) == [PoEntry("", "one\ntwo three", "een")]


def test_read_leaves_out_the_header() -> None:
    assert [entry.source for entry in read_po(HEADER + b'msgid "a"\nmsgstr ""\n')] == ["a"]


def test_read_returns_fuzzy_entries_with_their_previous_source() -> None:
    data = (
        HEADER + b'#, fuzzy, no-python-format\n#| msgid ""\n#| "Old "\n#| "text"\n'
        b'msgctxt "k"\nmsgid "New text"\nmsgstr "Nieuwe tekst"\n'
    )
    assert read_po(data) == [PoEntry("k", "New text", "Nieuwe tekst", True, "Old text")]


def test_read_returns_obsolete_entries_as_obsolete() -> None:
    data = HEADER + b'msgid "a"\nmsgstr "b"\n\n#~ msgctxt "k"\n#~ msgid "gone"\n#~ msgstr "weg"\n'
    assert read_po(data)[1] == PoEntry("k", "gone", "weg", obsolete=True)


def test_read_returns_plural_entries_with_their_first_form() -> None:
    data = (
        HEADER + b'msgid "a day"\nmsgid_plural "%d days"\nmsgstr[0] "een dag"\n'
        b'msgstr[1] "%d dagen"\n'
    )
    assert read_po(data) == [PoEntry("", "a day", "een dag", plural=True)]


MALFORMED = {
    "empty bytes": (b"", 1, "empty"),
    "only a BOM and blank lines": (b"\xef\xbb\xbf\n\n", 1, "empty"),
    "header only": (HEADER, 2, "no entries"),
    "unterminated string": (HEADER + b'msgctxt "k"\nmsgid "abc\nmsgstr ""\n', 5, "not closed"),
    "invalid UTF-8": (HEADER + b'msgid "a"\nmsgstr "caf\xe9"\n', 5, "not valid UTF-8"),
    "msgstr without msgid": (b'msgstr "b"\n', 1, "msgstr without msgid"),
    "a second msgstr": (
        HEADER + b'msgid "a"\nmsgstr "b"\n\nmsgstr "c"\n',
        7,
        "msgstr without msgid",
    ),
    "duplicate msgctxt and msgid": (
        HEADER + b'msgctxt "k"\nmsgid "a"\nmsgstr ""\n\nmsgctxt "k"\nmsgid "a"\nmsgstr "b"\n',
        9,
        "already appear at line 5",
    ),
    "unknown keyword": (HEADER + b'msgid "a"\nmsgstr "b"\nmsgtxt "c"\n', 6, "unknown keyword"),
    "text after a string": (HEADER + b'msgid "a" b\nmsgstr ""\n', 4, "unexpected 'b'"),
    "unknown escape": (HEADER + b'msgid "a\\q"\nmsgstr ""\n', 4, "unknown escape \\q"),
    "last msgid without msgstr": (HEADER + b'msgctxt "k"\nmsgid "a"\n', 4, "has no msgstr"),
    "msgid without msgstr": (HEADER + b'msgid "a"\nmsgid "b"\nmsgstr ""\n', 5, "has no msgstr"),
    "comment inside an entry": (
        HEADER + b'msgid "a"\n#, fuzzy\nmsgstr "b"\n',
        5,
        "inside the entry",
    ),
    "string without keyword": (b'"a"\n', 1, "continues nothing"),
    "half obsolete entry": (HEADER + b'#~ msgid "a"\nmsgstr "b"\n', 5, "mixes obsolete"),
}


@pytest.mark.parametrize(("data", "line", "words"), MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_file_is_refused_with_its_line(data: bytes, line: int, words: str) -> None:
    with pytest.raises(PoFormatError) as refusal:
        read_po(data)
    assert refusal.value.line == line
    assert words in str(refusal.value)
    assert str(refusal.value).startswith(f"line {line}: ")


def corpus_catalog(name: str) -> Path:
    """Return a real catalog from the shared corpus, or skip when the corpus is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} is absent: this test reads real PO catalogs from ../shared/corpus")
    return CORPUS / "po" / name


@pytest.mark.corpus
@pytest.mark.parametrize("name", CORPUS_CATALOGS)
def test_corpus_catalog_counts_match_msgfmt(name: str) -> None:
    path = corpus_catalog(name)
    assert our_counts(read_po(path.read_bytes())) == msgfmt_counts(path)


@pytest.mark.corpus
@pytest.mark.parametrize("name", CORPUS_CATALOGS)
def test_corpus_catalog_obsolete_entries_are_all_read(name: str) -> None:
    path = corpus_catalog(name)
    obsolete = sum(1 for entry in read_po(path.read_bytes()) if entry.obsolete)
    assert obsolete == len(re.findall(rb"^#~ msgid ", path.read_bytes(), re.MULTILINE))


# The import plan ---------------------------------------------------------------------------

SOURCES = {"s-a/p1": "Give {1} daily.", "s-a/p2": "5% of patients", "s-a/p3": "Line\n"}


def no_problems(key: str, target: str) -> list[str]:
    """Report no placeholder problem."""
    return []


def plan(
    *entries: PoEntry,
    current: dict[str, tuple[str, bool]] | None = None,
    problems: Callable[[str, str], list[str]] = no_problems,
) -> list[EntryOutcome]:
    """Return the import plan of ``entries`` against SOURCES."""
    return plan_import(entries, SOURCES, current or {}, problems)


def test_plan_updates_a_new_translation() -> None:
    assert plan(PoEntry("s-a/p2", "5% of patients", "5% van de patiënten")) == [
        EntryOutcome("s-a/p2", "updated", target="5% van de patiënten")
    ]


def test_plan_updates_when_only_the_fuzzy_flag_is_cleared() -> None:
    (outcome,) = plan(PoEntry("s-a/p2", "5% of patients", "5%"), current={"s-a/p2": ("5%", True)})
    assert (outcome.status, outcome.fuzzy) == ("updated", False)


def test_plan_keeps_a_fuzzy_translation_fuzzy() -> None:
    (outcome,) = plan(PoEntry("s-a/p2", "5% of patients", "5% van", fuzzy=True))
    assert (outcome.status, outcome.target, outcome.fuzzy) == ("updated", "5% van", True)


def test_plan_reports_the_same_translation_as_unchanged() -> None:
    (outcome,) = plan(PoEntry("s-a/p2", "5% of patients", "5%"), current={"s-a/p2": ("5%", False)})
    assert outcome.status == "unchanged"


def test_plan_never_lets_an_empty_msgstr_erase_a_translation() -> None:
    (outcome,) = plan(PoEntry("s-a/p2", "5% of patients", ""), current={"s-a/p2": ("5%", False)})
    assert (outcome.status, outcome.target) == ("unchanged", "5%")


def test_plan_rejects_an_unknown_key() -> None:
    (outcome,) = plan(PoEntry("s-zz/p9", "5% of patients", "5%"))
    assert (outcome.status, outcome.reason) == ("rejected", "unknown key")


def test_plan_rejects_a_different_source_text() -> None:
    (outcome,) = plan(PoEntry("s-a/p2", "6% of patients", "6%"))
    assert (outcome.status, outcome.reason) == (
        "rejected",
        "the source text differs from this version",
    )


def test_plan_rejects_a_broken_placeholder() -> None:
    (outcome,) = plan(
        PoEntry("s-a/p1", "Give {1} daily.", "Dagelijks geven."),
        problems=lambda key, target: ["{1} is missing"],
    )
    assert (outcome.status, outcome.reason) == ("rejected", "broken placeholder: {1} is missing")


def test_plan_asks_about_placeholders_only_for_known_keys() -> None:
    asked: list[str] = []
    plan(PoEntry("s-zz/p9", "x", "y"), problems=lambda key, target: asked.append(key) or [])
    assert asked == []


def test_plan_rejects_a_plural_entry() -> None:
    (outcome,) = plan(PoEntry("s-a/p2", "5% of patients", "5%", plural=True))
    assert (outcome.status, outcome.reason) == ("rejected", "plural entries are not used")


def test_plan_rejects_a_translation_that_loses_the_final_line_break() -> None:
    # msgfmt --check refuses such an entry, so the next export would fail
    (outcome,) = plan(PoEntry("s-a/p3", "Line\n", "Regel"))
    assert outcome.status == "rejected"
    assert "line break" in outcome.reason


def test_plan_rejects_a_key_that_comes_twice() -> None:
    first, second = plan(
        PoEntry("s-a/p2", "5% of patients", "5%"), PoEntry("s-a/p2", "5% of patients", "vijf %")
    )
    assert (first.status, second.status, second.reason) == (
        "updated",
        "rejected",
        "the key appears twice in the file",
    )


def test_plan_does_not_report_obsolete_entries() -> None:
    assert plan(PoEntry("s-a/p2", "5% of patients", "5%", obsolete=True)) == []
