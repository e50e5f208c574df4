"""The settings page, the first day's choice of symptoms, and deleting an account."""

import re
import zoneinfo

from django import forms
from django.db import transaction

from gistjournal.forms import NAME_HELP, TextLimitsMixin, plain_name
from journal.emergency_numbers import country_choices
from journal.fields import DateInput, validate_journal_date
from journal.models import (
    AlertRules,
    CareTeamThreshold,
    DailyReminder,
    Grade,
    Profile,
    SymptomReport,
    Treatment,
)
from library.models import Symptom

PHONE_CHARACTERS = re.compile(r"^[0-9+()\-. ]+$")


class SymptomChoiceField(forms.ModelMultipleChoiceField):
    """The library's symptoms as ticks; those common with ``drug`` say so beside their name."""

    def __init__(self, *args, drug=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_drug(drug)

    def set_drug(self, drug) -> None:
        self.drug = drug
        # One query now rather than one per symptom while the ticks render.
        self.common = set(drug.common_side_effects.values_list("pk", flat=True)) if drug else set()

    def label_from_instance(self, symptom):
        if symptom.pk in self.common:
            return f"{symptom.name} (common with {self.drug.name})"
        return symptom.name


def tracked_symptoms_field(**kwargs) -> SymptomChoiceField:
    return SymptomChoiceField(
        label="Symptoms you track every day",
        queryset=Symptom.objects.active(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Symptoms you stop tracking stay in your history.",
        error_messages={"required": "Choose at least one symptom to track."},
        **kwargs,
    )


class TrackedSymptomsForm(forms.ModelForm):
    """The first day's second step: which symptoms the day log asks about (the defaults come
    ticked; those common with the drug just chosen say so)."""

    tracked_symptoms = tracked_symptoms_field()

    class Meta:
        model = Profile
        fields = ["tracked_symptoms"]

    def __init__(self, *args, drug=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["tracked_symptoms"]
        field.label = "Which symptoms to ask you about each day"
        field.help_text = "You can change these any time in Settings."
        field.set_drug(drug)


class SettingsForm(TextLimitsMixin, forms.ModelForm):
    name = forms.CharField(
        label="Your name",
        max_length=150,
        required=False,
        help_text=f"{NAME_HELP} Left empty, your username is shown instead.",
    )
    time_zone = forms.ChoiceField(
        label="Time zone",
        help_text="Decides when your “today” starts and ends.",
        choices=[
            (name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())
        ],
    )
    reminder_on = forms.BooleanField(
        label="Email me a reminder when a day is not logged yet",
        required=False,
        help_text="One email at most each day, at the time below, only if you have not logged "
        "that day. It says the day is not logged and links to it: never what you recorded.",
    )
    reminder_time = forms.TimeField(
        label="Reminder time (your time zone)",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="For example 19:30.",
        error_messages={"invalid": "Give a time of day such as 19:30."},
    )
    tracked_symptoms = tracked_symptoms_field()

    country = forms.ChoiceField(
        label="Country you live in",
        required=False,
        help_text="It gives the emergency number shown when you need urgent help. Not listed? "
        "Type your emergency number below.",
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
        fields = [
            "name",  # on the account, not the profile: see save()
            "time_zone",
            "reminder_on",  # on the patient's DailyReminder: see save()
            "reminder_time",
            "tracked_symptoms",
            "care_team_phone",
            "country",
            "emergency_number",
            "last_visit_on",
        ]

    # Someone who only follows others' journals sets only these: the rest is about a journal.
    CAREGIVER_FIELDS = ("name", "time_zone")

    def __init__(self, *args, only_caregiving=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].initial = self.instance.user.first_name
        if only_caregiving:
            for name in set(self.fields) - set(self.CAREGIVER_FIELDS):
                del self.fields[name]
            return
        reminder = DailyReminder.objects.filter(patient=self.instance.user).first()
        self.fields["reminder_on"].initial = reminder is not None and reminder.is_on
        self.fields["reminder_time"].initial = (
            reminder.local_time
            if reminder
            else DailyReminder._meta.get_field("local_time").default
        )
        guessed = self.instance.emergency_call()
        self.fields["country"].choices = [
            ("", f"Not chosen{f' (we use {guessed.number})' if guessed else ''}"),
            *country_choices(),
        ]

    def clean_name(self) -> str:
        return plain_name(self.cleaned_data["name"])

    def clean_reminder_time(self):
        chosen = self.cleaned_data["reminder_time"]
        return chosen.replace(second=0, microsecond=0) if chosen else chosen

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("reminder_on")
            and cleaned.get("reminder_time") is None
            and not self.has_error("reminder_time")
        ):
            self.add_error("reminder_time", "Choose the time of your reminder, e.g. 19:30.")
        return cleaned

    @transaction.atomic
    def save(self, commit=True):
        """The name goes on the account (as sign-up puts it), the reminder on the patient's
        ``DailyReminder``, the rest on the profile."""
        user = self.instance.user
        user.first_name = self.cleaned_data["name"]
        user.save(update_fields=["first_name"])
        if "reminder_on" in self.fields:
            reminder = {"is_on": self.cleaned_data["reminder_on"]}
            if self.cleaned_data["reminder_time"] is not None:
                reminder["local_time"] = self.cleaned_data["reminder_time"]
            DailyReminder.objects.update_or_create(patient=user, defaults=reminder)
        return super().save(commit)

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

    def clean_emergency_number(self):
        number = self.cleaned_data["emergency_number"].strip()
        if number and (not PHONE_CHARACTERS.match(number) or not any(c.isdigit() for c in number)):
            raise forms.ValidationError("Give the number to dial, in digits, e.g. 112.")
        return number


class CareTeamThresholdsForm(TextLimitsMixin, forms.Form):
    """For each symptom, the grade from which the patient's own care team asked to be
    called, or the library's rule; with what the team said.

    Fields ``call_from_<slug>`` and ``note_<slug>``. ``library_grade(symptom)`` is the grade
    the library's rule gives for the patient's current drug.
    """

    def __init__(self, *args, symptoms, thresholds, library_grade, **kwargs):
        super().__init__(*args, **kwargs)
        self.symptoms = list(symptoms)
        for symptom in self.symptoms:
            own = thresholds.get(symptom.pk)
            standard = Grade(library_grade(symptom))
            self.fields[f"call_from_{symptom.slug}"] = forms.TypedChoiceField(
                label=symptom.name,
                choices=[
                    ("", f"As the library says: from {standard.label.lower()}"),
                    *((g.value, f"From {g.label.lower()}") for g in Grade if g != Grade.NONE),
                ],
                coerce=int,
                empty_value=None,
                required=False,
                initial=own.care_team_grade if own else None,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"note_{symptom.slug}"] = forms.CharField(
                label=f"What your team said about {symptom.name.lower()} (optional)",
                max_length=200,
                required=False,
                initial=own.note if own else "",
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )

    @classmethod
    def for_patient(cls, data, *, patient) -> "CareTeamThresholdsForm":
        """For the symptoms the patient tracks and any with a threshold of their own; the
        library's grade is the one for the drug they take today."""
        profile = Profile.objects.for_user(patient)
        own = {
            threshold.symptom_id: threshold
            for threshold in CareTeamThreshold.objects.filter(patient=patient).select_related(
                "symptom"
            )
        }
        tracked = profile.symptoms_shown(SymptomReport.objects.none())
        symptoms = tracked + [t.symptom for t in own.values() if t.symptom not in tracked]
        rules = AlertRules.for_patient(patient)
        treatment = Treatment.objects.in_force(patient, profile.today())
        drug_id = treatment.drug_id if treatment else None
        return cls(
            data,
            symptoms=symptoms,
            thresholds=own,
            library_grade=lambda symptom: rules.library_threshold(symptom.pk, drug_id).grade,
        )

    def clean(self):
        cleaned = super().clean()
        for symptom in self.symptoms:
            if cleaned.get(f"note_{symptom.slug}") and not cleaned.get(
                f"call_from_{symptom.slug}"
            ):
                self.add_error(
                    f"call_from_{symptom.slug}",
                    "Choose from which level your team asked you to call, or clear the note.",
                )
        return cleaned

    def rows(self) -> list[dict]:
        return [
            {
                "symptom": symptom,
                "call_from": self[f"call_from_{symptom.slug}"],
                "note": self[f"note_{symptom.slug}"],
            }
            for symptom in self.symptoms
        ]

    def choices(self) -> dict:
        """Per symptom: (grade, note), or None for the library's rule."""
        return {
            symptom: (
                (grade, self.cleaned_data[f"note_{symptom.slug}"])
                if (grade := self.cleaned_data[f"call_from_{symptom.slug}"])
                else None
            )
            for symptom in self.symptoms
        }


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
