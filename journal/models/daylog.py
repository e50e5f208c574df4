"""The day log: one record per patient and day, with a report per symptom graded that day."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.urls import reverse

from journal.models.sql import BUCKET_START, DaysBetween, WeekStart, dates_between
from journal.models.treatment import Treatment
from library.cache import kept_warning_signs
from library.models import Symptom, WarningSign

SYSTOLIC_RANGE = (60, 260)
DIASTOLIC_RANGE = (30, 160)
WEIGHT_RANGE_KG = (Decimal("20"), Decimal("350"))
NOTE_MAX_LENGTH = 2000
SYMPTOM_NOTE_MAX_LENGTH = 300
# No journal reaches back further; it also keeps "the day before" any day a real date.
EARLIEST_DATE = date(1900, 1, 1)


@dataclass(frozen=True)
class Source:
    """Where a threshold comes from, as a curator can open and check it."""

    name: str
    url: str
    read_on: date


@dataclass(frozen=True)
class BloodPressureLevel:
    """A blood-pressure threshold, reached when either number is at or above its own."""

    systolic: int
    diastolic: int
    source: Source

    def __str__(self):
        return f"{self.systolic}/{self.diastolic}"

    def reached_by(self, systolic: int | None, diastolic: int | None) -> bool:
        return (systolic or 0) >= self.systolic or (diastolic or 0) >= self.diastolic

    def reached(self) -> Q:
        """The same test in SQL, on a day log's columns."""
        return Q(systolic__gte=self.systolic) | Q(diastolic__gte=self.diastolic)


CTCAE_HYPERTENSION = Source(
    name="NCI CTCAE v5.0 (27 Nov 2017), hypertension grades, as listed by eviQ",
    url="https://www.eviq.org.au/dose-mod-gradings/standard-ctcae/hypertension",
    read_on=date(2026, 12, 1),
)

# The app's blood-pressure levels, used by every page, chart and report that says any of them.
# BP_HIGH is CTCAE grade 2 (140-159 / 90-99): high, charted and listed in the clinic report.
# BP_ALERT is CTCAE grade 3 (160 / 100 or more): the patient is asked to call their care team
# that day. BP_CRISIS is the American Heart Association's hypertensive crisis (180 / 120 or
# more): measure again, and get urgent help (an emergency call with warning signs).
BP_HIGH = BloodPressureLevel(systolic=140, diastolic=90, source=CTCAE_HYPERTENSION)
BP_ALERT = BloodPressureLevel(systolic=160, diastolic=100, source=CTCAE_HYPERTENSION)
BP_CRISIS = BloodPressureLevel(
    systolic=180,
    diastolic=120,
    source=Source(
        name="American Heart Association, “Hypertensive crisis: when you should call 911 "
        "for high blood pressure”",
        url="https://www.heart.org/en/health-topics/high-blood-pressure/"
        "understanding-blood-pressure-readings/"
        "hypertensive-crisis-when-you-should-call-911-for-high-blood-pressure",
        read_on=date(2026, 12, 1),
    ),
)


class Grade(models.IntegerChoices):
    """How bad a symptom was, as the patient reports it, in PRO-CTCAE's words.

    1 to 3 follow the CTCAE grades' meanings (each symptom words them in the library). "Very
    severe" is the patient's own word for worse than severe: it is CTCAE grade 4
    (life-threatening) only for symptoms whose CTCAE term has one (``ctcae_grade_4``), and
    pages and files call it a patient-reported level, never a CTCAE grade.
    """

    NONE = 0, "None"
    MILD = 1, "Mild"
    MODERATE = 2, "Moderate"
    SEVERE = 3, "Severe"
    VERY_SEVERE = 4, "Very severe"

    @property
    def colour(self) -> str:
        """Bootstrap's name for the grade's colour: buttons, badges and the dashboard's grid.

        Colour is never alone: the grade's word (or number and legend) is always beside it.
        """
        return GRADE_COLOURS[self]

    @property
    def short_label(self) -> str:
        """ "2 moderate": the number and the word, for chart axes and tooltips."""
        return f"{self.value} {self.label.lower()}"


# What pages and files say for a symptom asked on the day log and left unanswered.
NOT_ANSWERED = "Not answered"

