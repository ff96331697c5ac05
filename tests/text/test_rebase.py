"""Rebasing a local adaptation onto a new base text: each outcome, the edge cases, the API."""

from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidelines.text.rebase import (
    APPLIED,
    CONFLICT,
    NEEDS_CONFIRMATION,
    RebaseResult,
    rebase,
)
from tests.text.test_rebase_corpus import check_consistency, judge

OLD = (
    "# Behandeling\n"
    "\n"
    "Start met 5 mg per dag. Controleer de leverwaarden elke maand.\n"
    "\n"
    "Verwijs naar een expertisecentrum bij twijfel.\n"
    "\n"
    "Bespreek de prognose met de ouders. Controleer de leverwaarden elke maand.\n"
)


def outcomes(result: RebaseResult) -> list[str]:
    return [hunk.outcome for hunk in result.hunks]


def test_a_local_text_equal_to_the_old_base_has_no_hunks_and_gives_the_new_base() -> None:
    new = OLD.replace("5 mg", "10 mg")
    result = rebase(OLD, OLD, new)
    assert result.hunks == ()
    assert result.text == new


def test_an_unchanged_base_applies_every_hunk_and_gives_the_local_text_exactly() -> None:
    local = OLD.replace("5 mg", "7,5 mg").replace("ouders", "ouders en de huisarts")
    result = rebase(OLD, local, OLD)
    assert outcomes(result) == [APPLIED, APPLIED]
    assert result.text == local


def test_three_identical_texts_give_the_text_back() -> None:
    assert rebase(OLD, OLD, OLD) == RebaseResult(OLD, OLD, ())


@pytest.mark.parametrize(
    ("old", "local", "new", "text", "expected"),
    [
        ("", "", "", "", []),
        ("", "Nieuw.\n", "", "Nieuw.\n", [APPLIED]),
        ("", "", "Europees.\n", "Europees.\n", []),
        ("", "Lokaal.\n", "Europees.\n", "Europees.\n", [CONFLICT]),
        ("Weg.\n", "", "Weg.\n", "", [APPLIED]),
    ],
)
def test_empty_texts(old: str, local: str, new: str, text: str, expected: list[str]) -> None:
    result = rebase(old, local, new)
    assert (result.text, outcomes(result)) == (text, expected)


def test_an_edit_in_a_block_the_new_base_left_alone_is_applied_at_its_mapped_place() -> None:
    local = OLD.replace("expertisecentrum", "Vlaams referentiecentrum")
    new = OLD.replace("# Behandeling\n", "# Behandeling\n\nEen nieuwe inleiding.\n")
    result = rebase(OLD, local, new)
    assert outcomes(result) == [APPLIED]
    assert result.text == new.replace("expertisecentrum", "Vlaams referentiecentrum")


def test_an_edit_in_a_block_changed_elsewhere_needs_confirmation_and_is_not_applied() -> None:
    local = OLD.replace("Start met 5 mg", "Start met 2,5 mg")
    new = OLD.replace("leverwaarden elke maand.\n\nVerwijs", "nierfunctie elke week.\n\nVerwijs")
    result = rebase(OLD, local, new)
    assert outcomes(result) == [NEEDS_CONFIRMATION]
    assert result.text == new


def test_a_needs_confirmation_hunk_offers_the_new_block_with_the_local_edit() -> None:
    local = OLD.replace("Start met 5 mg", "Start met 2,5 mg")
    new = OLD.replace("leverwaarden elke maand.\n\nVerwijs", "nierfunctie elke week.\n\nVerwijs")
    (hunk,) = rebase(OLD, local, new).hunks
    assert hunk.old_base == "Start met 5 mg per dag. Controleer de leverwaarden elke maand."
    assert hunk.new_base == "Start met 5 mg per dag. Controleer de nierfunctie elke week."
    assert hunk.local == "Start met 2,5 mg per dag. Controleer de leverwaarden elke maand."
    assert hunk.merged == "Start met 2,5 mg per dag. Controleer de nierfunctie elke week."
    assert hunk.reason == "the new base changed another part of this block"


