"""The admin needs a second factor: an authenticator app's code, or a one-use recovery code.

``log_in_with_second_factor`` is the helper the other admin tests use to reach the admin.
"""

from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from library.admin_site import enrol_second_factor
from tests.conftest import PASSWORD, make_user


def current_code(device) -> str:
    """The six digits the person's authenticator app shows now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def admin_log_in(client, username, code, password=PASSWORD):
    return client.post(
        reverse("admin:login") + "?next=/admin/",
        {"username": username, "password": password, "otp_token": code, "next": "/admin/"},
    )


@pytest.fixture
def enrolled_curator(curator):
    enrolment = enrol_second_factor(curator)
    return curator, enrolment.app, enrolment.recovery_codes


def test_a_signed_in_curator_without_a_second_factor_is_sent_to_the_admin_log_in(client, curator):
    client.force_login(curator)

    response = client.get(reverse("admin:library_entry_changelist"))

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("admin:login")


def test_an_anonymous_visitor_is_sent_to_the_admin_log_in_not_the_patients(client, db):
    response = client.get(reverse("admin:library_entry_changelist"))

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("admin:login")
    assert "next=/admin/library/entry/" in response["Location"]


def test_a_superuser_without_a_second_factor_is_sent_to_the_admin_log_in(client, db):
    root = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(root)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("admin:login")


def test_the_admin_log_in_asks_for_the_code(client, db):
    html = client.get(reverse("admin:login")).content.decode()
    assert '<label for="id_otp_token"' in html
    assert "6-digit code from your authenticator app, or a recovery code" in html
    assert 'autocomplete="one-time-code"' in html


def test_password_without_code_is_refused(client, enrolled_curator):
    response = admin_log_in(client, "curator", "")

    assert response.status_code == 200
    assert "Enter the 6-digit code from your authenticator app" in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_wrong_code_is_refused(client, enrolled_curator):
    _, device, _ = enrolled_curator
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"

    response = admin_log_in(client, "curator", wrong)

    assert "That code is not right" in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_password_and_the_apps_code_open_the_admin(client, enrolled_curator, library):
    _, device, _ = enrolled_curator

    response = admin_log_in(client, "curator", current_code(device))

    assert response.status_code == 302 and response["Location"] == "/admin/"
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert "Entries" in index.content.decode()


def test_a_recovery_code_works_once(client, enrolled_curator, library):
    _, _, codes = enrolled_curator

    # Written as the command prints it, in capitals with a space: still the same code.
    first = admin_log_in(client, "curator", f"{codes[0][:4].upper()} {codes[0][4:].upper()}")
    assert first.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    client.logout()

    again = admin_log_in(client, "curator", codes[0])
    assert again.status_code == 200
    assert "That code is not right, or was already used" in again.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302
    assert StaticToken.objects.filter(device__user__username="curator").count() == 9


def test_another_persons_code_does_not_open_the_admin(client, enrolled_curator):
    other = make_user("other", is_staff=True)
    theirs = enrol_second_factor(other)

    assert admin_log_in(client, "curator", current_code(theirs.app)).status_code == 200
    assert admin_log_in(client, "curator", theirs.recovery_codes[0]).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_device_recorded_for_someone_else_does_not_verify_the_session(client, curator):
    other = make_user("other", is_staff=True)
    their_device = TOTPDevice.objects.create(user=other, name="theirs", confirmed=True)
    client.force_login(curator)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = their_device.persistent_id
    session.save()

    assert client.get(reverse("admin:index")).status_code == 302


def test_a_patient_with_the_right_password_still_cannot_enter(client, patient):
    response = admin_log_in(client, "pat", "123456")
    assert response.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302


# --- Enrolment ------------------------------------------------------------------------------


def test_enrol_totp_prints_the_app_link_the_secret_and_ten_recovery_codes(curator):
    out = StringIO()
    call_command("enrol_totp", "curator", stdout=out)
    text = out.getvalue()

    device = TOTPDevice.objects.get(user=curator, confirmed=True)
    url = next(line.strip() for line in text.splitlines() if "otpauth://" in line)
    secret = parse_qs(urlsplit(url).query)["secret"][0]
    assert url.startswith("otpauth://totp/")
    assert secret in text.replace(" ", "")  # the secret for typing in by hand, grouped
    codes = list(StaticToken.objects.filter(device__user=curator).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(f"{code[:4]} {code[4:]}".upper() in text for code in codes)
    # The printed secret is the device's: the app's codes are the ones the admin accepts.
    from base64 import b32decode

    assert b32decode(secret) == device.bin_key


def test_enrolling_again_replaces_the_lost_device_and_codes(curator):
    old = enrol_second_factor(curator)

    new = enrol_second_factor(curator)

    assert list(TOTPDevice.objects.filter(user=curator)) == [new.app]
    assert StaticDevice.objects.filter(user=curator).count() == 1
    gone = set(old.recovery_codes) - set(new.recovery_codes)
    assert gone and not StaticToken.objects.filter(token__in=gone).exists()


def test_enrol_totp_refuses_someone_who_is_not_staff(patient):
    with pytest.raises(CommandError, match="not staff"):
        call_command("enrol_totp", "pat", stdout=StringIO())
    assert not TOTPDevice.objects.filter(user=patient).exists()


def test_enrol_totp_names_an_unknown_username(db):
    with pytest.raises(CommandError, match="No user called 'nobody'"):
        call_command("enrol_totp", "nobody", stdout=StringIO())


# --- In a browser -----------------------------------------------------------------------------


def test_a_curator_logs_in_to_the_admin_with_the_apps_code_in_a_browser(
    page, live_server, enrolled_curator, library
):
    from tests.e2e.test_accessibility import axe_violations

    _, device, _ = enrolled_curator
    page.goto(live_server.url + "/admin/library/entry/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the 6-digit code")
    assert axe_violations(page) == []

    page.get_by_label("Password").fill(PASSWORD)
    code = page.get_by_label("Code")
    expect(code).to_have_attribute("autocomplete", "one-time-code")
    code.fill(current_code(device))
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(live_server.url + "/admin/library/entry/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Select entry to change")
