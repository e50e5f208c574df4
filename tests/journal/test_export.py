"""Exports: CSV (streamed, spreadsheet-safe), JSON (versioned), FHIR R4 (valid structure)."""

import csv
import io
import json
import re
import tracemalloc
import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse

from journal.export_import.exports import neutralise_cell
from journal.export_import.formats import CSV_COLUMNS
from journal.export_import.imports import parse_import
from journal.models import AccessEvent, DayLog, DoseTaken, SymptomReport
from tests.conftest import make_day, make_treatment, make_user

CSV_URL = reverse("journal:export_csv")
JSON_URL = reverse("journal:export_json")
FHIR_URL = reverse("journal:export_fhir")
ALL_URLS = [CSV_URL, JSON_URL, FHIR_URL]


def read_csv(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:], newline="")))


# --- Access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ALL_URLS)
def test_anonymous_is_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url", ALL_URLS)
def test_exports_are_read_only(patient_client, url, short_journal):
    assert patient_client.post(url).status_code == 405
    assert DayLog.objects.count() == 3


@pytest.mark.parametrize("url", ALL_URLS)
def test_exports_are_downloads_that_are_never_cached(patient_client, url, short_journal):
    response = patient_client.get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="gist-journal-')
    assert "no-store" in response["Cache-Control"]


def test_caregiver_exports_only_their_own_journal(caregiver_client, share, short_journal):
    rows = read_csv(caregiver_client.get(CSV_URL))
    document = caregiver_client.get(JSON_URL).json()
    bundle = caregiver_client.get(FHIR_URL).json()

    assert rows == []
    assert document["days"] == [] and document["treatments"] == []
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Patient"]
    assert not AccessEvent.objects.exists()  # nothing of the patient's was read


# --- CSV -------------------------------------------------------------------------------------


