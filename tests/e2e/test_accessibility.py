"""Accessibility in a real browser: every page, for every role, passes axe-core at WCAG 2.1 A
and AA; a whole day is logged with the keyboard alone, focus always visible; the main pages
reflow at 320 px wide (and so at 200% zoom of a 640 px window) without horizontal scrolling.

The journal is built once per test with the ORM (a few weeks is quick) and people log in by
carrying a session cookie made with ``Client.force_login`` into their browser context.
"""

import json
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from journal.models import (
    AccessEvent,
    CareShare,
    DailyReminder,
    DayLog,
    DoseTaken,
    Profile,
    SymptomReport,
)
from journal.reminders.services import unsubscribe_token
from journal.sharing.services import careshare_invite
from library.models import Drug, Entry, Symptom
from tests.conftest import (
    make_day,
    make_standard_sunitinib,
    make_treatment,
    make_user,
    session_cookie,
)

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def journal(patient, caregiver, share, profile, today, imatinib, sunitinib):
    """Pat: five weeks on sunitinib 50 mg (4 weeks on, 2 off) after three weeks of imatinib,
    a day log most days with graded symptoms, blood pressure and notes; Carey reads it, Sam
    has an invitation waiting, Alex's was withdrawn. Today is not logged yet."""
    profile.care_team_phone = "+44 20 7000 0000"
    profile.save()
    start = today - timedelta(days=55)
    first = make_treatment(patient, imatinib, starts_on=start, ends_on=start + timedelta(days=20))
    second = make_standard_sunitinib(
        patient, sunitinib, starts_on=start + timedelta(days=21), reason="progression"
    )
    tracked = list(profile.tracked_symptoms.all())
    for n in range(55):
        day = start + timedelta(days=n)
        if n % 9 == 4:
            continue  # a few forgotten days
        treatment = first if n < 21 else second
        cycle = treatment.cycle_day(day)
        off = cycle is not None and not cycle.is_on
        log = make_day(
            patient,
            day,
            treatment=treatment,
            dose_taken=DoseTaken.BREAK if off else DoseTaken.ALL,
            systolic=128 + n % 40,
            diastolic=82 + n % 20,
            weight_kg=Decimal("71.5") if n % 7 == 0 else None,
            note="Tired after the walk; feet sore in the evening." if n % 5 == 0 else "",
            for_doctor=n % 10 == 0,
        )
        SymptomReport.objects.bulk_create(
            SymptomReport(
                day=log,
                symptom=symptom,
                grade=(n + i) % 4 if n != 54 else 3,
                note="Worse after lunch" if (n + i) % 11 == 0 else "",
            )
            for i, symptom in enumerate(tracked)
        )
    now = timezone.now()
    AccessEvent.objects.create(
        patient=patient, viewer=caregiver, share=share, page="Trends", path="/care/1/trends/"
    )
    invitation = careshare_invite(
        patient=patient,
        invitee_name="Sam",
        invitee_email="sam@example.org",
        can_see_notes=False,
        now=now,
    )
    withdrawn = careshare_invite(
        patient=patient,
        invitee_name="Alex",
        invitee_email="alex@example.org",
        can_see_notes=True,
        now=now - timedelta(days=3),
    )
    withdrawn.share.revoked_at = now - timedelta(days=2)
    withdrawn.share.save()
    curator = make_user("curator", is_staff=True, is_superuser=True)
    return {
        "patient": patient,
        "caregiver": caregiver,
        "curator": curator,
        "share": share,
        "token": invitation.token,
        "today": today,
        "logged_day": today - timedelta(days=1),
        "symptom": tracked[0],
    }


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is, with every <details> open so
    that folded content (chart tables, tips) is checked too."""
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    # Let the page's own handlers (toggle, resize) run before axe looks.
    page.evaluate("new Promise(done => requestAnimationFrame(() => setTimeout(done)))")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]},
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [(n["target"], n["failureSummary"]) for n in v["nodes"][:5]],
        }
        for v in result["violations"]
    ]


class Checker:
    """Visits pages as one person and collects axe's violations by page."""

    def __init__(self, page, base, role):
        self.page, self.base, self.role = page, base, role
        self.checked: list[str] = []
        self.violations: dict[str, list] = {}
        self.script_errors: list[str] = []
        page.on("pageerror", lambda error: self.script_errors.append(str(error)))

    def visit(self, path, status=200, label=None, alert=False):
        response = self.page.goto(self.base + path)
        assert response.status == status, (path, response.status)
        self.check(label or path, alert=alert)

    def check(self, label, alert=False):
        self.page.wait_for_load_state("load")
        if alert:  # an error state: make sure it was reached, and is announced
            expect(self.page.get_by_role("alert").first).to_be_visible()
        name = f"{self.role:9} {label}"
        self.checked.append(name)
        found = axe_violations(self.page)
        if found:
            self.violations[name] = found


