from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template import Context, Template

from library.models import (
    AlertRule,
    Entry,
    EntryKind,
    EntryStatus,
    RegimenPreset,
    Symptom,
    guidance_for,
)
from tests.conftest import make_alert_rule, make_drug, make_entry, make_source, make_symptom


@pytest.mark.parametrize("grade", [0, 5])
def test_alert_rule_grade_outside_1_to_4_is_refused_by_the_database(db, grade):
    symptom = make_symptom()
    with pytest.raises(IntegrityError):
        AlertRule.objects.filter(symptom=symptom).update(care_team_grade=grade)


def test_alert_rule_grade_outside_1_to_4_fails_validation(db):
    rule = make_symptom().alert_rules.get()
    rule.care_team_grade = 5
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert "care_team_grade" in error.value.message_dict


def test_a_symptom_has_one_rule_for_every_drug_and_one_per_drug(db):
    symptom, drug = make_symptom(), make_drug()
    make_alert_rule(symptom, 2, drug=drug)
    with pytest.raises(IntegrityError), transaction.atomic():
        AlertRule.objects.create(slug="second", symptom=symptom, care_team_grade=2, basis="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        AlertRule.objects.create(
            slug="again", symptom=symptom, drug=drug, care_team_grade=1, basis="x"
        )


def test_symptom_alert_rule_prefers_the_drugs_own(db):
    symptom, regorafenib, imatinib = make_symptom(), make_drug("regorafenib"), make_drug()
    own = make_alert_rule(symptom, 2, drug=regorafenib)
    assert symptom.alert_rule(regorafenib) == own
    assert symptom.alert_rule(imatinib).drug is None
    assert symptom.alert_rule(None).care_team_grade == 3


def test_unknown_body_area_is_refused_by_the_database(db):
    symptom = make_symptom()
    with pytest.raises(IntegrityError):
        Symptom.objects.filter(pk=symptom.pk).update(body_area="elbow")


def test_symptom_slugs_are_unique(db):
    make_symptom("same")
    with pytest.raises(IntegrityError):
        make_symptom("same")


def test_grade_meaning_covers_0_to_4_and_nothing_else(db):
    symptom = make_symptom(grade_2="Hurts a bit.")
    assert symptom.grade_meaning(0) == "None"
    assert symptom.grade_meaning(2) == "Hurts a bit."
    assert symptom.grade_meaning(5) == ""
    assert [grade for grade, _ in symptom.grade_meanings()] == [1, 2, 3, 4]


def test_symptom_aliases_split_on_commas(db):
    symptom = make_symptom(aliases="sore feet, , red palms ")
    assert symptom.alias_list == ["sore feet", "red palms"]


@pytest.mark.parametrize(("days_on", "days_off"), [(28, None), (None, 14), (0, 7), (21, 0)])
def test_regimen_schedule_is_continuous_or_both_days_set(db, days_on, days_off):
    drug = make_drug()
    with pytest.raises(IntegrityError):
        RegimenPreset.objects.create(
            drug=drug, label="Bad", dose_mg=50, days_on=days_on, days_off=days_off
        )


def test_regimen_with_only_days_on_fails_validation(db):
    regimen = RegimenPreset(drug=make_drug(), label="Half", dose_mg=50, days_on=28)
    with pytest.raises(ValidationError):
        regimen.full_clean()


def test_regimen_labels_are_unique_per_drug(db):
    drug = make_drug()
    RegimenPreset.objects.create(drug=drug, label="Standard", dose_mg=400)
    with pytest.raises(IntegrityError):
        RegimenPreset.objects.create(drug=drug, label="Standard", dose_mg=800)


def test_regimen_describes_its_schedule(db):
    drug = make_drug("sunitinib")
    cycled = RegimenPreset.objects.create(
        drug=drug, label="4/2", dose_mg=Decimal("50.00"), days_on=28, days_off=14
    )
    continuous = RegimenPreset.objects.create(drug=drug, label="cont", dose_mg=Decimal("37.50"))
    twice = RegimenPreset.objects.create(
        drug=drug, label="3/1", dose_mg=Decimal("400"), intakes_per_day=2, days_on=21, days_off=7
    )
    assert str(cycled) == "Sunitinib 50 mg once daily, 4 weeks on, 2 weeks off"
    assert cycled.schedule_label == "4 weeks on, 2 weeks off"
    assert not cycled.is_continuous
    assert str(continuous) == "Sunitinib 37.5 mg once daily, every day"
    assert continuous.schedule_label == "every day"
    assert continuous.is_continuous
    assert twice.schedule_label == "3 weeks on, 1 week off"
    assert twice.total_daily_mg == Decimal("800")


def test_published_entry_without_source_is_refused_by_the_database(db):
    entry = make_entry(symptoms=[make_symptom()], status=EntryStatus.DRAFT)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Entry.objects.filter(pk=entry.pk).update(source=None, status=EntryStatus.PUBLISHED)


