"""Forms shared by the whole site: the rule for text limits, and the account forms."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

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


class SignupForm(TextLimitsMixin, UserCreationForm):
    first_name = forms.CharField(
        label="Your name",
        max_length=150,
        help_text="As your care team and the people you invite know you: it heads your "
        "clinic report and is what they see.",
    )
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

    def clean_first_name(self) -> str:
        return " ".join(self.cleaned_data["first_name"].split())


class LoginForm(TextLimitsMixin, AuthenticationForm):
    remember_me = forms.BooleanField(
        label="Keep me signed in on this device",
        required=False,
        help_text="You stay signed in while you use the journal at least once a month. On a "
        "shared computer or phone leave it unticked: you are then signed out when the browser "
        "closes, or after 12 hours.",
    )