def test_confirming_a_hunk_applies_it_at_its_exact_place() -> None:
    local = OLD.replace("Start met 5 mg", "Start met 2,5 mg")
    new = OLD.replace("leverwaarden elke maand.\n\nVerwijs", "nierfunctie elke week.\n\nVerwijs")
    result = rebase(OLD, local, new)
    assert result.apply(confirmed=[0]) == new.replace("5 mg", "2,5 mg")


def test_an_edit_whose_words_the_new_base_changed_is_a_conflict() -> None:
    local = OLD.replace("5 mg per dag", "5 mg per week")
    new = OLD.replace("5 mg per dag", "5 mg tweemaal per dag")
    result = rebase(OLD, local, new)
    assert outcomes(result) == [CONFLICT]
    assert result.text == new
    (hunk,) = result.hunks
    assert hunk.reason == "the new base changed the text this edit touches"
    assert hunk.merged is None


def test_a_conflict_covers_the_whole_block_in_all_three_versions() -> None:
    local = OLD.replace("5 mg per dag", "5 mg per week")
    new = OLD.replace("5 mg per dag", "5 mg tweemaal per dag")
    (hunk,) = rebase(OLD, local, new).hunks
    assert hunk.old_base == "Start met 5 mg per dag. Controleer de leverwaarden elke maand."
    assert (
        hunk.new_base == "Start met 5 mg tweemaal per dag. Controleer de leverwaarden elke maand."
    )
    assert hunk.local == "Start met 5 mg per week. Controleer de leverwaarden elke maand."


@pytest.mark.parametrize("choice", ["mine", "theirs", "edited"])
def test_a_conflict_is_resolved_with_mine_theirs_or_an_edited_text(choice: str) -> None:
    local = OLD.replace("5 mg per dag", "5 mg per week")
    new = OLD.replace("5 mg per dag", "5 mg tweemaal per dag")
    result = rebase(OLD, local, new)
    (hunk,) = result.hunks
    text = {"mine": hunk.local, "theirs": hunk.new_base, "edited": "Start met 5 mg per week."}
    resolved = result.apply(resolutions={0: text[choice]})
    assert resolved == new.replace(hunk.new_base, text[choice])


def test_an_edit_in_a_removed_block_is_a_conflict_that_keep_mine_puts_back() -> None:
    local = OLD.replace("bij twijfel", "bij elke twijfel")
    new = OLD.replace("Verwijs naar een expertisecentrum bij twijfel.\n\n", "")
    result = rebase(OLD, local, new)
    (hunk,) = result.hunks
    assert (hunk.outcome, hunk.reason, hunk.new_base) == (
        CONFLICT,
        "the new base removed this passage",
        "",
    )
    assert result.text == new
    assert result.apply(resolutions={0: hunk.local}) == local


def test_insertions_at_the_same_place_between_blocks_are_a_conflict() -> None:
    between = "bij twijfel.\n\n"
    local = OLD.replace(between, between + "Lokale alinea.\n\n")
    new = OLD.replace(between, between + "Europese alinea.\n\n")
    result = rebase(OLD, local, new)
    assert outcomes(result) == [CONFLICT]
    assert result.hunks[0].reason.startswith("the new base also changed the text at this place")
    assert result.text == new


def test_an_insertion_between_blocks_applies_when_the_new_base_inserted_elsewhere() -> None:
    local = OLD.replace("twijfel.\n\n", "twijfel.\n\nLokale alinea.\n\n")
    new = OLD.replace("# Behandeling\n\n", "# Behandeling\n\nEuropese alinea.\n\n")
    result = rebase(OLD, local, new)
    assert outcomes(result) == [APPLIED]
    assert result.text == new.replace("twijfel.\n\n", "twijfel.\n\nLokale alinea.\n\n")


REPEATED = "Controleer de leverwaarden elke maand."