def test_published_entry_without_source_fails_validation(db):
    entry = Entry(slug="x", title="x", body="x", status=EntryStatus.PUBLISHED)
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert "source" in error.value.message_dict


def test_publishing_needs_a_source_and_a_symptom_or_drug():
    errors = Entry.publishing_errors(
        status=EntryStatus.PUBLISHED, source=None, symptoms=[], drugs=[]
    )
    assert set(errors) == {"source", "symptoms"}
    assert not Entry.publishing_errors(
        status=EntryStatus.DRAFT, source=None, symptoms=[], drugs=[]
    )


def test_publishable_leaves_out_entries_without_symptom_or_drug(db):
    symptom = make_symptom()
    linked = make_entry("linked", symptoms=[symptom], status=EntryStatus.DRAFT)
    make_entry("loose", status=EntryStatus.DRAFT)
    assert list(Entry.objects.publishable()) == [linked]


def test_published_leaves_out_drafts(db):
    symptom = make_symptom()
    shown = make_entry("shown", symptoms=[symptom])
    make_entry("draft", symptoms=[symptom], status=EntryStatus.DRAFT)
    assert list(Entry.objects.published()) == [shown]


def test_guidance_first_puts_clinical_guidance_before_tips(db):
    symptom = make_symptom()
    make_entry("a", title="A tip", kind=EntryKind.TIP, symptoms=[symptom])
    make_entry("b", title="B guidance", kind=EntryKind.GUIDANCE, symptoms=[symptom])
    assert [e.kind for e in Entry.objects.guidance_first()] == [EntryKind.GUIDANCE, EntryKind.TIP]


def test_guidance_for_answers_many_symptoms_in_a_fixed_number_of_queries(
    db, django_assert_num_queries
):
    feet, head, quiet = make_symptom("feet"), make_symptom("head"), make_symptom("quiet")
    sunitinib, imatinib = make_drug("sunitinib"), make_drug("imatinib")
    make_entry("tip", title="A tip", kind=EntryKind.TIP, symptoms=[feet, head])
    make_entry("guide", title="Z guidance", symptoms=[feet], drugs=[sunitinib])
    make_entry("other-drug", title="Imatinib only", symptoms=[feet], drugs=[imatinib])
    make_entry("study", title="A study", kind=EntryKind.RESEARCH, symptoms=[feet])
    make_entry("draft", symptoms=[feet], status=EntryStatus.DRAFT)

    # The links with entries and sources, their drugs, the votes on the drug.
    with django_assert_num_queries(3):
        found = guidance_for([feet, head, quiet], sunitinib)
        titles = {sid: [(e.title, e.source.title) for e in es] for sid, es in found.items()}
        drugs = {e.title: [d.slug for d in e.drugs.all()] for es in found.values() for e in es}

    # Own drug's guidance, then tips; guidance about imatinib after them; research never.
    assert [title for title, _ in titles[feet.pk]] == ["Z guidance", "A tip", "Imatinib only"]
    assert [title for title, _ in titles[head.pk]] == ["A tip"]
    assert titles[quiet.pk] == []
    assert drugs["Z guidance"] == ["sunitinib"] and drugs["A tip"] == []


def test_guidance_for_keeps_three_per_symptom(db):
    feet = make_symptom("feet")
    for n in range(5):
        make_entry(f"e{n}", symptoms=[feet])
    assert len(guidance_for([feet.pk], None)[feet.pk]) == 3
    assert guidance_for([], None) == {}


def test_symptom_guidance_tag_renders_a_collapsed_box(db):
    feet = make_symptom("hand-foot-syndrome", name="Hand-foot syndrome")
    source = make_source(title="Forum page", publisher="Wiki", url="https://example.org/page")
    make_entry("gel", title="Gel pads", kind=EntryKind.TIP, source=source, symptoms=[feet])
    entries = guidance_for([feet], None)

    html = Template("{% load library %}{% symptom_guidance symptom entries %}").render(
        Context({"symptom": feet, "entries": entries})
    )

    assert "<details" in html and "<details open" not in html
    assert "What helps (1)" in html
    assert "Patient tip" in html and "Gel pads" in html
    assert "Forum page" in html and "Wiki" in html and "https://example.org/page" in html
    assert feet.get_absolute_url() in html


def test_entry_links_to_its_first_symptom_page(db):
    symptom = make_symptom("feet")
    entry = make_entry("gel", symptoms=[symptom])
    assert entry.get_absolute_url() == "/library/symptoms/feet/#entry-gel"
    drug_entry = make_entry("dose", drugs=[make_drug("imatinib")])
    assert drug_entry.get_absolute_url() == "/library/drugs/imatinib/#entry-dose"


def test_every_model_names_itself(db):
    source = make_source(title="NCI article")
    assert str(source) == "NCI article"
    assert str(make_drug("imatinib")) == "Imatinib"
    assert str(make_symptom(name="Fatigue")) == "Fatigue"
    assert source.get_absolute_url() == "/library/sources/#source-test-source"
