"""A new person signs up in a real browser, lands on their journal, and logs out."""

import re

from playwright.sync_api import expect


def test_sign_up_land_on_journal_and_log_out(page, live_server, artifacts_dir):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Create a free account").click()
    page.get_by_label("Username").fill("browserpatient")
    page.get_by_label("Email").fill("browser@example.org")
    page.get_by_label(re.compile(r"^\s*Password\*?\s*$")).fill("a-long-browser-password-9")
    page.get_by_label("Password confirmation").fill("a-long-browser-password-9")
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(live_server.url + "/journal/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("journal")
    page.screenshot(path=str(artifacts_dir / "signed-up-journal.png"), full_page=True)

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
