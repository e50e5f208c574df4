"""The private journal: a patient's treatment periods, day logs and symptom reports, and the
read-only shares a patient gives to caregivers (with a record of every caregiver view).

Every row belongs to one patient (a ``User``). Reads go through the querysets below, which
always start from ``for_patient(...)`` so no query forgets whose data it is reading.
"""

import hashlib
import secrets
import zoneinfo
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Avg, Case, Count, Exists, F, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import TruncMonth, TruncWeek
from django.urls import reverse
from django.utils import timezone

from library.formatting import dose_label, format_mg, schedule_label
from library.models import Drug, Symptom

# Plausibility limits. They refuse typing slips (an extra zero), not unusual prescriptions:
# the largest GIST dose in use is imatinib 400 mg twice daily.
MAX_DOSE_MG = Decimal("2000")
MAX_INTAKES_PER_DAY = 4
MAX_CYCLE_DAYS = 90
SYSTOLIC_RANGE = (60, 260)
DIASTOLIC_RANGE = (30, 160)
WEIGHT_RANGE_KG = (Decimal("20"), Decimal("350"))
NOTE_MAX_LENGTH = 2000
SYMPTOM_NOTE_MAX_LENGTH = 300
# No journal reaches back further; it also keeps "the day before" any day a real date.
EARLIEST_DATE = date(1900, 1, 1)

# Blood pressure at or above this (either number) asks the patient to call their care team.
BP_ALERT_SYSTOLIC = 160
BP_ALERT_DIASTOLIC = 100
# The clinic report lists readings at or above this (either number): high, not yet urgent.
BP_HIGH_SYSTOLIC = 140
BP_HIGH_DIASTOLIC = 90

DEFAULT_TRACKED_SYMPTOMS = [
    "hand-foot-syndrome",
    "fatigue",
    "diarrhoea",
    "headache",
    "cognitive-fog",
    "mouth-sores",
    "skin-rash",
    "nausea",
]


class Grade(models.IntegerChoices):
    """PRO-CTCAE wording of the CTCAE grades, in words a tired person understands."""

    NONE = 0, "None"
    MILD = 1, "Mild"
    MODERATE = 2, "Moderate"
    SEVERE = 3, "Severe"
    VERY_SEVERE = 4, "Very severe"


class Interference(models.IntegerChoices):
    NOT_AT_ALL = 0, "Not at all"
    A_LITTLE = 1, "A little"
    SOMEWHAT = 2, "Somewhat"
    QUITE_A_BIT = 3, "Quite a bit"
    VERY_MUCH = 4, "Very much"


# --- Profile ---------------------------------------------------------------------------------


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a time zone we know, e.g. Europe/London.")


class Profile(models.Model):
    """A patient's journal settings. Created on first use by ``Profile.objects.for_user``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_profile"
    )
    time_zone = models.CharField(
        max_length=64, default=settings.TIME_ZONE, validators=[validate_time_zone]
    )
    care_team_phone = models.CharField(
        "care team phone number",
        max_length=40,
        blank=True,
        help_text="Shown with every “contact your care team” notice.",
    )
    tracked_symptoms = models.ManyToManyField(Symptom, blank=True, related_name="+")
    last_visit_on = models.DateField(
        "date of your last clinic visit",
        null=True,
        blank=True,
        help_text="The clinic report starts from here.",
    )

    class ProfileManager(models.Manager):
        def for_user(self, user) -> "Profile":
            """The user's profile, created with the default tracked symptoms if missing.

            One query when it exists; the first visit creates it and its symptoms together.
            """
            profile = self.filter(user=user).first()
            if profile is not None:
                return profile
            with transaction.atomic():
                profile, created = self.get_or_create(user=user)
                if created:
                    profile.tracked_symptoms.set(
                        Symptom.objects.filter(slug__in=DEFAULT_TRACKED_SYMPTOMS)
                    )
            return profile

    objects = ProfileManager()

    def __str__(self):
        return f"Journal settings of {self.user}"

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def symptoms_shown(self, reports) -> list[Symptom]:
        """The tracked symptoms, plus any in ``reports`` that are tracked no more: a symptom
        stays visible wherever it was reported. Library order, one query."""
        return list(
            Symptom.objects.filter(
                Q(pk__in=self.tracked_symptoms.filter(is_active=True).values("pk"))
                | Q(pk__in=reports.values("symptom_id"))
            ).order_by("order", "name")
        )

    def today(self) -> date:
        """Today's date where the patient lives: "today" for logging and "future" for refusals."""
        return timezone.localdate(timezone=self.tz)


