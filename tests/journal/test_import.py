"""Import: preview, all-or-nothing confirm, idempotence, round trips, and every refusal."""

import csv
import io
import json
import re
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from journal.export_import.services import ImportResult
from journal.models import (
    PENDING_IMPORT_VALID_FOR,
    DayLog,
    PendingImport,
    Profile,
    SymptomReport,
    Treatment,
)
from library.models import WarningSign
from tests.conftest import make_day, make_treatment, make_user

IMPORT = reverse("journal:import")
PREVIEW = reverse("journal:import_preview")
CONFIRM = reverse("journal:import_confirm")
HEADER = "date,symptom,grade,interference,symptom_note,dose_taken,systolic,diastolic,weight_kg,day_note,for_doctor\n"


def upload(client, content: str | bytes, name="journal.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data)})


def preview_of(client, content, name="journal.csv"):
    response = upload(client, content, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response.url == PREVIEW
    return client.get(PREVIEW).context["preview"]


def pending_digest(client) -> str:
    """The digest of the file waiting for the signed-in user (the preview's hidden field)."""
    return PendingImport.objects.get(owner_id=client.session["_auth_user_id"]).digest


def confirm(client):
    return client.post(CONFIRM, {"digest": pending_digest(client)})


def comparable(document: dict) -> dict:
    """An export without what belongs to the account or the moment it was made."""
    return {key: document[key] for key in ("format", "version", "profile", "treatments", "days")}


# --- Round trips -----------------------------------------------------------------------------


def test_json_round_trip_export_delete_import_gives_identical_data(client, patient, short_journal):
    client.force_login(patient)
    exported = client.get(reverse("journal:export_json")).content
    patient.delete()
    assert not DayLog.objects.exists() and not Treatment.objects.exists()

    newcomer = make_user("newcomer")
    client.force_login(newcomer)
    preview = preview_of(client, exported, "gist-journal.json")
    assert preview.can_import
    assert (len(preview.treatments), len(preview.days), preview.report_count) == (2, 3, 3)
    response = confirm(client)
    assert response.status_code == 302
    assert response.url == reverse("journal:history")

    again = client.get(reverse("journal:export_json")).json()
    assert comparable(again) == comparable(json.loads(exported))
    assert DayLog.objects.get(date=date(2025, 4, 7)).treatment.drug.slug == "sunitinib"


def test_warning_signs_and_another_drug_survive_a_round_trip(client, patient, short_journal):
    sign = WarningSign.objects.filter(drug__slug="sunitinib").first()
    DayLog.objects.get(patient=patient, date=date(2025, 4, 7)).warning_signs.add(sign)
    make_treatment(
        patient, None, other_drug="Trialinib", starts_on=date(2024, 5, 1), ends_on=date(2024, 5, 9)
    )
    client.force_login(patient)
    exported = client.get(reverse("journal:export_json")).content
    document = json.loads(exported)
    by_date = {day["date"]: day for day in document["days"]}
    assert by_date["2025-04-07"]["warning_signs"] == [sign.slug]
    assert document["treatments"][0]["other_drug"] == "Trialinib"
    patient.delete()

    client.force_login(make_user("newcomer"))
    assert preview_of(client, exported, "gist-journal.json").can_import
    confirm(client)

    assert list(DayLog.objects.get(date=date(2025, 4, 7)).warning_signs.all()) == [sign]
    assert Treatment.objects.get(starts_on=date(2024, 5, 1)).dose_label == (
        "Trialinib 400 mg once daily"
    )


def test_an_unknown_warning_sign_is_refused_with_its_day(patient_client, library, today):
    document = {
        "format": "gist-journal",
        "version": 1,
        "days": [{"date": today.isoformat(), "warning_signs": ["no-such-sign"], "reports": []}],
    }
    preview = preview_of(patient_client, json.dumps(document), "gist-journal.json")
    assert [str(problem) for problem in preview.problems] == [
        f"Day {today.isoformat()}: Unknown warning sign “no-such-sign”."
    ]


def test_reimporting_the_same_file_creates_nothing_twice(patient_client, short_journal):
    exported = patient_client.get(reverse("journal:export_json")).content
    counts = (DayLog.objects.count(), SymptomReport.objects.count(), Treatment.objects.count())

    preview = preview_of(patient_client, exported, "gist-journal.json")

    assert not preview.has_changes and not preview.can_import
    assert len(preview.skipped_days) == 3
    assert len(preview.skipped_treatments) == 2
    html = patient_client.get(PREVIEW).content.decode()
    assert "everything in this file is already in your journal" in html
    assert "Import all of this" not in html
    assert confirm(patient_client).status_code == 400
    assert (
        DayLog.objects.count(),
        SymptomReport.objects.count(),
        Treatment.objects.count(),
    ) == counts


def test_confirming_twice_imports_once(client, patient, short_journal):
    client.force_login(patient)
    exported = client.get(reverse("journal:export_json")).content
    newcomer = make_user("newcomer")
    client.force_login(newcomer)
    preview_of(client, exported, "gist-journal.json")
    digest = pending_digest(client)

    client.post(CONFIRM, {"digest": digest})
    client.post(CONFIRM, {"digest": digest})  # a double click, or the back button

    assert DayLog.objects.for_patient(newcomer).count() == 3
    assert Treatment.objects.for_patient(newcomer).count() == 2


def days_of(user):
    """Everything a day holds, as comparable values, oldest first."""
    return [
        (
            log.date,
            log.dose_taken,
            log.systolic,
            log.diastolic,
            log.weight_kg,
            log.note,
            log.for_doctor,
            sorted((r.symptom.slug, r.grade, r.interference, r.note) for r in log.reports.all()),
        )
        for log in DayLog.objects.for_patient(user).with_reports().order_by("date")
    ]


@pytest.fixture
def quoted_notes(patient, symptoms, short_journal):
    """9 April 2025: notes the patient began with an apostrophe themselves."""
    day = make_day(patient, date(2025, 4, 9), note="'=already quoted by me")
    SymptomReport.objects.create(day=day, symptom=symptoms["fatigue"], grade=1, note="'-tired-")


def test_csv_round_trip_keeps_days_grades_and_notes(
    client, patient, short_journal, quoted_notes, imatinib
):
    client.force_login(patient)
    exported = b"".join(client.get(reverse("journal:export_csv")).streaming_content)
    newcomer = make_user("newcomer")
    make_treatment(newcomer, imatinib, starts_on=date(2025, 1, 1))
    client.force_login(newcomer)

    preview = preview_of(client, exported)
    assert preview.kind == "csv" and preview.can_import
    assert any("not imported" in note for note in preview.notes)  # treatment columns
    confirm(client)

    assert days_of(newcomer) == days_of(patient)
    quoted = DayLog.objects.for_patient(newcomer).get(date=date(2025, 4, 9))
    assert quoted.note == "'=already quoted by me"
    assert quoted.reports.get().note == "'-tired-"
    assert (
        DayLog.objects.for_patient(newcomer).get(date=date(2025, 3, 1)).treatment.drug == imatinib
    )


def test_settings_are_imported_only_into_an_empty_journal(
    client, patient, short_journal, symptoms
):
    client.force_login(patient)
    exported = client.get(reverse("journal:export_json")).content
    newcomer = make_user("newcomer")
    make_day(newcomer, date(2025, 1, 1))
    client.force_login(newcomer)

    preview = preview_of(client, exported, "gist-journal.json")
    confirm(client)

    assert preview.settings is None
    assert Profile.objects.for_user(newcomer).care_team_phone == ""


# --- Not answered is not "none" --------------------------------------------------------------


@pytest.fixture
def unanswered_day(patient, symptoms):
    """2 February 2025: fatigue asked and not answered, nausea "none" (0), diarrhoea 2."""
    return make_day(
        patient,
        date(2025, 2, 2),
        {symptoms["fatigue"]: None, symptoms["nausea"]: 0, symptoms["diarrhoea"]: 2},
    )


def grades_of(user) -> dict:
    return dict(SymptomReport.objects.for_patient(user).values_list("symptom__slug", "grade"))


@pytest.mark.parametrize(
    ("export", "name"),
    [("journal:export_json", "gist-journal.json"), ("journal:export_csv", "gist-journal.csv")],
)
def test_not_answered_and_none_survive_a_round_trip(client, patient, unanswered_day, export, name):
    client.force_login(patient)
    response = client.get(reverse(export))
    exported = b"".join(response.streaming_content) if response.streaming else response.content
    newcomer = make_user("newcomer")
    client.force_login(newcomer)

    preview = preview_of(client, exported, name)
    assert preview.problems == []
    assert (preview.grade_count, preview.unanswered_count) == (2, 1)
    html = client.get(PREVIEW).content.decode()
    assert "1 day with 2 symptom grades and 1 symptom not answered" in html
    assert "Fatigue: not answered;" in html
    assert "Nausea: none (0)" in html
    response = confirm(client)

    assert grades_of(newcomer) == {"fatigue": None, "nausea": 0, "diarrhoea": 2}
    assert grades_of(newcomer) == grades_of(patient)
    (message,) = [str(m) for m in response.wsgi_request._messages]
    assert message.startswith(
        "Imported 1 day with 2 symptom grades (1 not answered) and 0 treatment periods"
    )


def test_a_json_report_without_a_grade_is_imported_as_not_answered(
    patient_client, patient, library
):
    document = {
        "format": "gist-journal",
        "version": 1,
        "days": [
            {
                "date": "2025-01-05",
                "reports": [
                    {"symptom": "fatigue", "grade": None},
                    {"symptom": "nausea", "grade": 0},
                ],
            }
        ],
    }
    assert preview_of(patient_client, json.dumps(document), "export.json").problems == []
    confirm(patient_client)

    assert grades_of(patient) == {"fatigue": None, "nausea": 0}


@pytest.mark.parametrize(
    ("grade", "grade_word", "expected"),
    [
        ("", "", None),
        ("", "not answered", None),
        ("not answered", "", None),
        ("Not Answered", "", None),
        ("0", "", 0),
        ("none", "", 0),
        ("", "none", 0),
        ("3", "severe", 3),
        ("", "mild", 1),
    ],
)
def test_a_spreadsheet_grade_is_read_from_the_number_or_the_word(
    patient_client, patient, library, grade, grade_word, expected
):
    csv_text = f"date,symptom,grade,grade_word\n2025-01-05,Fatigue,{grade},{grade_word}\n"

    assert preview_of(patient_client, csv_text).problems == []
    confirm(patient_client)

    assert grades_of(patient) == {"fatigue": expected}


def test_a_grade_and_a_word_that_disagree_are_a_problem(patient_client, library):
    csv_text = "date,symptom,grade,grade_word\n2025-01-05,Fatigue,2,severe\n"

    problems = [str(p) for p in preview_of(patient_client, csv_text).problems]

    assert problems == ["Row 2: The grade “2” and the word “severe” disagree: change one of them."]


# --- CSV from a spreadsheet ------------------------------------------------------------------


def test_spreadsheet_rows_become_days_with_their_grades(patient_client, patient, library, today):
    day = (today - timedelta(days=3)).isoformat()
    csv_text = HEADER + (
        f"{day},Fatigue,2,1,after lunch,all,128,82,70.2,Good walk,yes\n"
        f"{day},hand-foot-syndrome,Severe,,,,,,,,\n"
        f"{(today - timedelta(days=2)).isoformat()},,,,,missed,,,,,no\n"
    )
    preview = preview_of(patient_client, csv_text)
    assert preview.problems == []
    confirm(patient_client)

    log = DayLog.objects.for_patient(patient).get(date=today - timedelta(days=3))
    assert (log.systolic, log.diastolic, log.weight_kg) == (128, 82, Decimal("70.2"))
    assert (log.note, log.for_doctor, log.dose_taken) == ("Good walk", True, "all")
    assert sorted((r.symptom.slug, r.grade, r.interference) for r in log.reports.all()) == [
        ("fatigue", 2, 1),
        ("hand-foot-syndrome", 3, None),
    ]
    assert (
        DayLog.objects.for_patient(patient).get(date=today - timedelta(days=2)).dose_taken
        == "missed"
    )


def test_semicolon_separated_spreadsheets_are_read(patient_client, patient, library):
    preview = preview_of(patient_client, "date;symptom;grade\n2025-01-05;Fatigue;1\n")

    assert preview.problems == []
    assert preview.report_count == 1


def test_a_decimal_comma_is_read_as_the_decimal_point(patient_client, patient, library):
    preview = preview_of(
        patient_client, "date;weight_kg;dose_taken\n2025-01-05;70,5;all\n2025-01-06;71;all\n"
    )
    assert preview.problems == []
    confirm(patient_client)

    weights = (
        DayLog.objects.for_patient(patient).order_by("date").values_list("weight_kg", flat=True)
    )
    assert list(weights) == [Decimal("70.5"), Decimal("71")]


@pytest.mark.parametrize("weight", ["1,234", "70,5,1", "70,555", ",5"])
def test_a_comma_that_may_not_be_a_decimal_mark_is_refused(patient_client, library, weight):
    preview = preview_of(patient_client, f'date,weight_kg\n2025-01-05,"{weight}"\n')

    assert [str(problem) for problem in preview.problems] == [
        "Row 2: Weight (kg): Enter a number."
    ]


def test_a_csv_resaved_with_semicolons_and_decimal_commas_round_trips(
    client, patient, short_journal, imatinib
):
    """As a spreadsheet set to a comma-decimal language saves the export again."""
    client.force_login(patient)
    exported = b"".join(client.get(reverse("journal:export_csv")).streaming_content)
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"), newline="")))
    weight = rows[0].index("weight_kg")
    resaved = io.StringIO()
    writer = csv.writer(resaved, delimiter=";")
    for row in rows:
        writer.writerow(
            [cell.replace(".", ",") if i == weight else cell for i, cell in enumerate(row)]
        )
    assert ";71,5;" in resaved.getvalue()
    newcomer = make_user("newcomer")
    make_treatment(newcomer, imatinib, starts_on=date(2025, 1, 1))
    client.force_login(newcomer)

    assert preview_of(client, resaved.getvalue()).can_import
    confirm(client)

    assert days_of(newcomer) == days_of(patient)


# --- The example spreadsheet -----------------------------------------------------------------

EXAMPLE = "examples/gist-journal-example.csv"


def test_the_import_page_offers_the_example_as_a_download(patient_client, library):
    html = patient_client.get(IMPORT).content.decode()

    assert (
        f'href="{static(EXAMPLE)}" download="gist-journal-example.csv">'
        "Download an example spreadsheet</a>" in html
    )
    assert finders.find(EXAMPLE) is not None


def test_the_example_spreadsheet_imports_as_it_is(patient_client, patient, library):
    example = Path(finders.find(EXAMPLE)).read_bytes()

    preview = preview_of(patient_client, example, "gist-journal-example.csv")
    assert preview.problems == [] and preview.can_import
    html = patient_client.get(PREVIEW).content.decode()
    assert "3 days with 8 symptom grades and 1 symptom not answered" in html
    confirm(patient_client)

    days = DayLog.objects.for_patient(patient).order_by("date")
    assert [(d.date.isoformat(), d.dose_taken, d.systolic, d.diastolic) for d in days] == [
        ("2025-03-03", "all", 128, 82),
        ("2025-03-04", "some", None, None),
        ("2025-03-05", "all", 135, 85),
    ]
    assert days[1].note == "Forgot the evening tablet."
    second = dict(days[1].reports.values_list("symptom__slug", "grade"))
    assert second == {"hand-foot-syndrome": 2, "fatigue": 1, "diarrhoea": None}


# --- What the import page says ---------------------------------------------------------------

COLUMN_NAMES = ["dose_taken", "symptom_note", "weight_kg", "day_note", "for_doctor", "systolic"]


def test_the_import_page_explains_before_it_names_columns(patient_client, library):
    html = patient_client.get(IMPORT).content.decode()
    main = html[html.index('<main id="main"') : html.index("</main>")]
    before, _, help_section = main.partition('<details class="mt-4 spreadsheet-help">')

    # What file, from where, and what happens, in the patient's words.
    assert "from a GIST Journal you used earlier, on this site or another" in before
    assert "saved as CSV" in before
    assert "Nothing is saved until you tap “Import all of this”" in before
    assert "Days already in your journal stay as they are" in before
    assert "Importing the same file twice adds nothing twice" in before
    # Column names only behind "For spreadsheet users".
    assert [name for name in COLUMN_NAMES if name in before] == []
    assert "<code>" not in before
    assert "For spreadsheet users" in help_section
    assert all(f"<code>{name}</code>" in help_section for name in COLUMN_NAMES)


# --- Refusals --------------------------------------------------------------------------------


def assert_refused(response, text: str):
    assert response.status_code == 200
    assert text in response.content.decode()
    assert not PendingImport.objects.exists()
    assert not DayLog.objects.exists()


def test_a_file_over_the_size_limit_is_refused(patient_client, library):
    assert_refused(
        upload(patient_client, "date\n" + "x" * (5 * 1024 * 1024)), "the most we accept is 5 MB"
    )


def test_a_file_in_another_encoding_is_refused(patient_client, library):
    latin1 = (HEADER + "2025-01-05,Fatigue,1,,fatiguée,,,,,,\n").encode("latin-1")
    assert_refused(upload(patient_client, latin1), "We cannot read the letters in this file")
    assert_refused(upload(patient_client, latin1), "“CSV UTF-8”")


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xdb"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
NOT_A_SPREADSHEET = "This is not a spreadsheet or a GIST Journal export (a photo or a document"
OWN_FORMAT = "This spreadsheet is in its own format, which we cannot read."


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (JPEG, "IMG_0042.jpg", NOT_A_SPREADSHEET),
        (JPEG, "journal.csv", NOT_A_SPREADSHEET),  # a photo whatever its name
        (PNG, "screenshot.png", NOT_A_SPREADSHEET),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "letter.pdf", NOT_A_SPREADSHEET),
        (b"PK\x03\x04\x14\x00\x06\x00", "letter.docx", NOT_A_SPREADSHEET),
        (b"PK\x03\x04\x14\x00\x06\x00", "journal.xlsx", OWN_FORMAT),
        (b"PK\x03\x04\x14\x00\x06\x00", "journal", OWN_FORMAT),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "journal.xls", OWN_FORMAT),
        (b"PK\x03\x04\x14\x00\x06\x00", "journal.ods", OWN_FORMAT),
    ],
)
def test_a_photo_document_or_spreadsheet_file_is_refused_in_plain_words(
    patient_client, library, content, name, message
):
    response = upload(patient_client, content, name)

    assert_refused(response, message)
    error = response.context["form"].errors["file"][0]
    assert "column" not in error.lower() and "utf" not in error.lower()


