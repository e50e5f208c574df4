"""Reading a file back into the journal: the JSON export, or a CSV in the export's columns.

Two steps. ``read_import`` reads the text of an upload (the JSON, or the rows of a CSV) and
refuses, before anything costly, a file that cannot be read or holds more than one import may
(``MAX_IMPORT_DAYS``, ``MAX_IMPORT_REPORTS``, ``MAX_IMPORT_PERIODS``, ``MAX_IMPORT_ROWS``): what
it returns is what a ``PendingImport`` keeps. ``preview_import`` checks that content against the
journal and gives an ``ImportPreview``: what would be created, what is already in the journal
(skipped, so importing the same file twice creates nothing twice), and every problem with where
it is and why (the first ``MAX_LISTED_PROBLEMS`` listed). Nothing here writes; the preview is
applied by ``journal.export_import.services.journal_import``, all or nothing.

The work is bounded by those limits: the library is read once (no query per day, report or
period), and overlapping periods are found by sorting.

The day fields are checked by the day log form (``journal.daylog.forms.DayLogForm``) and treatment
periods by the treatment form, so an import accepts exactly what the pages accept.

- JSON (``export_format.md``, versions 1 and 2): treatments are matched by start date, days by
  date; settings are applied only to a journal that is still empty (moving servers). Shares
  and the access log are not imported: they belong to accounts on the old server. The
  profile, each period and each day keep the file's ``id`` (version 2), which the FHIR
  export's identifiers come from, unless the journal already uses it.
- CSV: one row per symptom report, columns as in the export (``date`` required; a row
  without a symptom records only the day). Treatment columns are not read back: a period's
  start and end cannot be told from the days, so periods are recorded on the treatment page
  and each imported day is linked to the period in force that date.
- Both: a symptom without a grade (JSON ``null``; CSV an empty grade, or "not answered") is
  imported as asked and not answered, never as "none".
"""

import csv
import io
import json
import re
import uuid
import zoneinfo
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.utils import timezone

from journal.account.forms import PHONE_CHARACTERS
from journal.daylog.forms import DayLogForm
from journal.export_import.formats import (
    FORMULA_PREFIXES,
    JSON_FORMAT,
    JSON_VERSIONS_READ,
    NOT_ANSWERED_WORD,
)
from journal.models import (
    EARLIEST_DATE,
    DayLog,
    DoseTaken,
    Grade,
    Interference,
    Profile,
    ReportInput,
    Treatment,
)
from journal.treatments.forms import Schedule, TreatmentForm
from library.formatting import drug_title, format_mg
from library.models import Drug, Symptom, WarningSign

DAY_FIELDS = ("dose_taken", "systolic", "diastolic", "weight_kg", "note", "for_doctor")

# What one file may bring in. Checking a day costs a day log form, about 0.3 ms per symptom
# answer, on the preview and again on confirm: 10,000 answers (eighteen months of 18 symptoms
# a day, three years of 9) take about 3 s each time. A longer journal comes in parts.
MAX_IMPORT_DAYS = 4000  # eleven years of days
MAX_IMPORT_REPORTS = 10_000
MAX_IMPORT_PERIODS = 200  # a dose change a month for sixteen years
# A CSV row is a symptom answer or a day without one.
MAX_IMPORT_ROWS = MAX_IMPORT_DAYS + MAX_IMPORT_REPORTS
# Nobody reads past the first hundred problems; the rest are counted.
MAX_LISTED_PROBLEMS = 100
# An export nests five deep (document, days, a day, its reports, a report); one spare.
MAX_JSON_DEPTH = 6

DAMAGED = (
    "This file is damaged or was changed, so we cannot read it. Download the export again "
    "from your old journal and upload it without opening it first."
)


class ImportFileError(Exception):
    """The whole file is refused; the message tells the patient why and what to do.

    (Size and encoding are checked before, by ``journal.export_import.forms.ImportUploadForm``.)
    """


@dataclass(frozen=True)
class Problem:
    where: str  # "Row 7", "Day 2024-03-01", "Treatment starting 2024-01-01", "Settings"
    reason: str

    def __str__(self):
        return f"{self.where}: {self.reason}"


