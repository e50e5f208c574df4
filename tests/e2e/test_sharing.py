"""A patient shares their journal; the caregiver accepts in their own browser, follows the
hand-foot syndrome chart across a dose reduction, and loses access when the patient revokes."""

import re
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from journal.models import DayLog, DoseTaken, Profile, SymptomReport
from library.models import Drug, Symptom
from tests.conftest import make_user
from tests.e2e.conftest import log_in
from tests.journal.conftest import make_treatment


@pytest.fixture
def patient_with_dose_reduction(transactional_db):
    """Pat: 42 days of sunitinib 50 mg (4 weeks on, 2 off), then 37.5 mg every day; hand-foot
    syndrome mostly grade 2-3 on the higher dose and 0-1 on the lower."""
    call_command("load_library", stdout=StringIO())
    patient = make_user("pat", first_name="Pat")
    today = Profile.objects.for_user(patient).today()
    sunitinib = Drug.objects.get(slug="sunitinib")
    hfs = Symptom.objects.get(slug="hand-foot-syndrome")
    start = today - timedelta(days=59)
    high = make_treatment(
        patient,
        sunitinib,
        dose_mg=Decimal("50"),
        days_on=28,
        days_off=14,
        starts_on=start,
        ends_on=start + timedelta(days=41),
    )
    low = make_treatment(
        patient,
        sunitinib,
        dose_mg=Decimal("37.5"),
        starts_on=start + timedelta(days=42),
        reason="side_effects",
    )
    for n in range(60):
        day = start + timedelta(days=n)
        treatment = high if n < 42 else low
        off = treatment.cycle_day(day) is not None and not treatment.cycle_day(day).is_on
        log = DayLog.objects.create(
            patient=patient,
            date=day,
            treatment=treatment,
            dose_taken=DoseTaken.BREAK if off else DoseTaken.ALL,
            systolic=150 if n < 42 else 132,
            diastolic=95 if n < 42 else 84,
        )
        grade = (2 + n % 2) if n < 28 else (1 if n < 42 else n % 2)
        SymptomReport.objects.create(day=log, symptom=hfs, grade=grade)
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
    sam.get_by_label("Username").fill("sam")
    sam.get_by_label("Email").fill("sam@example.org")
    sam.get_by_label(re.compile(r"^\s*Password\*?\s*$")).fill("a-long-caregiver-password-7")
    sam.get_by_label("Password confirmation").fill("a-long-caregiver-password-7")
    sam.get_by_role("button", name="Create account").click()
    sam.get_by_role("button", name="Accept and follow Pat's journal").click()
    expect(sam.get_by_text("You are viewing Pat's journal (read-only)")).to_be_visible()

    # Sam follows the hand-foot syndrome chart across the dose change.
    sam.get_by_role("link", name="People I care for").click()
    sam.get_by_role("link", name="Pat's trends").click()
    expect(sam.get_by_role("heading", level=1)).to_have_text("Pat's trends")
    expect(sam.locator(".treatment-changes")).to_contain_text("Sunitinib 50 mg → 37.5 mg")
    expect(sam.locator(".trends-summary")).to_contain_text(
        "Hand-foot syndrome: grade ≥2 on 67% of days at 50 mg, 0% at 37.5 mg"
    )
    chart = sam.locator("#chart-symptom-hand-foot-syndrome")
    expect(chart).to_be_visible()
    # Chart.js drew on the canvas, with the change marker and the off-week band configured.
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
    assert drawn["points"] == 60
    assert "Sunitinib 50 mg → 37.5 mg" in drawn["markers"]
    assert drawn["bands"] == 1
    figure = sam.locator("figure", has=chart)
    figure.get_by_text("Show as table").click()
    expect(figure.get_by_role("table")).to_contain_text("3 (severe)")
    expect(figure.get_by_role("table")).to_contain_text("off day")
    sam.screenshot(path=str(artifacts_dir / "caregiver-trends.png"), full_page=True)
    assert script_errors == []

    # The patient sees the visit, then stops sharing.
    page.get_by_role("link", name="Sharing").click()
    expect(page.locator(".access-log")).to_contain_text("Trends")
    expect(page.locator(".access-log")).to_contain_text("sam")
    page.get_by_role("button", name="Stop sharing with Sam").click()
    expect(page.get_by_text("Sam can no longer read your journal")).to_be_visible()

    # Sam's next page load is refused.
    response = sam.reload()
    assert response.status == 404
    expect(sam.get_by_role("heading", level=1)).to_have_text("We could not find that page")
    expect(sam.get_by_text("Sunitinib 50 mg → 37.5 mg")).to_have_count(0)
    sam_context.close()
