"""A caregiver's weekly digest: on which weekday, or none."""

from django import forms

from journal.models import CareShare, Weekday, display_name


class DigestForm(forms.Form):
    """Posted from the list of people a caregiver follows, one form per share."""

    share = forms.ModelChoiceField(
        queryset=CareShare.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"required": "Nothing changed: use the form beside a person's name."},
    )
    weekday = forms.TypedChoiceField(
        label="Weekly summary by email",
        choices=[("", "No weekly summary"), *Weekday.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Sent on that day from 8 in the morning, your time zone (Settings): how many "
        "days were logged and how many raised an alert. Never what was recorded.",
        error_messages={"invalid_choice": "Choose a day of the week, or no weekly summary."},
    )

    def __init__(self, *args, caregiver, share=None, **kwargs):
        if share is not None:
            digest = share.weekly_digest
            kwargs.setdefault(
                "initial", {"share": share.pk, "weekday": digest.weekday if digest else None}
            )
            kwargs.setdefault("auto_id", f"id_%s_{share.pk}")
        elif args and (posted := str(args[0].get("share", ""))).isascii() and posted.isdigit():
            # The same field ids as the row it came from, which it replaces.
            kwargs.setdefault("auto_id", f"id_%s_{posted}")
        super().__init__(*args, **kwargs)
        # Only a share this caregiver holds, still active, whose patient allows the digest.
        self.fields["share"].queryset = (
            CareShare.objects.received_by(caregiver).active().filter(allows_digest=True)
        )
        self.fields["share"].error_messages["invalid_choice"] = (
            "This person no longer shares their journal with you, or no longer allows a "
            "weekly summary."
        )

    def is_for(self, share) -> bool:
        return self.is_bound and self.data.get("share") == str(share.pk)


def digest_forms(shares, *, caregiver, posted: DigestForm | None) -> list[tuple]:
    """``(share, form)`` for each share: the posted form where it was this share's (so its
    errors show beside its field), else a fresh one; ``None`` where the patient does not allow
    the digest."""
    rows = []
    for share in shares:
        if not share.allows_digest:
            form = None
        elif posted is not None and posted.is_for(share):
            form = posted
        else:
            form = DigestForm(caregiver=caregiver, share=share)
        if form is not None:
            form.fields["weekday"].label = f"Weekly summary about {display_name(share.patient)}"
        rows.append((share, form))
    return rows
