"""Playwright against Chromium and pytest-django's live_server.

The browser's launch arguments and the artifacts folder live in tests/conftest.py (the
security tests drive the same browser); here, what only these tests need.
"""

import os
import re

import pytest

from tests.conftest import PASSWORD


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def site_url_is_the_live_server(request, settings):
    """Emailed links (invitations, password resets) point at the server under test."""
    if "live_server" in request.fixturenames:
        settings.SITE_URL = request.getfixturevalue("live_server").url


def log_in(page, url, username):
    """Log in through the form, as a person does."""
    page.goto(url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label(re.compile(r"^\s*Password\*?\s*$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def sign_up(page, username, email, password=PASSWORD):
    """Fill in and send the sign-up form the page shows, as a person does."""
    page.get_by_label("Your name").fill(username.capitalize())
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^\s*Password\*?\s*$")).fill(password)
    page.get_by_label("Password confirmation").fill(password)
    page.get_by_role("button", name="Create account").click()
