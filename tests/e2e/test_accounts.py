"""A new person signs up in a real browser and logs out; the show-password buttons of every
form with a password."""

import re

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, sign_up


def test_sign_up_land_on_the_first_day_and_log_out(page, live_server, library, artifacts_dir):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Create a free account").click()
    sign_up(page, "browserpatient", "browser@example.org")

    expect(page).to_have_url(live_server.url + "/journal/first-day/treatment/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your drug and dose")
    page.screenshot(path=str(artifacts_dir / "signed-up-journal.png"), full_page=True)

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()


def show_password_buttons(page):
    return page.get_by_role("button", name=re.compile(r"^(Show|Hide) password$"))


def test_show_password_on_sign_up_shows_one_field_at_a_time(page, live_server):
    page.goto(live_server.url + "/accounts/signup/")
    password = page.get_by_label(re.compile(r"^\s*Password\*?\s*$"))
    again = page.get_by_label("Password confirmation")
    password.fill("blue kettle morning")
    again.fill("blue kettle mornin")
    expect(show_password_buttons(page)).to_have_count(2)
    first, second = show_password_buttons(page).all()
    expect(first).to_have_attribute("aria-pressed", "false")
    expect(first).to_have_attribute("aria-controls", "id_password1")

    first.click()
    expect(password).to_have_attribute("type", "text")
    expect(first).to_have_text("Hide password")
    expect(first).to_have_attribute("aria-pressed", "true")
    expect(again).to_have_attribute("type", "password")  # each field has its own button
    expect(second).to_have_text("Show password")

    # From the keyboard: the button follows its field, and Space works it.
    again.focus()
    page.keyboard.press("Tab")
    expect(second).to_be_focused()
    page.keyboard.press("Space")
    expect(again).to_have_attribute("type", "text")
    expect(again).to_have_value("blue kettle mornin")  # what was typed stays

    first.click()
    expect(password).to_have_attribute("type", "password")
    expect(first).to_have_text("Show password")
    expect(first).to_have_attribute("aria-pressed", "false")


def test_a_shown_password_is_hidden_again_before_the_form_is_sent(page, live_server, patient):
    page.goto(live_server.url + "/accounts/login/")
    field = page.get_by_label(re.compile(r"^\s*Password\*?\s*$"))
    field.fill("a-long-test-password-42")
    page.get_by_role("button", name="Show password").click()
    expect(field).to_have_attribute("type", "text")
    # Listen after the page's own handler, and keep the page here to look.
    page.evaluate(
        """() => document.getElementById('id_password').form.addEventListener('submit', e => {
            window.typeWhenSent = document.getElementById('id_password').type;
            e.preventDefault();
        })"""
    )
    page.get_by_role("button", name="Log in").click()
    assert page.evaluate("window.typeWhenSent") == "password"


def test_every_password_field_has_its_show_password_button(page, live_server, patient):
    uid = urlsafe_base64_encode(force_bytes(patient.pk))
    token = default_token_generator.make_token(patient)
    page.goto(f"{live_server.url}/accounts/reset/{uid}/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    expect(show_password_buttons(page)).to_have_count(2)

    log_in(page, live_server.url, "pat")
    for path, fields in (("/accounts/password_change/", 3), ("/journal/account/delete/", 1)):
        page.goto(live_server.url + path)
        expect(page.locator("input[type=password]")).to_have_count(fields)
        expect(show_password_buttons(page)).to_have_count(fields)
        show_password_buttons(page).first.click()
        expect(page.locator("input[type=password]")).to_have_count(fields - 1)
