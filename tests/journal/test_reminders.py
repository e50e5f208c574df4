"""Daily reminders: due on the patient's own clock, at most once a day, never with health data,
and stopped by a signed link that needs no log-in."""

import io
import threading
from datetime import UTC, date, datetime, time

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from journal.models import DailyReminder, EmailClaim, Profile
from journal.reminders.services import (
    UNSUBSCRIBE_SALT,
    PassSummary,
    periodic_pass,
    reminder_email,
    reminders_send,
    unsubscribe_token,
)
from library.models import Drug, Symptom
from tests.conftest import make_day, make_user
from tests.pages import email_text, unsubscribe_link

SETTINGS = reverse("journal:settings")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def make_reminded(username, time_zone, at, *, is_on=True):
    """A patient living in ``time_zone`` with a daily reminder at ``at`` (local time)."""
    patient = make_user(username, first_name=username.capitalize())
    Profile.objects.create(user=patient, time_zone=time_zone)
    DailyReminder.objects.create(patient=patient, is_on=is_on, local_time=at)
    return patient


def due_names(now) -> dict[str, date]:
    return {due.reminder.patient.username: due.day for due in DailyReminder.objects.due(now)}


def sent_to() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


# --- When a reminder is due -------------------------------------------------------------------


def test_a_reminder_is_due_when_the_patients_own_clock_reaches_its_time(db):
    make_reminded("london", "Europe/London", time(19, 0))
    make_reminded("tokyo", "Asia/Tokyo", time(19, 0))
    make_reminded("newyork", "America/New_York", time(19, 0))
    # 18:05 UTC on 10 June: 19:05 in London (summer time), 03:05 on the 11th in Tokyo,
    # 14:05 in New York.
    assert due_names(utc(2025, 6, 10, 18, 5)) == {"london": date(2025, 6, 10)}
    # 10:00 UTC: exactly 19:00 in Tokyo.
    assert due_names(utc(2025, 6, 10, 10, 0)) == {"tokyo": date(2025, 6, 10)}
    # 23:00 UTC: 19:00 in New York (daylight time), still the 10th there.
    assert due_names(utc(2025, 6, 10, 23, 0)) == {"newyork": date(2025, 6, 10)}


def test_a_reminder_not_yet_due_waits(db):
    make_reminded("london", "Europe/London", time(19, 0))
    assert due_names(utc(2025, 6, 10, 17, 59)) == {}  # 18:59 in London
    assert due_names(utc(2025, 1, 10, 18, 59)) == {}  # 18:59 in winter (GMT)
    assert due_names(utc(2025, 1, 10, 19, 0)) == {"london": date(2025, 1, 10)}


def test_a_logged_day_gets_no_reminder_but_another_day_logged_does_not_count(db):
    logged = make_reminded("logged", "Europe/London", time(19, 0))
    other = make_reminded("other", "Europe/London", time(19, 0))
    make_day(logged, date(2025, 6, 10))
    make_day(other, date(2025, 6, 9))
    assert due_names(utc(2025, 6, 10, 18, 30)) == {"other": date(2025, 6, 10)}


def test_a_reminder_switched_off_or_without_an_email_address_is_not_due(db):
    make_reminded("off", "Europe/London", time(8, 0), is_on=False)
    nomail = make_reminded("nomail", "Europe/London", time(8, 0))
    nomail.email = ""
    nomail.save()
    assert due_names(utc(2025, 6, 10, 12, 0)) == {}


def test_on_the_spring_forward_night_a_reminder_at_a_time_that_never_happens_goes_at_3(db):
    # New York, 9 March 2025: the clocks jump from 02:00 EST to 03:00 EDT, 02:30 never exists.
    make_reminded("skipped", "America/New_York", time(2, 30))
    make_reminded("morning", "America/New_York", time(8, 0))
    assert due_names(utc(2025, 3, 9, 6, 59)) == {}  # 01:59 EST
    assert due_names(utc(2025, 3, 9, 7, 0)) == {"skipped": date(2025, 3, 9)}  # 03:00 EDT
    # 08:00 is 12:00 UTC in daylight time (it was 13:00 UTC the day before).
    assert "morning" not in due_names(utc(2025, 3, 9, 11, 59))
    assert due_names(utc(2025, 3, 9, 12, 0))["morning"] == date(2025, 3, 9)
    assert "morning" not in due_names(utc(2025, 3, 8, 12, 30))  # 07:30 EST the day before


