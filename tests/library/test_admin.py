import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from library.models import AlertRule, Drug, Entry, EntryStatus, RegimenPreset, Source, Symptom
from tests.conftest import log_in_with_second_factor, make_entry, make_source, make_symptom

CHANGELISTS = ["symptom", "drug", "regimenpreset", "source", "entry"]


@pytest.fixture
def superuser_client(client, admin_user):
    """pytest-django's superuser, signed in with the second factor the admin asks for."""
    return log_in_with_second_factor(client, admin_user)


def changelist(model):
    return reverse(f"admin:library_{model}_changelist")


def entry_form_data(**overrides):
    data = {
        "title": "New entry",
        "slug": "new-entry",
        "kind": "guidance",
        "status": "published",
        "source": "",
        "symptoms": [],
        "drugs": [],
        "body": "Our words.",
        "reviewed_on": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value not in ([], None)}


@pytest.mark.parametrize("model", CHANGELISTS)
def test_changelists_open(superuser_client, library, model):
    response = superuser_client.get(changelist(model))
    assert response.status_code == 200


def test_entry_changelist_shows_its_columns(superuser_client, library):
    html = superuser_client.get(changelist("entry")).content.decode()
    for column in ("Title", "Kind", "Status", "Source", "Symptoms", "Last reviewed by us"):
        assert column in html
    assert "Gel insoles and thick socks for sore feet" in html
    assert "Hand-foot syndrome" in html


@pytest.mark.parametrize("model", CHANGELISTS)
def test_changelist_queries_do_not_grow_with_rows(
    superuser_client, library, model, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        superuser_client.get(changelist(model))
    symptom = Symptom.objects.first()
    for n in range(20):
        source = make_source(f"more-{n}")
        make_entry(f"more-{n}", symptoms=[symptom, make_symptom(f"more-{n}")], source=source)
        RegimenPreset.objects.create(drug=Drug.objects.first(), label=f"More {n}", dose_mg=1)
    with django_assert_max_num_queries(len(few)):
        superuser_client.get(changelist(model))


@pytest.mark.parametrize(
    "query", ["kind__exact=tip", "status__exact=draft", "symptoms__id__exact=1", "q=feet"]
)
def test_entry_changelist_filters_and_search(superuser_client, library, query):
    assert superuser_client.get(f"{changelist('entry')}?{query}").status_code == 200


def test_publish_action_publishes_only_complete_entries(superuser_client, library):
    symptom = Symptom.objects.get(slug="headache")
    ready = make_entry("ready", symptoms=[symptom], status=EntryStatus.DRAFT)
    loose = make_entry("loose", status=EntryStatus.DRAFT)

    response = superuser_client.post(
        changelist("entry"),
        {"action": "publish", "_selected_action": [ready.pk, loose.pk]},
        follow=True,
    )

    ready.refresh_from_db()
    loose.refresh_from_db()
    assert ready.status == EntryStatus.PUBLISHED
    assert loose.status == EntryStatus.DRAFT
    html = response.content.decode()
    assert "Published 1 entries." in html and "Left 1 as they were" in html


def test_unpublish_action_moves_entries_back_to_draft(superuser_client, library):
    entry = Entry.objects.get(slug="sore-feet-gel-insoles-thick-socks")

    superuser_client.post(
        changelist("entry"), {"action": "unpublish", "_selected_action": [entry.pk]}
    )

    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT


def test_publishing_without_symptom_or_drug_is_refused(superuser_client, library):
    source = Source.objects.first()

    response = superuser_client.post(
        reverse("admin:library_entry_add"), entry_form_data(source=source.pk)
    )

    assert response.status_code == 200
    assert "at least one symptom or drug" in response.content.decode()
    assert not Entry.objects.filter(slug="new-entry").exists()


def test_publishing_without_source_is_refused(superuser_client, library):
    symptom = Symptom.objects.get(slug="headache")

    response = superuser_client.post(
        reverse("admin:library_entry_add"), entry_form_data(symptoms=[symptom.pk])
    )

    assert "A published entry needs a source." in response.content.decode()
    assert not Entry.objects.filter(slug="new-entry").exists()


def test_complete_entry_can_be_added_and_published(superuser_client, library):
    symptom = Symptom.objects.get(slug="headache")
    source = Source.objects.first()

    superuser_client.post(
        reverse("admin:library_entry_add"),
        entry_form_data(symptoms=[symptom.pk], source=source.pk),
    )

    entry = Entry.objects.get(slug="new-entry")
    assert entry.status == EntryStatus.PUBLISHED and list(entry.symptoms.all()) == [symptom]


def test_draft_needs_neither_source_nor_links(superuser_client, library):
    superuser_client.post(reverse("admin:library_entry_add"), entry_form_data(status="draft"))
    assert Entry.objects.get(slug="new-entry").status == EntryStatus.DRAFT


def test_duplicate_entry_slug_is_refused(superuser_client, library):
    response = superuser_client.post(
        reverse("admin:library_entry_add"),
        entry_form_data(status="draft", slug="sore-feet-gel-insoles-thick-socks"),
    )
    assert "already exists" in response.content.decode()


def test_source_url_is_validated(superuser_client, library):
    response = superuser_client.post(
        reverse("admin:library_source_add"),
        {"title": "T", "slug": "t", "publisher": "P", "kind": "news", "url": "not a url"},
    )
    assert "Enter a valid URL." in response.content.decode()
    assert not Source.objects.filter(slug="t").exists()


def test_alert_rule_grade_must_be_1_to_4(superuser_client, library):
    rule = AlertRule.objects.get(slug="headache-any-drug")
    data = {
        "slug": rule.slug,
        "symptom": rule.symptom_id,
        "drug": "",
        "care_team_grade": 5,
        "source": "",
        "basis": rule.basis,
    }

    response = superuser_client.post(
        reverse("admin:library_alertrule_change", args=[rule.pk]), data
    )

    assert "less than or equal to 4" in response.content.decode()
    rule.refresh_from_db()
    assert rule.care_team_grade == 3


def test_symptom_page_shows_its_alert_rules_inline(superuser_client, library):
    symptom = Symptom.objects.get(slug="hand-foot-syndrome")
    html = superuser_client.get(reverse("admin:library_symptom_change", args=[symptom.pk])).content
    assert "hand-foot-syndrome-any-drug" in html.decode()
    assert "regorafenib" in html.decode()


def test_source_page_shows_its_entries_inline(superuser_client, library):
    source = Source.objects.get(slug="nci-regorafenib-gist")
    html = superuser_client.get(reverse("admin:library_source_change", args=[source.pk])).content
    assert "Severe side effects were common on regorafenib" in html.decode()


def test_entry_has_view_on_site(superuser_client, library):
    entry = Entry.objects.get(slug="sore-feet-gel-insoles-thick-socks")
    html = superuser_client.get(reverse("admin:library_entry_change", args=[entry.pk])).content
    link = reverse(
        "admin:view_on_site", args=[ContentType.objects.get_for_model(Entry).pk, entry.pk]
    )
    assert f'href="{link}"' in html.decode() and "View on site" in html.decode()
    assert superuser_client.get(link)["Location"] == entry.get_absolute_url()


def test_autocomplete_serves_symptoms(superuser_client, library):
    response = superuser_client.get(
        reverse("admin:autocomplete"),
        {"term": "feet", "app_label": "library", "model_name": "entry", "field_name": "symptoms"},
    )
    assert response.status_code == 200
    assert "Hand-foot syndrome" in response.content.decode()
