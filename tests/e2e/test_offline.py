"""The day log without a connection, in Chromium (Playwright's offline mode): opened again
offline, saves kept on the phone and sent once when the connection returns, a change made on
another device meanwhile shown beside the phone's to choose from, a refused save shown beside
its field, and log-out forgetting the kept pages and the unsent saves.

Offline here is ``context.set_offline(True)``: the page and its service worker both lose the
network, as on a train. The conflict test also proves the page shown offline is the phone's
kept copy: a copy from the network would carry the other device's version and not conflict.
"""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from gistjournal import offline
from journal.daylog.services import daylog_save
from journal.models import DayLog, Grade, Profile, ReportInput
from library.models import Symptom
from tests.conftest import make_standard_sunitinib, make_user, session_cookie

KEPT = "Saved on this phone — will send when you are online."
SENT = "Sent: the days saved on this phone are in your journal now."


@pytest.fixture
def patient(library, sunitinib):
    patient = make_user("offline")
    profile = Profile.objects.for_user(patient)
    make_standard_sunitinib(patient, sunitinib, starts_on=profile.today() - timedelta(days=3))
    return patient


def kept_by_the_worker(page, path):
    """Waits until the service worker has kept ``path`` in one of its caches."""
    page.wait_for_function(
        """async (path) => {
            for (const name of await caches.keys()) {
                if (await (await caches.open(name)).match(path)) { return true; }
            }
            return false;
        }""",
        arg=path,
    )