def test_on_the_fall_back_night_a_time_that_happens_twice_is_sent_once(db, mailoutbox):
    make_reminded("twice", "America/New_York", time(1, 30))
    periodic_pass(now=utc(2025, 11, 2, 5, 30))  # 01:30 EDT
    periodic_pass(now=utc(2025, 11, 2, 6, 30))  # 01:30 EST, an hour later
    assert sent_to() == ["twice@example.org"]


# --- Sending ----------------------------------------------------------------------------------


def test_a_due_reminder_is_sent_once_a_day(db, mailoutbox):
    make_reminded("london", "Europe/London", time(19, 0))
    first = periodic_pass(now=utc(2025, 6, 10, 18, 0))
    second = periodic_pass(now=utc(2025, 6, 10, 18, 1))
    assert (first.reminders, second.reminders) == (1, 0)
    assert sent_to() == ["london@example.org"]
    assert EmailClaim.objects.get().period == date(2025, 6, 10)
    periodic_pass(now=utc(2025, 6, 11, 18, 0))  # the next day, not logged either
    assert len(mail.outbox) == 2


def test_two_senders_that_both_see_a_reminder_due_send_it_once(db, mailoutbox):
    make_reminded("london", "Europe/London", time(19, 0))
    now = utc(2025, 6, 10, 18, 0)
    seen_by_first = DailyReminder.objects.due(now)
    periodic_pass(now=now)  # the second sender, faster
    summary = PassSummary()
    reminders_send(due=seen_by_first, now=now, connection=None, summary=summary)
    assert summary.reminders == 0
    assert sent_to() == ["london@example.org"]


@pytest.mark.django_db(transaction=True)
def test_two_senders_running_at_the_same_moment_send_each_reminder_once(mailoutbox):
    """Two threads, each with its own connection. SQLite's in-memory test database locks
    whole tables between threads ("database table is locked"), which a real file does not:
    there, two sender processes on a file database test the same
    (tests/journal/test_periodic_cleanup.py)."""
    if connection.vendor != "postgresql":
        pytest.skip("threads share SQLite's in-memory test database badly; see the docstring")
    for n in range(5):
        make_reminded(f"patient{n}", "Europe/London", time(19, 0))
    now = utc(2025, 6, 10, 18, 0)
    start = threading.Barrier(2)
    errors = []

    def sender():
        try:
            start.wait()
            periodic_pass(now=now)
        except Exception as exc:  # reported below, in the test's own thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sent_to() == [f"patient{n}@example.org" for n in range(5)]
    assert EmailClaim.objects.count() == 5


def test_a_reminder_missed_while_nothing_ran_goes_once_when_sending_resumes(db, mailoutbox):
    make_reminded("london", "Europe/London", time(8, 0))
    # Nothing ran from 07:00 to 15:00 London time; the first pass after is late but same day.
    resumed = periodic_pass(now=utc(2025, 6, 10, 14, 0))
    periodic_pass(now=utc(2025, 6, 10, 14, 1))
    assert resumed.reminders == 1
    assert sent_to() == ["london@example.org"]
    assert date(2025, 6, 10).isoformat() in mail.outbox[0].body


def test_a_reminder_missed_yesterday_is_not_sent_the_next_day(db, mailoutbox):
    make_reminded("london", "Europe/London", time(20, 0))
    # Down from before 20:00 on the 10th until 07:00 on the 11th, before the 11th's time.
    assert periodic_pass(now=utc(2025, 6, 11, 6, 0)).reminders == 0
    assert mail.outbox == []


def test_a_send_that_fails_gives_its_claim_back_for_the_next_pass(db, mailoutbox, settings):
    make_reminded("london", "Europe/London", time(19, 0))
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    failed = periodic_pass(now=utc(2025, 6, 10, 18, 0))
    assert (failed.reminders, failed.failed) == (0, 1)
    assert not EmailClaim.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert periodic_pass(now=utc(2025, 6, 10, 18, 1)).reminders == 1


