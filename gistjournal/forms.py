from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        label="Email",
        help_text="Used only to reset your password and for invitations you send.",
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")


class LoginForm(AuthenticationForm):
    remember_me = forms.BooleanField(
        label="Keep me signed in on this device",
        required=False,
        help_text="For 14 days. Leave it unticked on a shared computer: you are then signed "
        "out when the browser closes, or after 12 hours.",
    )
