"""Clinical significance flags: numbers, doses and units, negation, and GRADE attributes."""

from dataclasses import dataclass

import pytest

from guidelines.text.significance import FLAGS, clinical_flags, grading_flags, number_tokens


@dataclass(frozen=True)
class Graded:
    strength: str | None = "strong"
    certainty: str | None = "moderate"
    direction: str | None = "for"


def test_dose_change_is_flagged() -> None:
    old = "We recommend 5 mg of alendronate daily."
    assert clinical_flags(old, old.replace("5 mg", "10 mg")) == ["numbers"]


def test_reworded_sentence_with_the_same_dose_is_not_flagged() -> None:
    old = "We recommend 5 mg of alendronate daily."
    new = "Alendronate is recommended daily, at a dose of 5 mg."
    assert clinical_flags(old, new) == []


def test_unit_change_is_flagged() -> None:
    assert clinical_flags("Give 1.5 mg once.", "Give 1.5 g once.") == ["numbers"]


def test_comma_and_point_decimals_are_the_same_number() -> None:
    # Decided: "1,5 g" (nl, fr, de) and "1.5 g" (en) are one dose, so a translation or a
    # change of convention is not a clinical change. The price: "1,500" and "1.500" also match.
    assert clinical_flags("Geef 1,5 g per dag.", "Geef 1.5 g per dag.") == []


def test_different_comma_decimals_are_flagged() -> None:
    assert clinical_flags("Geef 1,5 g per dag.", "Geef 2,5 g per dag.") == ["numbers"]


def test_changed_comparator_is_flagged() -> None:
    assert clinical_flags("Adults ≥ 18 years.", "Adults > 18 years.") == ["numbers"]


def test_changed_range_is_flagged() -> None:
    assert clinical_flags("Inhale 2–3 times a day.", "Inhale 2–4 times a day.") == ["numbers"]


def test_dash_style_of_a_range_is_not_flagged() -> None:
    assert clinical_flags("Inhale 2-3 times a day.", "Inhale 2–3 times a day.") == []


def test_changed_percentage_is_flagged() -> None:
    assert clinical_flags("in 10% of patients", "in 20 % of patients") == ["numbers"]


def test_changed_link_target_is_not_flagged() -> None:
    old = "See [the IG](http://hl7.org/fhir/R4/4.0.1/index.html) for 3 examples."
    new = "See [the IG](http://hl7.org/fhir/R5/5.0.0/index.html) for 3 examples."
    assert clinical_flags(old, new) == []


def test_number_tokens_keep_comparator_range_and_compound_unit() -> None:
    text = "≥ 18 years: 0,5 mg/kg/day, 2–3 times, 10 %; not R3.1 or HbA1c."
    assert number_tokens(text) == ["≥18 years", "0.5 mg/kg/day", "2-3 times", "10 %"]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("We recommend bisphosphonates.", "We do not recommend bisphosphonates."),
        ("Geef bisfosfonaten.", "Geef geen bisfosfonaten."),
        ("Il y a lieu de prescrire.", "Il n'y a pas lieu de prescrire."),
        ("Bisphosphonate werden empfohlen.", "Bisphosphonate werden nicht empfohlen."),
    ],
    ids=["en", "nl", "fr", "de"],
)
def test_added_negation_is_flagged(old: str, new: str) -> None:
    assert clinical_flags(old, new) == ["negation"]


def test_removed_contracted_negation_is_flagged() -> None:
    assert clinical_flags("Patients don't need surgery.", "Patients need surgery.") == ["negation"]


def test_negation_rephrased_with_another_negation_is_not_flagged() -> None:
    assert clinical_flags("Dit is niet een indicatie.", "Dit is geen indicatie.") == []


def test_dutch_pas_is_not_a_negation() -> None:
    assert clinical_flags("Start na 3 dagen.", "Start pas na 3 dagen.") == []


def test_words_that_contain_a_negation_are_not_negations() -> None:
    assert clinical_flags("A notable result.", "Another notable result, nonetheless.") == []


def test_both_flags_come_sorted() -> None:
    assert clinical_flags("Give 5 mg.", "Never give 50 mg.") == ["negation", "numbers"]


def test_changed_strength_is_flagged() -> None:
    assert grading_flags(Graded(), Graded(strength="conditional")) == ["strength"]


def test_grading_flags_come_in_the_order_of_flags() -> None:
    old, new = Graded(), Graded(strength=None, certainty="low", direction="against")
    assert grading_flags(old, new) == ["strength", "certainty", "direction"]
    assert FLAGS[-3:] == ("strength", "certainty", "direction")


def test_same_grading_is_not_flagged() -> None:
    assert grading_flags(Graded(), Graded()) == []


def test_microgram_spellings_are_the_same_unit() -> None:
    assert clinical_flags("Give 3 mcg.", "Give 3 µg.") == []
