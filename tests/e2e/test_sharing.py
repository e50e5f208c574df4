"""A patient shares their journal; the caregiver accepts in their own browser, follows the
hand-foot syndrome chart across a dose reduction, and loses access when the patient revokes."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.conftest import make_dose_reduction, session_cookie
from tests.e2e.conftest import log_in, sign_up


@pytest.fixture
def patient_with_dose_reduction(patient, today, sunitinib, hfs, fatigue):
    """Pat: the four weeks up to today of ``make_dose_reduction``, sunitinib 50 mg (4 days on,
    2 off) then 37.5 mg every day; hand-foot syndrome grade 2 or worse on 9 of 14 days on the
    higher dose, 3 of 14 on the lower."""
    make_dose_reduction(patient, sunitinib, hfs, fatigue, today - timedelta(days=27))
    return patient


def test_caregiver_accepts_follows_the_chart_and_loses_access_on_revoke(
    page, browser, live_server, patient_with_dose_reduction, artifacts_dir
):
    # The patient invites Sam.
    log_in(page, live_server.url, "pat")
    page.get_by_role("link", name="Sharing").click()
    page.get_by_label("Their name").fill("Sam")
    page.get_by_label("Their email").fill("sam@example.org")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("We emailed an invitation to sam@example.org")).to_be_visible()
    link = page.get_by_label("Invitation link").input_value()
    assert "/journal/sharing/accept/" in link

    # Sam opens the link in their own browser, creates an account and accepts.
    sam_context = browser.new_context()
    sam = sam_context.new_page()
    script_errors = []
    sam.on("pageerror", lambda error: script_errors.append(str(error)))
    sam.goto(link)
    expect(sam.get_by_role("heading", level=1)).to_have_text(
        "Pat invites you to follow their journal"
    )
    sam.get_by_role("link", name="Create an account to accept").click()
    sign_up(sam, "sam", "sam@example.org")
    sam.get_by_role("button", name="Accept and follow Pat's journal").click()
    expect(sam.get_by_text("You are viewing Pat's journal (read-only)")).to_be_visible()

    # Sam follows the hand-foot syndrome chart across the dose change.
    sam.get_by_role("link", name="People I care for").click()
    sam.get_by_role("link", name="Pat's trends").click()
    expect(sam.get_by_role("heading", level=1)).to_have_text("Pat's trends")
    expect(sam.locator(".treatment-changes")).to_contain_text("Sunitinib 50 mg → 37.5 mg")
    expect(sam.locator(".trends-summary")).to_contain_text(
        "Hand-foot syndrome: moderate or worse on 64% of days at 50 mg, 21% at 37.5 mg"
    )
    chart = sam.locator("#chart-symptom-hand-foot-syndrome")
    expect(chart).to_be_visible()
    # Chart.js drew on the canvas, with the change marker and the off-day bands configured.
    # The scripts load at the end of the page: wait for the chart rather than race it.
    sam.wait_for_function(
        """() => window.Chart && window.Chart.getChart(
            document.getElementById("chart-symptom-hand-foot-syndrome"))"""
    )
    drawn = sam.evaluate(
        """() => {
          const chart = window.Chart.getChart(document.getElementById(
            "chart-symptom-hand-foot-syndrome"));
          const notes = chart.options.plugins.journalAnnotations;
          return {points: chart.data.datasets[0].data.length,
                  markers: notes.markers.map(m => m.label), bands: notes.bands.length};
        }"""
    )
    assert drawn["points"] == 28
    assert "Sunitinib 50 mg → 37.5 mg" in drawn["markers"]
    assert drawn["bands"] == 2  # days 5-6 and 11-12 of the 4-on/2-off period
    figure = sam.locator("figure", has=chart)
    figure.get_by_text("Show as table").click()
    expect(figure.get_by_role("table")).to_contain_text("Severe")
    expect(figure.get_by_role("table")).to_contain_text("off day")
    sam.screenshot(path=str(artifacts_dir / "caregiver-trends.png"), full_page=True)
    assert script_errors == []

    # The patient sees the visit, then stops sharing.
    page.get_by_role("link", name="Sharing").click()
    expect(page.locator(".access-log")).to_contain_text("Trends")
    # The access log names Sam by the name Sam gave at sign-up, not the account name.
    expect(page.locator(".access-log")).to_contain_text("Sam")
    page.get_by_role("button", name="Stop sharing with Sam").click()
    expect(page.get_by_text("Sam can no longer read your journal")).to_be_visible()

    # Sam's next page load is refused.
    response = sam.reload()
    assert response.status == 404
    expect(sam.get_by_role("heading", level=1)).to_have_text("We could not find that page")
    expect(sam.get_by_text("Sunitinib 50 mg → 37.5 mg")).to_have_count(0)
    sam_context.close()


# --- Copying and sharing the invitation link ---------------------------------------------------

PHONE = {"width": 390, "height": 844}


def invitation_page(browser, live_server, patient, *, init_script=None):
    """A phone with clipboard permissions, signed in as ``patient``, on the sharing page
    just after inviting Sam: ``(context, page, link)``."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    if init_script:
        context.add_init_script(init_script)
    context.add_cookies([session_cookie(patient, live_server)])
    page = context.new_page()
    page.goto(live_server.url + "/journal/sharing/")
    page.get_by_label("Their name").fill("Sam")
    page.get_by_label("Their email").fill("sam@example.org")
    page.get_by_role("button", name="Send invitation").click()
    link = page.get_by_label("Invitation link").input_value()
    assert "/journal/sharing/accept/" in link
    return context, page, link


