"""“This helped me”: one vote per patient and entry, changeable; counts shown from five
voters on the reader's drug; tips ordered by them; never a patient's vote shown to anyone
else. And what sits beside a symptom on the day log, in order of relevance."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from library.models import HELPFUL_COUNT_FLOOR, Entry, EntryKind, HelpfulVote, Symptom
from tests.conftest import make_entry, make_standard_sunitinib, make_user
from tests.pages import visible_text


@pytest.fixture
def tip(library):
    return make_entry(
        "sunitinib-test-tip",
        title="Cold flannel on sore feet",
        kind=EntryKind.TIP,
        symptoms=[Symptom.objects.get(slug="hand-foot-syndrome")],
    )


def vote(client, entry, helpful: str, next_url=""):
    return client.post(
        reverse("journal:helpful", args=[entry.slug]), {"helpful": helpful, "next": next_url}
    )


def on_sunitinib(user, sunitinib):
    make_standard_sunitinib(user, sunitinib, starts_on=user.date_joined.date() - timedelta(30))


def test_a_vote_is_one_per_patient_and_can_be_changed(patient_client, patient, tip, sunitinib):
    on_sunitinib(patient, sunitinib)
    vote(patient_client, tip, "yes")
    vote(patient_client, tip, "no")

    votes = HelpfulVote.objects.filter(patient=patient)
    assert [(v.entry, v.helpful, v.drug.slug) for v in votes] == [(tip, False, "sunitinib")]
    with pytest.raises(IntegrityError):
        HelpfulVote.objects.create(patient=patient, entry=tip, helpful=True)


def test_voting_says_what_was_saved_and_returns_to_the_page(patient_client, tip):
    page = tip.get_absolute_url()
    response = vote(patient_client, tip, "yes", next_url=page)
    assert response.status_code == 302 and response.url == page
    text = visible_text(patient_client.get(page).content)
    assert "Saved, thank you: “Cold flannel on sore feet” helped you." in text
    assert 'aria-pressed="true">This helped me' in patient_client.get(page).content.decode()


def test_a_vote_never_leaves_for_another_site(patient_client, tip):
    response = vote(patient_client, tip, "yes", next_url="https://evil.example/")
    assert response.url == tip.get_absolute_url()


def test_research_takes_no_votes(patient_client, library):
    study = Entry.objects.published().filter(kind=EntryKind.RESEARCH).first()
    assert vote(patient_client, study, "yes").status_code == 404
    assert not HelpfulVote.objects.exists()


def test_votes_need_a_log_in_and_a_post(client, tip):
    response = client.post(reverse("journal:helpful", args=[tip.slug]), {"helpful": "yes"})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not HelpfulVote.objects.exists()


def cast_votes(entry, drug, helpful: int, unhelpful: int = 0):
    """Votes of that many other patients on ``drug``."""
    for n in range(helpful + unhelpful):
        HelpfulVote.objects.create(
            patient=make_user(f"voter-{HelpfulVote.objects.count()}"),
            entry=entry,
            drug=drug,
            helpful=n < helpful,
        )


def test_counts_show_only_from_five_voters_on_the_readers_drug(
    patient_client, patient, tip, sunitinib, imatinib
):
    on_sunitinib(patient, sunitinib)
    page = tip.symptoms.get().get_absolute_url() + "?drug=sunitinib"
    cast_votes(tip, sunitinib, helpful=3, unhelpful=HELPFUL_COUNT_FLOOR - 4)
    cast_votes(tip, imatinib, helpful=10)  # other drugs' patients do not count

    assert "patients on sunitinib" not in visible_text(patient_client.get(page).content)

    cast_votes(tip, sunitinib, helpful=1)
    text = visible_text(patient_client.get(page).content)
    assert "4 of 5 patients on sunitinib who answered found this helped them." in text


def test_tips_are_ordered_by_what_helped_patients_on_the_same_drug(
    patient_client, patient, library, sunitinib, imatinib
):
    feet = Symptom.objects.get(slug="hand-foot-syndrome")
    first = make_entry("aaa-tip", title="AAA tip", kind=EntryKind.TIP, symptoms=[feet])
    liked = make_entry("zzz-tip", title="ZZZ tip", kind=EntryKind.TIP, symptoms=[feet])
    cast_votes(liked, sunitinib, helpful=2)
    cast_votes(first, imatinib, helpful=9)

    html = patient_client.get(feet.get_absolute_url() + "?drug=sunitinib").content.decode()
    assert html.index("ZZZ tip") < html.index("AAA tip")
    html = patient_client.get(feet.get_absolute_url() + "?drug=imatinib").content.decode()
    assert html.index("AAA tip") < html.index("ZZZ tip")


def test_a_patients_vote_is_never_shown_to_their_caregiver(
    patient_client, caregiver, share, patient, tip
):
    vote(patient_client, tip, "yes")
    assert HelpfulVote.objects.get().patient == patient
    caregiver_client = Client()
    caregiver_client.force_login(caregiver)
    page = tip.get_absolute_url().split("#")[0]

    carer_html = caregiver_client.get(page).content.decode()
    assert 'aria-pressed="true"' not in carer_html
    for name in ("care:dashboard", "care:history", "care:trends", "care:report"):
        text = visible_text(caregiver_client.get(reverse(name, args=[share.pk])).content)
        assert "Cold flannel" not in text and "This helped me" not in text, name


def test_beside_a_symptom_the_patients_drug_comes_first_and_research_never(
    patient_client, patient, profile, sunitinib
):
    make_standard_sunitinib(patient, sunitinib, starts_on=profile.today() - timedelta(days=3))
    box = patient_client.get(
        reverse("journal:day_helps", args=[profile.today(), "hand-foot-syndrome"])
    ).content.decode()
    badges = [
        part.split("</span>")[0] for part in box.split('class="badge text-bg-light border">')[1:]
    ]
    # Sunitinib's own guidance first; then any drug; no research, no sorafenib study.
    assert badges[0] == "About sunitinib"
    assert "Research summary" not in box
    assert "Dose reductions were common in the sorafenib GIST trial" not in box


def test_votes_on_the_day_log_do_not_nest_a_form_in_the_day_log(
    patient_client, patient, profile, sunitinib
):
    make_standard_sunitinib(patient, sunitinib, starts_on=profile.today() - timedelta(days=3))
    html = patient_client.get(reverse("journal:day", args=[profile.today()])).content.decode()

    start = html.index('<form method="post" novalidate class="day-log-form">')
    day_form = html[start : html.index("</form>", start)]
    # A nested <form> would end the day log's form early and leave "Save" outside it.
    assert "<form" not in day_form[5:]
    assert "Save this day" in day_form
    assert '<form id="helpful-vote" method="post" hidden>' in html[start + len(day_form) :]
    # The votes, loaded into the day log's "What helps", submit that separate form.
    box = patient_client.get(
        reverse("journal:day_helps", args=[profile.today(), "hand-foot-syndrome"])
    ).content.decode()
    assert 'form="helpful-vote"' in box
