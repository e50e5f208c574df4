"""The patient's data out of the journal: CSV rows, the versioned JSON document, a FHIR bundle.

- CSV: one row per symptom report (a day without reports still gets one row, so its dose,
  blood pressure and weight are not lost), streamed row by row from the database.
- JSON: everything the patient owns, in the shape documented in ``journal/export_import/export_format.md``
  (``format: "gist-journal"``, ``version: 1``). ``journal.export_import.imports`` reads it back.
- FHIR R4: a ``collection`` Bundle of one Patient, a MedicationStatement per treatment
  period and an Observation per symptom report (an unanswered one with ``dataAbsentReason``
  "asked-unknown", no value), blood-pressure reading and weight.

Nothing here writes; every function takes the patient (a ``User``) and reads only their rows.
"""

import csv
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

from django.db.models import F

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
    SymptomReport,
    Treatment,
    display_name,
)
from library.formatting import drug_title, format_mg

# --- CSV -------------------------------------------------------------------------------------

# Rows fetched from the database at a time: memory stays flat whatever the journal's length
# (about 1 kB of Python objects per row in flight, so a few hundred kB in all).
CSV_CHUNK_ROWS = 200


def neutralise_cell(value):
    """Prefix ``'`` to text a spreadsheet would treat as a formula; leave the rest alone."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
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
    """Everything the patient owns, as the version 1 document of ``journal/export_import/export_format.md``.

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


# --- FHIR R4 ---------------------------------------------------------------------------------

UCUM = "http://unitsofmeasure.org"
LOINC = "http://loinc.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"


def _category(code: str, display: str) -> list[dict]:
    return [{"coding": [{"system": OBSERVATION_CATEGORY, "code": code, "display": display}]}]


class _Ids:
    """Stable ``urn:uuid`` identifiers: the same row gets the same id in every export, so a
    clinic system importing twice can tell it already has a resource."""

    def __init__(self, patient):
        self.namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"gist-journal:patient:{patient.pk}")

    def __call__(self, kind: str, pk) -> str:
        return f"urn:uuid:{uuid.uuid5(self.namespace, f'{kind}:{pk}')}"


def _medication_statement(treatment: Treatment, *, subject: str) -> dict:
    schedule = (
        "every day" if treatment.is_continuous else f"{treatment.schedule_label} (repeating)"
    )
    resource = {
        "resourceType": "MedicationStatement",
        # R4 MedicationStatement.status: active | completed | ... (required, 1..1).
        "status": "active" if treatment.ends_on is None else "completed",
        # Text only: no RxNorm codes, which we could not vouch for without a terminology
        # service; a receiving system matches the generic name.
        "medicationCodeableConcept": {"text": drug_title(treatment.drug_name)},
        "subject": {"reference": subject},
        "effectivePeriod": {"start": _iso(treatment.starts_on)},
        "dosage": [
            {
                "text": f"{treatment.dose_label}, {schedule}",
                "timing": {
                    "repeat": {
                        "frequency": treatment.intakes_per_day,
                        "period": 1,
                        "periodUnit": "d",
                    }
                },
                "doseAndRate": [
                    {
                        "doseQuantity": {
                            "value": float(treatment.dose_mg),
                            "unit": "mg",
                            "system": UCUM,
                            "code": "mg",
                        }
                    }
                ],
            }
        ],
        "note": [{"text": f"Reason for this period: {treatment.get_reason_display()}"}],
    }
    if treatment.ends_on is not None:
        resource["effectivePeriod"]["end"] = _iso(treatment.ends_on)
    return resource


# http://hl7.org/fhir/R4/valueset-data-absent-reason.html
ASKED_UNKNOWN = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
            "code": "asked-unknown",
            "display": "Asked But Unknown",
        }
    ],
    "text": "Not answered",
}

PATIENT_REPORTED = (
    "Patient-reported severity (0 none, 1 mild, 2 moderate, 3 severe, 4 very severe)"
)


def _symptom_observation(row: dict, *, subject: str, medication: str | None) -> dict:
    resource = {
        "resourceType": "Observation",
        "status": "final",
        "category": _category("survey", "Survey"),
        # The CTCAE term is given as display only: its codes are MedDRA's, which are licensed.
        # The value is the patient's own 0-4 ("very severe" is theirs, not CTCAE's grade 4).
        "code": {
            "coding": [{"display": f"{PATIENT_REPORTED}, CTCAE v5 term: {row['ctcae_term']}"}],
            "text": f"{row['symptom_name']}: {PATIENT_REPORTED.lower()}",
        },
        "subject": {"reference": subject},
        "effectiveDateTime": _iso(row["on"]),
    }
    if row["grade"] is None:
        # Asked on the day log and left unanswered: said so, never sent as a 0 ("none").
        # R4 obs-6: dataAbsentReason only where there is no value[x].
        resource["dataAbsentReason"] = ASKED_UNKNOWN
    else:
        resource["valueInteger"] = row["grade"]
    if row["interference"] is not None:
        resource["component"] = [
            {
                "code": {
                    "text": "Interference with daily activities (0 = not at all, 4 = very much)"
                },
                "valueInteger": row["interference"],
            }
        ]
    if row["note"]:
        resource["note"] = [{"text": row["note"]}]
    if medication is not None:
        # R4 Observation.partOf accepts Reference(MedicationStatement): "a larger event of
        # which this observation is a part" is the treatment period the grade was felt in.
        resource["partOf"] = [{"reference": medication}]
    return resource