GRADE_COLOURS = {
    Grade.NONE: "secondary",
    Grade.MILD: "success",
    Grade.MODERATE: "warning",
    Grade.SEVERE: "danger",
    Grade.VERY_SEVERE: "dark",
}


class Interference(models.IntegerChoices):
    NOT_AT_ALL = 0, "Not at all"
    A_LITTLE = 1, "A little"
    SOMEWHAT = 2, "Somewhat"
    QUITE_A_BIT = 3, "Quite a bit"
    VERY_MUCH = 4, "Very much"


class DoseTaken(models.TextChoices):
    ALL = "all", "Took all of it"
    SOME = "some", "Took some of it"
    MISSED = "missed", "Missed it"
    BREAK = "break", "Planned break"


# The name a group's days are counted under for each answer to "Did you take your dose?",
# counted in SQL (``dose_taken_counts``) or in Python (``adherence_by_treatment``), in the
# order of the doses-taken tables' columns.
DOSE_TAKEN_COUNTS = {
    DoseTaken.ALL: "taken_all",
    DoseTaken.SOME: "taken_some",
    DoseTaken.MISSED: "missed",
    DoseTaken.BREAK: "planned_break",
    "": "unanswered",
}


def dose_taken_counts() -> dict:
    """Annotations counting a group's days by their answer to "Did you take your dose?":
    ``taken_all``, ``taken_some``, ``missed``, ``planned_break`` and ``unanswered``."""
    return {
        name: Count("id", filter=Q(dose_taken=answer))
        for answer, name in DOSE_TAKEN_COUNTS.items()
    }


