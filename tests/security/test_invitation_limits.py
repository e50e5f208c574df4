"""Invitations cannot be used to send mail to strangers at will: a few a day, and the email
carries nothing typed by the sender but the names, on one line, short, with no link in them."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from journal.models import CareShare
from journal.sharing.forms import MAX_INVITATIONS_PER_DAY
from journal.sharing.services import (
    EMAIL_NAME_MAX_LENGTH,
    careshare_invite,
    careshare_revoke,
    email_name,
    invitation_send,
)

SHARING = reverse("journal:sharing")
DAILY_LIMIT = (
    f"You have sent {MAX_INVITATIONS_PER_DAY} invitations in the last 24 hours, the most we "
    "send in a day."
)


def send(client, name="Sam", email="sam@example.org"):
    return client.post(SHARING, {"invitee_name": name, "invitee_email": email})


def invite(patient, n, *, now):
    return careshare_invite(
        patient=patient,
        invitee_name=f"Person {n}",
        invitee_email=f"person{n}@example.org",
        can_see_notes=False,
        now=now,
    ).share


def test_the_invitations_of_a_day_are_limited_withdrawn_ones_included(patient_client, patient):
    now = timezone.now()
    for n in range(MAX_INVITATIONS_PER_DAY):
        share = invite(patient, n, now=now - timedelta(hours=23))
        careshare_revoke(share=share, now=now)  # withdrawn at once: still an email sent

    response = send(patient_client)

    assert response.status_code == 200
    assert DAILY_LIMIT in response.content.decode()
    assert response.context["form"].non_field_errors() == [
        DAILY_LIMIT + " You can invite someone again tomorrow."
    ]
    assert response.context["form"]["invitee_name"].value() == "Sam"  # what was typed is kept
    assert CareShare.objects.count() == MAX_INVITATIONS_PER_DAY
    assert mail.outbox == []


def test_invitations_older_than_a_day_do_not_count(patient_client, patient):
    now = timezone.now()
    for n in range(MAX_INVITATIONS_PER_DAY):
        careshare_revoke(share=invite(patient, n, now=now - timedelta(hours=25)), now=now)

    response = send(patient_client)

    assert response.status_code == 302
    assert len(mail.outbox) == 1


def test_another_patients_invitations_do_not_count(patient_client, patient, stranger):
    now = timezone.now()
    for n in range(MAX_INVITATIONS_PER_DAY):
        careshare_revoke(share=invite(stranger, n, now=now), now=now)

    assert send(patient_client).status_code == 302


# --- Nothing typed but the names, escaped and short -------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Sam, see https://evil.example/login",
        "Visit www.evil.example",
        "Sam evil.example",
        "sam@evil.example",
        "Call 0800 123 456",
        "Sam\nBcc: many@example.org",
        "Sam\u202egnp.exe",
    ],
)
def test_an_invitee_name_that_carries_more_than_a_name_is_refused(patient_client, name):
    response = send(patient_client, name=name)

    assert response.status_code == 200
    assert response.context["form"].errors["invitee_name"] == [
        "Write just their name, as you call them: no web or email address, numbers or line breaks."
    ]
    assert not CareShare.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("name", ["Zoë Núñez-李", "Jean-Luc O’Brien", "Dr. Smith", "Sam Jr."])
def test_real_names_are_accepted(patient_client, name):
    assert send(patient_client, name=name).status_code == 302
    assert CareShare.objects.get().invitee_name == name


def test_the_email_names_people_on_one_short_line_without_links(patient, settings):
    # The patient's own name comes from their settings, typed long before any invitation.
    patient.first_name = "Pat\r\nBcc: many@example.org"
    # Within the account's 150 characters (PostgreSQL holds to them), far beyond the email's.
    patient.last_name = "see evil.example/login " + "x" * 120
    patient.save()
    invitation = careshare_invite(
        patient=patient,
        invitee_name="Sam",
        invitee_email="sam@example.org",
        can_see_notes=False,
        now=timezone.now(),
    )

    invitation_send(invitation=invitation)

    (email,) = mail.outbox
    assert "\n" not in email.subject and "\r" not in email.subject
    assert "Bcc" not in email.extra_headers
    assert email.to == ["sam@example.org"]
    shown = email.subject.removesuffix(" invites you to follow their GIST Journal")
    assert len(shown) == EMAIL_NAME_MAX_LENGTH
    assert shown.startswith("Pat Bcc: many[at]example[.]org see evil[.]example/login x")
    assert shown.endswith("…")
    assert "evil.example" not in email.body
    assert "many@example.org" not in email.body
    assert f"{shown} invites you to follow their GIST Journal" in email.body


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("J.R. Smith", "J.R. Smith"),
        ("Zoë  Núñez-李", "Zoë Núñez-李"),
        ("see https://evil.example", "see https[:]//evil[.]example"),
        ("Pat\u202egnp.exe", "Pat gnp[.]exe"),
    ],
)
def test_names_in_the_email_read_as_typed_unless_they_could_link(typed, shown):
    assert email_name(typed) == shown