def _trap(paragraph_three: str) -> tuple[str, str, str]:
    """Return a text whose sentence REPEATED recurs, an edit of it in paragraph three, and a new
    base that inserts a look-alike paragraph before paragraph three (which it may also change)."""
    old = "\n\n".join(
        [
            f"Eerste alinea. {REPEATED}",
            f"Tweede alinea. {REPEATED}",
            f"Derde alinea. {REPEATED} Slot.",
        ]
    )
    local = old.replace(f"{REPEATED} Slot.", "Controleer de leverwaarden elke week. Slot.")
    decoy = f"Nieuwe alinea. {REPEATED} Slot."
    new = old.replace(f"Derde alinea. {REPEATED} Slot.", f"{decoy}\n\n{paragraph_three}")
    return old, local, new


def test_the_repeated_sentence_trap_applies_the_edit_in_paragraph_three_only() -> None:
    old, local, new = _trap(f"Derde alinea. {REPEATED} Slot.")
    result = rebase(old, local, new)
    assert outcomes(result) == [APPLIED]
    assert result.text == new.replace(
        f"Derde alinea. {REPEATED}", "Derde alinea. Controleer de leverwaarden elke week."
    )


def test_the_repeated_sentence_trap_with_paragraph_three_changed_asks_a_person() -> None:
    old, local, new = _trap(f"Derde alinea, herzien. {REPEATED} Slot.")
    result = rebase(old, local, new)
    assert outcomes(result) == [NEEDS_CONFIRMATION]
    assert result.text == new
    assert result.hunks[0].merged == (
        "Derde alinea, herzien. Controleer de leverwaarden elke week. Slot."
    )


def test_the_repeated_sentence_trap_with_the_sentence_changed_is_a_conflict() -> None:
    old, local, new = _trap("Derde alinea. Controleer de leverwaarden elke dag. Slot.")
    result = rebase(old, local, new)
    assert outcomes(result) == [CONFLICT]
    assert result.text == new


def test_an_edit_of_one_of_two_identical_paragraphs_stays_with_that_paragraph() -> None:
    old = "Inleiding.\n\nHerhaal de meting.\n\nHerhaal de meting.\n\nSlot.\n"
    local = "Inleiding.\n\nHerhaal de meting.\n\nHerhaal de meting morgen.\n\nSlot.\n"
    new = "Inleiding.\n\nMeet opnieuw.\n\nHerhaal de meting.\n\nSlot.\n"
    result = rebase(old, local, new)
    assert outcomes(result) == [APPLIED]
    assert result.text == "Inleiding.\n\nMeet opnieuw.\n\nHerhaal de meting morgen.\n\nSlot.\n"


def test_both_sides_editing_the_first_of_identical_paragraphs_is_a_conflict() -> None:
    same = "Bespreek dit met de ouders."
    old = f"Geef 5 mg.\n\n{same}\n\n{same}\n\n{same}\n\nSlot.\n"
    local = old.replace(f"{same}\n", "Bespreek dit met de huisarts.\n", 1)
    new = old.replace(f"{same}\n", "Bespreek dit met het team.\n", 1)
    result = rebase(old, local, new)
    assert outcomes(result) == [CONFLICT]
    assert result.text == new


def test_a_kept_paragraph_is_found_whole_among_rewritten_look_alikes() -> None:
    same = "Bespreek dit met de ouders."
    old = f"{same}\n\nGeef 5 mg. Geef 5 mg. Verwijs bij twijfel.\n"
    local = old.replace("met de", "met de beide")
    new = f"Geef 5 mg. {same}\n\n{same} Verwijs bij twijfel.\n\n{same}\n"
    result = rebase(old, local, new)
    assert outcomes(result) == [APPLIED]
    assert result.text == new.removesuffix(f"{same}\n") + "Bespreek dit met de beide ouders.\n"