class DayLogQuerySet(models.QuerySet):
    def for_patient(self, patient):
        return self.filter(patient=patient)

    def between(self, start: date | None, end: date | None):
        return dates_between(self, "date", start, end)

    def adherence_by_treatment(self, *, with_unlinked: bool = False) -> list[dict]:
        """How the dose was taken, one row per treatment period, in no particular order.

        Rows: ``treatment_id``, ``days`` (logged), ``first`` and ``last`` (the first and the
        last of them), and the days of each answer, by ``DOSE_TAKEN_COUNTS``' names
        (``taken_all``, ``taken_some``, ``missed``, ``planned_break``, ``unanswered``). Days
        outside any period are left out, unless ``with_unlinked`` (then they make one more
        row, with ``treatment_id`` None).

        The database counts the days of each period and answer; the rows are put together
        here. Five filtered counts cost Django more to build and compile than the counting
        cost SQLite, on every trends page (issue 17).
        """
        days = self if with_unlinked else self.filter(treatment__isnull=False)
        pairs = (
            days.values_list("treatment_id", "dose_taken")
            .annotate(days=Count("id"), first=Min("date"), last=Max("date"))
            .order_by()
        )
        rows: dict = {}
        for treatment_id, answer, count, first, last in pairs:
            row = rows.get(treatment_id)
            if row is None:
                row = rows[treatment_id] = {
                    "treatment_id": treatment_id,
                    "days": 0,
                    "first": first,
                    "last": last,
                    **dict.fromkeys(DOSE_TAKEN_COUNTS.values(), 0),
                }
            row["days"] += count
            row["first"] = min(row["first"], first)
            row["last"] = max(row["last"], last)
            if answer in DOSE_TAKEN_COUNTS:
                row[DOSE_TAKEN_COUNTS[answer]] = count
        return list(rows.values())

    def measured(self):
        return self.filter(Q(systolic__isnull=False) | Q(weight_kg__isnull=False))

    def daily_vitals(self):
        """Rows ``on``, ``systolic``, ``diastolic``, ``weight_kg`` for days that have any."""
        return (
            self.measured()
            .values("systolic", "diastolic", "weight_kg", on=F("date"))
            .order_by("date")
        )

    def vitals_by(self, bucket: str):
        """Averages per ``bucket`` ("week" or "month"); ``on`` is the bucket's first day."""
        return (
            self.measured()
            .annotate(on=BUCKET_START[bucket]("date"))
            .values("on")
            .annotate(
                avg_systolic=Avg("systolic"),
                avg_diastolic=Avg("diastolic"),
                avg_weight_kg=Avg("weight_kg"),
            )
            .order_by("on")
        )

    def link_to_periods(self) -> int:
        """Store on each of these days the treatment period in force on its date (or none).

        ``DayLog.treatment`` is derived from the periods and stored so that history and
        trends group without a date-range join: every write that moves a period's dates or
        adds days calls this for the days it touched. One UPDATE, whatever the number of days.
        """
        in_force = Treatment.objects.filter(patient=OuterRef("patient")).on(OuterRef("date"))
        return self.update(treatment=Subquery(in_force.values("pk")[:1]))

    def before(self, day: date):
        return self.filter(date__lt=day).order_by("-date")

    def with_treatment(self):
        return self.select_related("treatment__drug")

    def with_reports(self):
        """Each day's reports with their symptoms, and the warning signs ticked, in two extra
        queries for the whole page."""
        return self.prefetch_related(
            models.Prefetch("reports", queryset=SymptomReport.objects.select_related("symptom")),
            "warning_signs",
        )

    def for_history_cards(self):
        """The days with what the history's cards read, and no more: the day's answers to
        the page's questions, its treatment's label (dose and drug), and ``worst_grade``.
        Reading another field of a day or its treatment costs a query per day."""
        return (
            self.select_related("treatment__drug")
            .only(
                "date",
                "treatment_id",
                "dose_taken",
                "systolic",
                "diastolic",
                "weight_kg",
                "note",
                "for_doctor",
                "treatment__dose_mg",
                "treatment__other_drug",
                "treatment__drug__name",
            )
            .with_worst_grade()
        )

    def ticked_sign_texts(self):
        """Rows ``(day id, sign's text)``: the warning signs ticked on these days, in the
        signs' own order, for a page listing many days (the history) without building a
        WarningSign per sign."""
        order = [f"warningsign__{name}" for name in WarningSign._meta.ordering]
        return (
            DayLog.warning_signs.through.objects.filter(daylog__in=self.values("pk"))
            .values_list("daylog_id", "warningsign__text")
            .order_by(*order)
        )

    def ticked_sign_ids(self):
        """Rows ``(day id, sign id)``: ``ticked_sign_texts`` for a page that takes the signs
        from the library's kept rows (the dashboard)."""
        return self.ticked_sign_texts().values_list("daylog_id", "warningsign_id")

    def with_worst_grade(self):
        """``worst_grade``: the highest grade reported that day (None if nothing reported).

        A subquery per day rather than a join and GROUP BY: a page of 30 days then reads
        those 30 days' reports, not every report of the journal before sorting.
        """
        worst = (
            SymptomReport.objects.answered()
            .filter(day=OuterRef("pk"))
            .order_by("-grade")
            .values("grade")
        )
        return self.annotate(worst_grade=Subquery(worst[:1]))

    def having_symptom(self, symptom):
        """Days on which ``symptom`` was present (graded mild or worse): a correlated
        EXISTS, so only the days at hand are looked at, never other patients' reports."""
        present = SymptomReport.objects.filter(
            day=OuterRef("pk"), symptom=symptom, grade__gte=Grade.MILD
        )
        return self.filter(Exists(present))

    def counts_by_treatment_and_week(self):
        """The report's counts of days, in one pass over the range: one row per treatment
        period (``treatment_id``, None for days outside any) and week (``on``, its Monday).

        Rows: the ``adherence_by_treatment`` counts (``days``, ``taken_all``, ``taken_some``,
        ``missed``, ``planned_break``, ``unanswered``) and the blood-pressure sums the range's
        summary adds up (``readings``, ``sum_systolic``, ``sum_diastolic``, ``max_systolic``,
        ``max_diastolic``, ``high_readings``). Summing rows gives the range's figures exactly
        (whole numbers), so days per week, adherence and blood pressure cost one query.
        """
        return (
            self.annotate(on=WeekStart("date"))
            .values("treatment_id", "on")
            .annotate(
                days=Count("id"),
                **dose_taken_counts(),
                readings=Count("systolic"),
                sum_systolic=Sum("systolic"),
                sum_diastolic=Sum("diastolic"),
                max_systolic=Max("systolic"),
                max_diastolic=Max("diastolic"),
                high_readings=Count("id", filter=Q(systolic__isnull=False) & BP_HIGH.reached()),
            )
            .order_by("on", "treatment_id")
        )

    def report_readings(self, *, with_notes: bool):
        """The days the report names, in one query, by date: readings at or above
        ``BP_HIGH``, the highest reading (``HIGHEST_READING_FIRST``), the first and last
        weighing and, ``with_notes``, the days flagged "for my doctor" with their note.

        Rows: ``date``, ``systolic``, ``diastolic``, ``weight_kg``, ``for_doctor`` (and
        ``note``). Three one-row subqueries pick the highest reading and the weighings, so
        the range's length changes nothing; the highest and the weighings are, among the
        rows, the highest (``highest_reading``) and the first and last weighed.
        """
        weighed = self.filter(weight_kg__isnull=False).values("date")
        highest = (
            self.filter(systolic__isnull=False).order_by(*HIGHEST_READING_FIRST).values("date")
        )
        wanted = (
            BP_HIGH.reached()
            | Q(date=Subquery(highest[:1]))
            | Q(date=Subquery(weighed.order_by("date")[:1]))
            | Q(date=Subquery(weighed.order_by("-date")[:1]))
        )
        fields = ["date", "systolic", "diastolic", "weight_kg", "for_doctor"]
        if with_notes:
            wanted |= Q(for_doctor=True)
            fields.append("note")
        return self.filter(wanted).values(*fields).order_by("date")