# --- Treatment -------------------------------------------------------------------------------


class ChangeReason(models.TextChoices):
    FIRST = "first", "First treatment"
    SIDE_EFFECTS = "side_effects", "Side effects"
    PROGRESSION = "progression", "Progression"
    DOCTOR = "doctor", "Doctor's decision"
    OTHER = "other", "Other"


@dataclass(frozen=True)
class CycleDay:
    """Where a date falls in an on/off schedule: "day 23 of 42, on treatment"."""

    day: int  # 1-based day of the cycle
    length: int
    days_on: int
    days_off: int

    @property
    def is_on(self) -> bool:
        return self.day <= self.days_on

    @property
    def label(self) -> str:
        if self.is_on:
            return f"day {self.day} of {self.length}, on treatment"
        off_day = self.day - self.days_on
        if self.days_off % 7 == 0:
            return f"off week {(off_day - 1) // 7 + 1} of {self.days_off // 7}"
        return f"off day {off_day} of {self.days_off}"


class TreatmentQuerySet(models.QuerySet):
    def for_patient(self, patient):
        return self.filter(patient=patient)

    def on(self, day: date):
        """The period in force on ``day`` (at most one: periods never overlap)."""
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)

    def current(self, today: date):
        return self.on(today)

    def overlapping(self, starts_on: date, ends_on: date | None):
        qs = self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
        if ends_on is not None:
            qs = qs.filter(starts_on__lte=ends_on)
        return qs

    def open(self):
        """The period without an end date (at most one per patient)."""
        return self.filter(ends_on__isnull=True)


