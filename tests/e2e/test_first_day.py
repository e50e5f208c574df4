"""A new patient's first day on a 390 px phone: sign up, their drug and dose, the symptoms to
track, then today's log, each step one tap from the last; and "Log today" one tap after a
change of treatment.

The steps and taps counted here are the ones the README states (pytest -s prints them).
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from journal.models import Profile, Treatment
from tests.conftest import PASSWORD, make_treatment, make_user, session_cookie
from tests.e2e.test_accessibility import axe_violations

PHONE = {"width": 390, "height": 844}


def expect_todays_log(page):
    expect(page).to_have_url(re.compile(r"/journal/day/\d{4}-\d{2}-\d{2}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(5000)
    yield context
    context.close()


class Walk:
    """Counts what a person does: each tap, each field typed in, each page they reach."""

    def __init__(self, page):
        self.page = page
        self.taps = 0
        self.typed = 0
        self.pages: list[str] = []
        self.below: list[int] = []  # how far below the first screen each tap was, in px
        self.violations: dict[str, list] = {}

    def arrive(self, heading: str):
        expect(self.page.get_by_role("heading", level=1)).to_have_text(heading)
        self.pages.append(heading)
        found = axe_violations(self.page)
        if found:
            self.violations[heading] = found

    def type(self, label, text: str):
        self.page.get_by_label(label).fill(text)
        self.typed += 1

    def tap(self, locator):
        box = locator.bounding_box()
        top = self.page.evaluate("window.scrollY")
        self.below.append(max(0, int(top + box["y"] + box["height"] - PHONE["height"])))
        locator.tap()
        self.taps += 1


def test_from_sign_up_to_todays_log_in_three_steps(phone, live_server, library, capsys):
    page = phone.new_page()
    page.goto(live_server.url + "/accounts/signup/")
    walk = Walk(page)
    walk.arrive("Create your account")

    walk.type("Your name", "Nia Patel")
    walk.type("Username", "nia")
    walk.type("Email", "nia@example.org")
    walk.type(re.compile(r"^\s*Password\*?\s*$"), PASSWORD)
    walk.type("Password confirmation", PASSWORD)
    walk.tap(page.get_by_role("button", name="Create account"))

    # 1. The drug and dose: a preset is one tap, and Next another.
    walk.arrive("Your drug and dose")
    expect(page.get_by_text("Step 1 of 3")).to_be_visible()
    walk.tap(page.get_by_text("Sunitinib 50 mg once daily, 4 weeks on, 2 weeks off"))
    walk.tap(page.get_by_role("button", name="Next: choose symptoms"))

    # 2. The symptoms, the usual eight already ticked: Next is the only tap.
    walk.arrive("Which symptoms to track")
    expect(
        page.get_by_text("Saved: Sunitinib 50 mg once daily, 4 weeks on, 2 weeks off.")
    ).to_be_visible()
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(8)
    expect(page.get_by_label("Hand-foot syndrome (common with sunitinib)")).to_be_checked()
    walk.tap(page.get_by_role("button", name="Next: log today"))

    # 3. Today's log, for the drug just chosen and the symptoms just kept.
    expect_todays_log(page)
    expect(page.get_by_role("group", name="Hand-foot syndrome")).to_be_visible()
    patient = Profile.objects.get(user__username="nia")
    assert Treatment.objects.for_patient(patient.user).get().dose_label == (
        "Sunitinib 50 mg once daily"
    )
    assert patient.user.first_name == "Nia Patel"

    assert walk.pages == ["Create your account", "Your drug and dose", "Which symptoms to track"]
    assert (walk.taps, walk.typed) == (4, 5)
    assert walk.violations == {}
    with capsys.disabled():
        print(
            f"\nfirst day at {PHONE['width']} px: {len(walk.pages)} pages before today's log "
            f"({', '.join(walk.pages)}), {walk.taps} taps, {walk.typed} fields typed; "
            f"each tap's distance below the first screen: {walk.below} px"
        )


def test_a_first_day_can_be_skipped_to_the_symptoms(phone, live_server, library):
    patient = make_user("later")
    phone.add_cookies([session_cookie(patient, live_server)])
    page = phone.new_page()
    page.goto(live_server.url + "/journal/first-day/treatment/")
    page.get_by_role("link", name="Skip this step: I will add my treatment later").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Which symptoms to track")
    page.get_by_role("button", name="Next: log today").tap()
    expect_todays_log(page)
    assert not Treatment.objects.for_patient(patient).exists()


def test_log_today_is_one_tap_after_a_change_of_treatment(phone, live_server, imatinib):
    patient = make_user("changer")
    today = Profile.objects.for_user(patient).today()
    make_treatment(patient, imatinib, starts_on=today - timedelta(days=60))
    phone.add_cookies([session_cookie(patient, live_server)])
    page = phone.new_page()
    page.goto(live_server.url + "/journal/treatment/new/")
    page.get_by_text("Imatinib 400 mg twice daily").tap()
    page.get_by_role("button", name="Save the change").tap()

    expect(page.get_by_text("Saved: Imatinib 400 mg twice daily, every day.")).to_be_visible()
    page.get_by_role("main").get_by_role("link", name="Log today").tap()
    expect_todays_log(page)


def test_first_day_steps_fit_a_320_px_phone(browser, live_server, library):
    context = browser.new_context(
        viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True
    )
    context.add_cookies([session_cookie(make_user("narrow"), live_server)])
    page = context.new_page()
    for path in ("/journal/first-day/treatment/", "/journal/first-day/symptoms/"):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
        assert axe_violations(page) == [], path
    context.close()
