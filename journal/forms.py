import re
import zoneinfo
from decimal import Decimal

from django import forms

from gistjournal.forms import TextLimitsMixin, limit_text_without_cutting
from journal.models import (
    DIASTOLIC_RANGE,
    EARLIEST_DATE,
    MAX_CYCLE_DAYS,
    MAX_DOSE_MG,
    MAX_INTAKES_PER_DAY,
    NOTE_MAX_LENGTH,
    SYMPTOM_NOTE_MAX_LENGTH,
    SYSTOLIC_RANGE,
    WEIGHT_RANGE_KG,
    CareShare,
    ChangeReason,
    DoseTaken,
    Grade,
    Interference,
    Profile,
)
from journal.services import ReportInput
from journal.trends import DEFAULT_RANGE, RANGES
from library.formatting import format_mg, intakes_label
from library.models import Drug, RegimenPreset, Symptom

# --- Treatment, day log and settings ----------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def validate_journal_date(value):
    """No journal reaches back before ``EARLIEST_DATE``: "0001-01-01" is a slip, and pages
    that walk a range week by week (the clinic report) must stay a sane size."""
    if value < EARLIEST_DATE:
        raise forms.ValidationError(f"Give a date from {EARLIEST_DATE.year} on.")


def _in_range(value, low, high, message):
    if value is not None and not low <= value <= high:
        raise forms.ValidationError(message)
    return value


# Bootstrap button colour per grade; the word on the button always says the grade too.
GRADE_BUTTON_STYLES = {0: "secondary", 1: "success", 2: "warning", 3: "danger", 4: "dark"}


