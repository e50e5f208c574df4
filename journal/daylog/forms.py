"""The day log form, and the history page's filter."""

from functools import lru_cache

from django import forms
from django.db.models import QuerySet

from gistjournal.forms import TextLimitsMixin, limit_text_without_cutting
from gistjournal.widget_renderer import FastWidgetRenderer
from journal.daylog.services import DAY_CHANGED
from journal.fields import DateInput, in_range, validate_journal_date
from journal.models import (
    DIASTOLIC_RANGE,
    NOTE_MAX_LENGTH,
    SYMPTOM_NOTE_MAX_LENGTH,
    SYSTOLIC_RANGE,
    WEIGHT_RANGE_KG,
    Alarm,
    DoseTaken,
    Grade,
    Interference,
    ReportInput,
    SavedAnswers,
)
from library.cache import kept_symptoms
from library.models import Symptom, WarningSign

# What the day log says beside a grade that raises a notice, and on a ticked warning sign.
ALARM_WORDS = {
    Alarm.CARE_TEAM: "Contact your care team.",
    Alarm.URGENT: "Get urgent help.",
}


def _is_blank(value) -> bool:
    """Nothing given: 0 is an answer ("None"), an empty note or an unticked box is not."""
    if value is None or value is False or value == "":
        return True
    return isinstance(value, QuerySet | list) and not value


def _answer_words(field, value) -> str:
    """An answer as the day log's page words it; "" for no answer."""
    if isinstance(field, forms.BooleanField):
        return "Yes" if value else ""
    if _is_blank(value):
        return ""
    if isinstance(value, QuerySet | list):
        return ", ".join(str(item) for item in value)
    choices = dict(getattr(field, "choices", ()))
    return str(choices.get(value, value))


# Each day log adds forty fields with these choices: built once, not once per field (an
# enum's ``choices`` is a new list at every reading).
GRADE_CHOICES = Grade.choices
INTERFERENCE_CHOICES = [("", "Not answered"), *Interference.choices]
GRADE_COLOURS = {grade.value: grade.colour for grade in Grade}


def own_copy(field: forms.Field) -> forms.Field:
    """A copy of a symptom's field for one form: what Django's ``Field.__deepcopy__`` copies
    (the field, its widget, the widget's attributes, the error messages and validators).
    The choices, a module's constant, are shared: a form that changes its choices sets new
    ones on its own copies, never changes the list in place. Copied by their ``__dict__``:
    ``copy.deepcopy``'s general machinery cost a tenth of the day log's time (issue 17)."""
    result = _shallow(field)
    result.widget = widget = _shallow(field.widget)
    widget.attrs = field.widget.attrs.copy()
    result.error_messages = field.error_messages.copy()
    result.validators = field.validators[:]
    return result


def _shallow(obj):
    result = obj.__class__.__new__(obj.__class__)
    result.__dict__.update(obj.__dict__)
    return result


@lru_cache(maxsize=512)
def symptom_fields(slug: str, name: str) -> dict[str, forms.Field]:
    """The three fields a symptom adds to the day log: ``grade_<slug>``,
    ``interference_<slug>`` and ``note_<slug>``.

    A pure function of the symptom's slug and name, built once per process: building a
    choice field costs several times copying one, and a day log has forty (issue 17).
    """
    lowered = name.lower()
    fields = {
        f"grade_{slug}": forms.TypedChoiceField(
            label=name,
            choices=GRADE_CHOICES,
            coerce=int,
            empty_value=None,  # not answered: not the same as "None"
            required=False,
            widget=forms.RadioSelect,
            error_messages={
                "invalid_choice": "Choose one of None, Mild, Moderate, Severe, Very severe.",
            },
        ),
        f"interference_{slug}": forms.TypedChoiceField(
            label=f"How much did {lowered} get in the way?",
            choices=INTERFERENCE_CHOICES,
            coerce=int,
            empty_value=None,
            required=False,
            error_messages={"invalid_choice": "Choose one of the answers."},
            widget=forms.Select(attrs={"class": "form-select"}),
        ),
        f"note_{slug}": forms.CharField(
            label=f"Note on {lowered} (optional)",
            required=False,
            max_length=SYMPTOM_NOTE_MAX_LENGTH,
            widget=forms.TextInput(attrs={"class": "form-control"}),
        ),
    }
    limit_text_without_cutting(fields[f"note_{slug}"])
    return fields


