import pytest
from django.urls import reverse

from library.models import Drug, EntryKind, EntryStatus, Symptom
from tests.conftest import make_drug, make_entry, make_source, make_symptom
from tests.pages import visible_text

# Pages must not grow with the catalogue: the bound holds for the whole shipped library.
MAX_QUERIES = 8


def add_more_entries(count=15):
    """More of everything, to show the query count does not move with it."""
    symptom = Symptom.objects.get(slug="hand-foot-syndrome")
    drug = make_drug("extratinib", order=99)
    for n in range(count):
        source = make_source(f"extra-source-{n}")
        entry = make_entry(f"extra-{n}", symptoms=[symptom], drugs=[drug], source=source)
        entry.drugs.add(drug)
        symptom.drugs.add(drug)


# Index and search --------------------------------------------------------------------------


def test_index_lists_symptoms_by_body_area_and_the_drugs(client, library):
    response = client.get(reverse("library:index"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Skin, hands and feet" in html and "Hand-foot syndrome" in html
    assert "Mouth, stomach and bowel" in html and "Diarrhoea" in html
    for drug in ("Imatinib", "Sunitinib", "Regorafenib", "Sorafenib", "Ripretinib", "Avapritinib"):
        assert drug in html
    assert '<label for="id_q"' in html


def test_index_leaves_out_retired_symptoms(client, library):
    Symptom.objects.filter(slug="nausea").update(is_active=False)
    response = client.get(reverse("library:index"))
    text = visible_text(response.content)
    assert "Fatigue" in text
    assert "Nausea" not in text


def test_search_finds_symptoms_by_alias_and_entries_by_text(client, library):
    response = client.get(reverse("library:index"), {"q": "feet"})

    html = response.content.decode()
    assert 'href="/library/symptoms/hand-foot-syndrome/"' in html
    assert "Gel insoles and thick socks for sore feet" in html
    assert "Results for “feet”" in html


def test_search_by_another_name_finds_the_symptom(client, library):
    response = client.get(reverse("library:index"), {"q": "chemo brain"})
    assert "Brain fog" in response.context["matching_symptoms"][0].name


def test_search_never_shows_drafts(client, library):
    make_entry("secret", title="Unpublished feet advice", body="feet", status=EntryStatus.DRAFT)
    make_entry("public", title="Published feet advice", body="feet")
    response = client.get(reverse("library:index"), {"q": "feet"})
    text = visible_text(response.content)
    assert "Published feet advice" in text
    assert "Unpublished feet advice" not in text


def test_search_with_no_match_says_so(client, library):
    response = client.get(reverse("library:index"), {"q": "zzzz"})
    assert "Nothing in the library matches" in response.content.decode()


def test_index_and_search_query_count_is_fixed(client, library, django_assert_max_num_queries):
    add_more_entries()
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(reverse("library:index"))
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(reverse("library:index"), {"q": "e"})


# Symptom page ------------------------------------------------------------------------------


def section_titles(html: str) -> list[tuple[str, list[str]]]:
    """Each section heading of a library page with the entry titles under it, in order."""
    sections = []
    for part in html.split('<h2 id="section-')[1:]:
        heading = part.split(">", 1)[1].split("</h2>", 1)[0]
        titles = [t.split("</h3>", 1)[0] for t in part.split('<h3 class="h5 card-title">')[1:]]
        sections.append((heading, titles))
    return sections


def test_symptom_page_shows_grades_rules_and_entries_by_relevance(client, library):
    response = client.get(
        reverse("library:symptom", args=["hand-foot-syndrome"]), {"drug": "sunitinib"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "When to call your care team" in html
    assert "grade 2</strong> or worse" in html
    assert "Palmar-plantar erythrodysesthesia syndrome" in html
    sections = section_titles(html)
    headings = [heading for heading, _ in sections]
    assert headings == [
        "Clinical guidance for Sunitinib",
        "Patient tips",
        "Clinical guidance about other drugs",
        "Research summaries",
    ]
    own = dict(sections)["Clinical guidance for Sunitinib"]
    assert "Everyday care for sore hands and feet on sunitinib or regorafenib" in own
    assert "Gel insoles and thick socks for sore feet" in dict(sections)["Patient tips"]
    research = dict(sections)["Research summaries"]
    assert "Dose reductions were common in the sorafenib GIST trial" in research
    # Each entry shows its source, publisher and our review date.
    assert "GIST Support Wiki (patient community)" in html
    assert "Last reviewed by us" in html


def test_research_in_another_cancer_is_labelled_and_never_advice(client, library):
    html = client.get(reverse("library:symptom", args=["hand-foot-syndrome"])).content.decode()

    research = dict(section_titles(html))["Research summaries"]
    assert (
        "Hand-foot syndrome and high blood pressure on sorafenib were linked to longer "
        "survival (liver cancer)"
    ) in research
    text = visible_text(html)
    assert "Studied in liver cancer" in text
    assert "Not advice, and not a forecast for you" in text
    # Research takes no "this helped me" votes and never sits beside the day log's symptom.
    assert text.count("Did this help you?") == 0  # nobody is logged in


def test_symptom_page_only_shows_published_entries(client, library):
    symptom = Symptom.objects.get(slug="hand-foot-syndrome")
    make_entry(
        "draft-tip",
        title="Draft tip",
        kind=EntryKind.TIP,
        symptoms=[symptom],
        status=EntryStatus.DRAFT,
    )
    make_entry("published-tip", title="Published tip", kind=EntryKind.TIP, symptoms=[symptom])
    response = client.get(symptom.get_absolute_url())
    text = visible_text(response.content)
    assert "Published tip" in text
    assert "Draft tip" not in text


def test_symptom_page_filters_by_drug(client, library):
    symptom = Symptom.objects.get(slug="hand-foot-syndrome")
    make_entry("for-all", title="About every drug", symptoms=[symptom])

    response = client.get(symptom.get_absolute_url(), {"drug": "imatinib"})

    html = response.content.decode()
    sections = dict(section_titles(html))
    assert "About every drug" in sections["Clinical guidance for any drug"]
    # A sorafenib tip is still there, after tips for any drug, under its drug's name.
    assert "Gel insoles and thick socks for sore feet" in sections["Patient tips"]
    assert response.context["drug"].slug == "imatinib"
    assert '<option value="imatinib" selected>' in html


def test_symptom_page_ignores_an_unknown_drug(client, library):
    response = client.get(
        reverse("library:symptom", args=["hand-foot-syndrome"]), {"drug": "nope"}
    )
    assert response.status_code == 200
    assert response.context["drug"] is None
    assert "Gel insoles" in response.content.decode()


def test_symptom_page_query_count_is_fixed(client, library, django_assert_max_num_queries):
    add_more_entries()
    url = reverse("library:symptom", args=["hand-foot-syndrome"])
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(url)
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(url, {"drug": "extratinib"})


@pytest.mark.parametrize("name", ["library:symptom", "library:drug"])
def test_missing_slug_is_a_404_page(client, library, name):
    response = client.get(reverse(name, args=["no-such-thing"]))
    assert response.status_code == 404


def test_retired_symptom_is_a_404(client, library):
    Symptom.objects.filter(slug="nausea").update(is_active=False)
    assert client.get(reverse("library:symptom", args=["nausea"])).status_code == 404


# Drug page ---------------------------------------------------------------------------------


def test_drug_page_shows_regimens_side_effects_and_entries(client, library):
    response = client.get(reverse("library:drug", args=["sunitinib"]))

    assert response.status_code == 200
    html = response.content.decode()
    text = visible_text(html)
    assert "Second-line treatment" in text
    assert "4 weeks on, 2 weeks off" in text and "37.5 mg" in text
    assert 'href="/library/symptoms/hand-foot-syndrome/?drug=sunitinib"' in html
    assert "When resistance to the first two drugs usually appears" in text
    # How to take it, from its label, and the label's warning signs.
    take_at, signs_at = text.index("How to take it"), text.index("Warning signs: get urgent help")
    assert "Sunitinib: if you miss a dose" in text[take_at:signs_at]
    assert "Yellow eyes, dark urine, itching, or pain under the right ribs" in text[signs_at:]


def test_drug_page_only_shows_published_entries(client, library):
    imatinib = Drug.objects.get(slug="imatinib")
    make_entry("draft", title="Draft about imatinib", drugs=[imatinib], status=EntryStatus.DRAFT)
    make_entry("published", title="Published about imatinib", drugs=[imatinib])
    response = client.get(reverse("library:drug", args=["imatinib"]))
    text = visible_text(response.content)
    assert "Published about imatinib" in text
    assert "Draft about imatinib" not in text


def test_drug_page_query_count_is_fixed(client, library, django_assert_max_num_queries):
    add_more_entries()
    # Two more than the other pages: the label's warning signs and their sources.
    with django_assert_max_num_queries(MAX_QUERIES + 2):
        client.get(reverse("library:drug", args=["extratinib"]))


# Sources -----------------------------------------------------------------------------------


def test_sources_page_lists_every_source_with_what_cites_it(client, library):
    response = client.get(reverse("library:sources"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "New Targeted Treatment May Slow Disease in Patients with Advanced GIST" in html
    assert "https://www.cancer.gov/types/soft-tissue-sarcoma/research/regorafenib-gist" in html
    assert "Quoted by:" in html and "Quotes:" in html
    assert "Severe side effects were common on regorafenib" in html


def test_sources_page_hides_draft_entries(client, library):
    symptom = make_symptom()
    make_entry("draft", title="A draft entry", symptoms=[symptom], status=EntryStatus.DRAFT)
    make_entry("published", title="A published entry", symptoms=[symptom])
    text = visible_text(client.get(reverse("library:sources")).content)
    assert "A published entry" in text
    assert "A draft entry" not in text


def test_sources_page_query_count_is_fixed(client, library, django_assert_max_num_queries):
    add_more_entries()
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(reverse("library:sources"))


# Methods -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/library/", "/library/symptoms/headache/", "/library/drugs/imatinib/", "/library/sources/"],
)
def test_pages_refuse_post(client, library, url):
    assert client.post(url).status_code == 405


def test_pages_need_no_login(client, library):
    for url in ("/library/", "/library/symptoms/headache/", "/library/sources/"):
        assert client.get(url).status_code == 200
