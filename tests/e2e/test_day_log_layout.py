"""The day log on a phone: its height, the save bar, the chosen grade's meaning, "none for all
the rest", "not answered", and "What helps" loaded when opened.

The heights measured here are the ones the README states (pytest -s prints them).
"""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from journal.models import DayLog, Grade, Profile
from library.models import Symptom
from tests.conftest import make_standard_sunitinib, make_user, session_cookie

# Three phone screens: the budget for the default eight symptoms, before any fold is
# opened, dose, blood pressure and note included.
HEIGHT_BUDGET = {390: 2600, 320: 3400}
PHONES = {390: {"width": 390, "height": 844}, 320: {"width": 320, "height": 640}}


@pytest.fixture
def phone_patient(library, sunitinib):
    patient = make_user("phone")
    profile = Profile.objects.for_user(patient)
    make_standard_sunitinib(patient, sunitinib, starts_on=profile.today() - timedelta(days=3))
    return patient


def phone_page(browser, live_server, patient, width, *, javascript=True):
    context = browser.new_context(
        viewport=PHONES[width], is_mobile=True, has_touch=True, java_script_enabled=javascript
    )
    context.set_default_timeout(5000)
    context.add_cookies([session_cookie(patient, live_server)])
    page = context.new_page()
    page.goto(live_server.url + "/journal/today/")
    return page


def page_height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


@pytest.mark.parametrize("width", [390, 320])
def test_the_default_day_log_fits_three_phone_screens(
    browser, live_server, phone_patient, width, capsys
):
    page = phone_page(browser, live_server, phone_patient, width)
    expect(page.get_by_role("group", name="Hand-foot syndrome")).to_be_visible()
    height = page_height(page)
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    with capsys.disabled():
        print(f"\nday log, 8 symptoms, {width} px wide: {height} px tall")
    assert height <= HEIGHT_BUDGET[width]
    # Every part of the day is on it: dose, blood pressure, the note, the symptoms.
    for name in ("Did you take your dose?", "Blood pressure and weight (optional)"):
        expect(page.get_by_role("group", name=name)).to_be_visible()
    expect(page.get_by_label("Note for the day")).to_be_visible()
    expect(page.get_by_role("button", name="None for all the rest")).to_be_visible()


@pytest.mark.parametrize("width", [390, 320])
def test_every_symptom_tracked_is_longer_and_its_height_reported(
    browser, live_server, phone_patient, width, capsys
):
    profile = Profile.objects.for_user(phone_patient)
    profile.tracked_symptoms.set(Symptom.objects.filter(is_active=True))
    count = profile.tracked_symptoms.count()
    page = phone_page(browser, live_server, phone_patient, width)
    expect(page.locator("fieldset.symptom-row")).to_have_count(count)
    height = page_height(page)
    with capsys.disabled():
        print(f"\nday log, all {count} symptoms, {width} px wide: {height} px tall")
    # Still one short block a symptom: one row of answers at 390 px, two at 320 px.
    assert height <= HEIGHT_BUDGET[width] + (count - 8) * {390: 140, 320: 230}[width]


@pytest.mark.parametrize("width", [390, 320])
def test_save_stays_on_screen_from_top_to_bottom(browser, live_server, phone_patient, width):
    page = phone_page(browser, live_server, phone_patient, width)
    save = page.get_by_role("region", name="Save this day").get_by_role(
        "button", name="Save this day"
    )
    viewport = PHONES[width]
    for scroll in (0, 900, 10_000):
        page.evaluate(f"window.scrollTo(0, {scroll})")
        box = save.bounding_box()
        assert box is not None
        assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], scroll
        assert box["height"] >= 44
    # A field reached with the keyboard is never hidden behind the bar.
    page.evaluate("window.scrollTo(0, 0)")
    page.get_by_text("Any of these? Most days the answer is no.").focus()
    page.keyboard.press("Tab")
    note = page.get_by_label("Note for the day")
    expect(note).to_be_focused()
    # Bootstrap scrolls smoothly: wait for the scroll to settle with the field above the bar.
    page.wait_for_function(
        "() => document.activeElement.getBoundingClientRect().bottom"
        " <= document.querySelector('.save-bar').getBoundingClientRect().top"
    )