def test_a_spreadsheet_file_says_how_to_save_it_as_csv(patient_client, library):
    response = upload(patient_client, b"PK\x03\x04\x00\x00binary", "journal.xlsx")

    assert_refused(response, "choose “Save as” (or “Download as”) and “CSV”")


def test_an_empty_file_is_refused(patient_client, library):
    assert_refused(upload(patient_client, "   \n"), "empty")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "This file is damaged or was changed"),
        ('{"days": []}', "This file is not a GIST Journal export"),
        ('{"format": "gist-journal", "version": 3, "days": []}', "a different version"),
        ("name,grade\nFatigue,2\n", "This does not look like a journal spreadsheet"),
    ],
)
def test_unreadable_files_are_refused_as_a_whole(patient_client, library, content, message):
    assert_refused(upload(patient_client, content), message)


def test_every_wrong_row_is_listed_with_its_reason_and_nothing_is_imported(
    patient_client, patient, library, today
):
    future = (today + timedelta(days=2)).isoformat()
    csv_text = HEADER + (
        "2025-01-05,Fatigue,1,,,,,,,,\n"  # row 2: fine
        "2025-01-06,Gremlins,2,,,,,,,,\n"  # row 3: unknown symptom
        f"{future},Fatigue,1,,,,,,,,\n"  # row 4: future
        "2025-01-07,Fatigue,7,,,,,,,,\n"  # row 5: grade outside 0-4
        "2025-01-08,Fatigue,1,,,,300,80,,,\n"  # row 6: implausible blood pressure
        "2025-01-09,Fatigue,1,,,,140,,,,\n"  # row 7: half a blood pressure
        "05/01/2025,Fatigue,1,,,,,,,,\n"  # row 8: not an ISO date
        "2025-01-05,Fatigue,2,,,,,,,,\n"  # row 9: fatigue twice the same day
        "2025-01-10,Fatigue,1,,,often,,,,,\n"  # row 10: unknown dose answer
        "2025-01-11,Fatigue,1,9,,,,,,,\n"  # row 11: interference outside 0-4
    )
    preview = preview_of(patient_client, csv_text)
    problems = [str(problem) for problem in preview.problems]

    assert len(problems) == 9, problems
    expected = [
        ("Row 3", "unknown symptom “Gremlins”"),
        ("Row 4", "is in the future"),
        ("Row 5", "grade 7 is outside 0 to 4"),
        ("Row 6", "upper number is between 60 and 260"),
        ("Row 7", "Give both blood pressure numbers"),
        ("Row 8", "“05/01/2025” is not a date written as YYYY-MM-DD"),
        ("Row 9", "already graded for 2025-01-05 in row 2"),
        ("Row 10", "dose taken “often” is not one of"),
        ("Row 11", "interference 9 is outside 0 to 4"),
    ]
    for where, reason in expected:
        assert any(p.startswith(where + ":") and reason.lower() in p.lower() for p in problems), (
            where,
            reason,
            problems,
        )
    assert not preview.can_import
    html = patient_client.get(PREVIEW).content.decode()
    assert "9 problems to fix" in html
    assert "Import all of this" not in html

    response = confirm(patient_client)
    assert response.status_code == 400
    assert not DayLog.objects.exists()