class Treatment(models.Model):
    """A period on one drug at one dose and schedule. Periods of a patient never overlap."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="treatments"
    )
    drug = models.ForeignKey(Drug, on_delete=models.PROTECT, related_name="+")
    dose_mg = models.DecimalField(
        "dose (mg each time)",
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_DOSE_MG)],
    )
    intakes_per_day = models.PositiveSmallIntegerField(
        "times a day",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_INTAKES_PER_DAY)],
    )
    days_on = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CYCLE_DAYS)],
        help_text="Leave both empty if you take it every day.",
    )
    days_off = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_CYCLE_DAYS)]
    )
    maker = models.CharField(
        "brand or generic maker",
        max_length=100,
        blank=True,
        help_text="Optional. Some patients notice differences between makes.",
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    reason = models.CharField(
        "reason for this change", max_length=16, choices=ChangeReason, default=ChangeReason.FIRST
    )

    objects = TreatmentQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dose_mg__gt=0) & Q(dose_mg__lte=MAX_DOSE_MG),
                name="journal_treatment_dose_plausible",
            ),
            models.CheckConstraint(
                condition=Q(intakes_per_day__gte=1) & Q(intakes_per_day__lte=MAX_INTAKES_PER_DAY),
                name="journal_treatment_intakes_plausible",
            ),
            models.CheckConstraint(
                condition=(Q(days_on__isnull=True) & Q(days_off__isnull=True))
                | (
                    Q(days_on__gte=1)
                    & Q(days_on__lte=MAX_CYCLE_DAYS)
                    & Q(days_off__gte=1)
                    & Q(days_off__lte=MAX_CYCLE_DAYS)
                ),
                name="journal_treatment_schedule_continuous_or_cycled",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="journal_treatment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=ChangeReason.values), name="journal_treatment_reason_valid"
            ),
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(ends_on__isnull=True),
                name="journal_treatment_one_current_per_patient",
            ),
            models.UniqueConstraint(
                fields=["patient", "starts_on"], name="journal_treatment_one_start_per_day"
            ),
        ]
        # The (patient, starts_on) unique index serves "the period in force on a date".

    def __str__(self):
        return f"{self.dose_label} from {self.starts_on:%d %b %Y}"

    @property
    def is_continuous(self) -> bool:
        return self.days_on is None

    @property
    def cycle_length(self) -> int | None:
        return None if self.is_continuous else self.days_on + self.days_off

    @property
    def dose_label(self) -> str:
        """ "Sunitinib 50 mg once daily" """
        return dose_label(self.drug.name, self.dose_mg, self.intakes_per_day)

    @property
    def short_label(self) -> str:
        """ "Sunitinib 50 mg" for chart markers and tables."""
        return f"{self.drug.name.capitalize()} {format_mg(self.dose_mg)} mg"

    @property
    def schedule_label(self) -> str:
        return schedule_label(self.days_on, self.days_off)

    def is_current_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def cycle_day(self, day: date) -> CycleDay | None:
        """Position of ``day`` in the on/off cycle, counted from the period's start.

        None for continuous schedules and for dates outside the period.
        """
        if self.is_continuous or not self.is_current_on(day):
            return None
        index = (day - self.starts_on).days % self.cycle_length
        return CycleDay(
            day=index + 1, length=self.cycle_length, days_on=self.days_on, days_off=self.days_off
        )

    def is_on_day(self, day: date) -> bool:
        """Whether the schedule says to take the drug on ``day`` (continuous: always)."""
        position = self.cycle_day(day)
        return position is None or position.is_on


# --- Day log ---------------------------------------------------------------------------------


class DoseTaken(models.TextChoices):
    ALL = "all", "Took all of it"
    SOME = "some", "Took some of it"
    MISSED = "missed", "Missed it"
    BREAK = "break", "Planned break"


class DaysBetween(models.Func):
    """Whole days from ``start`` to ``end`` (two date columns), as an integer in SQL.

    ``F(end) - F(start)`` gives a duration in Django, and no database takes the remainder
    of a duration; the cycle-day grouping needs a plain number of days.
    """

    arity = 2
    output_field = models.IntegerField()

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        # PostgreSQL (and standard SQL on Oracle): date - date is an integer number of days.
        extra_context.setdefault("template", "(%(expressions)s)")
        extra_context.setdefault("arg_joiner", " - ")
        return super().as_sql(compiler, connection, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite keeps dates as ISO text; julianday() turns each into a day number.
        return super().as_sql(
            compiler,
            connection,
            template="CAST(ROUND(julianday(%(expressions)s)) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class WeekStart(TruncWeek):
    """The Monday of a date's week, as ``TruncWeek`` but native SQL on SQLite too.

    Django's SQLite ``TruncWeek`` calls a Python function for every row, which made weekly
    charts of a five-year journal cost six times more than the query itself; SQLite's own
    date modifiers do the same arithmetic in C ("back six days, then on to a Monday").
    """

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"date({sql}, '-6 days', 'weekday 1')", params


class MonthStart(TruncMonth):
    """The first day of a date's month, native SQL on SQLite too (see ``WeekStart``)."""

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"date({sql}, 'start of month')", params


# Start of the bucket a date falls in, for charts of long ranges.
BUCKET_START = {"week": WeekStart, "month": MonthStart}


def _dates_between(qs, field: str, start: date | None, end: date | None):
    """``qs`` narrowed to ``start <= field <= end``; an open end is no limit."""
    if start:
        qs = qs.filter(**{f"{field}__gte": start})
    if end:
        qs = qs.filter(**{f"{field}__lte": end})
    return qs


