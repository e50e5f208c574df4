"""Forms shared by the whole site: the rule for text limits, and the account forms."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    SetPasswordForm,
    UserCreationForm,
)

TOO_LONG = (
    "This is %(show_value)d characters long and can hold %(limit_value)d. Please shorten it."
)


def limit_text_without_cutting(field: forms.Field) -> None:
    """A text field with a limit is never cut silently.

    Django renders ``maxlength``, with which a browser drops whatever is pasted past the limit
    without a word. Instead the limit goes in ``data-max-length`` (``static/js/text-limits.js``
    shows the room left beside the field) and the server refuses an over-long value with a
    message next to the field, keeping what was typed.
    """
    limit = getattr(field, "max_length", None)
    if not limit or not isinstance(field, forms.CharField) or field.widget.is_hidden:
        return
    field.widget.attrs.pop("maxlength", None)
    field.widget.attrs["data-max-length"] = limit
    field.error_messages["max_length"] = TOO_LONG


class TextLimitsMixin:
    """Applies ``limit_text_without_cutting`` to every field of the form.

    A form that adds fields after ``__init__`` (the day log's per-symptom notes) calls
    ``limit_text_without_cutting`` on them itself.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            limit_text_without_cutting(field)


NAME_HELP = (
    "As your care team and the people you invite know you: it heads your clinic report and is "
    "what they see."
)
TYPE_AGAIN_HELP = "The same password once more, so that a typo cannot lock you out."
PASSWORDS_DIFFER = "The two passwords are not the same. Please type both again."
NOT_THE_CURRENT_ONE = "That is not your current password. Please type it again."


def password_rules() -> str:
    """The rules of AUTH_PASSWORD_VALIDATORS in plain words.

    Django lists each validator's own sentence ("can't be too similar to your other personal
    information"); this reads as one short piece of advice, with the length the settings ask.
    """
    lengths = [
        validator.min_length
        for validator in password_validation.get_default_password_validators()
        if isinstance(validator, password_validation.MinimumLengthValidator)
    ]
    at_least = f"At least {max(lengths)} characters. " if lengths else ""
    return (
        f"{at_least}A few words in a row are easy to remember and hard to guess. Not a common "
        "password, not only numbers, and not like your name or email."
    )


def plain_name(value: str) -> str:
    """A name as typed, with runs of spaces made one."""
    return " ".join(value.split())


class PlainPasswordsMixin:
    """Plain help and messages on the two fields that choose a new password (Django's own
    speak of "password fields" and list its validators)."""

    new_password_fields = ("password1", "password2")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        first, again = self.new_password_fields
        self.fields[first].help_text = password_rules()
        self.fields[again].help_text = TYPE_AGAIN_HELP
        self.error_messages = {**self.error_messages, "password_mismatch": PASSWORDS_DIFFER}


class SignupForm(TextLimitsMixin, PlainPasswordsMixin, UserCreationForm):
    first_name = forms.CharField(label="Your name", max_length=150, help_text=NAME_HELP)
    email = forms.EmailField(
        label="Email",
        help_text="Used only to reset your password and for invitations you send.",
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("first_name", "username", "email")
        help_texts = {
            "username": "You log in with it. Letters, numbers and @ . + - _ only, no spaces."
        }
        error_messages = {
            "username": {
                "invalid": "Use only letters, numbers and @ . + - _ (no spaces).",
                "unique": "That username is taken: please choose another.",
            }
        }

    def clean_first_name(self) -> str:
        return plain_name(self.cleaned_data["first_name"])


class LoginForm(TextLimitsMixin, AuthenticationForm):
    remember_me = forms.BooleanField(
        label="Keep me signed in on this device",
        required=False,
        help_text="You stay signed in while you use the journal at least once a month. On a "
        "shared computer or phone leave it unticked: you are then signed out when the browser "
        "closes, or after 12 hours.",
    )


class PlainPasswordChangeForm(PlainPasswordsMixin, PasswordChangeForm):
    new_password_fields = ("new_password1", "new_password2")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Your current password"
        self.error_messages = {
            **self.error_messages,
            "password_incorrect": NOT_THE_CURRENT_ONE,
        }


class PlainSetPasswordForm(PlainPasswordsMixin, SetPasswordForm):
    """Choosing a new password from a reset link."""

    new_password_fields = ("new_password1", "new_password2")