def visitor_pages(c: Checker, journal):
    page = c.page
    c.visit("/")
    c.visit("/admin/login/")  # the admin's own log-in, with the second factor's code
    c.visit("/accounts/login/")
    page.get_by_label("Username").fill("pat")
    page.get_by_label(re.compile(r"^\s*Password\*?\s*$")).fill("not the password")
    page.get_by_role("button", name="Log in").click()
    c.check("/accounts/login/ (wrong password)", alert=True)
    c.visit("/accounts/signup/")
    page.get_by_label("Username").fill("pat")
    page.get_by_role("button", name="Create account").click()
    c.check("/accounts/signup/ (errors)", alert=True)
    c.visit("/accounts/password_reset/")
    page.get_by_role("button", name="Send the link").click()
    c.check("/accounts/password_reset/ (empty)", alert=True)
    c.visit("/accounts/password_reset/done/")
    c.visit("/accounts/reset/MQ/set-password/", label="/accounts/reset/<uid>/<token>/ (bad link)")
    c.visit("/accounts/reset/done/")
    c.visit("/library/")
    c.visit("/library/?q=feet")
    c.visit("/library/symptoms/hand-foot-syndrome/")
    c.visit("/library/drugs/sunitinib/")
    c.visit("/library/sources/")
    c.visit(
        f"/journal/sharing/accept/{journal['token']}/", label="/journal/sharing/accept/<token>/"
    )
    c.visit("/journal/sharing/accept/not-a-real-token/", status=404)
    reminder = DailyReminder.objects.create(patient=journal["patient"], is_on=True)
    c.visit(
        f"/journal/unsubscribe/{unsubscribe_token('reminder', reminder.pk)}/",
        label="/journal/unsubscribe/<token>/",
    )
    c.visit("/journal/unsubscribe/not-a-real-token/", status=404)
    c.visit("/journal/", label="/journal/ (login, with ?next=)")
    c.visit("/no-such-page/", status=404)
    for _ in range(5):  # last: five wrong passwords pause logging in from here
        page.goto(c.base + "/accounts/login/")
        page.get_by_label("Username").fill("someone")
        page.get_by_label(re.compile(r"^\s*Password\*?\s*$")).fill("not the password")
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many attempts to log in")
    c.check("/accounts/login/ (locked out)", alert=True)