class DayLogQuerySet(models.QuerySet):
    def for_patient(self, patient):
        return self.filter(patient=patient)

    def between(self, start: date | None, end: date | None):
        return _dates_between(self, "date", start, end)

    def adherence_by_treatment(self, *, with_unlinked: bool = False):
        """How the dose was taken, one row per treatment period.

        Rows: ``treatment_id``, ``days`` (logged), ``taken_all``, ``taken_some``, ``missed``,
        ``planned_break`` and ``unanswered``. Days outside any period are left out, unless
        ``with_unlinked`` (then they make one more row, with ``treatment_id`` None).
        """
        days = self if with_unlinked else self.filter(treatment__isnull=False)
        return (
            days.values("treatment_id")
            .annotate(
                days=Count("id"),
                taken_all=Count("id", filter=Q(dose_taken=DoseTaken.ALL)),
                taken_some=Count("id", filter=Q(dose_taken=DoseTaken.SOME)),
                missed=Count("id", filter=Q(dose_taken=DoseTaken.MISSED)),
                planned_break=Count("id", filter=Q(dose_taken=DoseTaken.BREAK)),
                unanswered=Count("id", filter=Q(dose_taken="")),
            )
            .order_by("treatment_id")
        )

    def with_vitals(self):
        return self.filter(Q(systolic__isnull=False) | Q(weight_kg__isnull=False))

    def daily_vitals(self):
        """Rows ``on``, ``systolic``, ``diastolic``, ``weight_kg`` for days that have any."""
        return (
            self.with_vitals()
            .values("systolic", "diastolic", "weight_kg", on=F("date"))
            .order_by("date")
        )

    def vitals_by(self, bucket: str):
        """Averages per ``bucket`` ("week" or "month"); ``on`` is the bucket's first day."""
        return (
            self.with_vitals()
            .annotate(on=BUCKET_START[bucket]("date"))
            .values("on")
            .annotate(
                avg_systolic=Avg("systolic"),
                avg_diastolic=Avg("diastolic"),
                avg_weight_kg=Avg("weight_kg"),
            )
            .order_by("on")
        )

    def before(self, day: date):
        return self.filter(date__lt=day).order_by("-date")

    def with_treatment(self):
        return self.select_related("treatment__drug")

    def with_reports(self):
        """Each day's reports with their symptoms, in one extra query for the whole page."""
        return self.prefetch_related(
            models.Prefetch("reports", queryset=SymptomReport.objects.select_related("symptom"))
        )

    def with_worst_grade(self):
        """``worst_grade``: the highest grade reported that day (None if nothing reported).

        A subquery per day rather than a join and GROUP BY: a page of 30 days then reads
        those 30 days' reports, not every report of the journal before sorting.
        """
        worst = SymptomReport.objects.filter(day=OuterRef("pk")).order_by("-grade").values("grade")
        return self.annotate(worst_grade=Subquery(worst[:1]))

    def with_symptom(self, symptom):
        """Days on which ``symptom`` was present (graded mild or worse): a correlated
        EXISTS, so only the days at hand are looked at, never other patients' reports."""
        present = SymptomReport.objects.filter(
            day=OuterRef("pk"), symptom=symptom, grade__gte=Grade.MILD
        )
        return self.filter(Exists(present))

    def bp_high(self):
        """Readings at or above 140/90 (either number), the threshold the report lists."""
        return self.filter(Q(systolic__gte=BP_HIGH_SYSTOLIC) | Q(diastolic__gte=BP_HIGH_DIASTOLIC))

    def bp_summary(self) -> dict:
        """``readings``, ``avg_systolic``, ``avg_diastolic``, ``max_systolic``,
        ``max_diastolic`` and ``high_readings`` (at or above 140/90), in one query."""
        high = Q(systolic__gte=BP_HIGH_SYSTOLIC) | Q(diastolic__gte=BP_HIGH_DIASTOLIC)
        return self.filter(systolic__isnull=False).aggregate(
            readings=Count("id"),
            avg_systolic=Avg("systolic"),
            avg_diastolic=Avg("diastolic"),
            max_systolic=Max("systolic"),
            max_diastolic=Max("diastolic"),
            high_readings=Count("id", filter=high),
        )

    def days_per_week(self):
        """Rows ``on`` (the week's Monday) and ``days`` (days logged that week)."""
        return (
            self.annotate(on=WeekStart("date"))
            .values("on")
            .annotate(days=Count("id"))
            .order_by("on")
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DayLogQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "date"], name="journal_daylog_one_per_day"),
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
        return (self.systolic or 0) >= BP_ALERT_SYSTOLIC or (
            self.diastolic or 0
        ) >= BP_ALERT_DIASTOLIC

    def alert_symptoms(self) -> list[Symptom]:
        """Symptoms graded at or above their alert grade that day.

        Queries the reports unless they were prefetched (``DayLog.objects.with_reports()``).
        """
        return [report.symptom for report in self.reports.all() if report.needs_alert]

    @property
    def has_alert(self) -> bool:
        """Queries the reports unless they were prefetched."""
        return self.bp_alert or bool(self.alert_symptoms())


