"""Playwright against Debian's Chromium and pytest-django's live_server.

Playwright cannot download a browser on our machines, so the launch points at
/usr/bin/chromium. A missing browser is a failure with a message, never a skip.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API runs an event loop in the test thread; live_server's ORM calls
# from the same thread would otherwise raise SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


def chromium_executable(playwright) -> str | None:
    """Debian's Chromium (or CHROMIUM_PATH); else Playwright's own, where `playwright install
    chromium` could fetch one (``None``: let Playwright launch it)."""
    for candidate in (CHROMIUM, shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    if Path(playwright.chromium.executable_path).exists():
        return None
    pytest.fail(
        f"No Chromium at {CHROMIUM}. Install it with `apt-get install -y chromium` "
        "(or run `make test`, which does), or set CHROMIUM_PATH.",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, playwright):
    executable = chromium_executable(playwright)
    return {
        **browser_type_launch_args,
        **({"executable_path": executable} if executable else {}),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(autouse=True)
def site_url_is_the_live_server(request, settings):
    """Emailed links (invitations, password resets) point at the server under test."""
    if "live_server" in request.fixturenames:
        settings.SITE_URL = request.getfixturevalue("live_server").url


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def log_in(page, url, username):
    """Log in through the form, as a person does."""
    from tests.conftest import PASSWORD

    page.goto(url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label(re.compile(r"^\s*Password\*?\s*$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
