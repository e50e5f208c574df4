"""Who may read whose journal: the access matrix for every journal read page and its caregiver
twin, the caregiver's list, and the access log the patient sees."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from journal.models import AccessEvent, CareShare, DayLog, DigestSubscription, Profile
from tests.conftest import make_day, make_drug, make_share, make_treatment, make_user
from tests.pages import visible_text

# Pages served to the patient under /journal/… and to a caregiver under /care/<share>/….
READ_PAGES = ["dashboard", "history", "trends", "report"]


def care_url(page, share_id):
    return reverse(f"care:{page}", args=[share_id])


@pytest.fixture
def revoked_caregiver(patient):
    user = make_user("former", first_name="Former")
    now = timezone.now()
    make_share(
        patient,
        user,
        accepted_at=now - timedelta(days=3),
        revoked_at=now - timedelta(days=1),
    )
    return user


@pytest.fixture
def revoked_share(revoked_caregiver):
    return CareShare.objects.get(caregiver=revoked_caregiver)


# --- Caregiver pages -------------------------------------------------------------------------


@pytest.mark.parametrize("page", READ_PAGES)
def test_anonymous_is_sent_to_log_in(client, share, page):
    url = care_url(page, share.pk)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert not AccessEvent.objects.exists()


@pytest.mark.parametrize("page", READ_PAGES)
def test_caregiver_reads_and_the_view_is_logged(caregiver_client, caregiver, share, page):
    url = care_url(page, share.pk)
    response = caregiver_client.get(url, {"range": "30"} if page == "trends" else {})

    assert response.status_code == 200
    assert "You are viewing Pat's journal (read-only)" in response.content.decode()
    event = AccessEvent.objects.get()
    assert event.patient == share.patient
    assert event.viewer == caregiver
    assert event.share == share
    assert event.page == page
    assert event.path.startswith(url)
    assert timezone.now() - event.at < timedelta(minutes=1)


@pytest.mark.parametrize("page", READ_PAGES)
def test_caregiver_cannot_write_through_a_shared_page(caregiver_client, share, page):
    response = caregiver_client.post(care_url(page, share.pk), {"note": "changed"})
    assert response.status_code == 403
    assert not AccessEvent.objects.exists()
    assert not DayLog.objects.exists()


@pytest.mark.parametrize("page", READ_PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    ("who", "their_share"), [("revoked_caregiver", "revoked_share"), ("stranger", "share")]
)
def test_a_revoked_caregiver_or_a_stranger_gets_not_found(
    request, client, who, their_share, page, method
):
    client.force_login(request.getfixturevalue(who))
    share = request.getfixturevalue(their_share)
    response = getattr(client, method)(care_url(page, share.pk))
    assert response.status_code == 404
    assert not AccessEvent.objects.exists()


@pytest.mark.parametrize("page", READ_PAGES)
def test_patient_cannot_use_their_own_share_as_a_caregiver(patient_client, share, page):
    assert patient_client.get(care_url(page, share.pk)).status_code == 404


@pytest.mark.parametrize("page", READ_PAGES)
def test_another_shares_id_is_not_found(caregiver_client, caregiver, share, stranger, page):
    # The stranger shares with someone else; the caregiver guesses that share's id.
    other = make_share(stranger, make_user("someone", first_name="Someone"))
    assert caregiver_client.get(care_url(page, other.pk)).status_code == 404
    assert caregiver_client.get(care_url(page, 999_999)).status_code == 404


def test_pending_invitation_gives_no_access(client, patient, stranger):
    pending = make_share(patient, invitee_name="Stranger", invitee_email=stranger.email)
    client.force_login(stranger)
    for page in READ_PAGES:
        assert client.get(care_url(page, pending.pk)).status_code == 404


def test_caregiver_cannot_stop_a_patients_treatment(caregiver_client, patient, share):
    treatment = make_treatment(patient, make_drug("imatinib"), starts_on=date(2025, 1, 1))
    response = caregiver_client.post(
        reverse("journal:treatment_stop", args=[treatment.pk]), {"ends_on": "2025-02-01"}
    )
    assert response.status_code == 403
    treatment.refresh_from_db()
    assert treatment.ends_on is None


def test_caregiver_does_not_see_private_notes(caregiver_client, patient, share):
    today = Profile.objects.for_user(patient).today()
    make_day(patient, today, note="A private worry", for_doctor=True, systolic=151, diastolic=93)
    for page in READ_PAGES:
        response = caregiver_client.get(care_url(page, share.pk))
        text = visible_text(response.content)
        assert response.status_code == 200
        assert "You are viewing Pat's journal (read-only). Their notes are private." in text
        assert "A private worry" not in text
    # The day itself is there to read, only its note is not.
    history = visible_text(caregiver_client.get(care_url("history", share.pk)).content)
    assert "blood pressure 151/93" in history


@pytest.mark.parametrize("page", READ_PAGES)
def test_caregiver_pages_have_no_form_but_log_out(
    caregiver_client, patient, profile, symptoms, today, share, page
):
    profile.last_visit_on = today - timedelta(days=20)
    profile.save()
    make_day(patient, today - timedelta(days=1), {symptoms["fatigue"]: 2}, for_doctor=True)
    query = {"symptom": "fatigue", "start": (today - timedelta(days=9)).isoformat()}

    for params in ({}, query):
        html = caregiver_client.get(care_url(page, share.pk), params).content.decode()
        # The only form is the site-wide log-out button: filters and ranges are links.
        assert re.findall(r"<form[^>]*>", html) == [
            f'<form method="post" action="{reverse("logout")}" class="d-inline">'
        ], params


@pytest.mark.parametrize("page", ["history", "report"])
def test_the_patients_own_pages_keep_their_date_form(patient_client, library, page):
    html = patient_client.get(reverse(f"journal:{page}")).content.decode()
    assert '<form method="get"' in html
    assert 'type="date"' in html


def test_caregiver_allowed_notes_sees_them_in_history(caregiver_client, patient, share):
    share.can_see_notes = True
    share.save()
    today = Profile.objects.for_user(patient).today()
    make_day(patient, today, note="Feet sore after the walk")
    page = caregiver_client.get(care_url("history", share.pk)).content.decode()
    assert "Feet sore after the walk" in page


# --- The patient's own pages -----------------------------------------------------------------


@pytest.mark.parametrize("page", READ_PAGES)
def test_owner_reads_without_an_access_log_entry(patient_client, page):
    response = patient_client.get(reverse(f"journal:{page}"))
    assert response.status_code == 200
    assert not AccessEvent.objects.exists()


@pytest.mark.parametrize("page", READ_PAGES)
def test_owner_cannot_post_to_a_read_page(patient_client, page):
    assert patient_client.post(reverse(f"journal:{page}")).status_code == 405


@pytest.mark.parametrize("page", [*READ_PAGES, "sharing"])
def test_journal_pages_need_log_in(client, page):
    response = client.get(reverse(f"journal:{page}"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("page", READ_PAGES)
def test_caregiver_sees_their_own_journal_not_the_patients(caregiver_client, patient, page):
    today = Profile.objects.for_user(patient).today()
    make_day(patient, today, note="Pat's day")
    response = caregiver_client.get(reverse(f"journal:{page}"))
    assert response.status_code == 200
    assert "read-only" not in response.content.decode()
    assert not AccessEvent.objects.exists()


# --- /care/ ----------------------------------------------------------------------------------


def test_care_list_shows_the_patients_who_share_with_me(caregiver_client, share):
    response = caregiver_client.get(reverse("care:index"))
    page = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["shares"]) == [share]
    assert care_url("trends", share.pk) in page
    assert care_url("history", share.pk) in page
    assert care_url("dashboard", share.pk) in page
    assert not AccessEvent.objects.exists()


def test_care_list_leaves_out_revoked_and_others_shares(client, revoked_caregiver, stranger):
    client.force_login(revoked_caregiver)
    assert list(client.get(reverse("care:index")).context["shares"]) == []
    client.force_login(stranger)
    response = client.get(reverse("care:index"))
    assert list(response.context["shares"]) == []
    assert "Nobody shares a journal with you yet" in response.content.decode()


def test_care_list_needs_log_in_and_get_or_a_digest_choice(client, caregiver_client, share):
    assert caregiver_client.put(reverse("care:index")).status_code == 405
    # A POST is the weekly digest's form (tests/journal/test_digest.py): an empty one saves
    # nothing.
    response = caregiver_client.post(reverse("care:index"))
    assert response.status_code == 200
    assert (
        "Nothing changed: use the form beside a person&#x27;s name." in response.content.decode()
    )
    assert not DigestSubscription.objects.exists()
    caregiver_client.logout()
    response = client.get(reverse("care:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- Navigation ------------------------------------------------------------------------------


def test_nav_shows_people_i_care_for_only_to_caregivers(client, caregiver, stranger):
    client.force_login(caregiver)
    page = client.get(reverse("journal:dashboard")).content.decode()
    assert "My journal" in page
    assert "People I care for" in page

    client.force_login(stranger)
    page = client.get(reverse("journal:dashboard")).content.decode()
    assert "My journal" in page
    assert "People I care for" not in page


def test_a_patient_who_also_cares_for_someone_sees_both(client, patient, stranger):
    make_share(stranger, patient)
    make_day(patient, date(2025, 1, 1))  # keeps a journal of their own
    client.force_login(patient)
    page = client.get(reverse("journal:trends")).content.decode()
    assert reverse("journal:trends") in page
    assert reverse("journal:sharing") in page
    assert reverse("care:index") in page


def test_care_list_query_count_does_not_grow_with_the_patients(
    client, caregiver, django_assert_max_num_queries
):
    client.force_login(caregiver)
    with django_assert_max_num_queries(8) as one:
        assert client.get(reverse("care:index")).status_code == 200
    for n in range(10):
        make_share(make_user(f"patient{n}", first_name=f"P{n}"), caregiver)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("care:index"))
    assert response.content.decode().count("/care/") >= 11


def test_shared_page_menu_knows_whether_the_caregiver_keeps_a_journal(
    caregiver_client, caregiver, share
):
    """The share's lookup also says whether the caregiver keeps a journal of their own (so
    the menu costs no query of its own on a shared page): only the people they care for at
    first, their own journal too once they log a day."""
    url = reverse("care:trends", args=[share.pk])
    assert caregiver_client.get(url).context["nav_role"]() == "caregiver"
    make_day(caregiver, date(2025, 3, 1))
    assert caregiver_client.get(url).context["nav_role"]() == "both"