@dataclass
class TreatmentPlan:
    values: dict  # keyword arguments of journal.treatments.services.treatment_start
    label: str


@dataclass
class DayPlan:
    date: date
    values: dict  # DAY_FIELDS
    reports: list[ReportInput]
    warning_signs: list = field(default_factory=list)  # WarningSign rows ticked that day
    identifier: uuid.UUID | None = None  # the file's id for the day; None: a new one is made


@dataclass
class ImportPreview:
    kind: str  # "json" or "csv"
    treatments: list[TreatmentPlan] = field(default_factory=list)
    days: list[DayPlan] = field(default_factory=list)
    skipped_treatments: list[str] = field(default_factory=list)
    skipped_days: list[date] = field(default_factory=list)
    settings: dict | None = None
    problems: list[Problem] = field(default_factory=list)  # the first MAX_LISTED_PROBLEMS
    problem_count: int = 0  # all of them
    notes: list[str] = field(default_factory=list)

    @property
    def unlisted_problem_count(self) -> int:
        return self.problem_count - len(self.problems)

    @property
    def report_count(self) -> int:
        """Symptom answers, graded or not."""
        return sum(len(day.reports) for day in self.days)

    @property
    def unanswered_count(self) -> int:
        """Symptoms asked and left unanswered: kept so, never counted as a grade."""
        return sum(report.grade is None for day in self.days for report in day.reports)

    @property
    def grade_count(self) -> int:
        return self.report_count - self.unanswered_count

    @property
    def has_changes(self) -> bool:
        return bool(self.treatments or self.days or self.settings)

    @property
    def can_import(self) -> bool:
        """All or nothing: one wrong row and the file must be fixed first."""
        return self.has_changes and not self.problems


def read_import(text: str) -> dict:
    """The content of an upload, read but not checked against any journal.

    ``{"kind": "json", "document": {...}}`` (the export's profile, treatments and days) or
    ``{"kind": "csv", "header": [...], "rows": [[row number, cells], ...]}``: JSON, as a
    ``PendingImport`` keeps it. ``ImportFileError`` when the file as a whole cannot be read,
    or holds more than one import may: its days, answers and periods are counted here, before
    any of them is checked.
    """
    if text.lstrip().startswith(("{", "[")):
        return _read_json(text)
    return _read_csv(text)


def preview_import(content: dict, *, patient) -> ImportPreview:
    """The preview of importing ``content`` (from ``read_import``) into ``patient``'s
    journal, as of now."""
    if content["kind"] == "json":
        return _JsonImport(patient).parse(content["document"])
    return _CsvImport(patient).parse(content["header"], content["rows"])


def parse_import(text: str, *, patient) -> ImportPreview:
    """``read_import`` then ``preview_import``, for a text at hand."""
    return preview_import(read_import(text), patient=patient)


def _refuse_too_many(*, days: int, reports: int, periods: int) -> None:
    counted = [
        (days, MAX_IMPORT_DAYS, "days"),
        (reports, MAX_IMPORT_REPORTS, "symptom answers"),
        (periods, MAX_IMPORT_PERIODS, "treatment periods"),
    ]
    for count, limit, what in counted:
        if count > limit:
            raise ImportFileError(
                f"This file holds {count:,} {what}; we can bring in at most {limit:,} at once. "
                "Import it in parts: save it as a spreadsheet (CSV) split by year, say, and "
                "import one part after the other."
            )


# --- Shared checks ----------------------------------------------------------------------------


def _date(value) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def _identifier(value) -> uuid.UUID | None:
    """The ``id`` of a JSON object, if it is a UUID; None (a new one is made) otherwise.

    A wrong or missing id costs the patient nothing they could fix, so it is not a problem:
    the row simply gets a new identifier, as rows from a version 1 file do.
    """
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _plain(value) -> str:
    """A value as the patient would read it in an error message."""
    text = str(value)
    return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"