def test_two_hunks_in_one_changed_block_can_be_confirmed_in_any_subset() -> None:
    local = OLD.replace("Start met 5 mg", "Start met 2,5 mg").replace(
        "elke maand.\n\nV", "elk kwartaal.\n\nV"
    )
    new = OLD.replace(
        "Controleer de leverwaarden elke maand.\n\nV", "Meet de leverwaarden elke maand.\n\nV"
    )
    result = rebase(OLD, local, new)
    assert outcomes(result) == [NEEDS_CONFIRMATION, NEEDS_CONFIRMATION]
    first = new.replace("5 mg", "2,5 mg")
    second = new.replace("elke maand.\n\nV", "elk kwartaal.\n\nV")
    both = first.replace("elke maand.\n\nV", "elk kwartaal.\n\nV")
    assert [result.apply(), result.apply([0]), result.apply([1]), result.apply([0, 1])] == [
        new,
        first,
        second,
        both,
    ]


def test_a_conflict_takes_in_the_other_local_edits_of_its_block() -> None:
    local = OLD.replace("5 mg per dag", "5 mg per week").replace(
        "elke maand.\n\nV", "elk kwartaal.\n\nV"
    )
    new = OLD.replace("5 mg per dag", "5 mg tweemaal per dag")
    result = rebase(OLD, local, new)
    assert outcomes(result) == [CONFLICT]
    assert result.hunks[0].local == (
        "Start met 5 mg per week. Controleer de leverwaarden elk kwartaal."
    )


def test_edits_close_together_on_one_line_form_one_hunk() -> None:
    local = OLD.replace("Start met 5 mg per dag", "Begin met 5 mg per nacht")
    (hunk,) = rebase(OLD, local, OLD).hunks
    assert (hunk.old_start, hunk.old_end) == (OLD.index("Start"), OLD.index(" per dag") + 8)


def test_list_items_are_blocks_of_their_own() -> None:
    old = "Stappen:\n\n* meten\n* wegen\n* noteren\n"
    local = old.replace("noteren", "registreren")
    new = old.replace("meten", "bloeddruk meten")
    result = rebase(old, local, new)
    assert outcomes(result) == [APPLIED]
    assert result.text == new.replace("noteren", "registreren")


def test_a_recommendation_block_is_one_block() -> None:
    old = (
        "::: recommendation R1 strength=strong certainty=low direction=for\n"
        "Geef vitamine D.\n"
        "\n"
        "Controleer de spiegel na 3 maanden.\n"
        ":::\n"
    )
    local = old.replace("3 maanden", "6 maanden")
    new = old.replace("strength=strong", "strength=conditional")
    result = rebase(old, local, new)
    assert outcomes(result) == [NEEDS_CONFIRMATION]
    assert result.hunks[0].merged == new.removesuffix("\n").replace("3 maanden", "6 maanden")


def test_crlf_line_endings_are_kept() -> None:
    old, local, new = (
        text.replace("\n", "\r\n")
        for text in (
            OLD,
            OLD.replace("bij twijfel", "bij elke twijfel"),
            OLD.replace("# Behandeling\n", "# Behandeling\n\nInleiding.\n"),
        )
    )
    result = rebase(old, local, new)
    assert outcomes(result) == [APPLIED]
    assert result.text == new.replace("bij twijfel", "bij elke twijfel")


def test_a_text_without_a_final_newline_rebases_at_its_very_end() -> None:
    old = OLD.removesuffix("\n")
    local = old.removesuffix("maand.") + "week."
    new = "Inleiding.\n\n" + old
    result = rebase(old, local, new)
    assert outcomes(result) == [APPLIED]
    assert result.text == "Inleiding.\n\n" + local


def test_an_appended_paragraph_and_an_upstream_append_conflict() -> None:
    old = OLD.removesuffix("\n")
    result = rebase(old, old + "\n\nLokaal slot.", old + "\n\nEuropees slot.")
    assert outcomes(result) == [CONFLICT]


def test_hunks_at_the_very_start_and_end_apply() -> None:
    local = "# Behandeling in Vlaanderen\n" + OLD.removeprefix("# Behandeling\n") + "Bron: RIZIV.\n"
    new = OLD.replace("Verwijs", "Verwijs altijd")
    result = rebase(OLD, local, new)
    assert outcomes(result) == [APPLIED, APPLIED]
    assert result.text == (
        "# Behandeling in Vlaanderen\n" + new.removeprefix("# Behandeling\n") + "Bron: RIZIV.\n"
    )