def test_the_chosen_grade_says_what_it_means_at_once(browser, live_server, phone_patient):
    page = phone_page(browser, live_server, phone_patient, 390)
    hfs = Symptom.objects.get(slug="hand-foot-syndrome")
    row = page.get_by_role("group", name="Hand-foot syndrome")
    # Nothing chosen yet: no meaning shown, and nothing answered for the patient.
    expect(row.locator(".grade-meanings").get_by_text(hfs.grade_2)).to_be_hidden()
    expect(row.get_by_role("radio", checked=True)).to_have_count(0)
    row.get_by_text("Moderate", exact=True).click()
    expect(row.locator(".grade-meanings").get_by_text(hfs.grade_2)).to_be_visible()
    expect(row.locator(".grade-meanings").get_by_text(hfs.grade_1)).to_be_hidden()
    # Every meaning stays one tap away, and folds away again to the chosen one.
    row.get_by_text("What do these mean?").click()
    for meaning in (hfs.grade_1, hfs.grade_2, hfs.grade_3, hfs.grade_4):
        expect(row.locator(".grade-meanings").get_by_text(meaning)).to_be_visible()
    expect(row.get_by_text("What do these mean?")).to_be_in_viewport()
    row.get_by_text("What do these mean?").click()
    expect(row.locator(".grade-meanings").get_by_text(hfs.grade_1)).to_be_hidden()
    expect(row.locator(".grade-meanings").get_by_text(hfs.grade_2)).to_be_visible()


def test_none_for_the_rest_answers_only_the_unanswered_and_untouched_is_not_none(
    browser, live_server, phone_patient
):
    page = phone_page(browser, live_server, phone_patient, 390)
    page.get_by_role("group", name="Fatigue").get_by_text("Severe", exact=True).click()
    page.get_by_role("button", name="None for all the rest").click()
    expect(page.get_by_text("7 symptoms set to None. Save when you are ready.")).to_be_visible()
    # Nothing is saved by it; the answered symptom keeps its answer.
    assert not DayLog.objects.exists()
    expect(
        page.get_by_role("group", name="Fatigue").get_by_role("radio", name="Severe", exact=True)
    ).to_be_checked()
    expect(
        page.get_by_role("group", name="Nausea").get_by_role("radio", name="None", exact=True)
    ).to_be_checked()
    # Untouched after all: headache back to not answered, as a patient who skipped it.
    page.get_by_role("button", name="Save this day").click()
    expect(page.get_by_text("This day is saved.")).to_be_visible()
    grades = {r.symptom.slug: r.grade for r in DayLog.objects.get().reports.all()}
    assert grades["fatigue"] == Grade.SEVERE
    assert grades["nausea"] == Grade.NONE
    assert len(grades) == 8


def test_a_symptom_left_alone_is_saved_as_not_answered(browser, live_server, phone_patient):
    page = phone_page(browser, live_server, phone_patient, 390)
    page.get_by_role("group", name="Fatigue").get_by_text("Mild", exact=True).click()
    page.get_by_role("button", name="Save this day").click()
    expect(page.get_by_text("This day is saved.")).to_be_visible()
    grades = {r.symptom.slug: r.grade for r in DayLog.objects.get().reports.all()}
    assert grades.pop("fatigue") == Grade.MILD
    assert set(grades.values()) == {None}
    # The page shows the untouched ones unanswered again, not as "None".
    expect(
        page.get_by_role("group", name="Nausea").get_by_role("radio", checked=True)
    ).to_have_count(0)


def test_without_script_the_meaning_shows_and_none_for_the_rest_saves(
    browser, live_server, phone_patient
):
    page = phone_page(browser, live_server, phone_patient, 390, javascript=False)
    hfs = Symptom.objects.get(slug="hand-foot-syndrome")
    row = page.get_by_role("group", name="Hand-foot syndrome")
    row.get_by_text("Severe", exact=True).click()
    expect(row.locator(".grade-meanings").get_by_text(hfs.grade_3)).to_be_visible()
    page.get_by_role("button", name="None for all the rest").click()
    expect(page.get_by_text("Symptoms you had not answered are saved as None.")).to_be_visible()
    grades = {r.symptom.slug: r.grade for r in DayLog.objects.get().reports.all()}
    assert grades.pop("hand-foot-syndrome") == Grade.SEVERE
    assert set(grades.values()) == {Grade.NONE}


def test_what_helps_is_loaded_when_opened(browser, live_server, phone_patient):
    page = phone_page(browser, live_server, phone_patient, 390)
    row = page.get_by_role("group", name="Hand-foot syndrome")
    tip = "Everyday care for sore hands and feet on sunitinib or regorafenib"
    assert tip not in page.content()
    row.get_by_text("What helps (3)").click()
    expect(row.locator(".what-helps-body").get_by_text(tip)).to_be_visible()
    expect(row.get_by_role("button", name="This helped me").first).to_be_visible()


def test_the_error_summary_takes_the_focus_and_leads_to_the_field(
    browser, live_server, phone_patient
):
    page = phone_page(browser, live_server, phone_patient, 320)
    page.get_by_label("Upper number").fill("400")
    page.get_by_label("Lower number").fill("80")
    page.get_by_role("button", name="Save this day").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Upper number: The upper number is between 60 and 260.")
    summary.get_by_role("link", name="Upper number").click()
    expect(page.get_by_label("Upper number")).to_be_focused()
    expect(page.get_by_label("Upper number")).to_have_value("400")