# A grade cell may hold the word instead of the number; "not answered" is the export's word
# for a symptom asked and left unanswered (an empty cell says the same).
_GRADE_WORDS = {
    **{label.lower(): value for value, label in Grade.choices},
    NOT_ANSWERED_WORD: None,
}
_INTERFERENCE_WORDS = {label.lower(): value for value, label in Interference.choices}
_DOSE_WORDS = {
    **{value: value for value in DoseTaken.values},
    **{label.lower(): value for value, label in DoseTaken.choices},
}


def _scale(value, words: dict, what: str):
    """A 0-4 answer given as a number or as its words; returns ``(number, error)``."""
    if isinstance(value, bool):
        return None, f"the {what} must be a number from 0 to 4"
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().lower() in words:
        return words[value.strip().lower()], None
    # ASCII digits only: isdigit() also lets "²" and "③" through, which int() then refuses,
    # int() reads "٣" and "３", and fails on thousands of digits.
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        digits = value.strip().lstrip("0") or "0"
        if len(digits) > 1:
            return None, f"the {what} {_plain(value.strip())} is outside 0 to 4"
        number = int(digits)
    else:
        return None, f"the {what} {_plain(value)} is not a number from 0 to 4"
    if not 0 <= number <= 4:
        shown = number if -1000 < number < 1000 else _plain(number)
        return None, f"the {what} {shown} is outside 0 to 4"
    return number, None


class _DrugFromLibrary(forms.ModelChoiceField):
    """The treatment form's drug list, answered from the drugs read once for the whole file
    (the form's own field asks the database again for each period)."""

    def __init__(self, drugs):
        super().__init__(queryset=Drug.objects.none(), required=False, label="Drug")
        self.by_pk = {drug.pk: drug for drug in drugs}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if value not in self.by_pk:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return self.by_pk[value]


class _Importer:
    """What both formats share: the library lookups, the journal as it is, the checks."""

    kind = ""

    def __init__(self, patient):
        self.patient = patient
        self.profile = Profile.objects.for_user(patient)
        self.today = self.profile.today()
        self.preview = ImportPreview(kind=self.kind)
        self.symptoms = {}
        for symptom in Symptom.objects.all():
            for key in (symptom.slug, symptom.name, *symptom.alias_list):
                self.symptoms.setdefault(key.strip().lower(), symptom)
        self.existing_dates = set(
            DayLog.objects.for_patient(patient).values_list("date", flat=True)
        )
        self.existing_treatments = list(
            Treatment.objects.for_patient(patient).select_related("drug")
        )
        self.warning_signs = {sign.slug: sign for sign in WarningSign.objects.all()}

    def problem(self, where: str, reason: str) -> None:
        self.preview.problem_count += 1
        if len(self.preview.problems) < MAX_LISTED_PROBLEMS:
            self.preview.problems.append(Problem(where, reason[:1].upper() + reason[1:]))

    def symptom(self, value) -> Symptom | None:
        if not isinstance(value, str):
            return None
        return self.symptoms.get(value.strip().lower())

    def check_date(self, where: str, value) -> date | None:
        day = _date(value)
        if day is None:
            self.problem(where, f"{_plain(value)} is not a date written as YYYY-MM-DD.")
        elif day > self.today:
            self.problem(where, f"{day.isoformat()} is in the future.")
            return None
        elif day < EARLIEST_DATE:
            self.problem(where, f"{day.isoformat()} is before {EARLIEST_DATE.year}.")
            return None
        return day

    def check_day(self, day: date, data: dict, reports: list[tuple], where) -> None:
        """Validate one day with the day log form and add it to the preview.

        ``reports`` are ``(symptom, grade, interference, note)``; ``where(field, slug)`` names
        the place of a problem with a day field (``slug`` None) or with a symptom's answer.
        """
        form_data = {name: data.get(name) for name in DAY_FIELDS}
        for symptom, grade, interference, note in reports:
            form_data[f"grade_{symptom.slug}"] = grade
            form_data[f"interference_{symptom.slug}"] = interference
            form_data[f"note_{symptom.slug}"] = note or ""
        form = DayLogForm(
            form_data,
            symptoms=[report[0] for report in reports],
            warning_signs=WarningSign.objects.none(),
        )
        if not form.is_valid():
            by_slug = {symptom.slug: symptom for symptom, *_ in reports}
            for name, errors in form.errors.items():
                prefix, _, slug = name.partition("_")
                if slug in by_slug and prefix in ("grade", "interference", "note"):
                    label = {
                        "grade": f"{by_slug[slug].name} grade",
                        "interference": f"{by_slug[slug].name} interference",
                        "note": f"{by_slug[slug].name} note",
                    }[prefix]
                    place = where(None, slug)
                else:
                    label = form.fields[name].label if name in form.fields else "This day"
                    place = where(name, None)
                for error in errors:
                    self.problem(place, f"{label}: {error}")
            return
        self.preview.days.append(
            DayPlan(date=day, values=form.day_values(), reports=form.report_inputs())
        )

    def finish(self) -> ImportPreview:
        self.preview.days.sort(key=lambda plan: plan.date)
        self.preview.skipped_days.sort()
        return self.preview


