"""Journal data is never reachable through the admin, for curators or superusers."""

from django.contrib import admin
from django.urls import reverse

from journal.models import AccessEvent, CareShare, DayLog, Profile, SymptomReport, Treatment
from tests.conftest import log_in_with_second_factor, make_user

JOURNAL_MODELS = (Profile, Treatment, DayLog, SymptomReport, CareShare, AccessEvent)


def test_no_journal_model_is_registered_in_the_admin():
    registered = set(admin.site._registry)
    assert not registered.intersection(JOURNAL_MODELS)


def test_curator_sees_the_library_and_nothing_of_the_journal(client, curator):
    log_in_with_second_factor(client, curator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "/admin/library/" in text
    assert "/admin/journal/" not in text
    assert "Day logs" not in text
    assert client.get("/admin/journal/").status_code == 404
    assert client.get("/admin/journal/daylog/").status_code == 404


def test_superuser_cannot_open_journal_records_either(client, db):
    root = make_user("root", is_staff=True, is_superuser=True)
    log_in_with_second_factor(client, root)
    assert client.get("/admin/journal/daylog/").status_code == 404
    assert client.get("/admin/journal/careshare/").status_code == 404
