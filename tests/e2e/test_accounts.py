"""A new person signs up in a real browser, lands on their journal, and logs out."""

from playwright.sync_api import expect

from tests.e2e.conftest import sign_up


def test_sign_up_land_on_journal_and_log_out(page, live_server, artifacts_dir):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Create a free account").click()
    sign_up(page, "browserpatient", "browser@example.org")

    expect(page).to_have_url(live_server.url + "/journal/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("journal")
    page.screenshot(path=str(artifacts_dir / "signed-up-journal.png"), full_page=True)

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
