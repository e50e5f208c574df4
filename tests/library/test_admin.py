import pytest
from django.urls import reverse

from library.models import AlertRule, Drug, Entry, EntryStatus, RegimenPreset, Source, Symptom
from tests.conftest import make_entry, make_source, make_symptom

CHANGELISTS = ["symptom", "drug", "regimenpreset", "source", "entry"]


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
def test_changelists_open(admin_client, library, model):
    response = admin_client.get(changelist(model))
    assert response.status_code == 200


def test_entry_changelist_shows_its_columns(admin_client, library):
    html = admin_client.get(changelist("entry")).content.decode()
    for column in ("Title", "Kind", "Status", "Source", "Symptoms", "Last reviewed by us"):
        assert column in html
    assert "Gel insoles and thick socks for sore feet" in html
    assert "Hand-foot syndrome" in html


@pytest.mark.parametrize("model", CHANGELISTS)
def test_changelist_queries_do_not_grow_with_rows(
    admin_client, library, model, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        admin_client.get(changelist(model))
    symptom = Symptom.objects.first()
    for n in range(20):
        source = make_source(f"more-{n}")
        make_entry(f"more-{n}", symptoms=[symptom, make_symptom(f"more-{n}")], source=source)
        RegimenPreset.objects.create(drug=Drug.objects.first(), label=f"More {n}", dose_mg=1)
    with django_assert_max_num_queries(len(few)):
        admin_client.get(changelist(model))


@pytest.mark.parametrize(
    "query", ["kind__exact=tip", "status__exact=draft", "symptoms__id__exact=1", "q=feet"]
)
def test_entry_changelist_filters_and_search(admin_client, library, query):
    assert admin_client.get(f"{changelist('entry')}?{query}").status_code == 200


def test_publish_action_publishes_only_complete_entries(admin_client, library):
    symptom = Symptom.objects.get(slug="headache")
    ready = make_entry("ready", symptoms=[symptom], status=EntryStatus.DRAFT)
    loose = make_entry("loose", status=EntryStatus.DRAFT)

    response = admin_client.post(
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


def test_unpublish_action_moves_entries_back_to_draft(admin_client, library):
    entry = Entry.objects.get(slug="sore-feet-gel-insoles-thick-socks")

    admin_client.post(changelist("entry"), {"action": "unpublish", "_selected_action": [entry.pk]})

    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT


def test_publishing_without_symptom_or_drug_is_refused(admin_client, library):
    source = Source.objects.first()

    response = admin_client.post(
        reverse("admin:library_entry_add"), entry_form_data(source=source.pk)
    )

    assert response.status_code == 200
    assert "at least one symptom or drug" in response.content.decode()
    assert not Entry.objects.filter(slug="new-entry").exists()


def test_publishing_without_source_is_refused(admin_client, library):
    symptom = Symptom.objects.get(slug="headache")

    response = admin_client.post(
        reverse("admin:library_entry_add"), entry_form_data(symptoms=[symptom.pk])
    )

    assert "A published entry needs a source." in response.content.decode()
    assert not Entry.objects.filter(slug="new-entry").exists()


def test_complete_entry_can_be_added_and_published(admin_client, library):
    symptom = Symptom.objects.get(slug="headache")
    source = Source.objects.first()

    admin_client.post(
        reverse("admin:library_entry_add"),
        entry_form_data(symptoms=[symptom.pk], source=source.pk),
    )

    entry = Entry.objects.get(slug="new-entry")
    assert entry.status == EntryStatus.PUBLISHED and list(entry.symptoms.all()) == [symptom]


def test_draft_needs_neither_source_nor_links(admin_client, library):
    admin_client.post(reverse("admin:library_entry_add"), entry_form_data(status="draft"))
    assert Entry.objects.get(slug="new-entry").status == EntryStatus.DRAFT


def test_duplicate_entry_slug_is_refused(admin_client, library):
    response = admin_client.post(
        reverse("admin:library_entry_add"),
        entry_form_data(status="draft", slug="sore-feet-gel-insoles-thick-socks"),
    )
    assert "already exists" in response.content.decode()


def test_source_url_is_validated(admin_client, library):
    response = admin_client.post(
        reverse("admin:library_source_add"),
        {"title": "T", "slug": "t", "publisher": "P", "kind": "news", "url": "not a url"},
    )
    assert "Enter a valid URL." in response.content.decode()
    assert not Source.objects.filter(slug="t").exists()


def test_alert_rule_grade_must_be_1_to_4(admin_client, library):
    rule = AlertRule.objects.get(slug="headache-any-drug")
    data = {
        "slug": rule.slug,
        "symptom": rule.symptom_id,
        "drug": "",
        "care_team_grade": 5,
        "source": "",
        "basis": rule.basis,
    }

    response = admin_client.post(reverse("admin:library_alertrule_change", args=[rule.pk]), data)

    assert "less than or equal to 4" in response.content.decode()
    rule.refresh_from_db()
    assert rule.care_team_grade == 3


def test_symptom_page_shows_its_alert_rules_inline(admin_client, library):
    symptom = Symptom.objects.get(slug="hand-foot-syndrome")
    html = admin_client.get(reverse("admin:library_symptom_change", args=[symptom.pk])).content
    assert "hand-foot-syndrome-any-drug" in html.decode()
    assert "regorafenib" in html.decode()


def test_source_page_shows_its_entries_inline(admin_client, library):
    source = Source.objects.get(slug="nci-regorafenib-gist")
    html = admin_client.get(reverse("admin:library_source_change", args=[source.pk])).content
    assert "Severe side effects were common on regorafenib" in html.decode()


def test_entry_has_view_on_site(admin_client, library):
    entry = Entry.objects.get(slug="sore-feet-gel-insoles-thick-socks")
    html = admin_client.get(reverse("admin:library_entry_change", args=[entry.pk])).content
    assert "View on site" in html.decode()


def test_autocomplete_serves_symptoms(admin_client, library):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "feet", "app_label": "library", "model_name": "entry", "field_name": "symptoms"},
    )
    assert response.status_code == 200
    assert "Hand-foot syndrome" in response.content.decode()
