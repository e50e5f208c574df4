"""A caregiver's weekly digest: only if the patient allows it, on the weekday the caregiver
chose, counts and links only; a revoked share, a withdrawn permission or an opt-out stop it."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from journal.account.services import account_delete
from journal.models import (
    CareShare,
    DailyReminder,
    DigestSubscription,
    EmailClaim,
    Profile,
    Weekday,
)
from journal.reminders.services import periodic_pass, unsubscribe_token
from journal.sharing.services import careshare_revoke
from library.models import Drug, Symptom
from tests.conftest import make_day, make_share, make_user
from tests.pages import email_text, unsubscribe_link

CARE_INDEX = reverse("care:index")
SHARING = reverse("journal:sharing")
# Monday 16 June 2025, 08:00 in London (summer time) is 07:00 UTC.
MONDAY_8AM = datetime(2025, 6, 16, 7, 0, tzinfo=UTC)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def allowed(share):
    share.allows_digest = True
    share.save()
    return share


@pytest.fixture
def subscribed(allowed, caregiver):
    """The caregiver (London) asked for the digest on Mondays."""
    Profile.objects.create(user=caregiver, time_zone="Europe/London")
    return DigestSubscription.objects.create(share=allowed, weekday=Weekday.MONDAY)


def sent_to() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


# --- When a digest goes -----------------------------------------------------------------------


def test_the_digest_goes_on_the_chosen_weekday_from_8_in_the_caregivers_time(
    subscribed, mailoutbox
):
    assert periodic_pass(now=MONDAY_8AM - timedelta(minutes=1)).digests == 0
    assert periodic_pass(now=MONDAY_8AM - timedelta(days=1)).digests == 0  # Sunday
    assert periodic_pass(now=MONDAY_8AM).digests == 1
    assert periodic_pass(now=MONDAY_8AM + timedelta(hours=3)).digests == 0  # once
    assert sent_to() == ["carey@example.org"]
    assert EmailClaim.objects.get().period == date(2025, 6, 16)
    assert periodic_pass(now=MONDAY_8AM + timedelta(days=7)).digests == 1  # next week


def test_a_caregiver_in_tokyo_gets_it_on_their_own_monday(allowed, caregiver, mailoutbox):
    Profile.objects.create(user=caregiver, time_zone="Asia/Tokyo")
    DigestSubscription.objects.create(share=allowed, weekday=Weekday.MONDAY)
    # 23:00 UTC on Sunday is 08:00 on Monday in Tokyo.
    assert periodic_pass(now=utc(2025, 6, 15, 22, 59)).digests == 0
    assert periodic_pass(now=utc(2025, 6, 15, 23, 0)).digests == 1


def test_changing_the_weekday_after_this_weeks_digest_sends_no_second_one(subscribed, mailoutbox):
    periodic_pass(now=MONDAY_8AM)
    subscribed.weekday = Weekday.FRIDAY
    subscribed.save()
    assert periodic_pass(now=MONDAY_8AM + timedelta(days=4)).digests == 0


# --- What it says -----------------------------------------------------------------------------


@pytest.fixture
def week_logged(patient, subscribed, symptoms, imatinib):
    """Three of the seven days before Monday 16 June logged, one of them severe diarrhoea
    (an alert), one with a note and blood pressure; a day outside the week."""
    make_day(patient, date(2025, 6, 9), {symptoms["diarrhoea"]: 3}, note="Zqxsecret note")
    make_day(patient, date(2025, 6, 11), {symptoms["fatigue"]: 1}, systolic=128, diastolic=82)
    make_day(patient, date(2025, 6, 15), {})
    make_day(patient, date(2025, 6, 16), {symptoms["diarrhoea"]: 4})  # today: next week's
    make_day(patient, date(2025, 6, 8), {symptoms["diarrhoea"]: 4})  # the week before


def test_the_digest_counts_the_days_logged_and_those_that_raised_an_alert(
    week_logged, mailoutbox, settings, subscribed
):
    settings.SITE_URL = "https://journal.example.org"
    periodic_pass(now=MONDAY_8AM)
    (message,) = mail.outbox
    assert message.subject == "Your weekly summary of Pat's GIST Journal"
    body = message.body
    assert body.startswith("Hello Carey,")
    assert "for the 7 days from Monday 9 June to Sunday 15 June" in body
    assert "Days logged: 3 of 7" in body
    assert "Days that raised an alert: 1" in body
    share = subscribed.share
    assert f"https://journal.example.org/care/{share.pk}/" in body
    link, named = unsubscribe_link(message)
    assert link.startswith("https://journal.example.org/journal/unsubscribe/")
    assert named == ("digest", subscribed.pk)
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_digest_carries_no_health_data(week_logged, mailoutbox):
    periodic_pass(now=MONDAY_8AM)
    (message,) = mail.outbox
    text = email_text(message)
    forbidden = [
        *Symptom.objects.values_list("name", flat=True),
        *Drug.objects.values_list("name", flat=True),
        "zqxsecret",
        "128",
        "severe",
        "grade",
    ]
    assert [word for word in forbidden if word.lower() in text] == []


# --- What stops it ----------------------------------------------------------------------------


def test_no_digest_unless_the_patient_allows_it(share, caregiver, mailoutbox):
    DigestSubscription.objects.create(share=share, weekday=Weekday.MONDAY)  # not allowed
    assert periodic_pass(now=MONDAY_8AM).digests == 0
    assert mail.outbox == []


def test_a_revoked_share_stops_its_digest(subscribed, mailoutbox):
    CareShare.objects.filter(pk=subscribed.share_id).update(revoked_at=timezone.now())
    assert periodic_pass(now=MONDAY_8AM).digests == 0  # even if the row were left
    careshare_revoke(share=subscribed.share, now=timezone.now())
    assert not DigestSubscription.objects.exists()


def test_the_patient_withdrawing_permission_ends_the_digest(
    patient_client, subscribed, mailoutbox
):
    share = subscribed.share
    response = patient_client.post(
        reverse("journal:sharing_digest", args=[share.pk]), {"allow": "no"}, follow=True
    )
    assert "Carey will get no weekly email about you." in response.content.decode()
    share.refresh_from_db()
    assert not share.allows_digest
    assert not DigestSubscription.objects.exists()
    assert periodic_pass(now=MONDAY_8AM).digests == 0


def test_the_caregiver_opting_out_ends_the_digest(caregiver_client, subscribed, mailoutbox):
    response = caregiver_client.post(
        CARE_INDEX, {"share": subscribed.share_id, "weekday": ""}, follow=True
    )
    assert "No more weekly summaries about Pat." in response.content.decode()
    assert not DigestSubscription.objects.exists()
    assert periodic_pass(now=MONDAY_8AM).digests == 0


def test_the_digests_unsubscribe_link_ends_it(client, subscribed, mailoutbox):
    url = reverse("journal:unsubscribe", args=[unsubscribe_token("digest", subscribed.pk)])
    assert "no more weekly summaries" in client.get(url).content.decode()
    assert "Done: these emails are off" in client.post(url).content.decode()
    assert not DigestSubscription.objects.exists()
    assert CareShare.objects.get(pk=subscribed.share_id).is_active  # nothing else changed
    assert "These emails are already off" in client.post(url).content.decode()


def test_deleting_an_account_removes_its_reminder_digests_and_claims(
    patient, caregiver, subscribed, mailoutbox
):
    DailyReminder.objects.create(patient=patient, is_on=True, local_time=time(0, 0))
    periodic_pass(now=MONDAY_8AM)
    assert EmailClaim.objects.count() == 2  # the caregiver's digest, the patient's reminder
    account_delete(user=caregiver)
    assert not DigestSubscription.objects.exists()
    assert list(EmailClaim.objects.values_list("kind", flat=True)) == ["reminder"]
    account_delete(user=patient)
    assert not DailyReminder.objects.exists()
    assert not EmailClaim.objects.exists()


# --- The pages --------------------------------------------------------------------------------


def test_the_patient_allows_the_digest_on_the_sharing_page(patient_client, share):
    page = patient_client.get(SHARING).content.decode()
    assert "No weekly summary by email." in page
    assert "Allow a weekly summary to Carey" in page
    assert "Never your symptoms, doses, readings or notes." in page
    response = patient_client.post(
        reverse("journal:sharing_digest", args=[share.pk]), {"allow": "yes"}, follow=True
    )
    text = response.content.decode()
    assert "Carey may now ask for a weekly email" in text
    assert "Weekly summary allowed: they have not asked for it." in text
    assert "Stop the weekly summary to Carey" in text
    share.refresh_from_db()
    assert share.allows_digest


def test_the_sharing_page_says_which_day_the_caregiver_chose(patient_client, subscribed):
    page = patient_client.get(SHARING).content.decode()
    assert "Weekly summary allowed: sent to them every Monday." in page


def test_a_caregiver_cannot_allow_their_own_digest(caregiver_client, share):
    url = reverse("journal:sharing_digest", args=[share.pk])
    assert caregiver_client.post(url, {"allow": "yes"}).status_code == 403
    share.refresh_from_db()
    assert not share.allows_digest


def test_a_stranger_cannot_allow_a_digest(stranger_client, share):
    url = reverse("journal:sharing_digest", args=[share.pk])
    assert stranger_client.post(url, {"allow": "yes"}).status_code == 404
    assert stranger_client.get(url).status_code == 405
    share.refresh_from_db()
    assert not share.allows_digest


def test_a_bad_answer_changes_nothing(patient_client, share):
    url = reverse("journal:sharing_digest", args=[share.pk])
    response = patient_client.post(url, {"allow": "maybe"}, follow=True)
    assert "Nothing changed" in response.content.decode()
    share.refresh_from_db()
    assert not share.allows_digest


def test_the_caregiver_chooses_a_weekday_when_the_patient_allows_it(
    caregiver_client, allowed, patient
):
    page = caregiver_client.get(CARE_INDEX).content.decode()
    assert "Weekly summary about Pat" in page
    response = caregiver_client.post(
        CARE_INDEX, {"share": allowed.pk, "weekday": str(Weekday.THURSDAY)}, follow=True
    )
    assert "You will get a summary about Pat every Thursday." in response.content.decode()
    assert DigestSubscription.objects.get(share=allowed).weekday == Weekday.THURSDAY
    page = caregiver_client.get(CARE_INDEX).content.decode()
    assert '<option value="3" selected>Thursday</option>' in page


def test_the_caregiver_is_told_when_the_patient_has_not_allowed_it(caregiver_client, share):
    page = caregiver_client.get(CARE_INDEX).content.decode()
    assert "A weekly summary by email is possible if Pat allows it" in page
    response = caregiver_client.post(CARE_INDEX, {"share": share.pk, "weekday": "0"})
    assert response.status_code == 200
    assert "no longer allows a weekly summary" in response.content.decode()
    assert not DigestSubscription.objects.exists()


def test_a_bad_weekday_is_refused_beside_the_field(caregiver_client, allowed):
    response = caregiver_client.post(CARE_INDEX, {"share": allowed.pk, "weekday": "9"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Choose a day of the week, or no weekly summary." in text
    assert f'id="id_weekday_{allowed.pk}"' in text
    assert not DigestSubscription.objects.exists()


def test_a_caregiver_cannot_subscribe_to_someone_elses_share(stranger_client, allowed):
    response = stranger_client.post(CARE_INDEX, {"share": allowed.pk, "weekday": "0"})
    assert response.status_code == 200
    assert not DigestSubscription.objects.exists()


def test_a_revoked_caregiver_cannot_subscribe(caregiver_client, allowed):
    careshare_revoke(share=allowed, now=timezone.now())
    caregiver_client.post(CARE_INDEX, {"share": allowed.pk, "weekday": "0"})
    assert not DigestSubscription.objects.exists()


def test_the_care_page_query_count_is_fixed_with_digests(
    caregiver_client, caregiver, django_assert_max_num_queries
):
    with django_assert_max_num_queries(9) as one:
        assert caregiver_client.get(CARE_INDEX).status_code == 200
    for n in range(6):
        other = make_share(make_user(f"pt{n}", first_name=f"P{n}"), caregiver, allows_digest=True)
        if n % 2:
            DigestSubscription.objects.create(share=other, weekday=n)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = caregiver_client.get(CARE_INDEX).content.decode()
    assert page.count("Save the weekly summary for") == 6