def test_conflicting_day_values_in_two_rows_are_reported(patient_client, library):
    csv_text = HEADER + "2025-01-05,Fatigue,1,,,,120,80,,,\n2025-01-05,Nausea,1,,,,130,80,,,\n"

    problems = [str(p) for p in preview_of(patient_client, csv_text).problems]

    assert problems == [
        "Row 3: The blood pressure (upper) differs from row 2 for the same date (2025-01-05); a day has one value."
    ]


def test_json_errors_name_the_day_or_treatment(patient_client, library, today):
    document = {
        "format": "gist-journal",
        "version": 1,
        "treatments": [
            {
                "drug": "unobtainium",
                "dose_mg": "400",
                "intakes_per_day": 1,
                "starts_on": "2025-01-01",
                "reason": "first",
            },
            {
                "drug": "imatinib",
                "dose_mg": "4000",
                "intakes_per_day": 1,
                "starts_on": "2025-02-01",
                "reason": "first",
            },
        ],
        "days": [
            {"date": "2025-01-05", "reports": [{"symptom": "fatigue", "grade": 5}]},
            {"date": (today + timedelta(days=1)).isoformat(), "reports": []},
            {"date": "2025-01-06", "systolic": 120, "diastolic": 130, "reports": []},
            {"date": "2025-01-07", "reports": [{"symptom": "gremlins", "grade": 1}]},
        ],
    }
    preview = preview_of(patient_client, json.dumps(document), "export.json")
    problems = [str(p) for p in preview.problems]

    assert any(p.startswith("Treatment starting 2025-01-01: Unknown drug") for p in problems)
    assert any(
        p.startswith("Treatment starting 2025-02-01: Dose") and "extra zero" in p for p in problems
    )
    assert "Day 2025-01-05: The Fatigue grade 5 is outside 0 to 4." in problems
    assert any(p.startswith("Day 2:") and "in the future" in p for p in problems)
    assert any(p.startswith("Day 2025-01-06:") and "smaller than the upper" in p for p in problems)
    assert any(p.startswith("Day 2025-01-07: Unknown symptom “gremlins”") for p in problems)
    assert len(problems) == 6


