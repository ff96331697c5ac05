"""PO files for translators, and seeding the memory from catalogs and aligned pages."""

import shutil
import subprocess

import pytest

from guidelines.extensions import db
from guidelines.translation import exchange, memory
from guidelines.translation.operations import start_translation
from guidelines.translation.po import PoFormatError
from guidelines.translation.po_reader import read_po
from tests.conftest import corpus_path
from tests.translation.conftest import dutch

LIMIT = 5 * 1024 * 1024


@pytest.fixture
def translation(versions):
    return start_translation(versions[0], "nl")


def test_export_passes_msgfmt_check(translation, tmp_path):
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt (GNU gettext) is not installed")
    path = tmp_path / "nl.po"
    path.write_bytes(exchange.export_translation_po(translation))
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_po_round_trip_updates_segments(translation, translator):
    entries = read_po(exchange.export_translation_po(translation))
    edited = "\n".join(
        f'msgctxt "{e.key}"\nmsgid "{e.source}"\nmsgstr "{dutch(e.source)}"\n'
        for e in entries
        if '"' not in e.source and "\n" not in e.source
    )
    outcomes = exchange.import_translation_po(
        translation, edited.encode(), translator, max_bytes=LIMIT
    )
    assert outcomes and {o.status for o in outcomes} == {"updated"}
    assert all(
        row.target == dutch(row.source)
        for row in translation.segments
        if row.key in {o.key for o in outcomes}
    )


def test_po_import_reports_unknown_keys_changed_sources_and_broken_placeholders(
    translation, translator
):
    link = next(r for r in translation.segments if "{1}" in r.source)
    body = (
        'msgctxt "no/such-key"\nmsgid "x"\nmsgstr "y"\n\n'
        f'msgctxt "{translation.segments[0].key}"\nmsgid "Another source"\nmsgstr "z"\n\n'
        f'msgctxt "{link.key}"\nmsgid "{link.source}"\nmsgstr "NL zonder link"\n'
    )
    outcomes = {
        o.key: o
        for o in exchange.import_translation_po(
            translation, body.encode(), translator, max_bytes=LIMIT
        )
    }
    assert outcomes["no/such-key"].reason == "unknown key"
    assert "differs" in outcomes[translation.segments[0].key].reason
    assert "placeholder" in outcomes[link.key].reason
    assert all(o.status == "rejected" for o in outcomes.values())


def test_malformed_po_is_refused_whole_with_its_line(translation, translator):
    key = translation.segments[0].key
    body = (
        f'msgctxt "{key}"\nmsgid "{translation.segments[0].source}"\nmsgstr "ok"\n\nmsgid "broken\n'
    )
    with pytest.raises(PoFormatError) as refused:
        exchange.import_translation_po(translation, body.encode(), translator, max_bytes=LIMIT)
    assert refused.value.line == 5
    assert translation.segments[0].target == ""


def test_real_catalog_seeds_the_memory(app_ctx):
    data = corpus_path("po", "gnumed-nl.po").read_bytes()
    counts = exchange.import_po_into_memory(data, "en", "nl", origin="gnumed")
    assert counts["added"] > 1000
    db.session.commit()
    memory.forget_indexes()
    assert memory.exact_match("en", "nl", read_po(data)[0].source) is not None or counts["skipped"]


def test_aligned_pages_seed_the_memory(app_ctx):
    folder = corpus_path("i18n", "coronamelder-faq-2021-08")
    counts = exchange.import_aligned(folder / "en", folder / "nl", "en", "nl", max_bytes=LIMIT)
    assert counts["files"] > 30 and counts["added"] > 50
