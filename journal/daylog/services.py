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
) -> DayLog:
    """Create or update the day's log and its symptom reports, all or nothing.

    Saving the same day again updates it; ``warning_signs`` replaces the day's ticked signs
    (None leaves them as they are). A fixed handful of queries whatever the number of
    symptoms: the reports are written in one upsert. Each save counts one more ``revision``
    of the day, in the database (refresh the returned log to read it).
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