def test_a_treatment_overlapping_the_journals_own_is_refused(patient_client, patient, imatinib):
    make_treatment(patient, imatinib, starts_on=date(2025, 1, 1))
    document = {
        "format": "gist-journal",
        "version": 1,
        "treatments": [
            {
                "drug": "sunitinib",
                "dose_mg": "50",
                "intakes_per_day": 1,
                "days_on": 28,
                "days_off": 14,
                "starts_on": "2025-02-01",
                "ends_on": None,
                "reason": "progression",
            }
        ],
        "days": [],
    }

    preview = preview_of(patient_client, json.dumps(document), "export.json")

    assert [str(p) for p in preview.problems] == [
        "Treatment starting 2025-02-01: It overlaps your Imatinib 400 mg period. "
        "Treatment periods cannot overlap."
    ]


def test_a_stale_preview_cannot_be_confirmed(patient_client, library):
    preview_of(patient_client, "date,symptom,grade\n2025-01-05,Fatigue,1\n")

    response = patient_client.post(CONFIRM, {"digest": "0" * 64})

    assert response.status_code == 302
    assert not DayLog.objects.exists()


def test_cancel_forgets_the_file(patient_client, library):
    preview_of(patient_client, "date,symptom,grade\n2025-01-05,Fatigue,1\n")

    patient_client.post(CONFIRM, {"cancel": "1"})

    assert not PendingImport.objects.exists()
    assert patient_client.get(PREVIEW).status_code == 302
    assert not DayLog.objects.exists()


