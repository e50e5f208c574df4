"""Password guessing is slowed, and cannot be reset or turned against a patient.

Throttling counts wrong passwords per account *at one address* (5 in 15 minutes), and per
address whatever the account (20 in 15 minutes, against password spraying). A successful log-in
clears only that account's count at that address. Wrong current passwords on the password
change and account deletion pages count like wrong log-ins.
"""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, make_user
from tests.pages import visible_text

ATTACKER = "203.0.113.9"
HOME = "198.51.100.20"
WRONG = "wrong-password-123"
NEW_PASSWORD = "another-long-Password-77"

pytestmark = pytest.mark.django_db


def log_in(username, password, address, client=None):
    client = client or Client()
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def fail(username, address, times=1):
    for _ in range(times):
        response = log_in(username, WRONG, address)
        assert response.status_code in (200, 429)
    return response


def test_the_figures_are_the_ones_the_page_and_readme_give():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.LOGIN_FAILURES_PER_ADDRESS == 20
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


def test_five_wrong_passwords_pause_that_account_at_that_address(patient):
    fail("pat", ATTACKER, times=4)
    fifth = log_in("pat", WRONG, ATTACKER)
    assert fifth.status_code == 429
    assert (
        "logging in from this connection is paused for 15 minutes. This happens after 5 wrong "
        "passwords for one account, or 20 for several accounts."
    ) in visible_text(fifth.content)

    right = log_in("pat", PASSWORD, ATTACKER)
    assert right.status_code == 429
    assert "_auth_user_id" not in right.client.session


def test_attackers_own_log_in_does_not_erase_the_failures_against_a_patient(patient):
    """Four guesses, one good log-in to the attacker's own account, repeat: still paused."""
    make_user("mallory")
    for _round in range(2):
        fail("pat", ATTACKER, times=4)
        own = log_in("mallory", PASSWORD, ATTACKER)
        assert own.status_code == 302  # the attacker's own account is not locked
    assert log_in("pat", PASSWORD, ATTACKER).status_code == 429


def test_someone_elsewhere_cannot_lock_a_patient_out(patient):
    fail("pat", ATTACKER, times=12)
    assert log_in("pat", PASSWORD, ATTACKER).status_code == 429

    at_home = log_in("pat", PASSWORD, HOME)

    assert at_home.status_code == 302
    assert at_home.client.session["_auth_user_id"] == str(patient.pk)


def test_the_patients_own_log_in_clears_their_count_at_their_address(patient):
    fail("pat", HOME, times=4)
    assert log_in("pat", PASSWORD, HOME).status_code == 302
    fail("pat", HOME, times=4)  # a fresh count: four more typos do not lock
    assert log_in("pat", PASSWORD, HOME).status_code == 302


def test_password_spraying_from_one_address_is_paused(patient, stranger):
    for attempt in range(settings.LOGIN_FAILURES_PER_ADDRESS - 1):
        fail(f"someone{attempt}", ATTACKER)
    # A good log-in to the attacker's own account does not reset the address's count.
    make_user("mallory")
    assert log_in("mallory", PASSWORD, ATTACKER).status_code == 302
    last = log_in("someone-else", WRONG, ATTACKER)
    assert last.status_code == 429

    # Every account is paused at that address, even with the right password...
    assert log_in("stranger", PASSWORD, ATTACKER).status_code == 429
    # ...and nobody is paused anywhere else.
    assert log_in("pat", PASSWORD, HOME).status_code == 302


def test_fewer_than_the_address_limit_spread_over_accounts_pause_nobody(patient):
    for attempt in range(settings.LOGIN_FAILURES_PER_ADDRESS - 1):
        fail(f"someone{attempt}", ATTACKER)
    assert log_in("pat", PASSWORD, ATTACKER).status_code == 302


# --- Password checks once signed in -------------------------------------------------------


def signed_in(user, address=HOME):
    client = Client(REMOTE_ADDR=address)
    client.force_login(user)
    return client


def wrong_current_password(client):
    return client.post(
        reverse("password_change"),
        {"old_password": WRONG, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )


def test_wrong_current_passwords_on_password_change_are_paused(patient):
    client = signed_in(patient)
    for _ in range(4):
        assert wrong_current_password(client).status_code == 200
    fifth = wrong_current_password(client)
    assert fifth.status_code == 429
    assert "paused for 15 minutes" in visible_text(fifth.content)

    # Now even the right password changes nothing: the check is not even made.
    right = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert right.status_code == 429
    patient.refresh_from_db()
    assert patient.check_password(PASSWORD)
    # The same count as logging in: the account is paused at that address for log-ins too.
    assert log_in("pat", PASSWORD, HOME).status_code == 429
    assert log_in("pat", PASSWORD, ATTACKER).status_code == 302


def test_wrong_current_passwords_on_password_change_are_recorded(patient):
    wrong_current_password(signed_in(patient))

    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address) == ("pat", HOME)
    assert attempt.path_info == reverse("password_change")
    assert attempt.failures_since_start == 1


def test_a_mistyped_new_password_is_not_counted(patient):
    client = signed_in(patient)
    for _ in range(6):
        response = client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": "typo"},
        )
        assert response.status_code == 200
    assert not AccessAttempt.objects.exists()


def test_wrong_passwords_on_account_deletion_are_paused_and_recorded(patient):
    client = signed_in(patient)
    delete = reverse("journal:account_delete")
    for _ in range(4):
        assert client.post(delete, {"password": WRONG}).status_code == 200
    fifth = client.post(delete, {"password": WRONG})
    assert fifth.status_code == 429
    assert "paused for 15 minutes" in visible_text(fifth.content)

    right = client.post(delete, {"password": PASSWORD})

    assert right.status_code == 429
    assert get_user_model().objects.filter(pk=patient.pk).exists()
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.path_info) == ("pat", HOME, delete)
    assert attempt.failures_since_start == 5


def test_an_empty_password_on_account_deletion_is_not_counted(patient):
    client = signed_in(patient)
    for _ in range(6):
        response = client.post(reverse("journal:account_delete"), {"password": ""})
        assert response.status_code == 200
    assert not AccessAttempt.objects.exists()
