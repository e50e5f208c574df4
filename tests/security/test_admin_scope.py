"""The admin's side doors show the library and nothing else: the "view on site" redirects, the
autocomplete endpoint and history pages, for curators and, where journal data is concerned,
superusers too. Everyone here has passed the second factor, so only the scope is tested."""

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from journal.models import CareShare, DayLog, SymptomReport
from library.models import Entry, GlossaryTerm, Symptom
from tests.conftest import log_in_with_second_factor, make_day, make_user


@pytest.fixture
def curator_client(client, curator):
    return log_in_with_second_factor(client, curator)


@pytest.fixture
def root_client(client, db):
    return log_in_with_second_factor(client, make_user("root", is_staff=True, is_superuser=True))


@pytest.fixture
def day(patient, library):
    return make_day(patient, date(2025, 3, 1))


def view_on_site(obj):
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


# --- "View on site" ---------------------------------------------------------------------------


def test_view_on_site_takes_a_curator_to_a_library_entry(curator_client, library):
    entry = Entry.objects.get(slug="sore-feet-gel-insoles-thick-socks")

    response = curator_client.get(view_on_site(entry))

    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url()


@pytest.mark.parametrize("who", ["curator_client", "root_client"])
def test_view_on_site_never_redirects_to_a_patients_day(request, who, day):
    response = request.getfixturevalue(who).get(view_on_site(day))

    assert response.status_code == 404
    assert "2025-03-01" not in response.get("Location", "")


def test_view_on_site_refuses_a_user_and_a_share(curator_client, patient, caregiver):
    share = CareShare.objects.get(patient=patient)
    assert curator_client.get(view_on_site(patient)).status_code == 404
    assert curator_client.get(view_on_site(share)).status_code == 404


def test_view_on_site_refuses_library_models_the_curator_may_not_see(curator_client, library):
    # Glossary terms are edited by superusers only.
    term = GlossaryTerm.objects.first()
    assert curator_client.get(view_on_site(term)).status_code == 404


def test_view_on_site_answers_the_same_for_a_day_that_does_not_exist(curator_client, day):
    content_type = ContentType.objects.get_for_model(DayLog)
    missing = reverse("admin:view_on_site", args=[content_type.pk, day.pk + 1000])
    # Same answer as for a day that exists: nobody learns which ids are taken.
    assert curator_client.get(missing).status_code == 404


# --- Autocomplete -----------------------------------------------------------------------------


def autocomplete(client, app_label, model_name, field_name, term=""):
    return client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": app_label, "model_name": model_name, "field_name": field_name},
    )


def test_autocomplete_serves_a_curator_the_library(curator_client, library):
    response = autocomplete(curator_client, "library", "entry", "symptoms", "feet")
    assert response.status_code == 200
    assert "Hand-foot syndrome" in response.content.decode()


@pytest.mark.parametrize("who", ["curator_client", "root_client"])
@pytest.mark.parametrize(
    "app_label, model_name, field_name",
    [
        # A journal model's link to a library model: the journal is outside the admin.
        ("journal", "symptomreport", "symptom"),
        ("journal", "treatment", "drug"),
        ("journal", "daylog", "patient"),
        ("journal", "careshare", "caregiver"),
    ],
)
def test_autocomplete_refuses_journal_models(
    request, who, library, app_label, model_name, field_name
):
    response = autocomplete(request.getfixturevalue(who), app_label, model_name, field_name)

    assert response.status_code in (403, 404)
    assert b"Hand-foot" not in response.content and b'"results"' not in response.content


@pytest.mark.parametrize(
    "app_label, model_name, field_name",
    [
        ("auth", "user", "groups"),
        ("auth", "group", "permissions"),
        ("library", "helpfulvote", "entry"),  # patients' votes: not in the admin
        ("library", "glossaryterm", "source"),  # superusers' part of the library
    ],
)
def test_autocomplete_refuses_a_curator_outside_their_part(
    curator_client, patient, library, app_label, model_name, field_name
):
    response = autocomplete(curator_client, app_label, model_name, field_name)

    assert response.status_code in (403, 404)
    assert b'"results"' not in response.content


def test_autocomplete_of_user_groups_is_the_superusers(root_client):
    response = autocomplete(root_client, "auth", "user", "groups", "Library")
    assert response.status_code == 200
    assert "Library curators" in response.content.decode()


# --- History ----------------------------------------------------------------------------------


def test_an_entrys_history_shows_its_own_changes_only(curator_client, curator, patient, library):
    entry = Entry.objects.get(slug="sore-feet-gel-insoles-thick-socks")
    LogEntry.objects.log_actions(
        user_id=curator.pk, queryset=[entry], action_flag=CHANGE, change_message="Retitled."
    )
    # Another model's row with the same id: a superuser's change to a person's account.
    LogEntry.objects.create(
        user=curator,
        content_type=ContentType.objects.get_for_model(get_user_model()),
        object_id=str(entry.pk),
        object_repr="pat@example.org",
        action_flag=CHANGE,
        change_message="Changed email.",
    )

    response = curator_client.get(reverse("admin:library_entry_history", args=[entry.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Retitled." in html
    assert "pat@example.org" not in html and "Changed email." not in html


def test_a_curator_cannot_read_a_persons_history(curator_client, patient):
    response = curator_client.get(reverse("admin:auth_user_history", args=[patient.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["curator_client", "root_client"])
def test_nobody_reads_journal_history_in_the_admin(request, who, day):
    client = request.getfixturevalue(who)
    report = SymptomReport.objects.create(day=day, symptom=Symptom.objects.first(), grade=2)
    assert client.get(f"/admin/journal/daylog/{day.pk}/history/").status_code == 404
    assert client.get(f"/admin/journal/symptomreport/{report.pk}/history/").status_code == 404


# --- What the admin holds ----------------------------------------------------------------------


def test_second_factor_secrets_are_not_in_the_admin(root_client, curator):
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert not {TOTPDevice, StaticDevice} & set(admin.site._registry)
    assert root_client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert root_client.get("/admin/otp_static/staticdevice/").status_code == 404


def test_no_library_admin_reaches_outside_the_library():
    """A list filter or lookup follows a model's relations (``?patient__username=…``): no
    registered library model may have one that leaves the library."""
    for model in admin.site._registry:
        if model._meta.app_label != "library":
            continue
        for field in model._meta.get_fields():
            if field.is_relation and field.related_model is not None:
                assert field.related_model._meta.app_label == "library", (model, field.name)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/auth/",
        "/admin/journal/",
        "/admin/otp_totp/",
        "/admin/axes/",
        "/admin/contenttypes/contenttype/",
        "/admin/admin/logentry/",
    ],
)
def test_a_curator_gets_nothing_outside_the_library(curator_client, path):
    assert curator_client.get(path).status_code == 404


def test_a_curator_is_refused_the_user_list(curator_client, patient):
    response = curator_client.get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 403
    assert b"pat@example.org" not in response.content