# --- JSON ------------------------------------------------------------------------------------


def _nested_deeper_than(value, limit: int) -> bool:
    """Walked with a list, not by recursion: the file decides how deep it goes."""
    stack = [(value, 1)]
    while stack:
        value, depth = stack.pop()
        if not isinstance(value, dict | list):
            continue
        if depth > limit:
            return True
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children)
    return False


# A NUL written \u0000 in the JSON: an odd number of backslashes before "u0000".
_ESCAPED_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


def _read_json(text: str) -> dict:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        # ValueError: not JSON, or an integer thousands of digits long (Python's limit on
        # reading one); RecursionError: arrays or objects nested thousands deep.
        raise ImportFileError(DAMAGED) from None
    if not isinstance(document, dict) or document.get("format") != JSON_FORMAT:
        raise ImportFileError(
            "This file is not a GIST Journal export. Choose the file that “Download "
            "everything” gave you, or a spreadsheet saved as CSV."
        )
    version = document.get("version")
    if type(version) is not int or version not in JSON_VERSIONS_READ:
        raise ImportFileError(
            "This export was made by a different version of GIST Journal, which this "
            "site cannot read yet. Ask the site that made it for a spreadsheet (CSV) "
            "download instead, and import that."
        )
    for key in ("treatments", "days"):
        if not isinstance(document.get(key, []), list):
            raise ImportFileError(DAMAGED)
    kept = {key: document[key] for key in ("profile", "treatments", "days") if key in document}
    days = kept.get("days", [])
    _refuse_too_many(
        days=len(days),
        reports=sum(
            len(day["reports"])
            for day in days
            if isinstance(day, dict) and isinstance(day.get("reports"), list)
        ),
        periods=len(kept.get("treatments", [])),
    )
    if _nested_deeper_than(kept, MAX_JSON_DEPTH):
        raise ImportFileError(DAMAGED)
    written = json.dumps(kept, ensure_ascii=False)
    try:
        written.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (\\ud800): JSON may write one, no page or database can hold it.
        raise ImportFileError(
            "This file holds broken characters (half of a letter or an emoji), so we cannot "
            "read it. Download the export again and upload it without opening it first."
        ) from None
    if _ESCAPED_NUL.search(written):
        raise ImportFileError(
            "This file holds an invisible “null” character, which we cannot store. Download "
            "the export again and upload it without opening it first."
        )
    return {"kind": "json", "document": kept}