def _vital_observations(log: dict, *, subject: str, ids: _Ids) -> list[dict]:
    """Blood pressure (LOINC panel 85354-9) and body weight (29463-7), as vital signs."""
    found = []
    common = {
        "status": "final",
        "category": _category("vital-signs", "Vital Signs"),
        "subject": {"reference": subject},
        "effectiveDateTime": _iso(log["date"]),
    }
    if log["systolic"] is not None:

        def mmhg(value):
            return {"value": value, "unit": "mmHg", "system": UCUM, "code": "mm[Hg]"}

        found.append(
            (
                ids("bp", log["id"]),
                {
                    "resourceType": "Observation",
                    **common,
                    "code": {
                        "coding": [
                            {"system": LOINC, "code": "85354-9", "display": "Blood pressure panel"}
                        ],
                        "text": "Blood pressure",
                    },
                    "component": [
                        {
                            "code": {
                                "coding": [
                                    {
                                        "system": LOINC,
                                        "code": "8480-6",
                                        "display": "Systolic blood pressure",
                                    }
                                ]
                            },
                            "valueQuantity": mmhg(log["systolic"]),
                        },
                        {
                            "code": {
                                "coding": [
                                    {
                                        "system": LOINC,
                                        "code": "8462-4",
                                        "display": "Diastolic blood pressure",
                                    }
                                ]
                            },
                            "valueQuantity": mmhg(log["diastolic"]),
                        },
                    ],
                },
            )
        )
    if log["weight_kg"] is not None:
        found.append(
            (
                ids("weight", log["id"]),
                {
                    "resourceType": "Observation",
                    **common,
                    "code": {
                        "coding": [{"system": LOINC, "code": "29463-7", "display": "Body weight"}],
                        "text": "Body weight",
                    },
                    "valueQuantity": {
                        "value": float(log["weight_kg"]),
                        "unit": "kg",
                        "system": UCUM,
                        "code": "kg",
                    },
                },
            )
        )
    return found


def fhir_bundle(patient, *, now: datetime) -> dict:
    """A FHIR R4 ``collection`` Bundle of the whole journal. Three queries.

    Every ``fullUrl`` is a ``urn:uuid`` and every reference points at one of them, so the
    bundle stands on its own. The Patient carries a name only: no email, no username.
    """
    ids = _Ids(patient)
    subject = ids("patient", patient.pk)
    name = {"text": display_name(patient)}
    if patient.first_name:
        name["given"] = [patient.first_name]
    if patient.last_name:
        name["family"] = patient.last_name
    entries = [{"fullUrl": subject, "resource": {"resourceType": "Patient", "name": [name]}}]

    treatments = (
        Treatment.objects.for_patient(patient).select_related("drug").order_by("starts_on")
    )
    medication = {}
    for treatment in treatments:
        medication[treatment.pk] = ids("treatment", treatment.pk)
        entries.append(
            {
                "fullUrl": medication[treatment.pk],
                "resource": _medication_statement(treatment, subject=subject),
            }
        )

    reports = (
        SymptomReport.objects.for_patient(patient)
        .values(
            "id",
            "grade",
            "interference",
            "note",
            on=F("day__date"),
            treatment_id=F("day__treatment_id"),
            symptom_name=F("symptom__name"),
            ctcae_term=F("symptom__ctcae_term"),
        )
        .order_by("day__date", "symptom__order", "symptom__name")
    )
    for row in reports.iterator(chunk_size=CSV_CHUNK_ROWS):
        entries.append(
            {
                "fullUrl": ids("report", row["id"]),
                "resource": _symptom_observation(
                    row, subject=subject, medication=medication.get(row["treatment_id"])
                ),
            }
        )

    vitals = (
        DayLog.objects.for_patient(patient)
        .measured()
        .values("id", "date", "systolic", "diastolic", "weight_kg")
        .order_by("date")
    )
    for log in vitals.iterator(chunk_size=CSV_CHUNK_ROWS):
        for full_url, resource in _vital_observations(log, subject=subject, ids=ids):
            entries.append({"fullUrl": full_url, "resource": resource})

    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _iso(now),
        "entry": entries,
    }
