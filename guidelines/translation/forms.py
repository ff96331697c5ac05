"""Forms of the translation pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired

from guidelines.translation.models import STATUSES

STATUS_LABELS = {
    "untranslated": _l("untranslated"),
    "fuzzy": _l("fuzzy"),
    "translated": _l("translated"),
    "reviewed": _l("reviewed"),
}


class SegmentForm(FlaskForm):
    target = TextAreaField(_l("Translation"))
    status = SelectField(
        _l("Status"),
        validators=[InputRequired()],
        choices=[SelectChoice(status, STATUS_LABELS[status]) for status in STATUSES],
    )


class PoUploadForm(FlaskForm):
    file = FileField(_l("PO file"), validators=[FileRequired(_l("Choose a PO file to import."))])