def test_non_ascii_text_keeps_its_characters() -> None:
    old = "Le médecin référent coördineert.\n\nÉén controle per jaar.\n"
    local = old.replace("Één controle", "Twee controles")
    new = old.replace("référent", "référent (CHU)")
    result = rebase(old, local, new)
    assert outcomes(result) == [APPLIED]
    assert result.text == "Le médecin référent (CHU) coördineert.\n\nTwee controles per jaar.\n"


def test_a_result_is_clean_only_when_every_hunk_applied() -> None:
    local = OLD.replace("5 mg per dag", "5 mg per week").replace("twijfel", "vragen")
    result = rebase(OLD, local, OLD.replace("5 mg per dag", "5 mg tweemaal per dag"))
    assert (result.clean, [h.index for h in result.of(APPLIED)]) == (False, [1])
    assert rebase(OLD, local, OLD).clean


def test_apply_refuses_unknown_hunks_and_the_wrong_kind_of_decision() -> None:
    local = OLD.replace("5 mg per dag", "5 mg per week")
    result = rebase(OLD, local, OLD.replace("5 mg per dag", "5 mg tweemaal per dag"))
    with pytest.raises(ValueError, match="needs a resolution"):
        result.apply(confirmed=[0])
    with pytest.raises(ValueError, match="no such hunks"):
        result.apply(confirmed=[7])


def test_a_resolution_is_refused_for_a_hunk_that_is_not_a_conflict() -> None:
    result = rebase(OLD, OLD.replace("twijfel", "vragen"), OLD)
    with pytest.raises(ValueError, match="not a conflict"):
        result.apply(resolutions={0: "iets"})


# Small documents of a few recurring sentences: look-alikes everywhere.
_SENTENCES = [
    "Controleer de leverwaarden.",
    "Geef 5 mg.",
    "Verwijs bij twijfel.",
    "Bespreek dit met de ouders.",
]


def _document(rng: Random, paragraphs: int) -> list[str]:
    return [
        " ".join(rng.choice(_SENTENCES) for _ in range(rng.randint(1, 3)))
        for _ in range(paragraphs)
    ]


def _edit_line(paragraph: str, rng: Random) -> str:
    words = paragraph.split(" ")
    at = rng.randrange(len(words))
    stop = "." if words[at].endswith(".") else ""
    words[at] = rng.choice(["lokaal", "Vlaams", "één", "7,5"]) + stop
    return " ".join(words)


def _revise(paragraphs: list[str], rng: Random, changes: int) -> list[str]:
    """Insert, delete or edit paragraphs ``changes`` times."""
    revised = list(paragraphs)
    for _ in range(changes):
        kind = rng.choice(["insert", "delete", "edit"]) if revised else "insert"
        at = rng.randrange(len(revised) + (kind == "insert"))
        if kind == "insert":
            revised.insert(at, " ".join(_document(rng, 1)))
        elif kind == "delete":
            del revised[at]
        else:
            revised[at] = _edit_line(revised[at], rng)
    return revised


def _text(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs) + "\n"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_documents_full_of_look_alikes_never_get_an_edit_in_the_wrong_place(seed: int) -> None:
    rng = Random(seed)
    olds = _document(rng, rng.randint(1, 8))
    locals_ = [_edit_line(p, rng) if rng.random() < 0.4 else p for p in olds]
    old, local, new = _text(olds), _text(locals_), _text(_revise(olds, rng, rng.randint(0, 3)))
    result = rebase(old, local, new)
    check_consistency(old, local, new, result)
    assert judge(old, local, new, result.text) == []


@settings(max_examples=200, deadline=None, derandomize=True)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_local_paragraphs_added_and_removed_still_give_exact_hunks(seed: int) -> None:
    rng = Random(seed)
    olds = _document(rng, rng.randint(0, 6))
    old = _text(olds)
    local = _text(_revise(olds, rng, rng.randint(1, 4)))
    new = _text(_revise(olds, rng, rng.randint(0, 3)))
    check_consistency(old, local, new, rebase(old, local, new))
    assert rebase(old, local, old).text == local