def patient_pages(c: Checker, journal):
    page = c.page
    day = journal["logged_day"].isoformat()
    c.visit("/journal/")
    c.visit("/journal/today/")
    page.get_by_label("Upper number").fill("400")
    page.get_by_role("button", name="Save this day").click()
    c.check("/journal/today/ (errors)", alert=True)
    c.visit(f"/journal/day/{day}/", alert=True)  # the care-team notice
    c.visit(f"/journal/day/{day}/?copy=previous")
    c.visit("/journal/history/")
    c.visit("/journal/history/?start=2000-13-01")
    c.visit("/journal/treatment/")
    c.visit("/journal/treatment/new/")
    page.get_by_role("button", name="Save the change").click()
    c.check("/journal/treatment/new/ (errors)", alert=True)
    c.visit("/journal/settings/")
    c.visit("/journal/first-day/treatment/")
    c.visit("/journal/first-day/symptoms/")
    c.visit("/journal/trends/")
    # Every chart has its numbers in a table, for screen readers and for anyone.
    charts = page.evaluate(
        "[...document.querySelectorAll('canvas')]"
        ".map(c => [c.id, c.closest('figure').querySelectorAll('table').length])"
    )
    assert len(charts) >= 3
    assert all(tables == 1 for _, tables in charts), charts
    c.visit("/journal/trends/?range=all")
    c.visit(f"/journal/trends/?range=30&symptom={journal['symptom'].slug}")
    c.visit("/journal/sharing/")
    page.get_by_label("Their email").fill("not an email")
    page.get_by_role("button", name="Send invitation").click()
    c.check("/journal/sharing/ (errors)", alert=True)
    page.get_by_label("Their name").fill("Robin")
    page.get_by_label("Their email").fill("robin@example.org")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status").filter(has_text="We emailed")).to_be_visible()
    c.check("/journal/sharing/ (new invitation)")
    c.visit(
        f"/journal/sharing/accept/{journal['token']}/",
        label="/journal/sharing/accept/<token>/ (their own invitation)",
    )
    c.visit("/journal/report/")
    c.visit("/journal/import/")
    page.get_by_label("Your file (.json or .csv)").set_input_files(
        {"name": "notes.csv", "mimeType": "text/csv", "buffer": b"not,a,journal\n1,2,3\n"}
    )
    page.get_by_role("button", name="Check this file").click()
    c.check("/journal/import/ (errors)", alert=True)
    csv = (
        "date,symptom,grade,interference,symptom_note,dose_taken,systolic,diastolic,"
        "weight_kg,day_note,for_doctor\n"
        f"{(journal['today'] - timedelta(days=300)).isoformat()},fatigue,2,,,all,"
        "130,85,,Imported day,false\n"
    ).encode()
    page.goto(c.base + "/journal/import/")
    page.get_by_label("Your file (.json or .csv)").set_input_files(
        {"name": "journal.csv", "mimeType": "text/csv", "buffer": csv}
    )
    page.get_by_role("button", name="Check this file").click()
    c.check("/journal/import/preview/")
    c.visit("/journal/account/delete/")
    page.get_by_role("button", name="Delete my account and journal").click()
    c.check("/journal/account/delete/ (errors)", alert=True)
    c.visit("/accounts/password_change/")
    page.get_by_role("button", name="Change password").click()
    c.check("/accounts/password_change/ (errors)", alert=True)
    c.visit("/accounts/password_change/done/")
    c.visit("/library/")
    c.visit("/library/symptoms/hand-foot-syndrome/")
    c.visit("/journal/day/2999-01-01/", status=404)


def caregiver_pages(c: Checker, journal):
    share = journal["share"].pk
    c.visit("/care/", label="/care/ (weekly summary not allowed)")
    CareShare.objects.filter(pk=share).update(allows_digest=True)  # the weekday's form
    c.visit("/care/")
    c.visit(f"/care/{share}/")
    c.visit(f"/care/{share}/history/")
    c.visit(f"/care/{share}/trends/")
    c.visit(f"/care/{share}/trends/?range=all")
    c.visit(f"/care/{share}/report/")
    c.visit("/journal/")  # their own, empty journal
    c.visit(
        f"/journal/sharing/accept/{journal['token']}/", label="/journal/sharing/accept/<token>/"
    )
    c.visit("/library/")


def curator_pages(c: Checker, journal):
    c.visit("/library/")
    c.visit("/library/drugs/imatinib/")
    c.visit("/admin/")
    # In the admin itself, past its second factor, not on its log-in page.
    assert c.page.url == c.base + "/admin/", c.page.url
    expect(c.page.get_by_role("heading", name="Site administration")).to_be_visible()
    entry = Entry.objects.order_by("pk").first()
    for model, pk in (
        ("entry", entry.pk),
        ("source", entry.source_id),
        ("symptom", Symptom.objects.get(slug="hand-foot-syndrome").pk),
        ("drug", Drug.objects.get(slug="sunitinib").pk),
    ):
        c.visit(f"/admin/library/{model}/")
        c.visit(f"/admin/library/{model}/{pk}/change/")
    c.visit("/admin/library/entry/add/")


def test_every_page_passes_axe_for_every_role(
    browser, live_server, journal, artifacts_dir, capsys
):
    roles = [
        ("visitor", None, visitor_pages),
        ("patient", journal["patient"], patient_pages),
        ("caregiver", journal["caregiver"], caregiver_pages),
        ("curator", journal["curator"], curator_pages),
    ]
    checked, violations, script_errors = [], {}, []
    for role, user, pages in roles:
        context = browser.new_context()
        context.set_default_timeout(5000)
        if user is not None:
            context.add_cookies([session_cookie(user, live_server)])
        checker = Checker(context.new_page(), live_server.url, role)
        pages(checker, journal)
        checked += checker.checked
        violations |= checker.violations
        script_errors += checker.script_errors
        context.close()

    with capsys.disabled():
        print(f"\naxe-core WCAG 2.1 A/AA: {len(checked)} pages checked")
        for name in checked:
            print(f"  {'FAIL' if name in violations else 'ok  '} {name}")
    report = artifacts_dir / "axe-violations.json"
    report.write_text(json.dumps(violations, indent=1))
    assert violations == {}, f"{len(violations)} pages with violations, listed in {report}"
    assert script_errors == []
    expect  # noqa: B018