# The highest reading of a range: the highest upper number, then lower, then the first day.
HIGHEST_READING_FIRST = ("-systolic", "-diastolic", "date")


def highest_reading(readings: Iterable[dict]) -> dict | None:
    """The highest of rows with ``date``, ``systolic`` and ``diastolic`` (None: no reading),
    in the order of ``HIGHEST_READING_FIRST``."""
    return max(
        (row for row in readings if row["systolic"] is not None),
        key=lambda row: (row["systolic"], row["diastolic"], -row["date"].toordinal()),
        default=None,
    )


class DayLog(models.Model):
    """One patient's record of one day."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="day_logs"
    )
    date = models.DateField()
    # Derived from the treatment periods when the day is saved; stored so that history,
    # trends and exports group by treatment without a date-range join.
    treatment = models.ForeignKey(
        Treatment, on_delete=models.SET_NULL, null=True, blank=True, related_name="day_logs"
    )
    dose_taken = models.CharField(
        "did you take your dose?", max_length=8, choices=DoseTaken, blank=True
    )
    systolic = models.PositiveSmallIntegerField(
        "blood pressure, upper number",
        null=True,
        blank=True,
        validators=[MinValueValidator(SYSTOLIC_RANGE[0]), MaxValueValidator(SYSTOLIC_RANGE[1])],
    )
    diastolic = models.PositiveSmallIntegerField(
        "blood pressure, lower number",
        null=True,
        blank=True,
        validators=[MinValueValidator(DIASTOLIC_RANGE[0]), MaxValueValidator(DIASTOLIC_RANGE[1])],
    )
    weight_kg = models.DecimalField(
        "weight (kg)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(WEIGHT_RANGE_KG[0]), MaxValueValidator(WEIGHT_RANGE_KG[1])],
    )
    note = models.TextField("note for the day", max_length=NOTE_MAX_LENGTH, blank=True)
    for_doctor = models.BooleanField("for my doctor", default=False)
    # Signs from the drug's label ticked that day; any one of them means urgent help.
    warning_signs = models.ManyToManyField(WarningSign, blank=True, related_name="+")
    # Names the day (and, derived from it, its symptom reports, readings and note) in every
    # export; an import keeps it, so a clinic system that received the day before knows it.
    identifier = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Counts the saves of the day (1 once created): a phone sends back the revision it loaded,
    # so a save made offline cannot silently overwrite a change made since on another device.
    revision = models.PositiveIntegerField(default=1)

    objects = DayLogQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "date"], name="journal_daylog_one_per_day"),
            # Per patient, not site-wide: the same journal may be imported into two accounts.
            models.UniqueConstraint(
                fields=["patient", "identifier"], name="journal_daylog_identifier_unique"
            ),
            models.CheckConstraint(
                condition=Q(revision__gte=1), name="journal_daylog_revision_counts_saves"
            ),
            models.CheckConstraint(
                condition=Q(dose_taken__in=[*DoseTaken.values, ""]),
                name="journal_daylog_dose_taken_valid",
            ),
            models.CheckConstraint(
                condition=Q(systolic__isnull=True)
                | Q(systolic__gte=SYSTOLIC_RANGE[0], systolic__lte=SYSTOLIC_RANGE[1]),
                name="journal_daylog_systolic_plausible",
            ),
            models.CheckConstraint(
                condition=Q(diastolic__isnull=True)
                | Q(diastolic__gte=DIASTOLIC_RANGE[0], diastolic__lte=DIASTOLIC_RANGE[1]),
                name="journal_daylog_diastolic_plausible",
            ),
            models.CheckConstraint(
                condition=Q(systolic__isnull=True, diastolic__isnull=True)
                | Q(systolic__gt=F("diastolic")),
                name="journal_daylog_bp_pair",
            ),
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=True)
                | Q(weight_kg__gte=WEIGHT_RANGE_KG[0], weight_kg__lte=WEIGHT_RANGE_KG[1]),
                name="journal_daylog_weight_plausible",
            ),
        ]
        # The unique constraint's index on (patient, date) serves every "days of a patient
        # in a date range" query, newest first included.

    def __str__(self):
        return f"{self.patient} on {self.date:%d %b %Y}"

    def get_absolute_url(self):
        return reverse("journal:day", args=[self.date.isoformat()])

    @property
    def bp_alert(self) -> bool:
        return BP_ALERT.reached_by(self.systolic, self.diastolic)

    @property
    def bp_crisis(self) -> bool:
        """Blood pressure at the crisis level: the urgent notice, not only "call today"."""
        return BP_CRISIS.reached_by(self.systolic, self.diastolic)

    def saved_answers(self) -> "SavedAnswers":
        """This day's answers as plain rows, in two queries (see ``SavedAnswers``)."""
        return SavedAnswers(
            log=self,
            reports=list(self.reports.values_list("symptom_id", "grade", "interference", "note")),
            ticked_sign_ids=frozenset(
                DayLog.warning_signs.through.objects.filter(daylog=self).values_list(
                    "warningsign_id", flat=True
                )
            ),
        )