class _JsonImport(_Importer):
    kind = "json"

    def parse(self, document: dict) -> ImportPreview:
        """``document``: the profile, treatments and days of an export, from ``read_import``."""
        if document.get("treatments"):
            self.drugs = {drug.slug: drug for drug in Drug.objects.all()}
            self.drug_field = _DrugFromLibrary(self.drugs.values())
            self.existing_starts = {t.starts_on for t in self.existing_treatments}
        if isinstance(document.get("profile"), dict):
            self.parse_settings(document["profile"])
        for index, item in enumerate(document.get("treatments", []), start=1):
            self.parse_treatment(index, item)
        self.refuse_overlaps()
        seen = set()
        for index, item in enumerate(document.get("days", []), start=1):
            self.parse_day(index, item, seen)
        return self.finish()

    def parse_settings(self, data: dict) -> None:
        """Settings travel with a move to a new server, never over a journal in use."""
        if self.existing_dates or self.existing_treatments:
            self.preview.notes.append(
                "Your settings are kept as they are: your journal already has entries."
            )
            return
        settings, where = {}, "Settings"
        identifier = _identifier(data.get("id"))
        if identifier is not None:
            settings["identifier"] = identifier
        time_zone = data.get("time_zone")
        if time_zone not in (None, ""):
            if isinstance(time_zone, str) and time_zone in zoneinfo.available_timezones():
                settings["time_zone"] = time_zone
                # "Future" is judged where the patient lives, as the file says.
                self.today = timezone.localdate(timezone=zoneinfo.ZoneInfo(time_zone))
            else:
                self.problem(where, f"{_plain(time_zone)} is not a time zone we know.")
        phone = data.get("care_team_phone")
        if phone not in (None, ""):
            # The settings form's rule: the number also goes into a tel: link.
            if isinstance(phone, str) and len(phone) <= 40 and PHONE_CHARACTERS.match(phone):
                settings["care_team_phone"] = phone.strip()
            else:
                self.problem(
                    where,
                    "the care team phone number must be at most 40 digits, spaces and "
                    "+ ( ) - . characters.",
                )
        if data.get("last_visit_on") not in (None, ""):
            last_visit = self.check_date(f"{where}, last visit", data["last_visit_on"])
            if last_visit:
                settings["last_visit_on"] = last_visit
        tracked = data.get("tracked_symptoms")
        if tracked is not None:
            symptoms = []
            for slug in tracked if isinstance(tracked, list) else [tracked]:
                symptom = self.symptom(slug)
                if symptom is None:
                    self.problem(where, f"unknown symptom {_plain(slug)} in tracked symptoms.")
                else:
                    symptoms.append(symptom)
            settings["tracked_symptoms"] = symptoms
        self.preview.settings = settings or None

    def parse_treatment(self, index: int, item) -> None:
        where = f"Treatment {index}"
        if not isinstance(item, dict):
            self.problem(where, "each treatment must be an object with its fields.")
            return
        starts_on = _date(item.get("starts_on"))
        if starts_on:
            where = f"Treatment starting {starts_on.isoformat()}"
        other_drug = item.get("other_drug") or ""
        if not isinstance(other_drug, str):
            self.problem(where, "“other_drug” must be a name.")
            return
        drug = self.drugs.get(str(item.get("drug") or ""))
        if drug is None and not other_drug:
            self.problem(where, f"unknown drug {_plain(item.get('drug', ''))}.")
            return
        cycled = item.get("days_on") is not None or item.get("days_off") is not None
        form = TreatmentForm(
            {
                "drug": drug.pk if drug else "",
                "other_drug": other_drug,
                "dose_mg": item.get("dose_mg"),
                "intakes_per_day": item.get("intakes_per_day"),
                "schedule": Schedule.CYCLE if cycled else Schedule.CONTINUOUS,
                "days_on": item.get("days_on"),
                "days_off": item.get("days_off"),
                "starts_on": item.get("starts_on"),
                "ends_on": item.get("ends_on"),
                "maker": item.get("maker") or "",
                "reason": item.get("reason"),
            },
            today=self.today,
        )
        form.fields["drug"] = self.drug_field
        if not form.is_valid():
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else "Treatment"
                for error in errors:
                    self.problem(where, f"{label}: {error}")
            return
        values = form.treatment_values()
        values["ends_on"] = form.cleaned_data["ends_on"]
        values["identifier"] = _identifier(item.get("id"))
        regimen = values["regimen"]
        since = f"{drug_title(regimen.drug_name)} {format_mg(regimen.dose_mg)} mg from "
        since += values["starts_on"].isoformat()
        if values["starts_on"] in self.existing_starts:
            self.preview.skipped_treatments.append(since)
            return
        until = f" to {values['ends_on'].isoformat()}" if values["ends_on"] else " (current)"
        label = since + until
        self.preview.treatments.append(TreatmentPlan(values=values, label=label))

    def refuse_overlaps(self) -> None:
        """Periods never overlap: not each other, and not the journal's own periods.

        Both sorted by start, each period is compared with its neighbours only: the journal's
        periods never overlap one another (a database constraint), so of them only the last
        to start on or before a period's end can reach it; and of the file's periods kept so
        far, the last kept ends last. O(n log n) however many periods there are.
        """
        journal = sorted(self.existing_treatments, key=lambda t: t.starts_on)
        journal_starts = [t.starts_on for t in journal]
        accepted = []
        for plan in sorted(self.preview.treatments, key=lambda plan: plan.values["starts_on"]):
            starts_on, ends_on = plan.values["starts_on"], plan.values["ends_on"] or date.max
            clash = None
            before = bisect_right(journal_starts, ends_on) - 1
            if before >= 0 and (journal[before].ends_on or date.max) >= starts_on:
                clash = f"your {journal[before].short_label} period"
            elif accepted and (accepted[-1].values["ends_on"] or date.max) >= starts_on:
                clash = (
                    f"the period from {accepted[-1].values['starts_on'].isoformat()} in this file"
                )
            if clash:
                self.problem(
                    f"Treatment starting {starts_on.isoformat()}",
                    f"it overlaps {clash}. Treatment periods cannot overlap.",
                )
                continue
            accepted.append(plan)
        self.preview.treatments = accepted

    def parse_day(self, index: int, item, seen: set) -> None:
        if not isinstance(item, dict):
            self.problem(f"Day {index}", "each day must be an object with its fields.")
            return
        day = self.check_date(f"Day {index}", item.get("date"))
        if day is None:
            return
        where = f"Day {day.isoformat()}"
        if day in seen:
            self.problem(where, "this date is in the file twice.")
            return
        seen.add(day)
        if day in self.existing_dates:
            self.preview.skipped_days.append(day)
            return
        data = {name: item.get(name) for name in DAY_FIELDS}
        data["dose_taken"] = data["dose_taken"] or ""
        data["note"] = data["note"] or ""
        if not isinstance(data["for_doctor"], bool | None):
            self.problem(where, "“for_doctor” must be true or false.")
            return
        reports, symptoms_seen, ok = [], set(), True
        items = item.get("reports") or []
        if not isinstance(items, list):
            self.problem(where, "“reports” must be a list.")
            return
        for report in items:
            if not isinstance(report, dict):
                self.problem(where, "each report must be an object with its fields.")
                ok = False
                continue
            symptom = self.symptom(report.get("symptom"))
            if symptom is None:
                self.problem(where, f"unknown symptom {_plain(report.get('symptom'))}.")
                ok = False
                continue
            if symptom.pk in symptoms_seen:
                self.problem(where, f"{symptom.name} is graded twice.")
                ok = False
                continue
            symptoms_seen.add(symptom.pk)
            grade, error = None, None  # null: asked on the day log and left unanswered
            if report.get("grade") is not None:
                grade, error = _scale(report["grade"], {}, f"{symptom.name} grade")
            interference = report.get("interference")
            if error is None and interference is not None:
                interference, error = _scale(interference, {}, f"{symptom.name} interference")
            if error:
                self.problem(where, error + ".")
                ok = False
                continue
            reports.append((symptom, grade, interference, report.get("note") or ""))
        signs = item.get("warning_signs") or []
        if not isinstance(signs, list) or not all(isinstance(s, str) for s in signs):
            self.problem(where, "“warning_signs” must be a list of names.")
            return
        for slug in signs:
            if slug not in self.warning_signs:
                self.problem(where, f"unknown warning sign {_plain(slug)}.")
                ok = False
        if ok:
            self.check_day(day, data, reports, lambda name, slug: where)
            if self.preview.days and self.preview.days[-1].date == day:
                self.preview.days[-1].warning_signs = [self.warning_signs[s] for s in signs]
                self.preview.days[-1].identifier = _identifier(item.get("id"))


