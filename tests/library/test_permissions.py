from django.contrib.auth.models import Group
from django.urls import reverse

from library.curators import GROUP_NAME
from library.models import Entry, Symptom
from tests.conftest import log_in_with_second_factor


def test_migration_creates_the_curators_group_with_library_rights_only(db):
    group = Group.objects.get(name=GROUP_NAME)
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))

    assert ("library", "change_entry") in codenames
    assert ("library", "delete_entry") in codenames
    assert ("library", "change_symptom") in codenames
    assert ("library", "delete_symptom") not in codenames
    assert {app for app, _ in codenames} == {"library"}


def test_curator_has_no_rights_outside_the_library(curator):
    permissions = curator.get_all_permissions()
    assert permissions
    assert all(permission.startswith("library.") for permission in permissions)
    assert not any(permission.startswith("journal.") for permission in permissions)


def test_curator_can_edit_an_entry(client, curator, library):
    log_in_with_second_factor(client, curator)
    entry = Entry.objects.get(slug="sore-feet-gel-insoles-thick-socks")
    url = reverse("admin:library_entry_change", args=[entry.pk])

    response = client.post(
        url,
        {
            "title": "Gel pads and thick socks",
            "slug": entry.slug,
            "kind": entry.kind,
            "status": entry.status,
            "source": entry.source_id,
            "symptoms": [s.pk for s in entry.symptoms.all()],
            "drugs": [d.pk for d in entry.drugs.all()],
            "body": entry.body,
            "reviewed_on": "2026-11-21",
        },
    )

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "Gel pads and thick socks"


def test_curator_sees_the_library_in_admin_and_nothing_else(client, curator, library):
    log_in_with_second_factor(client, curator)
    response = client.get(reverse("admin:index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("admin:library_entry_changelist") in html
    assert "/admin/auth/" not in html
    assert "/admin/journal/" not in html


def test_curator_cannot_see_user_accounts(client, curator):
    log_in_with_second_factor(client, curator)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_curator_cannot_delete_a_symptom(client, curator, library):
    log_in_with_second_factor(client, curator)
    symptom = Symptom.objects.get(slug="headache")
    response = client.post(
        reverse("admin:library_symptom_delete", args=[symptom.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Symptom.objects.filter(pk=symptom.pk).exists()


def test_patient_cannot_open_the_library_admin(client, patient):
    client.force_login(patient)
    response = client.get(reverse("admin:library_entry_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