def test_csv_has_one_row_per_symptom_report_and_one_per_day_without_any(
    patient_client, short_journal
):
    response = patient_client.get(CSV_URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = read_csv(response)

    assert list(rows[0]) == CSV_COLUMNS
    assert [(r["date"], r["symptom"], r["grade"]) for r in rows] == [
        ("2025-03-01", "Fatigue", "2"),
        ("2025-03-01", "Diarrhoea", "3"),
        ("2025-04-07", "Diarrhoea", "1"),
        ("2025-04-08", "", ""),
    ]
    first = rows[0]
    assert first["drug"] == "imatinib"
    assert (first["dose_mg"], first["intakes_per_day"], first["schedule"]) == (
        "400",
        "1",
        "every day",
    )
    assert (first["cycle_day"], first["on_off"]) == ("", "on")
    assert (first["systolic"], first["diastolic"], first["weight_kg"]) == ("131", "84", "71.5")
    assert (first["day_note"], first["for_doctor"], first["dose_taken"]) == (
        "'=Tired after the walk, «très» fatiguée.",  # neutralised for spreadsheets
        "yes",
        "all",
    )
    assert (rows[1]["interference"], rows[1]["symptom_note"]) == ("2", "'-3 times")
    off_day = rows[2]
    assert (off_day["drug"], off_day["dose_mg"]) == ("sunitinib", "37.5")
    assert off_day["schedule"] == "4 weeks on, 2 weeks off"
    assert (off_day["cycle_day"], off_day["on_off"], off_day["dose_taken"]) == (
        "29",
        "off",
        "break",
    )


@pytest.fixture
def unanswered_day(patient, symptoms):
    """2 February 2025: fatigue asked and not answered, nausea "none" (0), diarrhoea 2."""
    return make_day(
        patient,
        date(2025, 2, 2),
        {symptoms["fatigue"]: None, symptoms["nausea"]: 0, symptoms["diarrhoea"]: 2},
    )


def test_csv_tells_not_answered_from_none(patient_client, unanswered_day):
    rows = read_csv(patient_client.get(CSV_URL))

    assert [(r["symptom"], r["grade"], r["grade_word"]) for r in rows] == [
        ("Fatigue", "", "not answered"),
        ("Diarrhoea", "2", "moderate"),
        ("Nausea", "0", "none"),
    ]


def test_csv_day_without_reports_has_no_grade_word(patient_client, patient, library):
    make_day(patient, date(2025, 2, 3), {})

    rows = read_csv(patient_client.get(CSV_URL))

    assert [(r["symptom"], r["grade"], r["grade_word"]) for r in rows] == [("", "", "")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("+41 22 000 00 00", "'+41 22 000 00 00"),
        ("-2 kg since Monday", "'-2 kg since Monday"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        # Full-width signs, as a Japanese or Chinese keyboard types them: also formulas.
        ('＝HYPERLINK("http://evil.example")', '\'＝HYPERLINK("http://evil.example")'),
        ("＋81 3 0000 0000", "'＋81 3 0000 0000"),
        ("－2 kg", "'－2 kg"),
        ("＠SUM(A1:A9)", "'＠SUM(A1:A9)"),
        ("Fine today = good", "Fine today = good"),
        ("Fine today ＝ good", "Fine today ＝ good"),
        ("", ""),
    ],
)
def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(
    patient_client, patient, symptoms, text, expected
):
    day = make_day(patient, date(2025, 2, 1), note=text)
    SymptomReport.objects.create(day=day, symptom=symptoms["fatigue"], grade=1, note=text)

    rows = read_csv(patient_client.get(CSV_URL))

    assert rows[0]["day_note"] == expected
    assert rows[0]["symptom_note"] == expected
    assert neutralise_cell(text) == expected


@pytest.mark.parametrize(
    "note", ["＝1+1 blisters", "＋44 on the phone", "－tired－", "＠home", "=SUM(A1)", "-5 kg"]
)
def test_a_neutralised_note_is_imported_back_as_it_was_written(
    patient_client, patient, symptoms, note
):
    day = make_day(patient, date(2025, 2, 1), note=note)
    SymptomReport.objects.create(day=day, symptom=symptoms["fatigue"], grade=1, note=note)
    exported = b"".join(patient_client.get(CSV_URL).streaming_content).decode("utf-8-sig")
    assert f",'{note}," in exported  # neutralised in the file

    preview = parse_import(exported, patient=make_user("newcomer"))

    (imported,) = preview.days
    assert imported.values["note"] == note
    assert [report.note for report in imported.reports] == [note]


def test_csv_keeps_accents_and_line_breaks_intact(patient_client, patient, library):
    make_day(patient, date(2025, 2, 1), note="Fièvre légère,\n« ça va » — 38 °C")

    rows = read_csv(patient_client.get(CSV_URL))

    assert rows[0]["day_note"] == "Fièvre légère,\n« ça va » — 38 °C"


def add_days(patient, symptoms, start: date, count: int) -> None:
    """``count`` days from ``start``, each with every one of ``symptoms`` graded."""
    DayLog.objects.bulk_create(
        DayLog(
            patient=patient,
            date=start + timedelta(days=offset),
            dose_taken=DoseTaken.ALL,
            systolic=125,
            diastolic=80,
            note=f"Day {offset}: walked to the shop and back, slept well.",
        )
        for offset in range(count)
    )
    days = DayLog.objects.for_patient(patient).filter(date__gte=start).values_list("id", flat=True)
    SymptomReport.objects.bulk_create(
        (
            SymptomReport(day_id=day_id, symptom=symptom, grade=day_id % 5, note="a" * 40)
            for day_id in days
            for symptom in symptoms
        ),
        batch_size=2000,
    )


def stream_csv(client) -> tuple[int, int, int]:
    """Consume the CSV download chunk by chunk: ``(peak traced memory, bytes, chunks)``."""
    response = client.get(CSV_URL)
    tracemalloc.start()
    size = chunks = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        chunks += 1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, size, chunks


def test_csv_streams_a_long_journal_in_flat_memory(patient_client, patient, symptoms, imatinib):
    """Three years, ten symptoms a day: memory while streaming does not grow with the
    journal and stays far below the size of the file."""
    start = date(2022, 1, 1)
    make_treatment(patient, imatinib, starts_on=start)
    ten = list(symptoms.values())[:10]
    add_days(patient, ten, start, 365)
    one_year_peak, one_year_size, _ = stream_csv(patient_client)

    add_days(patient, ten, start + timedelta(days=365), 2 * 365)
    peak, size, chunks = stream_csv(patient_client)

    assert chunks == 1 + 3 * 365 * 10
    assert size > 2.9 * one_year_size
    assert peak < 1.2 * one_year_peak, f"{one_year_peak} bytes for 1 year, {peak} for 3"
    assert peak < size / 4, f"peak {peak} bytes for {size} bytes of CSV"


# --- JSON ------------------------------------------------------------------------------------


def test_json_holds_everything_the_patient_owns_in_a_versioned_shape(
    patient_client, patient, share, caregiver, short_journal
):
    AccessEvent.objects.create(
        patient=patient,
        viewer=caregiver,
        viewer_name="carey",
        share=share,
        page="trends",
        path="/care/1/trends/",
    )
    other = make_user("other")
    make_day(other, date(2025, 3, 1), note="Someone else's day.")

    response = patient_client.get(JSON_URL)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = response.json()

    assert (document["format"], document["version"]) == ("gist-journal", 1)
    assert document["account"] == {"username": "pat", "name": "Pat"}
    assert document["profile"]["time_zone"] == "Europe/Paris"
    assert "fatigue" in document["profile"]["tracked_symptoms"]
    assert document["treatments"][1] == {
        "drug": "sunitinib",
        "other_drug": "",
        "dose_mg": "37.5",
        "intakes_per_day": 1,
        "days_on": 28,
        "days_off": 14,
        "maker": "Teva",
        "starts_on": "2025-03-10",
        "ends_on": None,
        "reason": "side_effects",
    }
    assert [day["date"] for day in document["days"]] == ["2025-03-01", "2025-04-07", "2025-04-08"]
    assert document["days"][0] == {
        "date": "2025-03-01",
        "dose_taken": "all",
        "systolic": 131,
        "diastolic": 84,
        "weight_kg": "71.5",
        "note": "=Tired after the walk, «très» fatiguée.",
        "for_doctor": True,
        "warning_signs": [],
        "reports": [
            {"symptom": "fatigue", "grade": 2, "interference": None, "note": ""},
            {"symptom": "diarrhoea", "grade": 3, "interference": 2, "note": "-3 times"},
        ],
    }
    assert document["shares"][0]["caregiver"] == "carey"
    assert document["shares"][0]["can_see_notes"] is False
    assert [(e["viewer"], e["page"]) for e in document["access_log"]] == [("carey", "trends")]
    assert "Someone else" not in response.content.decode()
    assert "token" not in response.content.decode()  # invitation secrets never leave


def test_json_tells_not_answered_from_none(patient_client, unanswered_day):
    (day,) = patient_client.get(JSON_URL).json()["days"]

    assert [(r["symptom"], r["grade"]) for r in day["reports"]] == [
        ("fatigue", None),
        ("diarrhoea", 2),
        ("nausea", 0),
    ]


# --- FHIR R4 ---------------------------------------------------------------------------------

UUID_URN = re.compile(r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
FHIR_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# R4 value sets (required bindings) and reference targets of the elements we use.
OBSERVATION_STATUS = {
    "registered",
    "preliminary",
    "final",
    "amended",
    "corrected",
    "cancelled",
    "entered-in-error",
    "unknown",
}
MEDICATION_STATEMENT_STATUS = {
    "active",
    "completed",
    "entered-in-error",
    "intended",
    "stopped",
    "on-hold",
    "unknown",
    "not-taken",
}
BUNDLE_TYPES = {
    "document",
    "message",
    "transaction",
    "transaction-response",
    "batch",
    "batch-response",
    "history",
    "searchset",
    "collection",
}
OBSERVATION_PART_OF = {
    "MedicationAdministration",
    "MedicationDispense",
    "MedicationStatement",
    "Procedure",
    "Immunization",
    "ImagingStudy",
}
UCUM = "http://unitsofmeasure.org"


def references(node):
    """Every ``{"reference": ...}`` anywhere in a resource."""
    if isinstance(node, dict):
        if "reference" in node:
            yield node["reference"]
        for value in node.values():
            yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


def quantities(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("valueQuantity", "doseQuantity"):
                yield value
            yield from quantities(value)
    elif isinstance(node, list):
        for value in node:
            yield from quantities(value)


def check_codeable_concept(concept):
    assert concept.get("text") or concept.get("coding"), concept
    for coding in concept.get("coding", []):
        assert set(coding) <= {"system", "version", "code", "display", "userSelected"}


def check_r4_bundle(bundle) -> dict:
    """The R4 rules this export relies on; returns resources by fullUrl."""
    assert bundle["resourceType"] == "Bundle"
    assert bundle["type"] in BUNDLE_TYPES
    by_url = {}
    for entry in bundle["entry"]:
        assert UUID_URN.match(entry["fullUrl"]), entry["fullUrl"]
        assert entry["fullUrl"] not in by_url, "fullUrl must be unique in a bundle"
        by_url[entry["fullUrl"]] = entry["resource"]
    for url, resource in by_url.items():
        kind = resource["resourceType"]
        for reference in references(resource):
            assert reference in by_url, f"{kind} {url} refers to {reference} outside the bundle"
        for quantity in quantities(resource):
            assert isinstance(quantity["value"], int | float)
            assert quantity["system"] == UCUM and quantity["code"]
        if kind == "Observation":
            assert resource["status"] in OBSERVATION_STATUS
            check_codeable_concept(resource["code"])
            for category in resource.get("category", []):
                check_codeable_concept(category)
            assert by_url[resource["subject"]["reference"]]["resourceType"] == "Patient"
            assert FHIR_DATE.match(resource["effectiveDateTime"])
            values = [key for key in resource if key.startswith("value")]
            assert len(values) <= 1, "value[x] is 0..1"
            if "dataAbsentReason" in resource:  # obs-6: a reason only where no value
                assert values == []
                check_codeable_concept(resource["dataAbsentReason"])
            for part in resource.get("partOf", []):
                assert by_url[part["reference"]]["resourceType"] in OBSERVATION_PART_OF
            for component in resource.get("component", []):
                check_codeable_concept(component["code"])
        elif kind == "MedicationStatement":
            assert resource["status"] in MEDICATION_STATEMENT_STATUS
            check_codeable_concept(resource["medicationCodeableConcept"])
            assert by_url[resource["subject"]["reference"]]["resourceType"] == "Patient"
            period = resource["effectivePeriod"]
            assert FHIR_DATE.match(period["start"])
            assert "end" not in period or period["end"] >= period["start"]
        elif kind == "Patient":
            assert "telecom" not in resource  # no email or phone leaves with the bundle
        else:
            pytest.fail(f"unexpected resource {kind}")
    return by_url


def test_fhir_bundle_follows_the_r4_rules_and_resolves_every_reference(
    patient_client, short_journal
):
    response = patient_client.get(FHIR_URL)
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    bundle = response.json()

    resources = check_r4_bundle(bundle)

    kinds = [r["resourceType"] for r in resources.values()]
    assert kinds.count("Patient") == 1
    assert kinds.count("MedicationStatement") == 2
    # 3 symptom grades + 1 blood pressure + 1 weight.
    assert kinds.count("Observation") == 5
    assert "pat@example.org" not in response.content.decode()


def test_fhir_observation_carries_the_grade_the_date_and_the_treatment(
    patient_client, short_journal
):
    resources = check_r4_bundle(patient_client.get(FHIR_URL).json())

    before, during = sorted(
        (
            r
            for r in resources.values()
            if r.get("code", {}).get("text", "").startswith("Diarrhoea: patient-reported")
        ),
        key=lambda r: r["effectiveDateTime"],
    )
    assert (before["effectiveDateTime"], before["valueInteger"]) == ("2025-03-01", 3)
    assert (during["effectiveDateTime"], during["valueInteger"]) == ("2025-04-07", 1)
    assert during["category"][0]["coding"][0]["code"] == "survey"
    assert during["code"]["coding"][0]["display"] == (
        "Patient-reported severity (0 none, 1 mild, 2 moderate, 3 severe, 4 very severe), "
        "CTCAE v5 term: Diarrhea"
    )
    assert "grade 4" not in json.dumps(during).lower()
    medication = resources[during["partOf"][0]["reference"]]
    assert medication["medicationCodeableConcept"]["text"] == "Sunitinib"
    assert medication["status"] == "active"
    assert medication["dosage"][0]["doseAndRate"][0]["doseQuantity"] == {
        "value": 37.5,
        "unit": "mg",
        "system": UCUM,
        "code": "mg",
    }
    ended = next(
        r
        for r in resources.values()
        if r["resourceType"] == "MedicationStatement" and r["status"] == "completed"
    )
    assert ended["effectivePeriod"] == {"start": "2025-01-01", "end": "2025-03-09"}
    assert resources[before["partOf"][0]["reference"]] == ended


def test_fhir_ids_are_stable_between_exports(patient_client, short_journal):
    first = [e["fullUrl"] for e in patient_client.get(FHIR_URL).json()["entry"]]
    second = [e["fullUrl"] for e in patient_client.get(FHIR_URL).json()["entry"]]

    assert first == second
    assert all(uuid.UUID(url.removeprefix("urn:uuid:")) for url in first)


def test_fhir_bundle_is_valid_json_without_floats_for_grades(patient_client, short_journal):
    text = patient_client.get(FHIR_URL).content.decode()
    bundle = json.loads(text)
    grades = [
        e["resource"]["valueInteger"] for e in bundle["entry"] if "valueInteger" in e["resource"]
    ]
    assert grades and all(isinstance(g, int) for g in grades)


@pytest.mark.parametrize("name", ["journal:export_json", "journal:export_fhir"])
def test_exports_run_a_fixed_number_of_queries(
    patient_client, long_journal, django_assert_max_num_queries, name
):
    with django_assert_max_num_queries(15):
        response = patient_client.get(reverse(name))
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"{")


def test_fhir_marks_an_unanswered_symptom_as_asked_without_a_value(patient_client, unanswered_day):
    resources = check_r4_bundle(patient_client.get(FHIR_URL).json())
    symptoms = {
        r["code"]["text"].split(":")[0]: r
        for r in resources.values()
        if r.get("category", [{}])[0].get("coding", [{}])[0].get("code") == "survey"
    }

    assert sorted(symptoms) == ["Diarrhoea", "Fatigue", "Nausea"]
    unanswered = symptoms["Fatigue"]
    assert "valueInteger" not in unanswered
    assert unanswered["dataAbsentReason"]["coding"] == [
        {
            "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
            "code": "asked-unknown",
            "display": "Asked But Unknown",
        }
    ]
    assert symptoms["Nausea"]["valueInteger"] == 0
    assert "dataAbsentReason" not in symptoms["Nausea"]
    assert symptoms["Diarrhoea"]["valueInteger"] == 2
