"""Clinical significance of a change: numbers, doses and units, negation, and GRADE attributes.

The flags ask a reviewer to look; they are not a verdict. They err on the side of flagging:
a change that only rewrites "1,500 mg" as "1500 mg" is flagged, a sentence that only moves
"5 mg" elsewhere is not. The functions work on any two texts of one language (units of a
document, or segments of the translation memory).
"""

import re
from collections import Counter
from typing import Protocol

FLAGS = ("numbers", "negation", "strength", "certainty", "direction")
GRADING = ("strength", "certainty", "direction")

# Units that may follow a number, in English, Dutch, French and German; compounds such as
# mg/kg/day are read as units joined by "/". Longer spellings come first in the alternation.
_UNIT_WORDS = """
    kg g mg µg μg mcg ug ng pg gram grams gramm milligram milligrams microgram micrograms
    l ml dl cl µl μl liter liters litre litres cc
    mol mmol µmol μmol nmol pmol meq iu ie ui u units eenheden unités einheiten
    m cm mm µm μm km m2 m² m3 m³ cm2 cm² mm2 mm²
    s sec second seconds seconde seconden secondes sekunde sekunden
    min minute minutes minuut minuten
    h hr hrs hour hours uur uren heure heures stunde stunden
    d day days dag dagen jour jours j tag tage tagen
    wk week weeks weken semaine semaines woche wochen
    month months maand maanden mois monat monate monaten
    y yr yrs year years jaar jaren an ans année années jahr jahre jahren
    x × times keer maal fois mal
    percent procent prozent kcal kj mmhg bpm gy mgy msv hz mosm
""".split()
_UNIT_WORD = "|".join(sorted(map(re.escape, set(_UNIT_WORDS)), key=len, reverse=True))
_UNIT = rf"%|‰|°\s?[CF]\b|(?:{_UNIT_WORD})(?:\s?/\s?(?:{_UNIT_WORD}))*(?!\w)"
# Digits with "." or "," between groups; a (thin) no-break space only before a group of three.
_NUMBER = r"\d+(?:(?:[.,]|[\u00a0\u2009\u202f](?=\d{3}(?!\d)))\d+)*"
# The pattern starts with a digit so that the regex engine can skip ahead to digits; what may
# stand before a number (comparator, minus sign, a letter that makes it a name) is read after.
_NUMBER_TOKEN = re.compile(
    rf"(?P<number>{_NUMBER})"
    rf"(?:\s?[-–—]\s?(?P<upper>{_NUMBER}))?"
    rf"(?:[ \u00a0\u2009\u202f]?(?P<unit>{_UNIT}))?",
    re.IGNORECASE,
)
# Read backwards from the number. An ASCII hyphen is a minus sign only after a space or "(",
# not in "COVID-19"; a number right after a letter, digit, "." or "," is part of a name (R3.1,
# HbA1c, CYP2D6) and not a quantity.
_BEFORE_NUMBER = re.compile(
    r"(?:(?P<comparator>[<>]=?|[≤≥±~≈])\s?)?(?P<sign>−|(?:^|(?<=[\s(]))-)?(?P<glued>[\w.,])?\Z"
)
_LOOK_BACK = 4
_SEPARATORS = str.maketrans({",": ".", "\u00a0": None, "\u2009": None, "\u202f": None})
_UNIT_SPELLINGS = str.maketrans({"μ": "µ"})
_UNIT_ALIASES = {"mcg": "µg", "ug": "µg", "×": "x", "°c": "°C", "°f": "°F"}
_COMPARATORS = {">=": "≥", "<=": "≤"}

# Link targets, citation marks and ordered-list numbers carry numbers that are not clinical.
# Separate patterns, each with a distinct first character, let the regex engine skip ahead.
_NOT_CLINICAL = (
    re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"),  # Markdown link target
    re.compile(r"(?:https?://|www\.)[^\s<>)\]]+"),  # bare URL
    re.compile(r"\[\d+(?:\s?[,–-]\s?\d+)*\]"),  # citation such as [12] or [3, 4]
    re.compile(r"^[ \t]*\d+[.)][ \t]", re.MULTILINE),  # ordered-list marker
)

_NEGATION_WORDS = frozenset(
    """
    not no never none nothing nobody neither nor without cannot
    niet geen nooit zonder niets niemand nergens
    ne jamais aucun aucune aucuns aucunes sans rien
    nicht kein keine keinen keinem keiner keines nie niemals ohne nichts weder
    """.split()
)
# Words with their apostrophes, so that "don't" and "n'y" stay whole. French "ne" (or "n'")
# carries "ne…pas", "ne…jamais", "ne…plus", so "pas" is not counted on its own, which also
# keeps Dutch "pas" ("only") out.
_WORD = re.compile(r"\w+(?:['’]\w+)*")


class Graded(Protocol):
    """Anything with GRADE attributes, such as a recommendation unit."""

    strength: str | None
    certainty: str | None
    direction: str | None


def _clinical_part(text: str) -> str:
    for pattern in _NOT_CLINICAL:
        text = pattern.sub(" ", text)
    return text


def number_tokens(text: str) -> list[str]:
    """Return each number in ``text`` with its comparator, range and unit, normalised."""
    return _number_tokens(_clinical_part(text))


def _number_tokens(text: str) -> list[str]:
    tokens = []
    for match in _NUMBER_TOKEN.finditer(text):
        start = match.start()
        before = _BEFORE_NUMBER.search(text, max(0, start - _LOOK_BACK), start)
        if before is None or before["glued"]:
            continue
        comparator = before["comparator"] or ""
        sign = "-" if before["sign"] else ""
        value = match["number"].translate(_SEPARATORS)
        if match["upper"]:
            value += "-" + match["upper"].translate(_SEPARATORS)
        tokens.append(f"{_COMPARATORS.get(comparator, comparator)}{sign}{value}{_unit(match)}")
    return tokens


def _unit(match: re.Match[str]) -> str:
    unit = (match["unit"] or "").replace(" ", "")
    if not unit:
        return ""
    # Case tells "U" (units) from "u" (Dutch hours); longer units are compared without case.
    # Casefolding turns the micro sign into Greek mu, so the spelling is settled after it.
    unit = (unit if len(unit) == 1 else unit.casefold()).translate(_UNIT_SPELLINGS)
    return " " + "/".join(_UNIT_ALIASES.get(part, part) for part in unit.split("/"))


def negation_count(text: str) -> int:
    """Return how many negation words ``text`` holds (English, Dutch, French, German)."""
    return _negation_count(_clinical_part(text))


def _negation_count(text: str) -> int:
    words = Counter(_WORD.findall(text.casefold().replace("’", "'")))
    return sum(
        count
        for word, count in words.items()
        if word in _NEGATION_WORDS or word.endswith("n't") or word.startswith("n'")
    )


def clinical_flags(old: str, new: str) -> list[str]:
    """Return which of "negation" and "numbers" changed from ``old`` to ``new``, sorted."""
    old, new = _clinical_part(old), _clinical_part(new)
    flags = []
    if _negation_count(old) != _negation_count(new):
        flags.append("negation")
    # As multisets: a number that only moved, with the same unit, is not a change.
    if Counter(_number_tokens(old)) != Counter(_number_tokens(new)):
        flags.append("numbers")
    return flags


def grading_flags(old: Graded, new: Graded) -> list[str]:
    """Return which of "strength", "certainty" and "direction" differ between two units."""
    return [name for name in GRADING if getattr(old, name) != getattr(new, name)]
