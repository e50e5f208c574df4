"""What the shipped library promises about its content: every published entry, alert rule,
warning sign and glossary word names a source a curator can open; every drug patients take
has guidance; research is never advice; and the words are plain."""

import pytest
from django.urls import reverse

from library.models import (
    AlertRule,
    Drug,
    Entry,
    EntryKind,
    GlossaryTerm,
    Symptom,
    WarningSign,
)
from tests.library.test_loader import SYMPTOM_SLUGS
from tests.pages import visible_text

GIST_DRUGS = ["imatinib", "sunitinib", "regorafenib", "sorafenib", "ripretinib", "avapritinib"]


def opens(source) -> bool:
    return source is not None and source.url.startswith(("http://", "https://"))


def test_every_published_entry_has_a_source_with_a_url(library):
    entries = Entry.objects.published().select_related("source")
    assert entries.count() > 100
    missing = [entry.slug for entry in entries if not opens(entry.source)]
    assert missing == []


def test_every_alert_rule_has_a_source_with_a_url_or_says_it_is_the_default(library):
    for rule in AlertRule.objects.select_related("source"):
        if rule.source is None:
            assert "cautious default" in rule.basis, rule.slug
        else:
            assert opens(rule.source), rule.slug
            assert rule.basis, rule.slug
    # At least the drug labels' own points are sourced.
    assert all(rule.source for rule in AlertRule.objects.exclude(drug=None))


def test_every_symptom_has_a_rule_for_every_drug(library):
    for symptom in Symptom.objects.all():
        assert symptom.alert_rules.filter(drug=None).count() == 1, symptom.slug


def test_every_warning_sign_and_glossary_word_has_a_source_with_a_url(library):
    for sign in WarningSign.objects.select_related("source"):
        assert opens(sign.source), sign.slug
    for term in GlossaryTerm.objects.select_related("source"):
        assert opens(term.source), term.slug


@pytest.mark.parametrize("slug", GIST_DRUGS)
def test_each_gist_drug_has_how_to_take_it_five_side_effects_and_warning_signs(library, slug):
    drug = Drug.objects.get(slug=slug)
    entries = Entry.objects.published().filter(drugs=drug, kind=EntryKind.GUIDANCE)
    assert entries.filter(symptoms=None).exists(), "how to take it"
    covered = Symptom.objects.filter(entries__in=entries).distinct().count()
    assert covered >= 5, f"{slug}: guidance on {covered} side effects"
    assert drug.warning_signs.count() >= 3
    assert opens(drug.source)


@pytest.mark.parametrize("slug", ["nilotinib", "dasatinib", "pazopanib", "axitinib"])
def test_off_label_drugs_can_be_recorded_with_their_usual_dose(library, slug):
    drug = Drug.objects.get(slug=slug)
    assert not drug.approved_for_gist
    assert drug.regimens.exists()
    assert opens(drug.source)


def test_every_symptom_can_be_logged_in_words(library):
    for slug in SYMPTOM_SLUGS:
        symptom = Symptom.objects.get(slug=slug)
        assert all(meaning for _, meaning in symptom.grade_meanings()), slug


def test_no_patient_facing_grade_text_says_ctcae(library):
    for symptom in Symptom.objects.all():
        for _, meaning in symptom.grade_meanings():
            assert "CTCAE" not in meaning, symptom.slug


def test_research_about_another_cancer_says_which(library):
    other = Entry.objects.published().exclude(studied_in="")
    assert other.exists()
    assert all(entry.kind == EntryKind.RESEARCH for entry in other)


def test_the_glossary_explains_the_words_and_entries_link_to_it(client, library):
    text = visible_text(client.get(reverse("library:glossary")).content)
    for word in ("RECIST", "Median", "Placebo", "Line of treatment", "Off-label", "CTCAE"):
        assert word.lower() in text.lower(), word

    # The first use of a glossary word in an entry links to its meaning.
    html = client.get(reverse("library:drug", args=["sorafenib"])).content.decode()
    assert 'class="glossary-link" href="/library/glossary/#term-' in html


def test_glossary_links_escape_the_rest_of_the_text(library):
    from library.glossary import link_glossary_terms

    html = str(link_glossary_terms("<b>median</b> & placebo, median again"))
    assert "&lt;b&gt;" in html and "&amp;" in html
    assert html.count("glossary-link") == 2  # "median" linked once, "placebo" once


def test_the_glossary_page_costs_the_same_whatever_its_size(
    client, library, django_assert_max_num_queries
):
    for n in range(20):
        GlossaryTerm.objects.create(
            slug=f"extra-{n}",
            term=f"Extra word {n}",
            definition="Plain words.",
            source=GlossaryTerm.objects.first().source,
        )
    with django_assert_max_num_queries(4):  # session-free: the terms with their sources
        assert client.get(reverse("library:glossary")).status_code == 200