# --- Keyboard only ------------------------------------------------------------------------------

FOCUSED = """() => {
  const el = document.activeElement;
  // A .btn-check input is visually hidden: its label is what shows the focus.
  const shown = el.matches("input.btn-check")
    ? document.querySelector(`label[for="${el.id}"]`) : el;
  const style = getComputedStyle(shown);
  const box = shown.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), type: el.type || "", name: el.name || "", id: el.id,
    text: (shown.innerText || el.value || "").trim().slice(0, 60),
    ring: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
      || style.boxShadow !== "none",
    onScreen: box.width > 0 && box.height > 0,
  };
}"""


class Keyboard:
    """Moves focus with the keyboard alone and checks, at every step, that focus is visible."""

    def __init__(self, page):
        self.page = page
        self.steps = 0

    def focused(self) -> dict:
        info = self.page.evaluate(FOCUSED)
        assert info["ring"] and info["onScreen"], f"focus is not visible on {info}"
        return info

    def press(self, key) -> dict:
        self.page.keyboard.press(key)
        self.steps += 1
        return self.focused()

    def tab_to(self, wanted, limit=60, key="Tab") -> dict:
        """Press Tab until ``wanted(focused)`` holds."""
        for _ in range(limit):
            info = self.press(key)
            if wanted(info):
                return info
        raise AssertionError(f"{key} {limit} times never reached the element wanted")


def test_a_whole_day_is_logged_with_the_keyboard_alone(browser, live_server, journal, capsys):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(5000)
    context.add_cookies([session_cookie(journal["patient"], live_server)])
    page = context.new_page()
    page.goto(live_server.url + "/journal/")
    keys = Keyboard(page)
    symptoms = list(Profile.objects.for_user(journal["patient"]).tracked_symptoms.all())
    assert len(symptoms) >= 3

    # The skip link comes first and takes focus past the menu.
    assert keys.press("Tab")["text"] == "Skip to content"
    page.keyboard.press("Enter")
    keys.tab_to(lambda f: f["text"] == "Log today" and f["tag"] == "a")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/journal/day/{journal['today'].isoformat()}/")

    # The dose and blood pressure come first. Today is an off day, so "Planned break" comes
    # chosen: arrow round to another answer.
    dose = keys.tab_to(lambda f: f["name"] == "dose_taken")
    assert dose["text"] == "Planned break"
    keys.tab_to(lambda f: f["text"] == "Took some of it", limit=4, key="ArrowRight")
    keys.tab_to(lambda f: f["name"] == "systolic")
    page.keyboard.type("132")
    assert keys.press("Tab")["name"] == "diastolic"
    page.keyboard.type("84")
    assert keys.press("Tab")["name"] == "weight_kg"
    page.keyboard.type("70.5")

    # Each symptom is a radio group: Tab into it, arrows to the grade (this checks it).
    grades = {}
    for n, symptom in enumerate(symptoms):
        name = f"grade_{symptom.slug}"
        group = page.get_by_role("group", name=symptom.name, exact=True)
        expect(group.get_by_role("radio")).to_have_count(5)
        first = keys.tab_to(lambda f, name=name: f["name"] == name)
        assert first["text"] == "None"
        grade = n % 4  # None, Mild, Moderate, Severe, ...
        if grade == 0:
            keys.press("Space")
        for _ in range(grade):
            keys.press("ArrowRight")
        grades[symptom] = grade
        if n == 0:
            # How much it got in the way, and a note: unfold, choose with arrows, type.
            keys.tab_to(lambda f: f["tag"] == "summary" and f["text"] == "Note")
            page.keyboard.press("Enter")
            keys.tab_to(lambda f, s=symptom: f["name"] == f"interference_{s.slug}")
            keys.press("ArrowDown")
            keys.press("ArrowDown")
            keys.press("Tab")
            page.keyboard.type("Worse in the afternoon")

    keys.tab_to(lambda f: f["name"] == "note")
    page.keyboard.type("Walked to the park.")
    assert keys.press("Tab")["name"] == "for_doctor"
    keys.press("Space")
    # Shift+Tab goes back without changing anything.
    assert keys.press("Shift+Tab")["name"] == "note"
    keys.tab_to(lambda f: f["text"] == "Save this day")
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    expect(page.get_by_text("This day is saved.")).to_be_visible()

    log = DayLog.objects.get(patient=journal["patient"], date=journal["today"])
    assert (log.dose_taken, log.systolic, log.diastolic) == (DoseTaken.SOME, 132, 84)
    assert (log.weight_kg, log.note, log.for_doctor) == (
        Decimal("70.5"),
        "Walked to the park.",
        True,
    )
    saved = {report.symptom: report for report in log.reports.all()}
    assert {symptom: saved[symptom].grade for symptom in symptoms} == grades
    assert saved[symptoms[0]].interference is not None
    assert saved[symptoms[0]].note == "Worse in the afternoon"
    with capsys.disabled():
        print(f"\nA day logged in {keys.steps} key presses, focus visible at each.")
    context.close()