# --- The file waiting for confirmation ----------------------------------------------------

FATIGUE_DAY = "date,symptom,grade\n2025-01-05,Fatigue,1\n"


def test_the_file_waits_in_the_database_with_its_owner_not_in_the_session(
    patient_client, patient, library
):
    preview_of(patient_client, FATIGUE_DAY)

    pending = PendingImport.objects.get()
    assert pending.owner == patient
    assert pending.file_name == "journal.csv"
    assert pending.content["kind"] == "csv"
    assert pending.content["rows"] == [[2, ["2025-01-05", "Fatigue", "1"]]]
    assert pending.expires_at - pending.created_at == PENDING_IMPORT_VALID_FOR
    assert not any("2025-01-05" in str(value) for value in patient_client.session.values())


def test_a_new_upload_replaces_the_waiting_file(patient_client, patient, library):
    preview_of(patient_client, FATIGUE_DAY, "first.csv")
    first = pending_digest(patient_client)

    preview = preview_of(
        patient_client, "date,symptom,grade\n2025-01-06,Fatigue,2\n", "second.csv"
    )

    assert PendingImport.objects.count() == 1
    assert PendingImport.objects.get().file_name == "second.csv"
    assert [day.date for day in preview.days] == [date(2025, 1, 6)]
    # The confirm button of a tab still showing the first file no longer fits.
    response = patient_client.post(CONFIRM, {"digest": first})
    assert response.url == PREVIEW
    assert not DayLog.objects.exists()


