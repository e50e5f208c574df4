"""Saving a day: the day log and its symptom reports, all or nothing."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Subquery
from django.utils import timezone

from journal.models import (
    EARLIEST_DATE,
    DayLog,
    DoseTaken,
    Profile,
    ReportInput,
    SymptomMonth,
    SymptomReport,
    Treatment,
)
from library.models import WarningSign

# The code of the refusal of a save over a day changed since its page was loaded.
DAY_CHANGED = "day_changed"


def daylog_save(*, patient, day: date, **answers) -> DayLog:
    """``_save_day``, where a first save of the day that meets another one made at the same
    moment (the one-per-day rule) is refused as a day changed elsewhere: nothing is saved.
    Caught here, outside the transaction: it costs the saves no savepoint."""
    try:
        return _save_day(patient=patient, day=day, **answers)
    except IntegrityError:
        if not DayLog.objects.filter(patient=patient, date=day).exists():
            raise  # not the one-per-day rule
        raise ValidationError(
            "This day was saved on another device at the same moment. Nothing was saved yet: "
            "open the day again to see it.",
            code=DAY_CHANGED,
        ) from None


@transaction.atomic
def _save_day(
    *,
    patient,
    day: date,
    today: date,
    dose_taken: str = "",
    systolic: int | None = None,
    diastolic: int | None = None,
    weight_kg: Decimal | None = None,
    note: str = "",
    for_doctor: bool = False,
    reports: list[ReportInput] = (),
    warning_signs: list[WarningSign] | None = None,
    base_revision: int | None = None,
) -> DayLog:
    """Create or update the day's log and its symptom reports, all or nothing.

    Saving the same day again updates it; ``warning_signs`` replaces the day's ticked signs
    (None leaves them as they are). A fixed handful of queries whatever the number of
    symptoms: the reports are written in one upsert, and the day's month added up again
    (``SymptomMonth.objects.refresh``). Each save counts one more ``revision`` of the day,
    in the database (refresh the returned log to read it).

    ``base_revision`` is the revision of the day the page was loaded with (0: not saved
    yet): a save over a day saved since (by another phone) is refused, checked under the
    transaction's lock. None (an import, a page older than the field) is not checked.
    """
    if day > today:
        raise ValidationError("You cannot log a day that has not happened yet.")
    if day < EARLIEST_DATE:
        raise ValidationError(f"A journal starts in {EARLIEST_DATE.year} at the earliest.")
    if dose_taken not in (*DoseTaken.values, ""):
        raise ValidationError({"dose_taken": "Choose one of the answers."})
    values = {
        "dose_taken": dose_taken,
        "systolic": systolic,
        "diastolic": diastolic,
        "weight_kg": weight_kg,
        "note": note,
        "for_doctor": for_doctor,
    }
    # Two saves of one month at once would each rewrite its stored figures: one at a time.
    Profile.objects.lock_journal(patient)
    # Read and written without update_or_create's savepoints, the treatment in force read in
    # the same query: the day log POST stays within its query budget (issue 17). FOR UPDATE
    # keeps the revision read until the commit.
    in_force = Treatment.objects.for_patient(patient).on(day).values("pk")[:1]
    log = (
        DayLog.objects.select_for_update()
        .filter(patient=patient, date=day)
        .annotate(treatment_in_force=Subquery(in_force))
        .first()
    )
    if base_revision is not None and base_revision != (log.revision if log else 0):
        raise ValidationError(
            "This day was changed on another device after this one opened it. Nothing was "
            "saved yet: choose which version to keep.",
            code=DAY_CHANGED,
        )
    created = log is None
    if created:
        treatment = Treatment.objects.in_force(patient, day)
        log = DayLog.objects.create(patient=patient, date=day, treatment=treatment, **values)
    else:
        # update() sets no auto_now field: updated_at is given here.
        values.update(treatment_id=log.treatment_in_force, updated_at=timezone.now())
        DayLog.objects.filter(pk=log.pk).update(**values, revision=F("revision") + 1)
        for name, value in values.items():
            setattr(log, name, value)
    SymptomReport.objects.bulk_create(
        [
            SymptomReport(
                day=log,
                symptom=report.symptom,
                grade=report.grade,
                interference=report.interference,
                note=report.note,
            )
            for report in reports
        ],
        update_conflicts=True,
        unique_fields=["day", "symptom"],
        update_fields=["grade", "interference", "note"],
    )
    SymptomMonth.objects.refresh(patient, day, day)
    if warning_signs is not None:
        _replace_warning_signs(log, warning_signs, is_new=created)
    return log


def _replace_warning_signs(log, signs, *, is_new: bool) -> None:
    """The day's ticked signs become ``signs``: one delete and one insert at most, where
    ``set()`` first reads the ticked ones."""
    ticked = DayLog.warning_signs.through
    if not is_new:
        ticked.objects.filter(daylog=log).exclude(warningsign__in=signs).delete()
    ticked.objects.bulk_create(
        [ticked(daylog=log, warningsign=sign) for sign in signs], ignore_conflicts=True
    )
