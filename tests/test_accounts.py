"""Sign up, log in, log out, password change and reset; the landing page."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from gistjournal.middleware import REMEMBERED_ON
from tests.conftest import PASSWORD
from tests.pages import visible_text

NEW_PASSWORD = "another-long-Password-77"


def test_visitor_sees_landing_page_with_sign_up_and_log_in(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Create a free account" in response.content
    assert reverse("login").encode() in response.content
    assert b"does not replace medical advice" in response.content


def test_signed_in_user_is_sent_from_landing_to_journal(patient_client):
    response = patient_client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("journal:dashboard")


def sign_up(client, *, email="new@example.org", password=NEW_PASSWORD):
    """Post the sign-up form for ``newpatient``: a valid one unless told otherwise."""
    return client.post(
        reverse("signup"),
        {
            "first_name": "Nia Patel",
            "username": "newpatient",
            "email": email,
            "password1": password,
            "password2": password,
        },
    )


def test_sign_up_creates_account_and_logs_in(client, db):
    response = sign_up(client)
    assert response.status_code == 302
    # The first day's first step: the drug and dose.
    assert response.url == reverse("journal:first_day_treatment")
    user = get_user_model().objects.get(username="newpatient")
    assert user.email == "new@example.org"
    assert client.get(reverse("journal:dashboard")).wsgi_request.user == user
    # The name given is the one the report and caregivers read, not the account name.
    assert "Clinic report: Nia Patel" in visible_text(
        client.get(reverse("journal:report")).content
    )


# What Django says to developers, on its account forms.
DJANGO_HELP = (
    "150 characters or fewer",
    "Letters, digits and @/./+/-/_ only",
    "Your password can’t be too similar to your other personal information",
    "Your password must contain at least",
    "Your password can’t be a commonly used password",
    "Your password can’t be entirely numeric",
    "Enter the same password as before, for verification",
)
PLAIN_PASSWORD_HELP = (
    "At least 12 characters. A few words in a row are easy to remember and hard to guess. "
    "Not a common password, not only numbers, and not like your name or email."
)
PASSWORD_AGAIN_HELP = "The same password once more, so that a typo cannot lock you out."


def assert_plain_account_form(text):
    for developer_words in DJANGO_HELP:
        assert developer_words not in text
    assert PLAIN_PASSWORD_HELP in text
    assert PASSWORD_AGAIN_HELP in text


def test_sign_up_asks_for_a_name_in_plain_words(client, db):
    text = visible_text(client.get(reverse("signup")).content)
    assert "Your name" in text
    assert "You log in with it. Letters, numbers and @ . + - _ only, no spaces." in text
    assert_plain_account_form(text)

    response = client.post(reverse("signup"), {"username": "noname", "email": "n@example.org"})
    assert "Your name" in visible_text(response.content)
    assert not get_user_model().objects.filter(username="noname").exists()


@pytest.mark.parametrize(
    ("email", "password", "reason"),
    [
        ("new@example.org", "1234", "This password is too short"),
        ("new@example.org", "Gist-journ1", "at least 12 characters"),  # 11 characters
        # 12 characters, and in Django's common-passwords.txt.gz
        ("new@example.org", "password1234", "This password is too common"),
        ("", NEW_PASSWORD, "This field is required"),
    ],
    ids=["weak password", "eleven characters", "common however long", "no email"],
)
def test_sign_up_is_refused_with_the_reason_and_keeps_what_was_typed(
    client, db, email, password, reason
):
    response = sign_up(client, email=email, password=password)
    assert response.status_code == 200
    assert reason.encode() in response.content
    assert b'value="newpatient"' in response.content
    assert not get_user_model().objects.filter(username="newpatient").exists()


def test_sign_up_refusals_are_in_plain_words(client, patient):
    response = client.post(
        reverse("signup"),
        {
            "first_name": "Nia",
            "username": "nia patel",
            "email": "nia@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD + "x",
        },
    )
    text = visible_text(response.content)
    assert "Use only letters, numbers and @ . + - _ (no spaces)." in text
    assert "The two passwords are not the same. Please type both again." in text
    assert "password fields" not in text

    taken = client.post(
        reverse("signup"),
        {
            "first_name": "Pat again",
            "username": "PAT",  # "pat" in other capitals
            "email": "pat2@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert "That username is taken: please choose another." in visible_text(taken.content)
    assert not get_user_model().objects.filter(email="pat2@example.org").exists()


def test_every_sign_up_input_has_a_label(client, db):
    html = client.get(reverse("signup")).content.decode()
    for field in ("id_first_name", "id_username", "id_email", "id_password1", "id_password2"):
        assert f'for="{field}"' in html


def test_log_in_and_out(client, patient):
    response = client.post(reverse("login"), {"username": "pat", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # signed in: sent to the journal
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_log_in_with_wrong_password_is_refused(client, patient):
    response = client.post(reverse("login"), {"username": "pat", "password": "wrong-password"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_log_out_is_post_only(patient_client):
    assert patient_client.get(reverse("logout")).status_code == 405


def test_journal_requires_log_in(client):
    response = client.get(reverse("journal:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_password_change(patient_client, patient):
    response = patient_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.check_password(NEW_PASSWORD)


def test_password_change_speaks_plainly(patient_client, patient):
    text = visible_text(patient_client.get(reverse("password_change")).content)
    assert "Your current password" in text
    assert_plain_account_form(text)

    response = patient_client.post(
        reverse("password_change"),
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert "That is not your current password. Please type it again." in visible_text(
        response.content
    )
    patient.refresh_from_db()
    assert patient.check_password(PASSWORD)


def reset_link(client, patient) -> str:
    """The path of the reset link emailed to ``patient``, as its first visit leaves it."""
    client.post(reverse("password_reset"), {"email": patient.email})
    path = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    return client.get(path).url  # Django swaps the token for one in the session


def test_choosing_a_new_password_from_a_reset_link_speaks_plainly(client, patient):
    set_password = reset_link(client, patient)
    text = visible_text(client.get(set_password).content)
    assert "Choose a new password" in text
    assert_plain_account_form(text)

    response = client.post(
        set_password, {"new_password1": NEW_PASSWORD, "new_password2": "something-else-99"}
    )
    text = visible_text(response.content)
    assert "The two passwords are not the same. Please type both again." in text
    patient.refresh_from_db()
    assert patient.check_password(PASSWORD)

    response = client.post(
        set_password, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.check_password(NEW_PASSWORD)


def test_every_page_with_a_password_field_loads_the_show_password_button(client, patient):
    def page(url):
        html = client.get(url).content.decode()
        assert 'type="password"' in html, url
        return html

    pages = [page(reverse("signup")), page(reverse("login")), page(reset_link(client, patient))]
    client.force_login(patient)
    pages += [page(reverse("password_change")), page(reverse("journal:account_delete"))]
    for html in pages:
        assert '<script src="/static/js/show-password.js" defer>' in html


def test_password_reset_sends_email(client, patient):
    response = client.post(reverse("password_reset"), {"email": patient.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_password_reset_for_unknown_address_looks_the_same(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_unknown_page_is_a_friendly_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"We could not find that page" in response.content


def test_health_check_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_session_ends_with_the_browser_by_default(client, patient):
    client.post(reverse("login"), {"username": "pat", "password": PASSWORD})
    assert client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == 12 * 60 * 60


def test_keep_me_signed_in_lasts_thirty_days_from_the_last_day_of_use(client, patient):
    text = visible_text(client.get(reverse("login")).content)
    assert "On a shared computer or phone leave it unticked" in text
    client.post(reverse("login"), {"username": "pat", "password": PASSWORD, "remember_me": "on"})
    assert not client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == 30 * 24 * 60 * 60

    # As if signed in 29 days ago: renewed then, one day left.
    session = client.session
    session[REMEMBERED_ON] = (timezone.localdate() - timedelta(days=29)).isoformat()
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(days=1))

    # Opening the journal today starts the month again from today.
    assert client.get(reverse("journal:dashboard")).status_code == 200
    renewed = Session.objects.get().expire_date
    assert renewed > timezone.now() + timedelta(days=29)
    # Later the same day nothing is written again.
    client.get(reverse("journal:dashboard"))
    assert Session.objects.get().expire_date == renewed


def test_a_session_not_kept_is_never_renewed(client, patient):
    client.post(reverse("login"), {"username": "pat", "password": PASSWORD})
    expires = Session.objects.get().expire_date
    client.get(reverse("journal:dashboard"))
    assert Session.objects.get().expire_date == expires


def test_login_cycles_the_session_key(client, patient):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    client.post(reverse("login"), {"username": "pat", "password": PASSWORD})
    assert client.session.session_key != before


def test_long_passphrases_are_accepted(client, db):
    long = "correct horse battery staple " * 4  # 116 characters
    assert sign_up(client, password=long).status_code == 302


def test_signed_in_pages_are_not_cached(patient_client):
    response = patient_client.get(reverse("journal:dashboard"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_security_headers_on_every_response(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def fail_login(client, username="pat", address="10.0.0.1", **extra):
    return client.post(
        reverse("login"),
        {"username": username, "password": "wrong-password-123"},
        REMOTE_ADDR=address,
        **extra,
    )


# Throttling's own scenarios (per account at an address, per address, password change and
# account deletion) are in tests/security/test_throttling.py; these pin the client address.


def test_rotating_x_forwarded_for_does_not_reset_the_counter(client, patient):
    for attempt in range(5):
        fail_login(client, address="10.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}")
    response = client.post(
        reverse("login"),
        {"username": "pat", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 429


def test_password_reset_link_uses_the_configured_site(client, patient, settings):
    settings.SITE_URL = "https://journal.example.org"
    client.post(reverse("password_reset"), {"email": patient.email}, HTTP_HOST="localhost")
    assert "https://journal.example.org/accounts/reset/" in mail.outbox[0].body


def test_caregiver_without_a_journal_of_their_own_lands_on_their_list(caregiver_client):
    response = caregiver_client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("care:index")


def test_behind_a_trusted_proxy_the_forwarded_client_is_throttled(client, patient, settings):
    # DJANGO_TRUSTED_PROXY_COUNT=1: the proxy appends the client's address to X-Forwarded-For.
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(5):
        # A forged first entry changes every time; the address the proxy saw does not.
        fail_login(
            client,
            address="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}, 198.51.100.7",
        )
    from_attacker = client.post(
        reverse("login"),
        {"username": "pat", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert from_attacker.status_code == 429
    # Another patient behind the same proxy is not locked out with them.
    from_someone_else = client.post(
        reverse("login"),
        {"username": "pat", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.44",
    )
    assert from_someone_else.status_code == 302