def test_confirming_forgets_the_file(patient_client, patient, library):
    preview_of(patient_client, FATIGUE_DAY)

    response = confirm(patient_client)

    assert response.url == reverse("journal:history")
    assert DayLog.objects.for_patient(patient).count() == 1
    assert not PendingImport.objects.exists()


def test_an_expired_file_is_refused_with_a_clear_message(patient_client, patient, library):
    preview_of(patient_client, FATIGUE_DAY)
    digest = pending_digest(patient_client)
    PendingImport.objects.update(
        created_at=timezone.now() - timedelta(hours=2),
        expires_at=timezone.now() - timedelta(minutes=1),
    )

    response = patient_client.post(CONFIRM, {"digest": digest}, follow=True)

    assert response.redirect_chain == [(IMPORT, 302)]
    assert "That file waited more than an hour, so we let it go: nothing was imported." in (
        response.content.decode()
    )
    assert not DayLog.objects.exists()
    assert not PendingImport.objects.exists()


def test_an_expired_file_shows_no_preview(patient_client, library):
    preview_of(patient_client, FATIGUE_DAY)
    PendingImport.objects.update(
        created_at=timezone.now() - timedelta(hours=1, seconds=1),
        expires_at=timezone.now() - timedelta(seconds=1),
    )

    response = patient_client.get(PREVIEW, follow=True)

    assert response.redirect_chain == [(IMPORT, 302)]
    assert "That file waited more than an hour" in response.content.decode()


