"""Forms of the review pages: submit, comment, decide, record an exception, mark read."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from guidelines.database import MAX_INTEGER


class SubmitForm(FlaskForm):
    """Put the current revision forward for review (only the CSRF token)."""


class PublishForm(FlaskForm):
    """Publish an approved revision (only the CSRF token)."""


class CommentForm(FlaskForm):
    unit_key = HiddenField(validators=[Optional(), Length(max=400)])
    text = TextAreaField(
        _l("Comment"),
        validators=[DataRequired(message=_l("Write a comment first.")), Length(max=5000)],
    )


class ReviewForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("approve", _l("Approve")),
            SelectChoice("request_changes", _l("Request changes")),
        ],
        validators=[InputRequired(message=_l("Choose to approve or to request changes."))],
    )
    comment = TextAreaField(
        _l("Comment"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Required when you request changes: say what should change."),
    )


class ExceptionForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the exception"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l(
            "Why may an author of this revision approve it? The reason is kept in the audit log."
        ),
    )


class MarkReadForm(FlaskForm):
    id = IntegerField(validators=[Optional(), NumberRange(min=1, max=MAX_INTEGER)])
