"""Each symptom's grades per calendar month, stored: the whole journal's monthly figures
without adding up every report of it on every view."""

from datetime import date, timedelta
from functools import lru_cache

from django.conf import settings
from django.db import connections, models, router
from django.db.models import F, Q

from journal.models.daylog import SymptomReport
from journal.models.sql import dates_between
from journal.models.treatment import Treatment
from library.models import Symptom

# The columns of ``SymptomReportQuerySet.grades_and_sums_by``'s rows, and their order.
GRADE_COLUMNS = ("symptom_id", "on", "treatment_id", "worst", "days", "total", "days_2_plus")
GRADES_ORDER = GRADE_COLUMNS[:3]


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


class SymptomMonthQuerySet(models.QuerySet):
    def for_patient(self, patient):
        return self.filter(patient=patient)

    def between(self, start: date | None, end: date | None):
        """The months whose first day lies between ``start`` and ``end``."""
        return dates_between(self, "month", start, end)

    def grades_and_sums(self):
        """These months as ``SymptomReport.objects.grades_and_sums_by("month")`` rows, with
        the same names and in the same order: a chart or table reads either."""
        return self.annotate(on=F("month")).values(*GRADE_COLUMNS).order_by(*GRADES_ORDER)

    def refresh(self, patient, start: date | None = None, end: date | None = None) -> None:
        """Add up again every month of ``patient`` (a user or a user's id) that overlaps
        ``start`` to ``end`` (None: no limit on that side), from their reports.

        Every write that changes reports, or the period a day is stored with, calls this
        for the days it touched, in its own transaction: the rows are never stale. Two
        statements whatever the number of months: a DELETE, and an INSERT of the rows of
        ``grades_and_sums_by("month")`` as the database adds them up, so that no row travels
        to Python and back (the day log's save pays for this on every POST).
        """
        patient_id = getattr(patient, "pk", patient)
        first = start.replace(day=1) if start else None
        last = end.replace(day=1) if end else None
        self.model.objects.for_patient(patient_id).between(first, last).delete()
        reports = SymptomReport.objects.for_patient(patient_id).between(
            first, month_end(end) if end else None
        )
        months, params = reports.grades_and_sums_by("month").order_by().query.sql_with_params()
        connection = connections[self.db]
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        into = ", ".join(map(quote, ["patient_id", "symptom_id", "month", *GRADE_COLUMNS[2:]]))
        select = ", ".join(map(quote, GRADE_COLUMNS))
        # Django has no INSERT ... SELECT: the SELECT is the aggregating queryset's own SQL,
        # compiled by Django with its values as parameters; only the names of this model's
        # table and columns are written in here.
        sql = f"INSERT INTO {table} ({into}) SELECT %s, {select} FROM ({months}) AS months"  # noqa: S608  # nosec B608
        with connection.cursor() as cursor:
            cursor.execute(sql, (patient_id, *params))


def stored_grade_rows(patient_id: int, symptom_id: int | None = None) -> list[tuple]:
    """Every stored month of a patient's journal (of one symptom, if ``symptom_id``), as
    ``SymptomReport.objects.grades_and_sums_by("month")`` rows: tuples in ``GRADE_COLUMNS``'
    order, sorted as they are.

    The whole journal's trends page reads these on every view (1,500 rows over five years).
    Through the ORM, building and compiling the query and passing each row through its
    converters cost as much again as the database driver's own reading (2.8 ms against 1.5,
    issue 17). The SQL here is still Django's, compiled once per process
    (``_stored_grade_rows_sql``), and the rows are the driver's own: plain columns, which
    both databases already give as numbers and dates (Django registers SQLite's date
    converter), so there is nothing to convert.
    """
    alias = router.db_for_read(SymptomMonth)
    params = (patient_id,) if symptom_id is None else (patient_id, symptom_id)
    with connections[alias].cursor() as cursor:
        cursor.execute(_stored_grade_rows_sql(alias, one_symptom=symptom_id is not None), params)
        return cursor.fetchall()


@lru_cache
def _stored_grade_rows_sql(alias: str, *, one_symptom: bool) -> str:
    """The SQL of ``stored_grade_rows``, compiled by Django with 0 for the patient's (and the
    symptom's) id: that, and only that, must be the query's parameters."""
    months = SymptomMonth.objects.using(alias).for_patient(0)
    if one_symptom:
        months = months.filter(symptom=0)
    sql, params = months.grades_and_sums().values_list(*GRADE_COLUMNS).query.sql_with_params()
    if params != ((0, 0) if one_symptom else (0,)):
        raise RuntimeError(f"The stored months' query has other parameters: {params!r}")
    return sql


class SymptomMonth(models.Model):
    """One patient's grades of one symptom over one calendar month within one treatment
    period, as ``grades_and_sums_by("month")`` adds them up from the reports: a month across
    two periods has a row for each, and days outside any period a row of their own
    (``treatment`` None). Kept in step with the reports by ``refresh`` (see there)."""

    # No index of its own: the unique constraint's index starts with the patient.
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    month = models.DateField(help_text="The month's first day.")
    treatment = models.ForeignKey(
        Treatment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # No index of its own: a save rewrites a month's rows, one per symptom, and an index by
    # symptom spreads them over as many pages. Only deleting a library symptom reads by it.
    symptom = models.ForeignKey(
        Symptom, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # None: no grade answered that month (the symptom asked and left unanswered each time).
    worst = models.PositiveSmallIntegerField(null=True, blank=True)
    days = models.PositiveSmallIntegerField(help_text="Days answered.")
    # The sum of the answered grades (None when none was): the average is total / days.
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    days_2_plus = models.PositiveSmallIntegerField(help_text="Days moderate or worse.")

    objects = SymptomMonthQuerySet.as_manager()

    class Meta:
        constraints = [
            # Its index, on (patient, symptom, month, treatment), serves the trends page's
            # read: one patient's months, in the order the charts draw them.
            models.UniqueConstraint(
                fields=["patient", "symptom", "month", "treatment"],
                name="journal_symptommonth_one_per_period",
            ),
            # The one above lets NULLs repeat: the days outside any period need their own.
            models.UniqueConstraint(
                fields=["patient", "symptom", "month"],
                condition=Q(treatment__isnull=True),
                name="journal_symptommonth_one_outside_periods",
            ),
            models.CheckConstraint(
                condition=Q(worst__isnull=True) | Q(worst__gte=0, worst__lte=4),
                name="journal_symptommonth_worst_0_to_4",
            ),
            models.CheckConstraint(
                condition=Q(days_2_plus__lte=F("days"), days__lte=31),
                name="journal_symptommonth_days_of_a_month",
            ),
            models.CheckConstraint(
                condition=Q(days=0, worst__isnull=True, total__isnull=True)
                | Q(days__gt=0, worst__isnull=False, total__isnull=False),
                name="journal_symptommonth_graded_when_answered",
            ),
        ]

    def __str__(self):
        return f"{self.patient} — {self.symptom} in {self.month:%b %Y}"
