"""Translations: start, fill from memory, edit, carry over to a new version, freeze."""

import pytest

from guidelines.adaptation.operations import current_state, start_adaptation
from guidelines.extensions import db
from guidelines.text import sha256_text
from guidelines.text.segments import rebuild_document
from guidelines.translation import memory
from guidelines.translation.operations import (
    NotAllowed,
    TranslationError,
    freeze,
    start_translation,
    update_segment,
)
from tests.translation.conftest import DOC_V1, dutch


def translate_all(translation, user):
    for row in translation.segments:
        update_segment(translation, row.key, dutch(row.source), "translated", user)


def test_start_splits_the_version_into_untranslated_segments(versions):
    translation = start_translation(versions[0], "nl")
    kinds = [row.kind for row in translation.segments]
    assert {"heading", "paragraph", "list_item", "recommendation"} <= set(kinds)
    assert all(row.status == "untranslated" for row in translation.segments)
    assert start_translation(versions[0], "nl").id == translation.id


def test_translating_into_the_source_language_is_refused(versions):
    with pytest.raises(TranslationError, match="written in en already"):
        start_translation(versions[0], "en")


def test_exact_memory_matches_fill_in_by_themselves(versions, translator):
    first = start_translation(versions[0], "nl")
    translate_all(first, translator)
    db.session.commit()
    other = start_translation(versions[0], "fr")
    assert all(row.status == "untranslated" for row in other.segments)  # memory is per language
    memory.add_to_memory("en", "fr", first.segments[0].source, "Soins des os", "test")
    db.session.commit()
    again = start_translation(versions[1], "fr")
    assert again.segments[0].status == "translated" and again.segments[0].origin == "memory"


def test_a_new_version_carries_translations_over_and_flags_changes(versions, translator):
    first = start_translation(versions[0], "nl")
    translate_all(first, translator)
    db.session.commit()
    second = start_translation(versions[1], "nl")
    by_source = {row.source: row for row in second.segments}
    unchanged = by_source["Scan the spine every 2 years."]
    assert (unchanged.status, unchanged.origin) == ("translated", "carried")
    dose = next(row for row in second.segments if "10 mg" in row.source)
    assert dose.status == "fuzzy" and "5 mg" in dose.previous_source
    assert dose.target == dutch(dose.previous_source)
    assert "numbers" in dose.flag_list


def test_broken_placeholders_are_refused(versions, translator):
    translation = start_translation(versions[0], "nl")
    row = next(r for r in translation.segments if "{1}" in r.source)
    with pytest.raises(TranslationError, match=row.key):
        update_segment(translation, row.key, "NL zonder link", "translated", translator)


def test_a_reader_cannot_translate(versions, make_user):
    translation = start_translation(versions[0], "nl")
    with pytest.raises(NotAllowed):
        update_segment(
            translation, translation.segments[0].key, "x", "translated", make_user(role="reader")
        )


def test_freeze_needs_every_segment_translated(versions, translator):
    translation = start_translation(versions[0], "nl")
    update_segment(translation, translation.segments[0].key, "Botzorg", "translated", translator)
    with pytest.raises(TranslationError, match="not translated yet"):
        freeze(translation, translator)


def test_freeze_stores_the_rebuilt_text_under_its_hash(versions, translator):
    translation = start_translation(versions[0], "nl")
    translate_all(translation, translator)
    text = freeze(translation, translator)
    expected = rebuild_document(DOC_V1, {r.key: dutch(r.source) for r in translation.segments})
    assert text.markdown == expected and text.sha256 == sha256_text(expected)
    assert "https://example.org/checks" in expected and "`DXA`" in expected
    with pytest.raises(TranslationError, match="frozen"):
        update_segment(translation, translation.segments[0].key, "x", "translated", translator)


def test_an_adaptation_in_dutch_rests_on_the_frozen_dutch_translation(
    versions, translator, make_user
):
    translation = start_translation(versions[0], "nl")
    translate_all(translation, translator)
    frozen = freeze(translation, translator)
    author = make_user(role="author", networks=("bot",))
    adaptation = start_adaptation(
        versions[0].guideline, author.networks[0], user=author, version=versions[0], locale="nl-BE"
    )
    assert adaptation.current_revision.base_sha256 == frozen.sha256
    assert current_state(adaptation).text.startswith("# NL Bone care")


def test_memory_suggests_similar_segments(versions, translator):
    translation = start_translation(versions[0], "nl")
    translate_all(translation, translator)
    db.session.commit()
    found = memory.suggestions("en", "nl", "Scan the spine every 3 years.")
    assert found and found[0].target == dutch("Scan the spine every 2 years.")
    assert 0.7 <= found[0].similarity < 1


def test_an_inserted_paragraph_does_not_inherit_its_neighbours_translation(import_text, translator):
    old = "# Care\n\nFirst paragraph about scans.\n\nSecond paragraph about doses.\n"
    new = (
        "# Care\n\nA brand new paragraph on pregnancy.\n\nFirst paragraph about scans.\n\n"
        "Second paragraph about doses.\n"
    )
    first = start_translation(import_text(old, slug="care", label="1"), "nl")
    translate_all(first, translator)
    db.session.commit()
    second = start_translation(import_text(new, slug="care", label="2"), "nl")
    rows = {row.source: row for row in second.segments}
    assert rows["A brand new paragraph on pregnancy."].status == "untranslated"
    assert rows["First paragraph about scans."].status == "translated"
    assert rows["Second paragraph about doses."].target == dutch("Second paragraph about doses.")