def todays_log_ready_for_offline(browser, live_server, patient):
    """Today's log opened online, and kept by the service worker once it controls the page."""
    context = browser.new_context()
    context.set_default_timeout(10000)
    context.add_cookies([session_cookie(patient, live_server)])
    page = context.new_page()
    page.goto(live_server.url + "/journal/today/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.reload()  # now through the worker, which keeps it
    path = page.evaluate("location.pathname")
    kept_by_the_worker(page, path)
    return context, page


def status(page):
    """The notice of saves kept on the phone and sent (a live region)."""
    return page.locator("#offline-status[role=status]")


def unsent_count(page) -> int:
    return page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open("gist-journal-offline");
            open.onupgradeneeded = () => open.result.createObjectStore("unsent-saves", {keyPath: "id", autoIncrement: true});
            open.onsuccess = () => {
                const count = open.result.transaction("unsent-saves").objectStore("unsent-saves").count();
                count.onsuccess = () => { open.result.close(); resolve(count.result); };
            };
        })"""
    )


def test_a_day_logged_offline_is_kept_then_sent_once_when_online(browser, live_server, patient):
    context, page = todays_log_ready_for_offline(browser, live_server, patient)
    today = Profile.objects.for_user(patient).today()

    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
    hand_foot = page.get_by_role("group", name="Hand-foot syndrome")
    hand_foot.get_by_text("Moderate", exact=True).click()
    page.get_by_label("Note for the day").fill("Logged on the train")
    page.get_by_role("button", name="Save this day").click()
    expect(status(page)).to_have_text(KEPT)
    assert not DayLog.objects.filter(patient=patient).exists()

    # Opened again without a connection, the page shows what was kept, and says so.
    page.reload()
    expect(status(page)).to_have_text(KEPT)
    expect(hand_foot.get_by_role("radio", name="Moderate", exact=True)).to_be_checked()
    expect(page.get_by_label("Note for the day")).to_have_value("Logged on the train")

    context.set_offline(False)
    expect(status(page)).to_have_text(SENT)
    assert unsent_count(page) == 0
    log = DayLog.objects.get(patient=patient)
    assert (log.date, log.note, log.revision) == (today, "Logged on the train", 1)
    assert log.reports.get(symptom__slug="hand-foot-syndrome").grade == Grade.MODERATE

    # Nothing is left to send: another visit sends nothing again, and shows the saved day.
    page.reload()
    expect(page.get_by_text("This day is saved.")).to_be_visible()
    expect(status(page)).to_be_hidden()
    assert DayLog.objects.filter(patient=patient).count() == 1
    assert DayLog.objects.get(patient=patient).revision == 1
    context.close()


def test_a_day_changed_on_another_phone_meanwhile_shows_both_to_choose_from(
    browser, live_server, patient
):
    context, page = todays_log_ready_for_offline(browser, live_server, patient)
    today = Profile.objects.for_user(patient).today()

    context.set_offline(True)
    page.reload()
    # Meanwhile the patient's other phone saves the day.
    daylog_save(
        patient=patient,
        day=today,
        today=today,
        dose_taken="missed",
        note="From the other phone",
        reports=[
            ReportInput(
                symptom=Symptom.objects.get(slug="hand-foot-syndrome"),
                grade=Grade.MILD,
                interference=None,
                note="",
            )
        ],
    )
    hand_foot = page.get_by_role("group", name="Hand-foot syndrome")
    hand_foot.get_by_text("Severe", exact=True).click()
    page.get_by_label("Note for the day").fill("From this phone")
    page.get_by_role("button", name="Save this day").click()
    expect(status(page)).to_have_text(KEPT)

    context.set_offline(False)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Today was changed on another device"
    )
    versions = page.locator("table.day-versions")
    note = versions.get_by_role("row", name="Note for the day")
    expect(note).to_contain_text("From the other phone")
    expect(note).to_contain_text("From this phone")
    expect(versions.get_by_role("row", name="Hand-foot syndrome")).to_contain_text("Mild")
    # Nothing was overwritten while the patient reads.
    assert DayLog.objects.get(patient=patient).note == "From the other phone"

    page.get_by_role("button", name="Use this phone's version").click()
    expect(page.get_by_text(f"Saved {today:%A} {today.day} {today:%B}.")).to_be_visible()
    log = DayLog.objects.get(patient=patient)
    assert (log.note, log.revision) == ("From this phone", 2)
    assert log.reports.get(symptom__slug="hand-foot-syndrome").grade == Grade.SEVERE
    assert DayLog.objects.filter(patient=patient).count() == 1
    context.close()


def test_a_save_the_server_refuses_comes_back_with_the_message_beside_the_field(
    browser, live_server, patient
):
    context, page = todays_log_ready_for_offline(browser, live_server, patient)
    context.set_offline(True)
    page.reload()
    page.get_by_label("Upper number").fill("400")
    page.get_by_label("Lower number").fill("80")
    page.get_by_role("button", name="Save this day").click()
    expect(status(page)).to_have_text(KEPT)

    context.set_offline(False)
    message = page.locator("#id_systolic_error")
    expect(message).to_have_text(
        "The upper number is between 60 and 260. Please check what you typed."
    )
    expect(page.get_by_label("Upper number")).to_have_value("400")
    expect(page.get_by_text("Nothing was saved yet.")).to_be_visible()
    assert not DayLog.objects.filter(patient=patient).exists()
    # The refused save is not sent again by itself: it is on the page, to correct.
    assert unsent_count(page) == 0
    context.close()


def test_logging_out_asks_about_unsent_saves_then_forgets_them_and_the_kept_days(
    browser, live_server, patient
):
    context, page = todays_log_ready_for_offline(browser, live_server, patient)
    context.set_offline(True)
    page.reload()
    page.get_by_role("group", name="Hand-foot syndrome").get_by_text("Mild", exact=True).click()
    page.get_by_role("button", name="Save this day").click()
    expect(status(page)).to_have_text(KEPT)
    # The connection is back but the journal cannot be reached: the save stays unsent.
    page.route("**/journal/day/**", lambda route: route.abort())
    context.set_offline(False)
    expect(status(page)).to_contain_text("Not sent yet")
    assert unsent_count(page) == 1

    question = (
        "One day saved on this phone has not been sent yet. Log out anyway? "
        "They will be deleted from this phone."
    )
    # Clicked from the page: a click from Playwright would wait on the open question.
    with page.expect_event("dialog") as asked:
        page.evaluate(
            "() => document.querySelector('form[action=\"/accounts/logout/\"] button').click()"
        )
    assert asked.value.message == question
    asked.value.dismiss()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert unsent_count(page) == 1  # kept: the patient said no

    asked_again = []
    page.once("dialog", lambda dialog: (asked_again.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(live_server.url + "/")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    ).to_be_visible()
    assert asked_again == [question]
    kept_journal_pages = page.evaluate(
        """async () => {
            const kept = [];
            for (const name of await caches.keys()) {
                for (const request of await (await caches.open(name)).keys()) {
                    if (new URL(request.url).pathname.startsWith("/journal/")) { kept.push(request.url); }
                }
            }
            return kept;
        }"""
    )
    assert kept_journal_pages == []
    assert "gist-journal-offline" not in [
        db["name"] for db in page.evaluate("indexedDB.databases()")
    ]
    assert not DayLog.objects.filter(patient=patient).exists()
    context.close()


def cache_names(page) -> list[str]:
    return page.evaluate("() => caches.keys()")


@pytest.fixture
def fresh_release():
    """The worker and its release are computed once per process: forget them after."""
    yield
    offline.release.cache_clear()
    offline.worker_script.cache_clear()


def test_a_new_release_replaces_the_kept_files(
    browser, live_server, patient, monkeypatch, fresh_release
):
    context, page = todays_log_ready_for_offline(browser, live_server, patient)
    first = offline.release()
    assert sorted(cache_names(page)) == [f"gj-days-{first}", f"gj-static-{first}"]

    # A release with one file changed: the server offers a new worker.
    original = offline._source
    monkeypatch.setattr(
        offline,
        "_source",
        lambda name: original(name) + (b"\n/* new */" if name == "css/journal.css" else b""),
    )
    offline.release.cache_clear()
    offline.worker_script.cache_clear()
    second = offline.release()
    assert second != first
    # The browser checks the worker on each visit; here, at once. The new one takes over
    # this page and drops the old release's caches, kept days included.
    page.evaluate(
        """() => new Promise((resolve) => {
            navigator.serviceWorker.addEventListener("controllerchange", resolve);
            navigator.serviceWorker.getRegistration().then((registration) => registration.update());
        })"""
    )
    page.wait_for_function(
        "async (name) => (await caches.keys()).join() === name", arg=f"gj-static-{second}"
    )
    page.reload()
    kept_by_the_worker(page, "/static/css/journal.css")
    assert sorted(cache_names(page)) == [f"gj-days-{second}", f"gj-static-{second}"]
    context.close()


def test_chromium_finds_the_journal_installable(browser, live_server, patient):
    """What Chromium checks before offering "Add to home screen" / "Install": the manifest,
    its icons, a service worker that controls the start page."""
    context, page = todays_log_ready_for_offline(browser, live_server, patient)
    devtools = context.new_cdp_session(page)
    errors = devtools.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's browser contexts are private windows, which install nothing: that one
    # is the test's, not the site's.
    assert [error["errorId"] for error in errors if error["errorId"] != "in-incognito"] == []
    manifest = devtools.send("Page.getAppManifest")
    assert manifest["errors"] == []
    assert manifest["url"] == live_server.url + "/manifest.webmanifest"
    context.close()
