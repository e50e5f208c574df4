"""Logs say who was refused, from where and when — and never hold secrets or notes."""

import logging

import pytest
from django.urls import reverse

from journal.models import DayLog
from tests.conftest import PASSWORD
from tests.journal.test_views_day import day_url, form_data

PRIVATE_NOTE = "my-private-note-about-my-bowels-4417"


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def all_logged_text(caplog) -> str:
    return "\n".join(
        record.getMessage() + str(record.__dict__.get("request", "")) for record in caplog.records
    )


def test_a_refused_access_is_logged_with_user_and_address(stranger_client, share, logs):
    stranger_client.get(reverse("care:trends", args=[share.pk]), REMOTE_ADDR="192.0.2.7")
    denied = [r.getMessage() for r in logs.records if r.name == "gistjournal.access"]
    assert any(
        "status=404" in m and "user=stranger" in m and "address=192.0.2.7" in m for m in denied
    )


def test_a_caregivers_refused_write_is_logged(caregiver_client, share, logs):
    caregiver_client.post(reverse("care:history", args=[share.pk]), REMOTE_ADDR="192.0.2.8")
    denied = [r.getMessage() for r in logs.records if r.name == "gistjournal.access"]
    assert any("status=403" in m and "user=carey" in m for m in denied)


def test_a_failed_login_is_logged_without_the_password(client, patient, logs):
    client.post(
        reverse("login"),
        {"username": "pat", "password": "Wrong-Secret-Passw0rd"},
        REMOTE_ADDR="192.0.2.9",
    )
    text = all_logged_text(logs)
    assert "pat" in text
    assert "192.0.2.9" in text
    assert "Wrong-Secret-Passw0rd" not in text
    assert PASSWORD not in text


def test_saving_a_note_never_writes_it_to_the_logs(patient_client, profile, today, logs):
    response = patient_client.post(day_url(today), form_data(profile, note=PRIVATE_NOTE))
    assert response.status_code == 302
    assert DayLog.objects.get(date=today).note == PRIVATE_NOTE
    # A refused save with the same note is not logged either.
    patient_client.post(day_url(today), form_data(profile, note=PRIVATE_NOTE, systolic="999"))
    text = all_logged_text(logs)
    assert PRIVATE_NOTE not in text
    assert patient_client.cookies["sessionid"].value not in text