# --- Reflow -------------------------------------------------------------------------------------

MAIN_PAGES = {
    "visitor": [
        "/",
        "/accounts/login/",
        "/accounts/signup/",
        "/library/",
        "/library/symptoms/hand-foot-syndrome/",
        "/library/drugs/sunitinib/",
        "/library/sources/",
    ],
    "patient": [
        "/journal/",
        "/journal/today/",
        "/journal/day/{logged_day}/",
        "/journal/history/",
        "/journal/trends/",
        "/journal/trends/?range=all",
        "/journal/treatment/",
        "/journal/treatment/new/",
        "/journal/settings/",
        "/journal/sharing/",
        "/journal/report/",
        "/journal/import/",
        "/journal/account/delete/",
    ],
    "caregiver": [
        "/care/",
        "/care/{share}/",
        "/care/{share}/history/",
        "/care/{share}/trends/",
        "/care/{share}/report/",
    ],
}


def visit_main_pages(browser, live_server, journal, **context_options):
    """Each of ``MAIN_PAGES`` loaded in a browser as its role: yields ``(role, path, page)``,
    one browser context per role (made with ``context_options``)."""
    users = {"visitor": None, "patient": journal["patient"], "caregiver": journal["caregiver"]}
    values = {"logged_day": journal["logged_day"].isoformat(), "share": journal["share"].pk}
    for role, paths in MAIN_PAGES.items():
        context = browser.new_context(**context_options)
        context.set_default_timeout(5000)
        if users[role] is not None:
            context.add_cookies([session_cookie(users[role], live_server)])
        page = context.new_page()
        for pattern in paths:
            path = pattern.format(**values)
            assert page.goto(live_server.url + path).status == 200, path
            yield role, pattern, path, page
        context.close()


OVERFLOW = """() => ({
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: window.innerWidth,
  // The elements sticking out on the right, to say what to fix.
  culprits: [...document.querySelectorAll("body *")]
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
                  && !el.parentElement.closest(".table-responsive"))
    .slice(0, 5).map(el => el.outerHTML.slice(0, 120)),
  // A table's scrolling box must keep the width of the page, not shrink to nothing.
  squeezed: [...document.querySelectorAll(".table-responsive")]
    .filter(box => box.offsetParent && box.clientWidth < window.innerWidth / 2).length,
})"""


