"""Guideline text rendered for the person reading it: cards graded in their language."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from guidelines.text import RenderedDocument, render_markdown
from guidelines.text.markdown import GradeLabels, grade_labels

# GRADE terms as the cards show them; the text core's labels are English.
_LABELS = {
    "strength": {"strong": _l("Strong"), "conditional": _l("Conditional")},
    "certainty": {
        "high": _l("High certainty"),
        "moderate": _l("Moderate certainty"),
        "low": _l("Low certainty"),
        "very-low": _l("Very low certainty"),
    },
    "direction": {"for": _l("for"), "against": _l("against")},
}
_by_locale: dict[str, GradeLabels] = {}


def reader_labels() -> GradeLabels:
    """Return the grading labels in the current locale."""
    locale = str(get_locale())
    if locale not in _by_locale:
        _by_locale[locale] = grade_labels(
            {
                name: {value: str(label) for value, label in values.items()}
                for name, values in _LABELS.items()
            }
        )
    return _by_locale[locale]


def render_for_reader(text: str) -> RenderedDocument:
    """Render a document for a page, its recommendation cards labelled in the reader's language."""
    return render_markdown(text, labels=reader_labels())
