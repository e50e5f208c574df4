"""Inviting a caregiver."""

import re
import unicodedata
from datetime import timedelta

from django import forms

from gistjournal.forms import TextLimitsMixin
from journal.models import (
    CareShare,
)

# Enough for a family; a cap so the page cannot be used to send email in bulk.
MAX_PENDING_INVITATIONS = 10
# Every invitation is an email to an address the patient typed, withdrawn or not. Counted over
# the last 24 hours rather than per calendar day: no reset at midnight to send twice as many
# around it, and no time zone to get wrong.
MAX_INVITATIONS_PER_DAY = 10
INVITATIONS_COUNTED_OVER = timedelta(hours=24)

# The name is the only text the patient types that reaches the invitee's mailbox: letters,
# spaces and the few marks names use. No digits (a phone number), no @ / : (an address), no
# control or direction characters (a line break, a reversed file name).
NAME_MARKS = set(" '’‘-‐.,&()")
JOINERS = {"\u200c", "\u200d"}  # written inside some Persian and Indic names, and emoji
# A dot with letters right after it reads as a web address to a mail program ("evil.example").
DOT_BEFORE_LETTERS = re.compile(r"\.[^\W\d_]{2}")
NOT_A_NAME = (
    "Write just their name, as you call them: no web or email address, numbers or line breaks."
)


def is_plain_name(name: str) -> bool:
    """Letters (any script), spaces and name marks, and nothing a mail program would link."""
    for char in name:
        category = unicodedata.category(char)
        if not (category[0] in "LM" or char in NAME_MARKS or char in JOINERS):
            return False
    return not DOT_BEFORE_LETTERS.search(name)


class CareShareInviteForm(TextLimitsMixin, forms.ModelForm):
    class Meta:
        model = CareShare
        fields = ["invitee_name", "invitee_email", "can_see_notes"]
        labels = {
            "invitee_name": "Their name",
            "invitee_email": "Their email",
            "can_see_notes": "They may read my notes",
        }
        help_texts = {
            "invitee_email": "We email them a link to accept. It works once, within 7 days.",
            "can_see_notes": "Leave it unticked to keep your notes private. They always see "
            "your symptoms, doses, blood pressure and weight.",
        }

    def __init__(self, *args, patient, now, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.now = now

    def clean_invitee_name(self) -> str:
        name = self.cleaned_data["invitee_name"].strip()
        if not is_plain_name(name):
            raise forms.ValidationError(NOT_A_NAME)
        return name

    def clean_invitee_email(self) -> str:
        email = self.cleaned_data["invitee_email"].strip().lower()
        if self.patient.email and email == self.patient.email.strip().lower():
            raise forms.ValidationError(
                "That is your own email address. Enter the email of the person you invite."
            )
        return email

    def clean(self):
        cleaned = super().clean()
        sent = (
            CareShare.objects.given_by(self.patient)
            .filter(created_at__gt=self.now - INVITATIONS_COUNTED_OVER)
            .count()
        )
        if sent >= MAX_INVITATIONS_PER_DAY:
            raise forms.ValidationError(
                f"You have sent {sent} invitations in the last 24 hours, the most we send in a "
                "day. You can invite someone again tomorrow."
            )
        pending = CareShare.objects.given_by(self.patient).pending(self.now).count()
        if pending >= MAX_PENDING_INVITATIONS:
            raise forms.ValidationError(
                f"You have {pending} invitations waiting. Cancel one you no longer need, "
                "or wait for them to be accepted, before sending another."
            )
        return cleaned


class DigestAllowForm(forms.Form):
    """The patient's yes or no to a caregiver's weekly digest (the button says which)."""

    allow = forms.TypedChoiceField(
        choices=[("yes", "Allow"), ("no", "Do not allow")], coerce=lambda value: value == "yes"
    )