@dataclass(frozen=True)
class SavedAnswers:
    """A saved day's answers as rows: what the day log's form and notice read, without a
    report object and its symptom per answer (a tenth of the page's time, issue 17). The
    page names the symptoms and signs from the library's kept rows."""

    log: DayLog
    # (symptom id, grade, interference, note), in the library's order of the symptoms.
    reports: list[tuple[int, int | None, int | None, str]]
    ticked_sign_ids: frozenset[int]

    @property
    def grades(self) -> list[tuple[int, int | None]]:
        return [(symptom_id, grade) for symptom_id, grade, _, _ in self.reports]

    @property
    def reported_symptom_ids(self) -> set[int]:
        return {symptom_id for symptom_id, *_ in self.reports}

    @property
    def ticked_signs(self) -> list[WarningSign]:
        """The warning signs ticked that day, the library's kept rows in its order."""
        return [sign for sign in kept_warning_signs() if sign.pk in self.ticked_sign_ids]


class SymptomReportQuerySet(models.QuerySet):
    def for_patient(self, patient):
        return self.filter(day__patient=patient)

    def between(self, start: date | None, end: date | None):
        return dates_between(self, "day__date", start, end)

    def grade_rows(self):
        """Rows ``(day id, symptom id, grade)`` in the reports' order: for a page that reads
        many days' grades without building a SymptomReport per answer (the dashboard)."""
        return self.values_list("day_id", "symptom_id", "grade")

    def answer_rows(self, *, with_notes: bool):
        """Rows ``(day id, symptom id, symptom's name, grade)``, and the note last
        ``with_notes``, in the reports' order: for a page listing many days' answers (the
        history) without building a SymptomReport and a Symptom per answer. Without notes,
        the notes are not read at all."""
        fields = ["day_id", "symptom_id", "symptom__name", "grade"]
        if with_notes:
            fields.append("note")
        return self.values_list(*fields)

    def answered(self):
        """Reports with a grade: an unanswered symptom is a gap in every figure, never a 0."""
        return self.filter(grade__isnull=False)

    def grades_and_sums_by(self, bucket: str):
        """The charts' grades and the by-dose sums in one pass over the reports: per
        symptom, ``bucket`` and treatment period (``treatment_id``, None for days outside any).

        ``on`` is the day, or the first day of the ``bucket`` ("week": its Monday, or
        "month"). Long ranges are charted by week or month: the worst day is what a patient
        and doctor ask about.

        Rows: ``symptom_id``, ``on``, ``treatment_id``, ``worst`` (the highest grade, None if
        none was answered), ``days`` (answered), ``total`` (the sum of the answered grades,
        None if none) and ``days_2_plus``. Unanswered reports are in, as a ``worst`` of None
        (SQL's MAX skips them, so a week with one answer takes it and a week of none is
        None): a chart draws them as gaps, a table says "Not answered". A bucket's worst is
        the highest of its periods' rows; a period's figures are the sums of its rows (whole
        numbers, so ``total / days`` is SQL's AVG exactly). A five-year trends page reads its
        charts and its by-dose table from this one query instead of two passes over every
        report.
        """
        on = F("day__date") if bucket == "day" else BUCKET_START[bucket]("day__date")
        return (
            self.annotate(on=on)
            .values("symptom_id", "on", treatment_id=F("day__treatment_id"))
            .annotate(
                worst=Max("grade"),
                days=Count("grade"),
                total=Sum("grade"),
                # Of the grade, not the row's id: SQLite sorts one column fewer.
                days_2_plus=Count("grade", filter=Q(grade__gte=2)),
            )
            # In the grouping's own order: SQLite then sorts the rows once, not twice.
            .order_by("symptom_id", "on", "treatment_id")
        )

    def sums_by_cycle_day(self, treatment: Treatment):
        """Per symptom and day of ``treatment``'s cycle (an on/off period; 1-based, from the
        period's start): ``days`` answered and ``total``, the sum of their grades (the
        average is ``total / days``, as SQL's AVG computes it).

        Only the days linked to that period are read, and within its dates, so the index on
        (patient, date) narrows the scan. Its start and cycle length are numbers in the SQL:
        the periods' table is not joined.
        """
        cycle_day = (
            DaysBetween("day__date", Value(treatment.starts_on)) % treatment.cycle_length + 1
        )
        return (
            dates_between(self, "day__date", treatment.starts_on, treatment.ends_on)
            .filter(day__treatment=treatment)
            .answered()
            .annotate(cycle_day=cycle_day)
            .values("symptom_id", "cycle_day")
            .annotate(days=Count("grade"), total=Sum("grade"))
            .order_by()
        )


