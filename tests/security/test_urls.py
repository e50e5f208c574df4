"""Hostile URLs and request bodies: malformed dates and ids are 404s, oversize bodies a clean 400.

Django's test client re-raises a view's exception, so a 500 fails these tests with its traceback.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from journal.models import EARLIEST_DATE, CareShare, DayLog, SymptomReport, Treatment
from tests.conftest import make_treatment

HUGE = "9" * 30
MALFORMED_DAYS = [
    "2026-13-45",
    "2026-02-30",
    "abc",
    "99999-01-01",
    "-2026-01-01",
    "2026-1-1",
    "0000-01-01",
    "0001-01-01",  # a real date, but one whose day before does not exist
    "1000-06-15",
    "9999-12-31",  # the last date there is: the future
    HUGE,
    "2026-01-01T00:00",
    "20260105",  # date.fromisoformat reads these two; one address per day
    "2026-W02-1",
    "２０２６-０１-０１",  # fullwidth digits
    "2026\u200b-01-01",  # zero-width space
    "%00",
    "..%2F..%2Fetc%2Fpasswd",
    "<script>alert(1)</script>",
]


@pytest.mark.parametrize("day", MALFORMED_DAYS)
def test_malformed_day_is_404(patient_client, profile, day):
    for method in (patient_client.get, patient_client.post):
        response = method(f"/journal/day/{day}/")
        assert response.status_code == 404, (day, response.status_code)
    assert not DayLog.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        f"/care/{HUGE}/",
        f"/care/{HUGE}/history/",
        f"/care/{HUGE}/trends/",
        f"/care/{HUGE}/report/",
        "/care/0/",
        "/care/-1/",
        "/care/abc/",
        "/care/１/",
        "/journal/treatment/abc/stop/",
        "/journal/sharing/accept/not-a-token/",
        f"/journal/sharing/accept/{'x' * 5000}/",
        "/journal/sharing/accept/%E2%80%AEgnp.exe/",
        "/library/symptoms/no-such-symptom/",
        "/library/symptoms/fatigue%00/",
        "/library/symptoms/fätigue/",
        "/library/drugs/no-such-drug/",
        f"/library/drugs/{'a' * 5000}/",
        "/journal/export.csv.bak",
        "/journal/nowhere/",
    ],
)
def test_malformed_id_or_slug_is_404(patient_client, caregiver, library, path):
    response = patient_client.get(path)
    assert response.status_code == 404, (path, response.status_code)


@pytest.mark.parametrize("pk", ["0", "-1", HUGE, "1"])
def test_stopping_an_unknown_treatment_is_404(patient_client, stranger, imatinib, pk):
    # pk 1 exists but belongs to the stranger: as unknown as any other.
    make_treatment(stranger, imatinib)
    response = patient_client.post(f"/journal/treatment/{pk}/stop/", {"ends_on": "2025-02-01"})
    assert response.status_code == 404
    assert Treatment.objects.get().ends_on is None


@pytest.mark.parametrize("pk", ["0", HUGE])
def test_revoking_an_unknown_share_is_404(patient_client, share, pk):
    response = patient_client.post(f"/journal/sharing/{pk}/revoke/")
    assert response.status_code == 404
    assert CareShare.objects.get().revoked_at is None


# --- Query strings: a malformed filter falls back, never fails --------------------------------

HOSTILE_QUERIES = [
    "page=" + HUGE,
    "page=-1",
    "page=%00",
    "start=0001-01-01&end=9999-12-31",
    "start=9999-12-31&end=0001-01-01",
    "start=2026-13-45",
    "start=" + HUGE,
    "symptom=" + HUGE,
    "symptom=%00",
    "symptom=fatigue&symptom=nausea",
    "range=" + HUGE,
    "range=all&symptom=<script>",
]


@pytest.mark.parametrize("name", ["history", "trends", "report"])
@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_query_string_still_shows_the_page(patient_client, profile, name, query):
    response = patient_client.get(f"{reverse(f'journal:{name}')}?{query}")
    assert response.status_code in (200, 404), (name, query, response.status_code)


# --- Oversize bodies --------------------------------------------------------------------------


def _day_url(profile):
    return reverse("journal:day", args=[profile.today().isoformat()])


def test_body_over_the_memory_limit_is_a_friendly_400(patient_client, profile):
    note = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = patient_client.post(_day_url(profile), {"note": note, "dose_taken": "all"})
    assert response.status_code in (400, 413)
    assert b"too large" in response.content
    assert b"GIST Journal" in response.content  # our page, not Django's bare one
    assert not DayLog.objects.exists()


def test_too_many_fields_is_a_friendly_400(patient_client, profile):
    data = {f"field{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = patient_client.post(_day_url(profile), data)
    assert response.status_code in (400, 413)
    assert b"GIST Journal" in response.content
    assert not DayLog.objects.exists()


def test_oversize_json_body_is_refused(patient_client, profile):
    # Not a form encoding: Django does not parse it, and the day form finds nothing valid.
    body = b"{" + b" " * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + b"}"
    response = patient_client.post(_day_url(profile), body, content_type="application/json")
    assert response.status_code in (200, 400, 413)
    assert not DayLog.objects.exists()


def test_oversize_body_to_settings_and_sharing_is_refused(patient_client, profile, share):
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    phone = profile.care_team_phone
    for url, data in [
        (reverse("journal:settings"), {"care_team_phone": big}),
        (reverse("journal:sharing"), {"invitee_name": big, "invitee_email": "a@example.org"}),
        (reverse("journal:treatment_new"), {"maker": big}),
    ]:
        response = patient_client.post(url, data)
        assert response.status_code in (400, 413), url
    profile.refresh_from_db()
    assert profile.care_team_phone == phone
    assert CareShare.objects.count() == 1
    assert not Treatment.objects.exists()


def test_import_file_over_the_limit_is_a_form_error(patient_client, profile):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from journal.export_import.forms import MAX_IMPORT_BYTES

    upload = SimpleUploadedFile(
        "big.csv", b"date\n" + b"2026-01-01\n" * (MAX_IMPORT_BYTES // 11 + 1)
    )
    response = patient_client.post(reverse("journal:import"), {"file": upload})
    assert response.status_code == 200
    assert "the most we accept is 5 MB" in response.content.decode()
    assert not DayLog.objects.exists()
    assert not SymptomReport.objects.exists()


def test_anonymous_oversize_login_is_a_friendly_400(client, db):
    password = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(reverse("login"), {"username": "pat", "password": password})
    assert response.status_code in (400, 413)
    assert b"GIST Journal" in response.content


def test_first_day_a_journal_can_have_links_to_no_day_before_it(patient_client, profile):
    response = patient_client.get(reverse("journal:day", args=[EARLIEST_DATE.isoformat()]))
    assert response.status_code == 200
    before = EARLIEST_DATE - timedelta(days=1)
    assert before.isoformat() not in response.content.decode()
    assert patient_client.get(f"/journal/day/{before.isoformat()}/").status_code == 404


def test_treatment_from_year_one_is_refused(patient_client, profile, imatinib):
    data = {"drug": imatinib.pk, "dose_mg": "400", "intakes_per_day": "1"}
    data.update(schedule="continuous", starts_on="0001-01-01", reason="first")
    response = patient_client.post(reverse("journal:treatment_new"), data)
    assert response.status_code == 200
    assert "Give a date from 1900 on." in response.content.decode()
    assert not Treatment.objects.exists()


def test_report_from_year_one_falls_back_to_the_usual_range(patient_client, profile):
    # It used to draw a table row for each of 105,000 weeks: a 28 MB page, 14 s of a worker.
    response = patient_client.get(reverse("journal:report"), {"start": "0001-01-01"})
    assert response.status_code == 200
    assert "Those dates could not be used" in response.content.decode()
    assert len(response.content) < 200_000
