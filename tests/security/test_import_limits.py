"""Import does bounded work: limits checked before the expensive checks, no query per item,
bodies over the limit refused unread, and odd input refused in words, never with a 500."""

import io
import json
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from journal.export_import.formats import JSON_FORMAT, JSON_VERSION
from journal.export_import.forms import MAX_IMPORT_BYTES
from journal.export_import.imports import (
    MAX_IMPORT_DAYS,
    MAX_IMPORT_PERIODS,
    MAX_IMPORT_REPORTS,
    MAX_IMPORT_ROWS,
    MAX_LISTED_PROBLEMS,
)
from journal.models import DayLog, PendingImport, Treatment
from tests.conftest import make_treatment

IMPORT = reverse("journal:import")
PREVIEW = reverse("journal:import_preview")
DAMAGED = "This file is damaged or was changed, so we cannot read it."


def upload(client, content: str | bytes, name="journal.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data)})


def json_file(**parts) -> str:
    return json.dumps({"format": JSON_FORMAT, "version": JSON_VERSION, **parts})


def assert_refused(response, text: str):
    """Refused beside the file field on the upload page: nothing kept, nothing imported."""
    assert response.status_code == 200
    assert text in response.context["form"].errors["file"][0]
    assert not PendingImport.objects.exists()
    assert not DayLog.objects.exists()


def preview_page(client, content, name="journal.csv"):
    response = upload(client, content, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(PREVIEW)


# A weight on each day: the day is worth saving whatever becomes of its grade.
SPREADSHEET_HEADER = "date,weight_kg,symptom,grade\n"


def yesterday_with_grade(today, grade: str) -> str:
    return f"{SPREADSHEET_HEADER}{today - timedelta(days=1)},70,Fatigue,{grade}\n"


def days_back(today, count):
    return [(today - timedelta(days=n)).isoformat() for n in range(1, count + 1)]


# --- Limits checked before the checks of each day --------------------------------------------


def test_too_many_days_are_refused_before_any_day_is_checked(
    patient_client, today, django_assert_max_num_queries
):
    # Each day would be a problem (an unknown symptom): the refusal comes first, in one go.
    days = [
        {"date": f"{2000 + n // 300}-01-01", "reports": [{"symptom": "x"}]}
        for n in range(MAX_IMPORT_DAYS + 1)
    ]
    with django_assert_max_num_queries(8):
        response = upload(patient_client, json_file(days=days), "gist-journal.json")

    assert_refused(
        response,
        f"This file holds {MAX_IMPORT_DAYS + 1:,} days; we can bring in at most "
        f"{MAX_IMPORT_DAYS:,} at once.",
    )


def test_too_many_symptom_answers_are_refused(patient_client, today):
    dates = days_back(today, MAX_IMPORT_REPORTS // 20 + 1)
    rows = [f"{day},s{n},1" for day in dates for n in range(20)]
    response = upload(patient_client, "date,symptom,grade\n" + "\n".join(rows))

    assert_refused(
        response,
        f"This file holds {len(rows):,} symptom answers; we can bring in at most "
        f"{MAX_IMPORT_REPORTS:,} at once.",
    )


def test_too_many_treatment_periods_are_refused(patient_client, today):
    treatments = [{"drug": "imatinib", "starts_on": "2020-01-01"}] * (MAX_IMPORT_PERIODS + 1)
    response = upload(patient_client, json_file(treatments=treatments), "gist-journal.json")

    assert_refused(
        response,
        f"This file holds {MAX_IMPORT_PERIODS + 1:,} treatment periods; we can bring in at most "
        f"{MAX_IMPORT_PERIODS:,} at once.",
    )


def test_a_5_mb_spreadsheet_of_rows_is_refused_before_any_row_is_checked(
    patient_client, library, django_assert_max_num_queries
):
    row = "2025-01-05,Fatigue,9\n"
    text = "date,symptom,grade\n" + row * ((MAX_IMPORT_BYTES - 100) // len(row))
    assert len(text.encode()) > MAX_IMPORT_BYTES - 200

    with django_assert_max_num_queries(8):
        response = upload(patient_client, text)

    assert_refused(response, f"we can read at most {MAX_IMPORT_ROWS:,} at once")


def test_a_spreadsheet_with_too_many_rows_is_refused(patient_client, library):
    # Rows of one date and no symptom: neither days nor answers are too many, the rows are.
    text = "date\n" + "2025-01-05\n" * (MAX_IMPORT_ROWS + 1)

    assert_refused(
        upload(patient_client, text),
        f"This spreadsheet has more than {MAX_IMPORT_ROWS:,} rows; we can read at most "
        f"{MAX_IMPORT_ROWS:,} at once.",
    )


def test_a_long_list_of_problems_is_cut_to_the_first_ones(patient_client, library, today):
    rows = [f"{day},70,Fatigue,9" for day in days_back(today, MAX_LISTED_PROBLEMS + 50)]
    page = preview_page(patient_client, SPREADSHEET_HEADER + "\n".join(rows))

    html = page.content.decode()
    assert page.context["preview"].problem_count == MAX_LISTED_PROBLEMS + 50
    assert html.count("The grade 9 is outside 0 to 4.") == MAX_LISTED_PROBLEMS
    assert f"{MAX_LISTED_PROBLEMS + 50} problems to fix" in html
    assert "and 50 more, not listed" in html


# --- No query per item ----------------------------------------------------------------------


def test_a_large_file_is_checked_in_a_fixed_number_of_queries(
    patient_client, patient, library, today, django_assert_max_num_queries
):
    # Many short periods, each of the library's drugs, and a day in each: the drugs are read
    # once, never one query per period (the treatment form's own drug list would be).
    first = today - timedelta(days=3 * MAX_IMPORT_PERIODS + 10)
    treatments, days = [], []
    for n in range(MAX_IMPORT_PERIODS):
        starts_on = first + timedelta(days=3 * n)
        treatments.append(
            {
                "drug": ["imatinib", "sunitinib"][n % 2],
                "dose_mg": 400 if n % 2 == 0 else 37.5,
                "intakes_per_day": 1,
                "starts_on": starts_on.isoformat(),
                "ends_on": (starts_on + timedelta(days=1)).isoformat(),
                "reason": "first",
            }
        )
        days.append(
            {"date": starts_on.isoformat(), "reports": [{"symptom": "fatigue", "grade": 1}]}
        )

    with django_assert_max_num_queries(30):
        page = preview_page(
            patient_client, json_file(treatments=treatments, days=days), "gist-journal.json"
        )

    preview = page.context["preview"]
    assert preview.problems == []
    assert (len(preview.treatments), len(preview.days)) == (MAX_IMPORT_PERIODS, MAX_IMPORT_PERIODS)


# --- Overlapping periods, found by sorting ---------------------------------------------------


def test_overlaps_are_found_with_the_journal_and_within_the_file(
    patient_client, patient, imatinib, sunitinib, today
):
    make_treatment(patient, imatinib, starts_on=date(2024, 3, 10), ends_on=date(2024, 3, 20))
    make_treatment(patient, imatinib, starts_on=date(2024, 6, 1), ends_on=date(2024, 6, 30))

    def period(starts_on, ends_on):
        return {
            "drug": "sunitinib",
            "dose_mg": 37.5,
            "intakes_per_day": 1,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "reason": "first",
        }

    treatments = [
        period("2024-03-01", "2024-03-31"),  # wraps the journal's March period
        period("2024-05-01", "2024-05-10"),
        period("2024-05-10", "2024-05-20"),  # shares a day with the one before
        period("2024-06-30", "2024-07-05"),  # starts on the journal's June period's last day
        period("2024-08-01", "2024-08-31"),
    ]
    page = preview_page(patient_client, json_file(treatments=treatments), "gist-journal.json")

    preview = page.context["preview"]
    assert [str(p) for p in preview.problems] == [
        "Treatment starting 2024-03-01: It overlaps your Imatinib 400 mg period. "
        "Treatment periods cannot overlap.",
        "Treatment starting 2024-05-10: It overlaps the period from 2024-05-01 in this file. "
        "Treatment periods cannot overlap.",
        "Treatment starting 2024-06-30: It overlaps your Imatinib 400 mg period. "
        "Treatment periods cannot overlap.",
    ]
    assert [plan.values["starts_on"] for plan in preview.treatments] == [
        date(2024, 5, 1),
        date(2024, 8, 1),
    ]
    assert Treatment.objects.count() == 2


# --- Bodies over the limit are refused unread ------------------------------------------------


def test_a_body_over_the_limit_is_refused_before_it_is_read(patient, library):
    # The CSRF check on: in production it reads the form, the body with it, before any view.
    client = Client(enforce_csrf_checks=True)
    client.force_login(patient)
    body = io.BytesIO(b"--x\r\n" + b"a" * 1000)
    declared = 50 * 1024 * 1024

    response = client.generic(
        "POST",
        IMPORT,
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(declared),
        **{"wsgi.input": body},
    )

    assert response.status_code == 413
    assert body.tell() == 0
    error = response.context["form"].errors["file"]
    assert error == [
        "This file is 50.0 MB; the most we accept is 5 MB. Split it into parts (by year, say) "
        "and import them one after the other."
    ]
    assert "the most we accept is 5 MB" in response.content.decode()


def test_a_body_just_over_the_limit_is_still_refused_by_its_size(patient_client, library):
    response = upload(patient_client, "date\n" + "x" * MAX_IMPORT_BYTES)

    assert_refused(response, "the most we accept is 5 MB")


# --- Odd input: a clear message, never a 500 ------------------------------------------------


def test_a_superscript_digit_as_a_grade_is_a_problem(patient_client, library, today):
    page = preview_page(patient_client, yesterday_with_grade(today, "²"))

    assert [str(p) for p in page.context["preview"].problems] == [
        "Row 2: The grade “²” is not a number from 0 to 4."
    ]


def test_a_circled_digit_as_a_grade_is_a_problem(patient_client, library, today):
    report = {"symptom": "fatigue", "grade": "③"}
    day = {"date": f"{today - timedelta(days=1)}", "weight_kg": 70, "reports": [report]}
    document = json_file(days=[day])
    page = preview_page(patient_client, document, "gist-journal.json")

    assert [str(p) for p in page.context["preview"].problems] == [
        f"Day {today - timedelta(days=1)}: The Fatigue grade “③” is not a number from 0 to 4."
    ]


def test_a_grade_thousands_of_digits_long_in_a_spreadsheet_is_a_problem(
    patient_client, library, today
):
    page = preview_page(patient_client, yesterday_with_grade(today, "9" * 5000))

    (problem,) = page.context["preview"].problems
    assert str(problem) == f"Row 2: The grade “{'9' * 40}…” is outside 0 to 4."


def test_an_integer_thousands_of_digits_long_in_json_is_refused(patient_client, library):
    text = json_file(days=[]).replace('"days": []', f'"days": [], "x": {"9" * 5000}')

    assert_refused(upload(patient_client, text, "gist-journal.json"), DAMAGED)


def test_deeply_nested_json_is_refused(patient_client, library):
    text = json_file(days=[]).replace('"days": []', '"days": ' + "[" * 100_000 + "]" * 100_000)

    assert_refused(upload(patient_client, text, "gist-journal.json"), DAMAGED)


def test_json_nested_deeper_than_an_export_is_refused(patient_client, library, today):
    note = "[" * 500 + "]" * 500  # json reads it; nothing of ours should walk it
    text = json_file(days=[{"date": f"{today}", "note": "x"}]).replace('"x"', note)

    assert_refused(upload(patient_client, text, "gist-journal.json"), DAMAGED)


def test_a_lone_surrogate_is_refused(patient_client, library, today):
    text = json_file(days=[{"date": f"{today}", "reports": [{"symptom": "x"}]}])
    text = text.replace('"x"', r'"\ud800 tired"')

    assert_refused(
        upload(patient_client, text, "gist-journal.json"),
        "This file holds broken characters (half of a letter or an emoji)",
    )


def test_a_null_character_in_json_is_refused(patient_client, library, today):
    text = json_file(days=[{"date": f"{today}", "note": "tired"}]).replace("tired", r"ti\u0000red")

    assert_refused(
        upload(patient_client, text, "gist-journal.json"),
        "This file holds an invisible “null” character",
    )


@pytest.mark.parametrize("grade", ["٣", "３"])
def test_other_scripts_digits_are_not_read_as_grades(patient_client, library, today, grade):
    page = preview_page(patient_client, yesterday_with_grade(today, grade))

    assert [str(p) for p in page.context["preview"].problems] == [
        f"Row 2: The grade “{grade}” is not a number from 0 to 4."
    ]


def test_a_malformed_length_is_read_as_no_body(patient_client, library):
    response = patient_client.generic(
        "POST", IMPORT, b"", content_type="multipart/form-data; boundary=x", CONTENT_LENGTH="5e9"
    )

    assert response.status_code == 200
    assert "Check this file" in response.content.decode()
    assert not PendingImport.objects.exists()