# --- CSV -------------------------------------------------------------------------------------


def _unneutralise(cell: str) -> str:
    """Undo the export's ``'`` before text a spreadsheet would read as a formula (one ``'``
    only: a note that itself began with ``'=`` was written with two)."""
    if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_PREFIXES):
        return cell[1:]
    return cell


# A number with a decimal comma and nothing a thousands separator could be mistaken for:
# "70,5" is 70.5 kg; "1,234" is left alone (and refused as not a number).
_DECIMAL_COMMA = re.compile(r"^\d{1,3},\d{1,2}$")


def _decimal_point(cell: str) -> str:
    """ "70,5" as "70.5": spreadsheets where the comma is the decimal mark save it so."""
    return cell.replace(",", ".") if _DECIMAL_COMMA.match(cell) else cell


def _csv_grade(grade_text: str, word_text: str) -> tuple[int | None, str | None]:
    """The grade of a CSV row, from its number, its word, or both; ``(grade, error)``.

    Both empty is "not answered" (None). The export writes both columns; someone editing
    the file may change one and forget the other, so a disagreement is a problem, not a
    silent choice.
    """
    grade, error = _scale(grade_text, _GRADE_WORDS, "grade") if grade_text else (None, None)
    if error or not word_text:
        return grade, error
    word_grade, error = _scale(word_text, _GRADE_WORDS, "grade word")
    if error:
        return None, error
    if grade_text and word_grade != grade:
        return None, (
            f"the grade {_plain(grade_text)} and the word {_plain(word_text)} disagree: "
            "change one of them"
        )
    return word_grade, None