class DayLogForm(TextLimitsMixin, forms.Form):
    """One day: the dose, blood pressure, weight, a note, a grade for each symptom, and the
    warning signs of the day's drug.

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
        label="Upper number",
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control"}),
    )
    diastolic = forms.IntegerField(
        label="Lower number",
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control"}),
    )
    weight_kg = forms.DecimalField(
        label="Weight (kg)",
        required=False,
        max_digits=5,
        decimal_places=1,
        widget=forms.NumberInput(
            attrs={"inputmode": "decimal", "step": "0.1", "class": "form-control"}
        ),
    )
    note = forms.CharField(
        label="Note for the day",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    for_doctor = forms.BooleanField(
        label="For my doctor",
        required=False,
        help_text="Flag this day to talk about at your next clinic visit.",
    )

    warning_signs = forms.ModelMultipleChoiceField(
        label="Warning signs today",
        queryset=WarningSign.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick any you have: each one means getting urgent help.",
    )

    # 28 widgets a page: written in Python, not through Django's per-widget templates.
    default_renderer = FastWidgetRenderer()

    # The revision of the day the page was loaded with (0: not saved yet). A save carrying
    # one is refused when the day has changed since (another phone saved it): the save
    # checks it (``daylog_save``), under the transaction's lock.
    # Without it (an import, a page older than the field) the save is not checked.
    base_revision = forms.IntegerField(
        label="Version of the day", required=False, min_value=0, widget=forms.HiddenInput
    )

    # The name and value of the button that answers "None" for every symptom left unanswered
    # (the page's script does it in place; without script the button saves the day so).
    REST_NONE = ("unanswered", "none")
    # The code of the refusal of a save over a day changed since its page was loaded.
    DAY_CHANGED = DAY_CHANGED

    def __init__(
        self,
        *args,
        symptoms,
        warning_signs,
        refuse_empty=False,
        current_revision=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        # The day's revision in the database now (0: no log yet): the page sends it back.
        if current_revision is not None:
            self.initial.setdefault("base_revision", current_revision)
        # The day log page refuses a day with nothing in it (it would count as logged); an
        # import takes the days of a file as they are.
        self.refuse_empty = refuse_empty
        self.symptoms = list(symptoms)
        self.fields["warning_signs"].queryset = warning_signs
        for symptom in self.symptoms:
            # Copies, as Django's forms copy their declared fields: a form may change its own.
            for name, field in symptom_fields(symptom.slug, symptom.name).items():
                self.fields[name] = own_copy(field)

    def clean_systolic(self):
        low, high = SYSTOLIC_RANGE
        return in_range(
            self.cleaned_data["systolic"],
            low,
            high,
            f"The upper number is between {low} and {high}. Please check what you typed.",
        )

    def clean_diastolic(self):
        low, high = DIASTOLIC_RANGE
        return in_range(
            self.cleaned_data["diastolic"],
            low,
            high,
            f"The lower number is between {low} and {high}. Please check what you typed.",
        )

    def clean_weight_kg(self):
        low, high = WEIGHT_RANGE_KG
        return in_range(
            self.cleaned_data["weight_kg"],
            low,
            high,
            f"Weight is in kilograms, between {low} and {high}. Please check what you typed.",
        )

    @property
    def measure_limits(self) -> str:
        """Every limit of the measurements, shown before it is hit."""
        (sys_low, sys_high), (dia_low, dia_high) = SYSTOLIC_RANGE, DIASTOLIC_RANGE
        kg_low, kg_high = WEIGHT_RANGE_KG
        return (
            f"Upper number first, as in 128/82. Upper {sys_low}–{sys_high}, lower "
            f"{dia_low}–{dia_high}, weight {kg_low}–{kg_high} kg."
        )

    @property
    def rest_is_none(self) -> bool:
        name, value = self.REST_NONE
        return self.is_bound and self.data.get(name) == value

    def clean(self):
        cleaned = super().clean()
        if self.rest_is_none:
            for symptom in self.symptoms:
                if cleaned.get(f"grade_{symptom.slug}", Grade.NONE) is None:
                    cleaned[f"grade_{symptom.slug}"] = Grade.NONE
        if (
            self.refuse_empty
            and not self.errors
            and all(
                _is_blank(cleaned.get(name)) for name in self.fields if name != "base_revision"
            )
        ):
            raise forms.ValidationError(
                "Nothing to save yet: answer at least one question, or tap “None for all "
                "the rest”.",
                code="empty",
            )
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

    def versions(self, answers: SavedAnswers | None) -> list[dict]:
        """The saved day (its ``answers``; None: not saved) beside this form's answers, one
        row per question either answers: ``label``, ``saved``, ``this_phone`` and
        ``differs``, in words."""
        saved = self.initial_from(answers) if answers is not None else {}
        rows = []
        for name, field in self.fields.items():
            if name == "base_revision":
                continue
            row = {
                "label": field.label,
                "saved": _answer_words(field, saved.get(name)),
                "this_phone": _answer_words(field, self.cleaned_data.get(name)),
            }
            if row["saved"] or row["this_phone"]:
                row["differs"] = row["saved"] != row["this_phone"]
                rows.append(row)
        return rows

    def symptom_rows(self, alarm_of) -> list[dict]:
        """What the template needs per symptom: its fields, each grade's meaning (the page
        shows the chosen one), and what choosing it raises: ``alarm_of(symptom, grade)``
        says which notice (``AlertRules.alarm`` for the patient and the day's drug)."""
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
                    "alarm": ALARM_WORDS.get(alarm := alarm_of(symptom, value), ""),
                    "urgent": alarm == Alarm.URGENT,
                    "style": GRADE_COLOURS[value],
                }
                for value, label in GRADE_CHOICES
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

    def error_links(self) -> list[dict]:
        """Each problem with the id to move to: a radio group's first choice, else the field."""
        links = []
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            field = self[name]
            is_group = isinstance(
                field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple
            )
            target = f"{field.auto_id}_0" if is_group else field.auto_id
            links.append({"target": target, "label": field.label, "message": " ".join(errors)})
        return links

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

    @classmethod
    def for_day(cls, day, *, saved, previous, treatment, **form_kwargs) -> "DayLogForm":
        """The unbound form for ``day``: its ``saved`` answers if any, else nothing answered
        (an untouched symptom is not a "None"); ``previous`` (another day's answers) copies
        them in."""
        initial = cls.initial_from(saved) if saved is not None else {}
        if previous is not None:
            initial.update(cls.initial_from(previous, with_day_values=False))
        if saved is None or previous is not None:
            # The schedule decides a planned break; a copied break means nothing on an on-day.
            if treatment is not None and not treatment.is_on_day(day):
                initial["dose_taken"] = DoseTaken.BREAK
            elif initial.get("dose_taken") == DoseTaken.BREAK:
                initial["dose_taken"] = ""
        return cls(initial=initial, **form_kwargs)

    @staticmethod
    def initial_from(answers: SavedAnswers, *, with_day_values: bool = True) -> dict:
        """Initial values from a saved day's ``answers``; for "same as yesterday" only the
        symptoms and dose are copied, not the measurements or notes of that day."""
        initial = {}
        symptoms = kept_symptoms()
        for symptom_id, grade, interference, note in answers.reports:
            slug = symptoms[symptom_id].slug
            initial[f"grade_{slug}"] = grade
            initial[f"interference_{slug}"] = interference
            if with_day_values:
                initial[f"note_{slug}"] = note
        log = answers.log
        initial["dose_taken"] = log.dose_taken
        if with_day_values:
            for name in ("systolic", "diastolic", "weight_kg", "note", "for_doctor"):
                initial[name] = getattr(log, name)
            initial["warning_signs"] = answers.ticked_signs
        return initial


class GoToDayForm(forms.Form):
    """History's "go to a day": any past date, to log or change it."""

    default_renderer = FastWidgetRenderer()

    go = forms.DateField(
        label="Go to a day",
        widget=DateInput,
        validators=[validate_journal_date],
        help_text="To log a day you missed, or change one.",
        error_messages={"required": "Choose a date.", "invalid": "Enter a date, e.g. 2025-03-14."},
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_go(self):
        day = self.cleaned_data["go"]
        if day > self.today:
            raise forms.ValidationError("That day has not happened yet: choose today or before.")
        return day


class HistoryFilterForm(forms.Form):
    default_renderer = FastWidgetRenderer()

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
