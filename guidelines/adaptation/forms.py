"""Forms of the adaptation pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from guidelines.adaptation.models import MAX_LOCALE_LENGTH
from guidelines.database import MAX_INTEGER


class StartAdaptationForm(FlaskForm):
    network = SelectField(_l("Flemish network"), validators=[DataRequired()], choices=[])
    version = SelectField(_l("European version to adapt"), validators=[DataRequired()], choices=[])
    locale = StringField(
        _l("Locale"),
        default="nl-BE",
        validators=[DataRequired(), Length(max=MAX_LOCALE_LENGTH)],
        description=_l("The language and region of the adaptation, for example nl-BE."),
    )
    title = StringField(_l("Title of the adaptation"), validators=[Optional(), Length(max=300)])


class EditForm(FlaskForm):
    parent_revision = IntegerField(
        validators=[InputRequired(), NumberRange(min=1, max=MAX_INTEGER)]
    )
    markdown = TextAreaField(_l("Adapted text (Markdown)"), validators=[InputRequired()])
    message = StringField(
        _l("What did you change?"),
        validators=[Optional(), Length(max=500)],
        description=_l("A short message for the revision history."),
    )


class JustificationForm(FlaskForm):
    justification = TextAreaField(
        _l("Justification"),
        validators=[DataRequired(), Length(max=5000)],
        description=_l(
            "Why is this different in Flanders? Cite the local evidence, "
            "reimbursement rule or organisation of care."
        ),
    )


class RebaseForm(FlaskForm):
    # The revision the rebase was worked out on: a number, or the form was tampered with.
    parent_revision = IntegerField(
        widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=1, max=MAX_INTEGER)]
    )
    message = StringField(_l("Message"), validators=[Optional(), Length(max=500)])