class DayLogForm(TextLimitsMixin, forms.Form):
    """One day: the dose, blood pressure, weight, a note, and a grade for each symptom.

    The per-symptom fields are added for the symptoms given (the tracked ones, plus any
    already reported that day): ``grade_<slug>``, ``interference_<slug>``, ``note_<slug>``.
    """

    dose_taken = forms.ChoiceField(
        label="Did you take your dose?",
        choices=DoseTaken.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    systolic = forms.IntegerField(
        label="Blood pressure, upper number",
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text="Optional. The first, bigger number (e.g. 128 in 128/82).",
    )
    diastolic = forms.IntegerField(
        label="Blood pressure, lower number",
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    weight_kg = forms.DecimalField(
        label="Weight (kg)",
        required=False,
        max_digits=5,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1"}),
    )
    note = forms.CharField(
        label="Note for the day",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    for_doctor = forms.BooleanField(
        label="For my doctor",
        required=False,
        help_text="Flag this day to talk about at your next clinic visit.",
    )

    def __init__(self, *args, symptoms, **kwargs):
        super().__init__(*args, **kwargs)
        self.symptoms = list(symptoms)
        for symptom in self.symptoms:
            name = symptom.name.lower()
            self.fields[f"grade_{symptom.slug}"] = forms.TypedChoiceField(
                label=symptom.name,
                choices=Grade.choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Choose how bad {name} was (None if you did not have it).",
                    "invalid_choice": "Choose one of None, Mild, Moderate, Severe, Very severe.",
                },
            )
            self.fields[f"interference_{symptom.slug}"] = forms.TypedChoiceField(
                label=f"How much did {name} get in the way?",
                choices=[("", "Not answered"), *Interference.choices],
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={"invalid_choice": "Choose one of the answers."},
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"note_{symptom.slug}"] = forms.CharField(
                label=f"Note on {name} (optional)",
                required=False,
                max_length=SYMPTOM_NOTE_MAX_LENGTH,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
            limit_text_without_cutting(self.fields[f"note_{symptom.slug}"])

    def clean_systolic(self):
        low, high = SYSTOLIC_RANGE
        return _in_range(
            self.cleaned_data["systolic"],
            low,
            high,
            f"The upper number is between {low} and {high}. Please check what you typed.",
        )

    def clean_diastolic(self):
        low, high = DIASTOLIC_RANGE
        return _in_range(
            self.cleaned_data["diastolic"],
            low,
            high,
            f"The lower number is between {low} and {high}. Please check what you typed.",
        )

    def clean_weight_kg(self):
        low, high = WEIGHT_RANGE_KG
        return _in_range(
            self.cleaned_data["weight_kg"],
            low,
            high,
            f"Weight is in kilograms, between {low} and {high}. Please check what you typed.",
        )

    def clean(self):
        cleaned = super().clean()
        systolic, diastolic = cleaned.get("systolic"), cleaned.get("diastolic")
        if "systolic" in cleaned and "diastolic" in cleaned:
            if (systolic is None) != (diastolic is None):
                missing = "diastolic" if diastolic is None else "systolic"
                self.add_error(missing, "Give both blood pressure numbers, or neither.")
            elif systolic is not None and systolic <= diastolic:
                self.add_error(
                    "diastolic", "The lower number must be smaller than the upper number."
                )
        return cleaned

    def symptom_rows(self) -> list[dict]:
        """What the template needs per symptom: its fields and each grade's meaning."""
        rows = []
        for symptom in self.symptoms:
            grade = self[f"grade_{symptom.slug}"]
            chosen = "" if grade.value() in (None, "") else str(grade.value())
            options = [
                {
                    "value": value,
                    "label": label,
                    "meaning": "" if value == 0 else symptom.grade_meaning(value),
                    "id": f"{grade.auto_id}_{value}",
                    "checked": chosen == str(value),
                    "is_alert": symptom.needs_alert(value),
                    "style": GRADE_BUTTON_STYLES[value],
                }
                for value, label in Grade.choices
            ]
            interference = self[f"interference_{symptom.slug}"]
            note = self[f"note_{symptom.slug}"]
            rows.append(
                {
                    "symptom": symptom,
                    "grade": grade,
                    "options": options,
                    "interference": interference,
                    "note": note,
                    # Collapsed unless there is something in it to see.
                    "details_open": bool(
                        interference.errors
                        or note.errors
                        or interference.value() not in (None, "")
                        or note.value()
                    ),
                }
            )
        return rows

    def day_values(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("dose_taken", "systolic", "diastolic", "weight_kg", "note", "for_doctor")
        }

    def report_inputs(self) -> list[ReportInput]:
        return [
            ReportInput(
                symptom=symptom,
                grade=self.cleaned_data[f"grade_{symptom.slug}"],
                interference=self.cleaned_data[f"interference_{symptom.slug}"],
                note=self.cleaned_data[f"note_{symptom.slug}"],
            )
            for symptom in self.symptoms
        ]

    @staticmethod
    def initial_from(log, *, with_day_values: bool = True) -> dict:
        """Initial values from a saved day (its reports prefetched); for "same as yesterday"
        only the symptoms and dose are copied, not the measurements or notes of that day."""
        initial = {}
        for report in log.reports.all():
            slug = report.symptom.slug
            initial[f"grade_{slug}"] = report.grade
            initial[f"interference_{slug}"] = report.interference
            if with_day_values:
                initial[f"note_{slug}"] = report.note
        initial["dose_taken"] = log.dose_taken
        if with_day_values:
            for name in ("systolic", "diastolic", "weight_kg", "note", "for_doctor"):
                initial[name] = getattr(log, name)
        return initial


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
                dose_mg=preset.dose_mg,
                intakes_per_day=preset.intakes_per_day,
                days_on=preset.days_on,
                days_off=preset.days_off,
            )
        else:
            for name in ("drug", "dose_mg", "intakes_per_day"):
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
        return {
            name: self.cleaned_data[name]
            for name in (
                "drug",
                "dose_mg",
                "intakes_per_day",
                "days_on",
                "days_off",
                "starts_on",
                "maker",
                "reason",
            )
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


class HistoryFilterForm(forms.Form):
    symptom = forms.ModelChoiceField(
        label="Days with",
        queryset=Symptom.objects.all(),
        required=False,
        empty_label="Any symptom",
        to_field_name="slug",
    )
    start = forms.DateField(label="From", required=False, widget=DateInput)
    end = forms.DateField(label="To", required=False, widget=DateInput)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "The end date must be on or after the start date.")
        return cleaned


# --- Trends -----------------------------------------------------------------------------------


class TrendsForm(forms.Form):
    """The trends page's range and symptom, read from the query string.

    The page offers them as links (caregivers' pages have no forms); an unknown value falls
    back to the default instead of failing the page.
    """

    range = forms.ChoiceField(
        label="Range", choices=[(key, label) for key, (label, _) in RANGES.items()], required=False
    )
    symptom = forms.ChoiceField(label="Symptom", required=False)

    def __init__(self, data, *, symptoms):
        super().__init__(data)
        self.symptoms = {symptom.slug: symptom for symptom in symptoms}
        self.fields["symptom"].choices = [
            ("", "All symptoms"),
            *((symptom.slug, symptom.name) for symptom in symptoms),
        ]

    def clean_range(self) -> str:
        return self.cleaned_data["range"] or DEFAULT_RANGE

    def clean_symptom(self) -> Symptom | None:
        return self.symptoms.get(self.cleaned_data["symptom"])

    def choice(self) -> tuple[str, Symptom | None]:
        """The range key and the symptom (None: all), each falling back to its default."""
        self.is_valid()
        return self.cleaned_data.get("range", DEFAULT_RANGE), self.cleaned_data.get("symptom")


# --- Sharing ----------------------------------------------------------------------------------


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


# --- Export, import and account ---------------------------------------------------------------

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class ReportRangeForm(forms.Form):
    """The clinic report's dates. Not valid: the page falls back to the default range."""

    start = forms.DateField(
        label="From", required=False, widget=DateInput, validators=[validate_journal_date]
    )
    end = forms.DateField(
        label="To", required=False, widget=DateInput, validators=[validate_journal_date]
    )

    def __init__(self, *args, today, default_start, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.default_start = default_start
        self.end_was_clipped = False

    def clean(self):
        cleaned = super().clean()
        end = cleaned.get("end") or self.today
        if end > self.today:
            # A report cannot cover days that have not happened: stop at today.
            end = self.today
            self.end_was_clipped = True
        start = cleaned.get("start") or min(self.default_start, end)
        if start > end:
            raise forms.ValidationError("The start date must be on or before the end date.")
        cleaned.update(start=start, end=end)
        return cleaned

    def dates(self) -> tuple:
        """``(start, end)``: the chosen range when valid, else the default one."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return self.default_start, self.today


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Your file (.json or .csv)",
        help_text="A GIST Journal JSON export, or a CSV with the columns of our CSV export. "
        "At most 5 MB.",
    )

    def clean_file(self) -> str:
        """The file's text: UTF-8, at most ``MAX_IMPORT_BYTES``."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                f"This file is {upload.size / 1024 / 1024:.1f} MB; the most we accept is "
                f"{MAX_IMPORT_BYTES // 1024 // 1024} MB. Split it into parts (by year, say) "
                "and import them one after the other."
            )
        data = upload.read()
        try:
            # utf-8-sig drops the byte order mark our CSV export (and Excel) put first.
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "This file is not in the UTF-8 text encoding. In your spreadsheet choose "
                "“Save as” and the “CSV UTF-8” format, then upload that file."
            ) from None
        if "\x00" in text:
            raise forms.ValidationError(
                "This is not a text file (a spreadsheet such as .xlsx, perhaps). Save it as "
                "“CSV UTF-8” first, or upload the .json file of a GIST Journal export."
            )
        if not text.strip():
            raise forms.ValidationError("This file is empty.")
        return text


class ImportConfirmForm(forms.Form):
    """Confirms the preview shown: ``digest`` is the hash of the file kept in the session."""

    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)


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
