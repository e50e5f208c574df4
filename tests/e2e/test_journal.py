"""A new patient starts sunitinib, logs a bad day, is told to call the care team, and finds
the day again in the history: the journal's main path, in a real browser."""

import re

from playwright.sync_api import expect

from tests.conftest import make_user
from tests.e2e.conftest import log_in, sign_up


def test_new_patient_logs_a_severe_day_and_finds_it_in_the_history(
    page, live_server, library, artifacts_dir
):
    page.goto(live_server.url + "/accounts/signup/")
    sign_up(page, "newpatient", "newpatient@example.org")
    # Sign-up leads into the first-day steps (tests/e2e/test_first_day.py); this patient
    # goes to their journal instead.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My journal").click()
    expect(page.get_by_text("You have not logged today yet.")).to_be_visible()

    # Start sunitinib 50 mg, four weeks on and two off, from the library's preset.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Treatment").click()
    page.get_by_role("link", name="Start a treatment").click()
    page.get_by_label(re.compile(r"Sunitinib 50 mg once daily, 4 weeks on, 2 weeks off")).check()
    page.get_by_role("button", name="Start treatment").click()
    expect(
        page.get_by_text("Sunitinib 50 mg once daily, 4 weeks on, 2 weeks off").first
    ).to_be_visible()
    expect(page.get_by_text("day 1 of 42, on treatment")).to_be_visible()

    # Log today from the dashboard's big button.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My journal").click()
    page.get_by_role("main").get_by_role("link", name="Log today").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
    hand_foot = page.get_by_role("group", name="Hand-foot syndrome")
    hand_foot.get_by_text("Severe", exact=True).click()
    expect(hand_foot.get_by_role("radio", name="Severe", exact=True)).to_be_checked()
    # The notice shows under the symptom the moment the answer is chosen, before saving.
    live = hand_foot.locator(".alarm-live")
    expect(live).to_be_visible()
    expect(live).to_have_text("Contact your care team today.")
    hand_foot.get_by_text("Mild", exact=True).click()
    expect(live).to_be_hidden()
    hand_foot.get_by_text("Severe", exact=True).click()
    expect(live).to_be_visible()

    # A warning sign from the sunitinib label, ticked, asks for urgent help at once.
    signs = page.get_by_role("group", name=re.compile("Warning signs today"))
    signs.get_by_text("Any of these?").click()
    bleeding = signs.get_by_label("Severe bleeding from anywhere")
    bleeding.check()
    expect(signs.locator(".alarm-live")).to_contain_text("Get urgent help now: call")
    bleeding.uncheck()
    expect(signs.locator(".alarm-live")).to_be_hidden()
    page.get_by_role("group", name="Did you take your dose?").get_by_text("Took all of it").click()

    # Opened, the symptom's extra questions read as words, not template text.
    hand_foot.get_by_text("Note", exact=True).click()
    expect(
        hand_foot.get_by_label("How much did hand-foot syndrome get in the way?")
    ).to_be_visible()
    assert not re.search(r"\{#|#\}|\{%|\{\{", hand_foot.inner_text())

    # The library's tips sit beside the symptom, folded away until asked for.
    hand_foot.get_by_text(re.compile(r"^What helps \(\d+\)$")).click()
    tip = hand_foot.locator(".what-helps-body").get_by_text(
        "Everyday care for sore hands and feet on sunitinib or regorafenib"
    )
    expect(tip).to_be_visible()
    expect(
        hand_foot.get_by_role("link", name=re.compile("All about hand-foot syndrome"))
    ).to_be_visible()

    page.get_by_role("button", name="Save this day").click()
    notice = page.get_by_role("alert").filter(has_text="Contact your care team today")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("hand-foot syndrome")
    page.screenshot(path=str(artifacts_dir / "journal-day-alert.png"), full_page=True)

    # The day is in the history, with its drug and its worst grade in words.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="History").click()
    day = page.locator("article.history-day").first
    expect(day).to_contain_text("Sunitinib 50 mg")
    expect(day).to_contain_text("Severe")
    expect(day).to_contain_text("Hand-foot syndrome: severe")
    page.screenshot(path=str(artifacts_dir / "journal-history.png"), full_page=True)


def test_a_long_note_shows_the_room_left_and_is_never_cut(page, live_server, library):
    make_user("writer")
    log_in(page, live_server.url, "writer")
    page.goto(live_server.url + "/journal/today/")

    note = page.get_by_label("Note for the day")
    note.fill("Feet sore after walking.")
    room = page.locator("#id_note_room")
    expect(room).to_have_text("1,976 characters left.")
    # Line breaks count as the two characters a browser sends.
    note.fill("a\nb")
    expect(room).to_have_text("1,996 characters left.")

    pasted = "Sore. " * 350  # 2,100 characters: a browser with maxlength would keep 2,000
    note.fill(pasted)
    assert note.input_value() == pasted
    expect(room).to_have_text("100 characters too many: please shorten it to save.")

    page.get_by_role("button", name="Save this day").click()
    expect(page.locator("#id_note_error")).to_contain_text(
        "This is 2099 characters long and can hold 2000. Please shorten it."
    )
    # The summary at the top links to the field and puts the cursor in it.
    page.locator(".error-summary").get_by_role("link", name="Note for the day").click()
    expect(page.get_by_label("Note for the day")).to_be_focused()
    assert page.get_by_label("Note for the day").input_value().strip() == pasted.strip()
