"""The settings page, and deleting an account."""

import re
import zoneinfo

from django import forms

from gistjournal.forms import TextLimitsMixin
from journal.fields import DateInput, validate_journal_date
from journal.models import (
    Profile,
)
from library.models import Symptom

PHONE_CHARACTERS = re.compile(r"^[0-9+()\-. ]+$")


class SettingsForm(TextLimitsMixin, forms.ModelForm):
    time_zone = forms.ChoiceField(
        label="Time zone",
        help_text="Decides when your “today” starts and ends.",
        choices=[
            (name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())
        ],
    )
    tracked_symptoms = forms.ModelMultipleChoiceField(
        label="Symptoms you track every day",
        queryset=Symptom.objects.active(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Symptoms you stop tracking stay in your history.",
        error_messages={"required": "Choose at least one symptom to track."},
    )

    last_visit_on = forms.DateField(
        label="Date of your last clinic visit",
        required=False,
        widget=DateInput,
        validators=[validate_journal_date],
        help_text="Optional. Your clinic report starts from here.",
    )

    class Meta:
        model = Profile
        fields = ["time_zone", "tracked_symptoms", "care_team_phone", "last_visit_on"]

    def clean_last_visit_on(self):
        visit = self.cleaned_data["last_visit_on"]
        if visit and visit > self.instance.today():
            raise forms.ValidationError("A visit you have had: the date cannot be in the future.")
        return visit

    def clean_care_team_phone(self):
        phone = self.cleaned_data["care_team_phone"].strip()
        if phone and (not PHONE_CHARACTERS.match(phone) or sum(c.isdigit() for c in phone) < 6):
            raise forms.ValidationError(
                "Give a phone number with at least 6 digits, e.g. +44 20 7946 0000."
            )
        return phone


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To be sure it is you.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password. Nothing has been deleted.")
        return password