class SymptomReport(models.Model):
    """How bad one symptom was on one day (0–4), and how much it got in the way."""

    day = models.ForeignKey(DayLog, on_delete=models.CASCADE, related_name="reports")
    symptom = models.ForeignKey(Symptom, on_delete=models.PROTECT, related_name="+")
    # None: the symptom was asked on the day log and left unanswered, which is not "None" (0).
    grade = models.PositiveSmallIntegerField(choices=Grade, null=True, blank=True)
    interference = models.PositiveSmallIntegerField(
        "how much did it get in the way?", choices=Interference, null=True, blank=True
    )
    note = models.CharField(max_length=SYMPTOM_NOTE_MAX_LENGTH, blank=True)

    objects = SymptomReportQuerySet.as_manager()

    class Meta:
        ordering = ["symptom__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "symptom"], name="journal_report_one_per_symptom"
            ),
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | Q(grade__gte=0, grade__lte=4),
                name="journal_report_grade_0_to_4",
            ),
            models.CheckConstraint(
                condition=Q(interference__isnull=True)
                | Q(interference__gte=0, interference__lte=4),
                name="journal_report_interference_0_to_4",
            ),
        ]
        indexes = [
            # The trends page's aggregates read each day's grades: with the grade in the index
            # they come from the index alone, without reading a single report row.
            models.Index(fields=["day", "symptom", "grade"], name="journal_report_day_grades"),
        ]

    def __str__(self):
        return f"{self.symptom}: {self.grade_word}"

    @property
    def grade_word(self) -> str:
        return NOT_ANSWERED if self.grade is None else self.get_grade_display()


@dataclass(frozen=True)
class ReportInput:
    """One symptom's answer on the day log, as the form and the import hand it to the save."""

    symptom: Symptom
    grade: int | None  # None: not answered
    interference: int | None = None
    note: str = ""
