"""Exports: CSV (streamed, spreadsheet-safe), JSON (versioned), FHIR R4 (valid structure)."""

import csv
import io
import tracemalloc
from datetime import date, timedelta

import pytest
from django.urls import reverse

from journal.export_import.exports import neutralise_cell
from journal.export_import.formats import CSV_COLUMNS
from journal.export_import.imports import parse_import
from journal.models import AccessEvent, DayLog, DoseTaken, Profile, SymptomReport, Treatment
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
        # Already written with an apostrophe: one more, which the import takes off again.
        ("'=already quoted by me", "''=already quoted by me"),
        ("'＋81 3 0000 0000", "''＋81 3 0000 0000"),
        ("'tis fine", "'tis fine"),
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
    "note",
    [
        *("＝1+1 blisters", "＋44 on the phone", "－tired－", "＠home", "=SUM(A1)", "-5 kg"),
        # A note that itself starts with an apostrophe keeps it (the export adds a second).
        *("'=already quoted by me", "''=twice", "'-5 kg", "'tis fine"),
    ],
)
def test_a_neutralised_note_is_imported_back_as_it_was_written(
    patient_client, patient, symptoms, note
):
    day = make_day(patient, date(2025, 2, 1), note=note)
    SymptomReport.objects.create(day=day, symptom=symptoms["fatigue"], grade=1, note=note)
    exported = b"".join(patient_client.get(CSV_URL).streaming_content).decode("utf-8-sig")
    neutralised = note.lstrip("'")[:1] in "＝＋－＠=-"
    assert f",{chr(39) if neutralised else ''}{note}," in exported  # neutralised in the file

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
    """Consume the CSV download chunk by chunk: ``(peak traced memory, bytes, chunks)``.

    Measured on a second download: the first after new rows were written also fills
    caches (about 60 kB, whatever the journal's length), which would blur the comparison.
    """
    b"".join(client.get(CSV_URL).streaming_content)
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

    assert (document["format"], document["version"]) == ("gist-journal", 2)
    assert document["account"] == {"username": "pat", "name": "Pat"}
    assert document["profile"]["time_zone"] == "Europe/Paris"
    assert "fatigue" in document["profile"]["tracked_symptoms"]
    sunitinib_period = Treatment.objects.get(patient=patient, starts_on=date(2025, 3, 10))
    assert document["profile"]["id"] == str(Profile.objects.get(user=patient).identifier)
    assert document["treatments"][1] == {
        "id": str(sunitinib_period.identifier),
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
        "id": str(DayLog.objects.get(patient=patient, date=date(2025, 3, 1)).identifier),
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


# --- Query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [JSON_URL, FHIR_URL, f"{FHIR_URL}?bundle=transaction"],
)
def test_exports_run_a_fixed_number_of_queries(
    patient_client, long_journal, django_assert_max_num_queries, url
):
    with django_assert_max_num_queries(15):
        response = patient_client.get(url)
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"{")