def test_a_pass_costs_the_same_queries_for_twice_the_patients(
    db, mailoutbox, django_assert_max_num_queries
):
    def patients(first, count, at):
        for n in range(first, first + count):
            make_reminded(f"p{n}", "Europe/London", at)

    patients(0, 5, time(21, 0))  # not due at 18:00 UTC (19:00 London)
    with django_assert_max_num_queries(20) as idle:
        periodic_pass(now=utc(2025, 6, 10, 18, 0))
    patients(5, 5, time(21, 0))
    with django_assert_max_num_queries(len(idle.captured_queries)):
        periodic_pass(now=utc(2025, 6, 10, 18, 1))
    # Each email sent adds its claim (a savepoint, the insert, its release): a fixed cost.
    patients(10, 3, time(19, 0))
    with django_assert_max_num_queries(len(idle.captured_queries) + 3 * 3) as three:
        assert periodic_pass(now=utc(2025, 6, 10, 18, 2)).reminders == 3
    patients(13, 6, time(19, 0))
    with django_assert_max_num_queries(len(three.captured_queries) + 3 * 3):
        assert periodic_pass(now=utc(2025, 6, 10, 18, 3)).reminders == 6


# --- What the email says ---------------------------------------------------------------------


@pytest.fixture
def reminded_journal(patient, short_journal):
    """The short journal's patient (Paris), reminded at 19:00; 9 April 2025 not logged."""
    return DailyReminder.objects.create(patient=patient, is_on=True, local_time=time(19, 0))


def test_the_reminder_links_to_the_days_log_and_carries_unsubscribe_headers(
    reminded_journal, mailoutbox, settings
):
    settings.SITE_URL = "https://journal.example.org"
    periodic_pass(now=utc(2025, 4, 9, 17, 30))  # 19:30 in Paris
    (message,) = mail.outbox
    assert message.to == ["pat@example.org"]
    assert message.subject == "Wednesday 9 April: not logged yet in your GIST Journal"
    assert "https://journal.example.org/journal/day/2025-04-09/" in message.body
    assert message.body.startswith("Hello Pat,")
    link, named = unsubscribe_link(message)
    assert link.startswith("https://journal.example.org/journal/unsubscribe/")
    assert named == ("reminder", reminded_journal.pk)
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_reminder_carries_no_health_data(reminded_journal, mailoutbox, patient):
    periodic_pass(now=utc(2025, 4, 9, 17, 30))
    (message,) = mail.outbox
    text = email_text(message)
    forbidden = [
        *Symptom.objects.values_list("name", flat=True),
        *Drug.objects.values_list("name", flat=True),
        "Teva",
        "tired after the walk",
        "-3 times",
        "131",
        "71.5",
        "mg",
    ]
    assert [word for word in forbidden if word.lower() in text] == []


def test_a_name_is_written_so_no_mail_program_makes_a_link_of_it(db):
    patient = make_reminded("x", "Europe/London", time(8, 0))
    patient.first_name = "evil.example\nBcc: someone"
    patient.save()
    (due,) = DailyReminder.objects.due(utc(2025, 6, 10, 12, 0))
    body = reminder_email(due).body
    assert body.startswith("Hello evil[.]example Bcc: someone,")


# --- Unsubscribing ----------------------------------------------------------------------------


def unsubscribe_url(reminder) -> str:
    return reverse("journal:unsubscribe", args=[unsubscribe_token("reminder", reminder.pk)])


@pytest.fixture
def reminder(db):
    make_reminded("other", "Europe/London", time(19, 0))
    return DailyReminder.objects.get(patient=make_reminded("london", "Europe/London", time(19, 0)))


def test_opening_the_unsubscribe_link_asks_and_changes_nothing(client, reminder):
    response = client.get(unsubscribe_url(reminder))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Stop these emails?" in text
    assert "no more daily reminders" in text
    reminder.refresh_from_db()
    assert reminder.is_on


def test_the_unsubscribe_page_costs_a_fixed_handful_of_queries(
    client, reminder, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        assert "Stop these emails?" in client.get(unsubscribe_url(reminder)).content.decode()
    with django_assert_max_num_queries(3):
        client.post(unsubscribe_url(reminder))
    reminder.refresh_from_db()
    assert not reminder.is_on


def test_the_button_turns_off_that_reminder_only_without_logging_in(client, reminder):
    response = client.post(unsubscribe_url(reminder))
    assert response.status_code == 200
    assert "Done: these emails are off" in response.content.decode()
    reminder.refresh_from_db()
    assert (reminder.is_on, reminder.local_time) == (False, time(19, 0))
    assert DailyReminder.objects.get(patient__username="other").is_on
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("journal:dashboard")).url.startswith(reverse("login"))


