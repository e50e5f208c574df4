"""Inviting a caregiver."""

from django import forms

from gistjournal.forms import TextLimitsMixin
from journal.models import (
    CareShare,
)

# Enough for a family; a cap so the page cannot be used to send email in bulk.
MAX_PENDING_INVITATIONS = 10


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
        return self.cleaned_data["invitee_name"].strip()

    def clean_invitee_email(self) -> str:
        email = self.cleaned_data["invitee_email"].strip().lower()
        if self.patient.email and email == self.patient.email.strip().lower():
            raise forms.ValidationError(
                "That is your own email address. Enter the email of the person you invite."
            )
        return email

    def clean(self):
        cleaned = super().clean()
        pending = CareShare.objects.given_by(self.patient).pending(self.now).count()
        if pending >= MAX_PENDING_INVITATIONS:
            raise forms.ValidationError(
                f"You have {pending} invitations waiting. Cancel one you no longer need, "
                "or wait for them to be accepted, before sending another."
            )
        return cleaned
