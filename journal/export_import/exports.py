"""The patient's data out of the journal: CSV rows and the versioned JSON document (the FHIR
bundle is made by ``journal.export_import.fhir``).

- CSV: one row per symptom report (a day without reports still gets one row, so its dose,
  blood pressure and weight are not lost), streamed row by row from the database.
- JSON: everything the patient owns, in the shape documented in ``journal/export_import/export_format.md``
  (``format: "gist-journal"``, ``version: 2``). ``journal.export_import.imports`` reads it back.

Nothing here writes; every function takes the patient (a ``User``) and reads only their rows.
"""

import csv
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

from journal.export_import.formats import (
    CSV_COLUMNS,
    FORMULA_PREFIXES,
    JSON_FORMAT,
    JSON_VERSION,
    NOT_ANSWERED_WORD,
)
from journal.models import (
    AccessEvent,
    CareShare,
    DayLog,
    Grade,
    Profile,
    Treatment,
)
from library.formatting import format_mg

# --- CSV -------------------------------------------------------------------------------------

# Rows fetched from the database at a time: memory stays flat whatever the journal's length
# (about 1 kB of Python objects per row in flight, so a few hundred kB in all).
CSV_CHUNK_ROWS = 200


def neutralise_cell(value):
    """Prefix ``'`` to text a spreadsheet would treat as a formula; leave the rest alone.

    Text that already starts with apostrophes before a formula sign (a note written
    ``'=like this``) gets one more, so the importer, which removes exactly one, gives back
    what was written.
    """
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose ``write`` hands back the line ``csv.writer`` produced."""

    def write(self, value):
        return value


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format_mg(value)
    if isinstance(value, date):
        return value.isoformat()
    return neutralise_cell(str(value))


def csv_grade_word(grade: int | None) -> str:
    """ "moderate" for 2; "not answered" for a symptom asked and left unanswered."""
    return NOT_ANSWERED_WORD if grade is None else Grade(grade).label.lower()


def csv_rows(patient) -> Iterator[str]:
    """The CSV export, line by line (the first with a UTF-8 byte order mark).

    The BOM is how Excel knows the file is UTF-8; without it accented notes turn to noise.
    Two queries: the (few) treatment periods, then the days joined to their reports,
    read from a cursor ``CSV_CHUNK_ROWS`` at a time.
    """
    treatments = {t.pk: t for t in Treatment.objects.for_patient(patient).select_related("drug")}
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    # values() across the reverse relation is a LEFT JOIN: a day without reports gives one
    # row with empty report columns.
    rows = (
        DayLog.objects.for_patient(patient)
        .values_list(
            "date",
            "treatment_id",
            "dose_taken",
            "reports__symptom__name",
            "reports__grade",
            "reports__interference",
            "reports__note",
            "systolic",
            "diastolic",
            "weight_kg",
            "note",
            "for_doctor",
        )
        .order_by("date", "reports__symptom__order", "reports__symptom__name")
    )
    # After the date and the period, the columns come out in the CSV's own order, with the
    # grade's word inserted after the grade.
    for day, treatment_id, dose_taken, symptom, grade, *other_cells in rows.iterator(
        chunk_size=CSV_CHUNK_ROWS
    ):
        treatment = treatments.get(treatment_id)
        if treatment is None:
            treatment_cells = [None] * 6
        else:
            position = treatment.cycle_day(day)  # None: continuous, every day is "on"
            treatment_cells = [
                treatment.drug_name,
                treatment.dose_mg,
                treatment.intakes_per_day,
                treatment.schedule_label,
                position.day if position else None,
                "on" if position is None or position.is_on else "off",
            ]
        cells = [
            day,
            *treatment_cells,
            dose_taken,
            symptom,
            grade,
            csv_grade_word(grade) if symptom is not None else None,
            *other_cells,
        ]
        yield writer.writerow([_cell(value) for value in cells])


# --- JSON ------------------------------------------------------------------------------------


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _decimal(value: Decimal | None) -> str | None:
    """Decimals as strings: a JSON float would turn 37.5 mg into 37.499999…"""
    return format_mg(value) if value is not None else None


def treatment_document(treatment: Treatment) -> dict:
    return {
        "id": str(treatment.identifier),
        # A drug the library does not list has no slug: "other_drug" names it instead.
        "drug": treatment.drug.slug if treatment.drug_id else None,
        "other_drug": treatment.other_drug,
        "dose_mg": _decimal(treatment.dose_mg),
        "intakes_per_day": treatment.intakes_per_day,
        "days_on": treatment.days_on,
        "days_off": treatment.days_off,
        "maker": treatment.maker,
        "starts_on": _iso(treatment.starts_on),
        "ends_on": _iso(treatment.ends_on),
        "reason": treatment.reason,
    }


def day_document(log: DayLog) -> dict:
    """One day and its reports (prefetched with ``DayLog.objects.with_reports()``)."""
    return {
        "id": str(log.identifier),
        "date": _iso(log.date),
        "dose_taken": log.dose_taken,
        "systolic": log.systolic,
        "diastolic": log.diastolic,
        "weight_kg": _decimal(log.weight_kg),
        "note": log.note,
        "for_doctor": log.for_doctor,
        "warning_signs": sorted(sign.slug for sign in log.warning_signs.all()),
        "reports": [
            {
                "symptom": report.symptom.slug,
                "grade": report.grade,
                "interference": report.interference,
                "note": report.note,
            }
            for report in sorted(
                log.reports.all(), key=lambda r: (r.symptom.order, r.symptom.slug)
            )
        ],
    }


def journal_document(patient, *, now: datetime) -> dict:
    """Everything the patient owns, as the document of ``journal/export_import/export_format.md``.

    Built in memory: even years of days make a few megabytes. A fixed number of queries.
    """
    profile = Profile.objects.for_user(patient)
    treatments = (
        Treatment.objects.for_patient(patient).select_related("drug").order_by("starts_on")
    )
    days = DayLog.objects.for_patient(patient).with_reports().order_by("date")
    shares = CareShare.objects.given_by(patient).select_related("caregiver").order_by("created_at")
    access_log = AccessEvent.objects.for_patient(patient).order_by("at", "pk")
    return {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "exported_at": _iso(now),
        "account": {
            "username": patient.get_username(),
            "name": patient.get_full_name(),
        },
        "profile": {
            "id": str(profile.identifier),
            "time_zone": profile.time_zone,
            "care_team_phone": profile.care_team_phone,
            "last_visit_on": _iso(profile.last_visit_on),
            "tracked_symptoms": sorted(profile.tracked_symptoms.values_list("slug", flat=True)),
        },
        "treatments": [treatment_document(t) for t in treatments],
        "days": [day_document(log) for log in days],
        "shares": [
            {
                "invitee_name": share.invitee_name,
                "invitee_email": share.invitee_email,
                "caregiver": share.caregiver.get_username() if share.caregiver else None,
                "can_see_notes": share.can_see_notes,
                "created_at": _iso(share.created_at),
                "expires_at": _iso(share.expires_at),
                "accepted_at": _iso(share.accepted_at),
                "revoked_at": _iso(share.revoked_at),
            }
            for share in shares
        ],
        "access_log": [
            {
                "viewer": event.viewer_name,
                "page": event.page,
                "path": event.path,
                "at": _iso(event.at),
            }
            for event in access_log
        ],
    }