def test_copy_puts_the_invitation_link_on_the_clipboard(browser, live_server, patient):
    context, page, link = invitation_page(browser, live_server, patient)
    page.evaluate("() => navigator.clipboard.writeText('something else')")

    page.get_by_role("button", name="Copy link").click()

    expect(page.get_by_role("status").filter(has_text="Copied")).to_have_text(
        "Copied. Paste it into a message to them."
    )
    assert page.evaluate("() => navigator.clipboard.readText()") == link
    context.close()


def test_without_the_clipboard_api_copy_selects_the_link(browser, live_server, patient):
    # An older browser, or a page not served over HTTPS: no navigator.clipboard, and here the
    # browser's own copy command refuses too.
    context, page, link = invitation_page(
        browser,
        live_server,
        patient,
        init_script="""
          Object.defineProperty(Navigator.prototype, "clipboard", {get: () => undefined});
          document.execCommand = () => false;
        """,
    )

    page.get_by_role("button", name="Copy link").click()

    expect(page.get_by_role("status").filter(has_text="selected")).to_have_text(
        "The link is selected: copy it with your phone's or computer's copy command."
    )
    selected = page.evaluate(
        """() => { const field = document.activeElement;
                   return [field.id, field.value.slice(field.selectionStart, field.selectionEnd)]; }"""
    )
    assert selected == ["invitation-link", link]
    context.close()


def test_share_opens_the_phones_share_sheet_with_the_link(browser, live_server, patient):
    context, page, link = invitation_page(
        browser,
        live_server,
        patient,
        init_script="""
          navigator.share = (data) => { window.sharedData = data; return Promise.resolve(); };
        """,
    )

    page.get_by_role("button", name="Share…").click()

    shared = page.evaluate("() => window.sharedData")
    assert shared["url"] == link
    assert shared["title"] == "Follow my GIST Journal"
    assert shared["text"].startswith("Sam, this link lets you follow my GIST Journal.")
    context.close()


def test_without_a_share_sheet_there_is_no_share_button(browser, live_server, patient):
    context, page, _ = invitation_page(
        browser, live_server, patient, init_script="delete Navigator.prototype.share;"
    )

    expect(page.get_by_role("button", name="Copy link")).to_be_visible()
    expect(page.get_by_role("button", name="Share…")).to_be_hidden()
    context.close()


def test_without_javascript_only_the_link_field_is_shown(browser, live_server, patient):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    context.add_cookies([session_cookie(patient, live_server)])
    page = context.new_page()
    page.goto(live_server.url + "/journal/sharing/")
    page.get_by_label("Their name").fill("Sam")
    page.get_by_label("Their email").fill("sam@example.org")
    page.get_by_role("button", name="Send invitation").click()

    expect(page.get_by_label("Invitation link")).to_be_visible()
    expect(page.get_by_role("button", name="Copy link")).to_be_hidden()
    context.close()