def _read_csv(text: str) -> dict:
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in many countries save "CSV" with semicolons (the comma is decimal).
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [cell.strip().lower().replace(" ", "_") for cell in next(reader)]
    except (StopIteration, csv.Error):
        raise ImportFileError("This file is empty.") from None
    if "date" not in header:
        raise ImportFileError(
            "This does not look like a journal spreadsheet: we could not find a “date” "
            "column. Download the example file to see how one is laid out."
        )
    if "symptom" in header and not {"grade", "grade_word"} & set(header):
        raise ImportFileError(
            "This spreadsheet has symptoms but no “grade” column for how bad they were. "
            "Download the example file to see how one is laid out."
        )
    too_long = ImportFileError(
        f"This spreadsheet has more than {MAX_IMPORT_ROWS:,} rows; we can read at most "
        f"{MAX_IMPORT_ROWS:,} at once. Split it into parts (by year, say) and import them one "
        "after the other."
    )
    rows = []
    try:
        for number, cells in enumerate(reader, start=2):
            # Blank rows are passed over, but not without end (a file of empty lines).
            if number > 4 * MAX_IMPORT_ROWS:
                raise too_long
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == MAX_IMPORT_ROWS:
                raise too_long
            rows.append([number, cells])
    except csv.Error:
        raise ImportFileError(
            "This spreadsheet cannot be read: it may be damaged. Save it again as CSV "
            "and upload the new file."
        ) from None
    date_at = header.index("date")
    symptom_at = header.index("symptom") if "symptom" in header else None
    _refuse_too_many(
        days=len({cells[date_at].strip() for _, cells in rows if date_at < len(cells)}),
        reports=sum(
            1
            for _, cells in rows
            if symptom_at is not None and symptom_at < len(cells) and cells[symptom_at].strip()
        ),
        periods=0,
    )
    return {"kind": "csv", "header": header, "rows": rows}


_TRUE = {"yes", "y", "true", "1", "x"}
_FALSE = {"no", "n", "false", "0", ""}