def test_main_pages_reflow_at_320_px_and_200_percent_zoom(
    browser, live_server, journal, artifacts_dir, capsys
):
    """320 CSS px is a 1280 px window at 400%; 640 is the same window at 200%. Wide data
    tables scroll inside their own .table-responsive box, which WCAG 1.4.10 allows."""
    overflowing, checked = {}, []
    viewport = {"width": 320, "height": 640}
    for role, pattern, path, page in visit_main_pages(
        browser, live_server, journal, viewport=viewport
    ):
        page.set_viewport_size(viewport)
        # Narrow, tables scroll and the menu folds: axe again, as a phone shows it.
        if violations := axe_violations(page):
            overflowing[f"{role} 320 px {path} axe"] = violations
        for width in (320, 640):
            page.set_viewport_size({"width": width, "height": 640})
            found = page.evaluate(OVERFLOW)
            checked.append(f"{role:9} {width} px {path}")
            if found["scrollWidth"] > found["innerWidth"] or found["squeezed"]:
                overflowing[f"{role} {width} px {path}"] = found
        page.set_viewport_size({"width": 375, "height": 812})
        slug = re.sub(r"[^a-z0-9]+", "-", pattern.lower()).strip("-")
        shot = artifacts_dir / f"a11y-375-{role}-{slug or 'home'}.png"
        # A long page on a busy machine takes a while to paint whole: the shot is for people.
        page.screenshot(path=str(shot), full_page=True, timeout=30_000)
    with capsys.disabled():
        print(f"\nReflow: {len(checked)} page widths checked")
        for name in checked:
            print(f"  {name}")
    report = artifacts_dir / "reflow-overflow.json"
    report.write_text(json.dumps(overflowing, indent=1))
    assert overflowing == {}, f"{len(overflowing)} pages scroll sideways, listed in {report}"


def test_the_site_follows_the_phones_dark_mode_and_stays_readable(
    browser, live_server, journal, artifacts_dir, capsys
):
    """A phone set to dark gets the dark theme on every main page, with 0 axe violations
    (contrast included) in it; a light phone keeps the light one."""
    violations, checked = {}, []
    for role, _pattern, path, page in visit_main_pages(
        browser, live_server, journal, viewport={"width": 390, "height": 844}, color_scheme="dark"
    ):
        assert page.evaluate("document.documentElement.dataset.bsTheme") == "dark", path
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(33, 37, 41)", (path, background)
        checked.append(f"{role:9} {path}")
        if found := axe_violations(page):
            violations[f"{role} dark {path}"] = found
        if path == "/journal/today/":
            page.screenshot(path=str(artifacts_dir / "dark-day-log.png"), timeout=30_000)
    with capsys.disabled():
        print(f"\nDark mode: {len(checked)} pages checked with axe")
    report = artifacts_dir / "axe-dark-violations.json"
    report.write_text(json.dumps(violations, indent=1))
    assert violations == {}, f"{len(violations)} dark pages with violations, listed in {report}"

    light = browser.new_context(color_scheme="light")
    page = light.new_page()
    page.goto(live_server.url + "/")
    assert page.evaluate("document.documentElement.dataset.bsTheme") == "light"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    light.close()


# --- Touch targets ------------------------------------------------------------------------------

TOUCH_TARGET_PX = 44
SMALL_TARGETS = r"""min => {
  const describe = el => el.outerHTML.replace(/\s+/g, " ").slice(0, 100);
  // Folded content counts too: open every <details> first.
  document.querySelectorAll("details").forEach(d => d.open = true);
  const targets = document.querySelectorAll(
    "input:not([type=hidden]), select, textarea, button, summary, .btn");
  const small = [];
  for (const el of targets) {
    // A checkbox or radio is toggled by its label, which is the target to touch.
    const choice = el.matches("input[type=checkbox], input[type=radio]");
    const target = choice ? el.labels[0] : el;
    if (!target) {
      small.push(`no label: ${describe(el)}`);
      continue;
    }
    if (!target.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    const box = target.getBoundingClientRect();
    if (box.width <= 1 && box.height <= 1) continue;  // visually hidden
    if (box.height < min - 0.5) small.push(`${Math.round(box.height)} px: ${describe(target)}`);
  }
  return [...new Set(small)];
}"""


def test_touch_targets_are_at_least_44_px_high(browser, live_server, journal):
    """Sore hands: every input, button, summary and button-styled link on the main pages is at
    least 44 px high on a phone; for a checkbox or radio, its label is (it toggles the input).
    """
    small = {}
    for role, _pattern, path, page in visit_main_pages(
        browser, live_server, journal, viewport={"width": 375, "height": 812}
    ):
        if found := page.evaluate(SMALL_TARGETS, TOUCH_TARGET_PX):
            small[f"{role} {path}"] = found
    offenders = "\n".join(f"{page}\n  " + "\n  ".join(found) for page, found in small.items())
    assert small == {}, f"touch targets under {TOUCH_TARGET_PX} px high:\n{offenders}"