class SymptomReportQuerySet(models.QuerySet):
    def for_patient(self, patient):
        return self.filter(day__patient=patient)

    def between(self, start: date | None, end: date | None):
        return _dates_between(self, "day__date", start, end)

    def daily_grades(self):
        """Rows ``symptom_id``, ``on`` (the date), ``worst`` (the grade: one report a day)."""
        return self.values("symptom_id", on=F("day__date"), worst=F("grade")).order_by(
            "symptom_id", "day__date"
        )

    def weekly_worst(self):
        """Rows ``symptom_id``, ``on`` (the week's Monday), ``worst`` (highest grade that week).

        Long ranges are charted by week: the worst day is what a patient and doctor ask about.
        """
        return self.worst_by("week")

    def worst_by(self, bucket: str):
        """The highest grade per symptom and ``bucket`` ("week" or "month"), as above."""
        return (
            self.annotate(on=BUCKET_START[bucket]("day__date"))
            .values("symptom_id", "on")
            .annotate(worst=Max("grade"))
            .order_by("symptom_id", "on")
        )

    def by_treatment(self):
        """Per treatment period and symptom: days reported, average grade, days at grade ≥ 2.

        Rows: ``treatment_id``, ``symptom_id``, ``days``, ``average``, ``days_2_plus``. The
        share is of days the symptom was reported, not of days logged.
        """
        return (
            self.filter(day__treatment__isnull=False)
            .values("symptom_id", treatment_id=F("day__treatment_id"))
            .annotate(
                days=Count("id"),
                average=Avg("grade"),
                days_2_plus=Count("id", filter=Q(grade__gte=2)),
            )
            .order_by("treatment_id", "symptom_id")
        )

    def by_cycle_day(self):
        """Average grade per day of the cycle, for periods with an on/off schedule.

        Rows: ``treatment_id``, ``symptom_id``, ``cycle_day`` (1-based, counted from the
        period's start, computed in SQL from the stored treatment), ``average``, ``days``.
        """
        cycle_length = F("day__treatment__days_on") + F("day__treatment__days_off")
        return (
            self.filter(day__treatment__days_on__isnull=False)
            .annotate(
                cycle_day=DaysBetween("day__date", "day__treatment__starts_on") % cycle_length + 1
            )
            .values("symptom_id", "cycle_day", treatment_id=F("day__treatment_id"))
            .annotate(average=Avg("grade"), days=Count("id"))
            .order_by("treatment_id", "symptom_id", "cycle_day")
        )

    def alerts(self):
        """Reports at or above their symptom's "contact your care team" grade."""
        return self.filter(grade__gte=F("symptom__alert_grade"))


class SymptomReport(models.Model):
    """How bad one symptom was on one day (0–4), and how much it got in the way."""

    day = models.ForeignKey(DayLog, on_delete=models.CASCADE, related_name="reports")
    symptom = models.ForeignKey(Symptom, on_delete=models.PROTECT, related_name="+")
    grade = models.PositiveSmallIntegerField(choices=Grade)
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
                condition=Q(grade__gte=0, grade__lte=4), name="journal_report_grade_0_to_4"
            ),
            models.CheckConstraint(
                condition=Q(interference__isnull=True)
                | Q(interference__gte=0, interference__lte=4),
                name="journal_report_interference_0_to_4",
            ),
        ]

    def __str__(self):
        return f"{self.symptom}: {self.get_grade_display()}"

    @property
    def needs_alert(self) -> bool:
        """No hidden query when ``symptom`` is select_related."""
        return self.grade >= self.symptom.alert_grade