def test_a_mail_programs_one_click_post_needs_no_csrf_token(reminder):
    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(
        unsubscribe_url(reminder),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    reminder.refresh_from_db()
    assert not reminder.is_on


def test_a_used_link_says_the_emails_are_already_off(client, reminder):
    client.post(unsubscribe_url(reminder))
    for method in (client.get, client.post):
        response = method(unsubscribe_url(reminder))
        assert response.status_code == 200
        assert "These emails are already off" in response.content.decode()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # the signature
        lambda token: signing.dumps(["reminder", 999], salt=UNSUBSCRIBE_SALT)[:-2] + "xx",
        lambda token: signing.dumps(["reminder", 1]),  # signed by us, for another purpose
        lambda token: signing.dumps(["everything", 1], salt=UNSUBSCRIBE_SALT),
        lambda token: "not-a-token",
    ],
    ids=["signature", "another id", "another salt", "another kind", "garbage"],
)
def test_a_tampered_link_is_refused_in_plain_words_and_changes_nothing(client, reminder, tamper):
    url = reverse("journal:unsubscribe", args=[tamper(unsubscribe_token("reminder", reminder.pk))])
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 404
        assert "This link is not valid" in response.content.decode()
    assert DailyReminder.objects.filter(is_on=True).count() == 2


def test_a_reminders_token_cannot_stop_a_digest_with_the_same_id(client, reminder, share):
    from journal.models import DigestSubscription

    digest = DigestSubscription.objects.create(share=share, weekday=0, pk=reminder.pk)
    client.post(unsubscribe_url(reminder))
    assert DigestSubscription.objects.filter(pk=digest.pk).exists()


# --- The settings page ------------------------------------------------------------------------


def settings_data(symptoms, **overrides):
    return {
        "name": "Pat",
        "time_zone": "Europe/Paris",
        "tracked_symptoms": [symptoms["fatigue"].pk],
        **overrides,
    }


def test_a_patient_turns_on_a_reminder_at_a_time_of_their_choosing(
    patient_client, patient, symptoms, profile
):
    page = patient_client.get(SETTINGS).content.decode()
    assert "Email me a reminder when a day is not logged yet" in page
    assert 'value="20:00"' in page  # the suggested time
    data = settings_data(symptoms, reminder_on="on", reminder_time="07:45")
    assert patient_client.post(SETTINGS, data).status_code == 302
    reminder = DailyReminder.objects.get(patient=patient)
    assert (reminder.is_on, reminder.local_time) == (True, time(7, 45))
    assert 'value="07:45"' in patient_client.get(SETTINGS).content.decode()
    # Off, and the time is remembered.
    patient_client.post(SETTINGS, settings_data(symptoms, reminder_time=""))
    reminder.refresh_from_db()
    assert (reminder.is_on, reminder.local_time) == (False, time(7, 45))


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "Choose the time of your reminder, e.g. 19:30."), ("25:00", "Give a time of day")],
)
def test_a_reminder_without_a_good_time_is_refused_beside_the_field(
    patient_client, patient, symptoms, profile, typed, message
):
    data = settings_data(symptoms, reminder_on="on", reminder_time=typed, care_team_phone="")
    response = patient_client.post(SETTINGS, data)
    assert response.status_code == 200
    assert message in response.context["form"].errors["reminder_time"][0]
    assert not DailyReminder.objects.filter(patient=patient).exists()
    assert Profile.objects.get(user=patient).time_zone != "Europe/Paris"  # nothing half-saved


def test_a_caregiver_who_keeps_no_journal_is_not_offered_a_reminder(caregiver_client):
    page = caregiver_client.get(SETTINGS).content.decode()
    assert "Your name, as the people you care for see it" in page
    assert "reminder" not in page.lower()


# --- The command ------------------------------------------------------------------------------


def test_send_reminders_once_prints_one_line_of_counts(db, mailoutbox):
    make_reminded("early", "Europe/London", time(0, 0))
    out = io.StringIO()
    call_command("send_reminders", "--once", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert "sent 1 reminder(s) and 0 digest(s), 0 failed" in lines[0]
    assert "0 pending imports" in lines[0]
    assert sent_to() == ["early@example.org"]