def test_remove_expired_deletes_only_expired_files_and_counts_them(patient, library):
    now = timezone.now()
    others = [make_user(f"owner{n}") for n in range(3)]
    for owner, minutes in zip([patient, *others], [-61, -1, 1, 59], strict=True):
        PendingImport.objects.create(
            owner=owner,
            file_name="journal.csv",
            digest="0" * 64,
            content={"kind": "csv", "header": ["date"], "rows": []},
            created_at=now - timedelta(minutes=120),
            expires_at=now + timedelta(minutes=minutes),
        )

    assert PendingImport.objects.remove_expired() == 2
    assert PendingImport.objects.remove_expired() == 0
    assert set(PendingImport.objects.values_list("owner__username", flat=True)) == {
        "owner1",
        "owner2",
    }


def test_one_waiting_file_per_person_in_the_database(patient):
    values = {
        "file_name": "a.csv",
        "digest": "0" * 64,
        "content": {},
        "expires_at": timezone.now() + PENDING_IMPORT_VALID_FOR,
    }
    PendingImport.objects.create(owner=patient, **values)

    with pytest.raises(IntegrityError), transaction.atomic():
        PendingImport.objects.create(owner=patient, **values)


def test_someone_elses_waiting_file_is_never_shown_or_imported(client, patient, stranger, library):
    client.force_login(patient)
    preview_of(client, FATIGUE_DAY)
    digest = pending_digest(client)

    client.force_login(stranger)
    assert client.get(PREVIEW).url == IMPORT
    client.post(CONFIRM, {"digest": digest})
    client.post(CONFIRM, {"cancel": "1"})

    assert not DayLog.objects.exists()
    assert PendingImport.objects.get().owner == patient


def test_deleting_the_account_removes_the_waiting_file(patient_client, patient, library):
    preview_of(patient_client, FATIGUE_DAY)

    patient.delete()

    assert not PendingImport.objects.exists()


# --- Access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [IMPORT, PREVIEW, CONFIRM])
def test_anonymous_is_sent_to_log_in(client, url):
    response = client.post(url) if url == CONFIRM else client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_wrong_methods_are_refused(patient_client, library):
    assert patient_client.get(CONFIRM).status_code == 405
    assert patient_client.post(PREVIEW).status_code == 405
    assert patient_client.put(IMPORT).status_code == 405


def test_upload_page_shows_the_form_with_a_label(patient_client, library):
    html = patient_client.get(IMPORT).content.decode()

    assert re.search(r'<label\s+for="id_file"[^>]*>\s*Your file \(\.json or \.csv\)<', html)
    assert 'accept=".csv,.json,text/csv,application/json"' in html
    assert 'enctype="multipart/form-data"' in html