class _CsvImport(_Importer):
    kind = "csv"

    # Day columns of the export and the day log field each fills.
    DAY_COLUMNS = {
        "dose_taken": "dose_taken",
        "systolic": "systolic",
        "diastolic": "diastolic",
        "weight_kg": "weight_kg",
        "day_note": "note",
        "for_doctor": "for_doctor",
    }
    DAY_LABELS = {
        "dose_taken": "dose taken",
        "systolic": "blood pressure (upper)",
        "diastolic": "blood pressure (lower)",
        "weight_kg": "weight",
        "note": "day note",
        "for_doctor": "for my doctor",
    }

    READ_COLUMNS = {
        *("date", "symptom", "grade", "grade_word", "interference", "symptom_note"),
        *DAY_COLUMNS,
    }

    def parse(self, header: list[str], rows: list) -> ImportPreview:
        """``header`` and ``rows`` (``[row number, cells]``) from ``read_import``."""
        if "drug" in header:
            self.preview.notes.append(
                "Treatment columns (drug, dose, schedule) are not imported: record your "
                "treatments on the treatment page; each day is linked to the one in force."
            )

        # Only the columns read: a header may hold thousands of others, every row with them.
        columns = {name: i for i, name in enumerate(header) if name in self.READ_COLUMNS}
        days: dict[date, dict] = {}  # date -> {"fields": {name: (value, row)}, "reports": {}}
        for number, cells in rows:
            row = {
                name: _unneutralise(cells[i].strip()) if i < len(cells) else ""
                for name, i in columns.items()
            }
            self.parse_row(number, row, days)

        for day, found in days.items():
            if day in self.existing_dates:
                self.preview.skipped_days.append(day)
                continue
            data = {name: value for name, (value, _) in found["fields"].items()}
            data.setdefault("dose_taken", "")
            data.setdefault("note", "")

            def where(name, slug, found=found):
                if slug is not None:
                    return f"Row {found['report_rows'][slug]}"
                # "__all__" and the pair rule of blood pressure: the row of either number.
                row = found["fields"].get(name) or found["fields"].get("systolic")
                return f"Row {row[1] if row else found['first_row']}"

            self.check_day(day, data, found["reports"], where)
        return self.finish()

    def parse_row(self, number: int, row: dict, days: dict) -> None:
        where = f"Row {number}"
        day = self.check_date(where, row.get("date", ""))
        if day is None:
            return
        found = days.setdefault(
            day, {"fields": {}, "reports": [], "report_rows": {}, "first_row": number}
        )
        ok = True
        for column, name in self.DAY_COLUMNS.items():
            value = row.get(column, "")
            if value == "":
                continue
            if name == "dose_taken":
                if value.lower() not in _DOSE_WORDS:
                    self.problem(
                        where,
                        f"dose taken {_plain(value)} is not one of: all, some, missed, break.",
                    )
                    ok = False
                    continue
                value = _DOSE_WORDS[value.lower()]
            elif name == "for_doctor":
                if value.lower() not in _TRUE | _FALSE:
                    self.problem(where, f"for my doctor {_plain(value)} is not yes or no.")
                    ok = False
                    continue
                value = value.lower() in _TRUE
            elif name == "weight_kg":
                value = _decimal_point(value)
            earlier = found["fields"].get(name)
            if earlier is not None and earlier[0] != value:
                self.problem(
                    where,
                    f"the {self.DAY_LABELS[name]} differs from row {earlier[1]} for the same "
                    f"date ({day.isoformat()}); a day has one value.",
                )
                ok = False
                continue
            found["fields"].setdefault(name, (value, number))
        symptom_name = row.get("symptom", "")
        grade_text, word_text = row.get("grade", ""), row.get("grade_word", "")
        if not symptom_name:
            if grade_text or word_text or row.get("interference") or row.get("symptom_note"):
                self.problem(where, "there is a grade or symptom note but no symptom.")
            return
        symptom = self.symptom(symptom_name)
        if symptom is None:
            self.problem(
                where,
                f"unknown symptom {_plain(symptom_name)}. Use a symptom name from the "
                "library, e.g. Fatigue or Hand-foot syndrome.",
            )
            return
        if symptom.slug in found["report_rows"]:
            self.problem(
                where,
                f"{symptom.name} is already graded for {day.isoformat()} in row "
                f"{found['report_rows'][symptom.slug]}.",
            )
            return
        grade, error = _csv_grade(grade_text, word_text)
        interference = None
        if error is None and row.get("interference"):
            interference, error = _scale(row["interference"], _INTERFERENCE_WORDS, "interference")
        if error:
            self.problem(where, error + ".")
            return
        if ok:
            found["report_rows"][symptom.slug] = number
            found["reports"].append((symptom, grade, interference, row.get("symptom_note", "")))
