"""Sessions and hosts: cookies locked down, sessions ended where they should be."""

from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

NEW_PASSWORD = "a-brand-new-passphrase-88"


def log_in(client=None):
    client = client or Client()
    response = client.post(reverse("login"), {"username": "pat", "password": PASSWORD})
    assert response.status_code == 302
    return client, response


def test_session_cookie_is_http_only_and_same_site_lax(patient):
    _, response = log_in()
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_log_out_ends_the_session_on_the_server(patient):
    client, _ = log_in()
    old_key = client.cookies["sessionid"].value
    client.post(reverse("logout"))
    stolen = Client()
    stolen.cookies["sessionid"] = old_key
    response = stolen.get(reverse("journal:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_password_change_signs_out_every_other_session(patient):
    laptop, _ = log_in()
    phone, _ = log_in()
    response = laptop.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert laptop.get(reverse("journal:dashboard")).status_code == 200  # this one stays in
    response = phone.get(reverse("journal:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_unknown_host_header_is_refused(client, db):
    response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400


def test_secure_cookies_in_production(settings):
    # Production settings (DJANGO_HTTPS on, the default with debug off) mark cookies secure;
    # the deploy check in tests/test_settings.py proves the whole set.
    from tests.test_settings import PRODUCTION_ENV, run_manage

    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY)",
        env=PRODUCTION_ENV,
    )
    assert result.stdout.strip().splitlines()[-1].split() == ["True", "True", "True"]