def test_caregiver_imports_into_their_own_journal_only(
    caregiver_client, caregiver, patient, short_journal
):
    preview_of(caregiver_client, "date,symptom,grade\n2025-01-05,Fatigue,1\n")
    confirm(caregiver_client)

    assert DayLog.objects.for_patient(caregiver).count() == 1
    assert DayLog.objects.for_patient(patient).count() == 3
    assert not DayLog.objects.for_patient(patient).filter(date=date(2025, 1, 5)).exists()


def test_two_years_import_in_one_go_with_bounded_queries(
    client, patient, long_journal, django_assert_max_num_queries
):
    client.force_login(patient)
    exported = client.get(reverse("journal:export_json")).content
    newcomer = make_user("newcomer")
    client.force_login(newcomer)
    Profile.objects.for_user(newcomer)

    # The library's symptoms, drugs and warning signs are each read once, whatever the size.
    with django_assert_max_num_queries(26):
        preview = preview_of(client, exported, "gist-journal.json")
    # Bulk inserts: about 6,000 reports go in some 40 statements (SQLite takes at most 999
    # parameters per statement), never one per row.
    with django_assert_max_num_queries(100):
        confirm(client)

    assert preview.can_import
    assert DayLog.objects.for_patient(newcomer).count() == 730
    assert (
        SymptomReport.objects.for_patient(newcomer).count()
        == SymptomReport.objects.for_patient(patient).count()
    )


@pytest.mark.parametrize(
    ("result", "summary"),
    [
        (
            ImportResult(treatments=1, days=3, reports=12, settings=False),
            "Imported 3 days with 12 symptom grades and 1 treatment period.",
        ),
        (
            ImportResult(treatments=0, days=1, reports=1, settings=True),
            "Imported 1 day with 1 symptom grade and 0 treatment periods, and your settings.",
        ),
        (
            ImportResult(treatments=0, days=2, reports=5, settings=False, unanswered=3),
            "Imported 2 days with 5 symptom grades (3 not answered) and 0 treatment periods.",
        ),
    ],
)
def test_the_import_summary_counts_in_words(result, summary):
    assert result.summary == summary


# --- Identifiers ------------------------------------------------------------------------------


def identifiers_of(user) -> tuple[set, set, object]:
    return (
        set(DayLog.objects.for_patient(user).values_list("identifier", flat=True)),
        set(Treatment.objects.for_patient(user).values_list("identifier", flat=True)),
        Profile.objects.for_user(user).identifier,
    )


def test_a_move_to_another_account_keeps_every_identifier(client, patient, short_journal):
    client.force_login(patient)
    exported = client.get(reverse("journal:export_json")).content
    newcomer = make_user("newcomer")
    client.force_login(newcomer)

    preview_of(client, exported, "gist-journal.json")
    confirm(client)

    assert identifiers_of(newcomer) == identifiers_of(patient)
    assert len(identifiers_of(newcomer)[0]) == 3


def test_a_version_1_file_without_identifiers_gets_new_ones(patient_client, patient, library):
    document = {
        "format": "gist-journal",
        "version": 1,
        "profile": {"time_zone": "Europe/Paris"},
        "days": [
            {"date": "2025-01-05", "reports": [{"symptom": "fatigue", "grade": 1}]},
            {"date": "2025-01-06", "reports": []},
        ],
    }
    before = Profile.objects.for_user(patient).identifier

    assert preview_of(patient_client, json.dumps(document), "old.json").can_import
    confirm(patient_client)

    days, _, profile = identifiers_of(patient)
    assert len(days) == 2 and None not in days
    assert profile == before


def test_an_identifier_the_journal_already_uses_is_replaced_not_refused(
    patient_client, patient, short_journal
):
    """The same file, edited to move a day to a free date, imported again: the day comes in
    under a new identifier (one journal never holds one twice)."""
    document = patient_client.get(reverse("journal:export_json")).json()
    moved = document["days"][0] | {"date": "2025-02-01"}
    document["days"] = [moved, moved | {"date": "2025-02-02"}]
    taken = identifiers_of(patient)[0]

    assert preview_of(patient_client, json.dumps(document), "edited.json").can_import
    confirm(patient_client)

    days, _, _ = identifiers_of(patient)
    assert len(days) == 5
    assert uuid.UUID(moved["id"]) in taken
    assert len(days - taken) == 2