# --- Sharing ---------------------------------------------------------------------------------

INVITATION_VALID_FOR = timedelta(days=7)


def hash_token(token: str) -> str:
    """Invitation tokens are stored hashed: a database leak must not hand out live links."""
    return hashlib.sha256(token.encode()).hexdigest()


class CareShareQuerySet(models.QuerySet):
    def active(self):
        return self.filter(accepted_at__isnull=False, revoked_at__isnull=True)

    def given_by(self, patient):
        return self.filter(patient=patient)

    def received_by(self, caregiver):
        return self.active().filter(caregiver=caregiver)

    def pending(self, now):
        """Invitations that can still be accepted."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)

    def with_token(self, token: str):
        return self.filter(token_hash=hash_token(token))

    def with_state(self, now):
        """Annotate ``state``: the same answer as ``CareShare.status(now)``, in SQL."""
        return self.annotate(
            state=Case(
                When(revoked_at__isnull=False, then=Value("revoked")),
                When(accepted_at__isnull=False, then=Value("active")),
                When(expires_at__lte=now, then=Value("expired")),
                default=Value("pending"),
                output_field=models.CharField(),
            )
        )


class CareShare(models.Model):
    """A patient's read-only share of their journal with one caregiver.

    Life cycle: invited (token emailed) → accepted (caregiver set) → revoked. An invitation
    expires after ``INVITATION_VALID_FOR`` and can be accepted once.
    """

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shares_given"
    )
    caregiver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="shares_received",
    )
    invitee_name = models.CharField("their name", max_length=100)
    invitee_email = models.EmailField("their email")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    can_see_notes = models.BooleanField(
        "may read my notes", default=False, help_text="Off: your notes stay private."
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CareShareQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(caregiver__isnull=False),
                name="journal_careshare_accepted_has_caregiver",
            ),
            models.CheckConstraint(
                condition=~Q(caregiver=F("patient")), name="journal_careshare_not_self"
            ),
            models.UniqueConstraint(
                fields=["patient", "caregiver"],
                condition=Q(accepted_at__isnull=False, revoked_at__isnull=True),
                name="journal_careshare_one_active_per_pair",
            ),
        ]

    def __str__(self):
        return f"{self.patient} shares with {self.caregiver or self.invitee_email}"

    @staticmethod
    def new_token() -> str:
        """256 random bits, URL-safe; only its hash is stored."""
        return secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.accepted_at is not None and self.revoked_at is None

    def status(self, now) -> str:
        if self.revoked_at:
            return "revoked"
        if self.accepted_at:
            return "active"
        if now >= self.expires_at:
            return "expired"
        return "pending"


class AccessEventQuerySet(models.QuerySet):
    def for_patient(self, patient):
        return self.filter(patient=patient)


class AccessEvent(models.Model):
    """A caregiver looked at a page of a patient's journal. Shown to the patient."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_events"
    )
    # The log outlives the caregiver's account and the share: the patient keeps the record of
    # who read their journal, by the name the viewer had at the time.
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    viewer_name = models.CharField(max_length=150)
    share = models.ForeignKey(
        CareShare, on_delete=models.SET_NULL, null=True, related_name="access_events"
    )
    page = models.CharField(max_length=50)
    path = models.CharField(max_length=300)
    at = models.DateTimeField(default=timezone.now)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [
            # "who viewed my journal", newest first, on the sharing page.
            models.Index(fields=["patient", "-at"], name="journal_access_by_patient"),
        ]

    def __str__(self):
        return (
            f"{self.viewer_name} viewed {self.page} of {self.patient} at {self.at:%Y-%m-%d %H:%M}"
        )
