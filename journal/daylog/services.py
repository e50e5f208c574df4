"""Saving a day: the day log and its symptom reports, all or nothing."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from journal.models import (
    EARLIEST_DATE,
    DayLog,
    DoseTaken,
    ReportInput,
    SymptomReport,
    Treatment,
    day_changed_error,
)
from library.models import WarningSign


@transaction.atomic
def daylog_save(
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
    symptoms: the reports are written in one upsert. Each save counts one more ``revision``
    of the day, in the database (refresh the returned log to read it).

    ``base_revision`` is the revision the patient's page was loaded with (0: the day was not
    logged yet). When given, a save over a day that has changed since is refused with
    ``day_changed_error()`` and nothing is saved, even when another save of the same day
    landed a moment before this one (the form's own check reads the revision earlier).
    """
    if day > today:
        raise ValidationError("You cannot log a day that has not happened yet.")
    if day < EARLIEST_DATE:
        raise ValidationError(f"A journal starts in {EARLIEST_DATE.year} at the earliest.")
    if dose_taken not in (*DoseTaken.values, ""):
        raise ValidationError({"dose_taken": "Choose one of the answers."})
    treatment = Treatment.objects.in_force(patient, day)
    values = {
        "treatment": treatment,
        "dose_taken": dose_taken,
        "systolic": systolic,
        "diastolic": diastolic,
        "weight_kg": weight_kg,
        "note": note,
        "for_doctor": for_doctor,
    }
    log, _ = DayLog.objects.update_or_create(
        patient=patient,
        date=day,
        defaults={**values, "revision": F("revision") + 1},
        create_defaults=values,
    )
    # update_or_create locks the row (or waits on the other insert), so the revision it wrote
    # is exactly one more than the one this save was based on unless another save came first;
    # raising here rolls the whole save back.
    if base_revision is not None:
        saved_revision = DayLog.objects.filter(pk=log.pk).values_list("revision", flat=True).get()
        if saved_revision != base_revision + 1:
            raise day_changed_error()
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
    if warning_signs is not None:
        log.warning_signs.set(warning_signs)
    return log
