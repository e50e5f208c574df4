"""Starting, changing and stopping a treatment period."""

from decimal import Decimal

from django import forms

from gistjournal.forms import TextLimitsMixin
from journal.fields import DateInput, validate_journal_date
from journal.models import (
    MAX_CYCLE_DAYS,
    MAX_DOSE_MG,
    MAX_INTAKES_PER_DAY,
    ChangeReason,
    Regimen,
)
from library.formatting import format_mg, intakes_label
from library.models import Drug, RegimenPreset


class RegimenChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, preset):
        # The curator's label as written: it may hold names such as GIST.
        return f"{preset.dose_label}, {preset.schedule_label} ({preset.label})"


class Schedule:
    CONTINUOUS = "continuous"
    CYCLE = "cycle"
    choices = [(CONTINUOUS, "Every day"), (CYCLE, "Some days on, then some days off")]


class TreatmentForm(TextLimitsMixin, forms.Form):
    """Start a treatment, change the current one, or record a past one.

    A regimen preset from the library fills in the drug, dose and schedule; otherwise they
    are typed in. ``current`` is the patient's open period, if any: without an end date the
    new period replaces it from its start date.
    """

    preset = RegimenChoiceField(
        label="Choose a common regimen",
        queryset=RegimenPreset.objects.select_related("drug"),
        required=False,
        blank=True,
        empty_label="None of these: I will enter it myself below",
        widget=forms.RadioSelect,
    )
    drug = forms.ModelChoiceField(
        label="Drug", queryset=Drug.objects.all(), required=False, empty_label="Choose a drug"
    )
    other_drug = forms.CharField(
        label="Or another drug, not in the list",
        required=False,
        max_length=100,
        help_text="Its name as on the pack, for example a drug you take in a trial.",
    )
    # No max_digits: an absurd dose gets the plain message of clean_dose_mg, not a digit count.
    dose_mg = forms.DecimalField(
        label="Dose (mg each time)",
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )
    intakes_per_day = forms.TypedChoiceField(
        label="How often",
        choices=[(n, intakes_label(n)) for n in range(1, MAX_INTAKES_PER_DAY + 1)],
        coerce=int,
        initial=1,
        required=False,
    )
    schedule = forms.ChoiceField(
        label="Schedule",
        choices=Schedule.choices,
        initial=Schedule.CONTINUOUS,
        required=False,
        widget=forms.RadioSelect,
    )
    days_on = forms.IntegerField(label="Days on", required=False)
    days_off = forms.IntegerField(label="Days off", required=False)
    starts_on = forms.DateField(
        label="Start date", widget=DateInput, validators=[validate_journal_date]
    )
    ends_on = forms.DateField(
        validators=[validate_journal_date],
        label="End date (only for a past treatment)",
        required=False,
        widget=DateInput,
        help_text="Leave it empty if you are still taking it.",
    )
    maker = forms.CharField(
        label="Brand or generic maker",
        required=False,
        max_length=100,
        help_text="Optional. Some patients notice differences between makes.",
    )
    reason = forms.ChoiceField(label="Reason for this change", choices=ChangeReason.choices)

    def __init__(self, *args, today, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.current = current
        if current is not None:
            self.fields["reason"].choices = [
                choice for choice in ChangeReason.choices if choice[0] != ChangeReason.FIRST
            ]
            self.fields["starts_on"].label = "New treatment starts on"
        else:
            self.fields["reason"].initial = ChangeReason.FIRST
            self.fields["reason"].label = "Reason"

    def clean_dose_mg(self):
        dose = self.cleaned_data["dose_mg"]
        if dose is None:
            return dose
        if dose <= 0:
            raise forms.ValidationError("A dose is more than 0 mg.")
        if dose > MAX_DOSE_MG:
            raise forms.ValidationError(
                f"{format_mg(dose)} mg is far more than any GIST dose (the most we accept is "
                f"{format_mg(MAX_DOSE_MG)} mg). Please check for an extra zero."
            )
        if dose != dose.quantize(Decimal("0.01")):
            raise forms.ValidationError("Give the dose with at most two decimals, e.g. 37.5.")
        return dose

    def clean_starts_on(self):
        starts_on = self.cleaned_data["starts_on"]
        if starts_on > self.today:
            raise forms.ValidationError(
                "The start date cannot be in the future. Record the change on the day it starts."
            )
        return starts_on

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        if ends_on is not None and ends_on > self.today:
            raise forms.ValidationError("The end date cannot be in the future.")
        return ends_on

    def _clean_drug(self, cleaned):
        """A drug from the list, or another one named: exactly one of the two."""
        drug, other = cleaned.get("drug"), cleaned.get("other_drug", "").strip()
        cleaned["other_drug"] = other
        if drug is not None and other:
            self.add_error(
                "other_drug", f"You chose {drug} in the list: leave this empty, or the list."
            )
        elif drug is None and not other and "other_drug" not in self.errors:
            self.add_error(
                "drug", "Choose a common regimen above, or a drug, or name another one below."
            )

    def _clean_cycle_days(self, name, cleaned):
        value = cleaned.get(name)
        if value is None:
            self.add_error(name, "Give the number of days, or choose “Every day”.")
        elif not 1 <= value <= MAX_CYCLE_DAYS:
            self.add_error(name, f"Give a number of days from 1 to {MAX_CYCLE_DAYS}.")

    def clean(self):
        cleaned = super().clean()
        preset = cleaned.get("preset")
        if preset is not None:
            cleaned.update(
                drug=preset.drug,
                other_drug="",
                dose_mg=preset.dose_mg,
                intakes_per_day=preset.intakes_per_day,
                days_on=preset.days_on,
                days_off=preset.days_off,
            )
        else:
            self._clean_drug(cleaned)
            for name in ("dose_mg", "intakes_per_day"):
                if cleaned.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, "Choose a common regimen above, or fill this in.")
            if cleaned.get("schedule") == Schedule.CYCLE:
                self._clean_cycle_days("days_on", cleaned)
                self._clean_cycle_days("days_off", cleaned)
            else:
                cleaned["days_on"] = cleaned["days_off"] = None
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "The end date must be on or after the start date.")
        return cleaned

    @property
    def is_change(self) -> bool:
        return self.current is not None and not self.cleaned_data.get("ends_on")

    def treatment_values(self) -> dict:
        """The keyword arguments of ``treatment_start`` and ``treatment_change``."""
        regimen = Regimen(**{name: self.cleaned_data[name] for name in Regimen.field_names()})
        return {
            "regimen": regimen,
            "starts_on": self.cleaned_data["starts_on"],
            "reason": self.cleaned_data["reason"],
        }


class TreatmentStopForm(forms.Form):
    ends_on = forms.DateField(label="Last day you took it", widget=DateInput)

    def __init__(self, *args, treatment, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.treatment = treatment
        self.today = today

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        if ends_on > self.today:
            raise forms.ValidationError("The date cannot be in the future.")
        if ends_on < self.treatment.starts_on:
            raise forms.ValidationError(
                f"It cannot end before it started ({self.treatment.starts_on:%d %b %Y})."
            )
        return ends_on
