"""The import form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional


class ImportForm(FlaskForm):
    file = FileField(
        _l("Markdown file"),
        validators=[FileRequired(_l("Choose a Markdown file to import."))],
        description=_l(
            "UTF-8 Markdown; YAML front matter (title, slug, ern, version, published, orpha) "
            "is read."
        ),
    )
    slug = StringField(
        _l("Guideline slug"),
        validators=[Optional(), Length(max=120)],
        description=_l("Leave empty to use the front matter or the file name."),
    )
    label = StringField(
        _l("Version label"),
        validators=[Optional(), Length(max=40)],
        description=_l("Leave empty to use the front matter, or 1."),
    )
    title = StringField(_l("Title"), validators=[Optional(), Length(max=300)])
    ern = SelectField(_l("ERN"), validators=[Optional()], choices=[])
    language = SelectField(
        _l("Source language"),
        validators=[Optional()],
        choices=[
            SelectChoice(value, label)
            for value, label in [
                ("", "—"),
                ("en", "English"),
                ("nl", "Nederlands"),
                ("fr", "Français"),
                ("de", "Deutsch"),
            ]
        ],
    )
    published = DateField(_l("Publication date"), validators=[Optional()])
    change_note = TextAreaField(_l("Change note"), validators=[Optional(), Length(max=2000)])
