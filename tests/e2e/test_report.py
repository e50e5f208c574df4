"""The patient opens the clinic report in Chromium and saves it as PDF (A4 and US Letter).

Six weeks of the eight default symptoms print on one page of either paper; longer ranges run
over several pages, none of them blank or nearly so; on a 320 px phone only the labelled
tables scroll sideways.
"""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from journal.models import CareTeamThreshold, DoseTaken, SymptomReport
from library.models import Drug, WarningSign
from tests.conftest import make_day, make_standard_sunitinib, make_treatment
from tests.e2e.conftest import log_in

PAPERS = ("A4", "Letter")

# --- A full clinic journal: eight symptoms every day -----------------------------------------

# Day n of the range -> each default symptom's grade (None: asked and not answered).
CLINIC_GRADES = {
    "hand-foot-syndrome": lambda n: (n // 3) % 4,
    "fatigue": lambda n: 3 if n % 17 == 9 else 1 + (n % 3 == 0),
    "diarrhoea": lambda n: (0, 1, 2, 0, 3)[n % 5],
    "headache": lambda n: int(n % 4 == 0),
    "cognitive-fog": lambda n: None if n % 7 == 3 else 1,
    "mouth-sores": lambda n: 4 if n == 23 else n % 9 // 4,
    "skin-rash": lambda n: n % 2,
    "nausea": lambda n: None if n % 11 == 5 else 1 + (n % 6 == 0),
}


def make_clinic_journal(patient, symptoms, *, until, days):
    """``days`` up to ``until`` as a busy patient logs them, busier than the demo's: every
    default symptom asked each day; sunitinib 50 mg 4 weeks on / 2 off, then 37.5 mg every
    day for the last two weeks (for the side effects); one day in 13 not logged; hand-foot
    syndrome and diarrhoea often severe (two long alert lines), mouth sores very severe once
    (urgent), brain fog and nausea now and then unanswered; blood pressure every day, high on
    half of them, once at the alert and once at the crisis level; weight weekly; a warning
    sign ticked once; a note for the doctor every fortnight and notes on two severe days; the
    care team's own threshold for fatigue."""
    sunitinib = Drug.objects.get(slug="sunitinib")
    start = until - timedelta(days=days - 1)
    make_standard_sunitinib(
        patient,
        sunitinib,
        starts_on=start - timedelta(days=20),
        ends_on=until - timedelta(days=15),
    )
    make_treatment(
        patient,
        sunitinib,
        dose_mg=Decimal("37.5"),
        starts_on=until - timedelta(days=14),
        reason="side_effects",
    )
    CareTeamThreshold.objects.create(
        patient=patient, symptom=symptoms["fatigue"], care_team_grade=3, note="Dr Lee, March"
    )
    sign = WarningSign.objects.filter(drug=sunitinib).order_by("order").first()
    for n in range(days):
        if n % 13 == 6:
            continue
        bp = {10: (165, 102), 30: (184, 112)}.get(n, (126 + n % 30, 80 + n % 9))
        log = make_day(
            patient,
            start + timedelta(days=n),
            dose_taken=DoseTaken.MISSED if n % 19 == 4 else DoseTaken.ALL,
            systolic=bp[0],
            diastolic=bp[1],
            weight_kg=Decimal("72.0") - Decimal(n // 7) / 4 if n % 7 == 0 else None,
            note=f"Note for the doctor on day {n}." if n % 15 == 2 else "",
            for_doctor=n % 15 == 2,
        )
        for slug, grade_on in CLINIC_GRADES.items():
            SymptomReport.objects.create(
                day=log,
                symptom=symptoms[slug],
                grade=grade_on(n),
                note="Blisters, walking hurts."
                if slug == "hand-foot-syndrome" and n in (10, 34)
                else "",
            )
        if n == 16:
            log.warning_signs.add(sign)


# --- Reading a PDF ----------------------------------------------------------------------------


def pdf_pages(pdf: bytes) -> list[tuple[str, float]]:
    """Each page's text, and how far down the page its lowest line of text reaches (0 at the
    top edge, 1 at the bottom edge)."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        heights = []

        def visit(text, cm, tm, font, size, heights=heights):
            if text.strip():  # PDF y runs up from the bottom edge
                heights.append(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

        text = page.extract_text(visitor_text=visit)
        top = float(page.mediabox.height)
        pages.append((re.sub(r"\s+", " ", text), (top - min(heights, default=top)) / top))
    return pages


def open_report(page, live_server, start):
    log_in(page, live_server.url, "pat")
    page.goto(f"{live_server.url}/journal/report/?start={start.isoformat()}")


# --- Tests ------------------------------------------------------------------------------------


@pytest.fixture
def patient_with_six_weeks(patient, today, imatinib, hfs, fatigue):
    """Pat Example: six weeks of imatinib with hand-foot syndrome and fatigue every day."""
    patient.last_name = "Example"
    patient.save()
    start = today - timedelta(days=41)
    make_treatment(patient, imatinib, starts_on=start - timedelta(days=100))
    for n in range(42):
        make_day(
            patient,
            start + timedelta(days=n),
            {hfs: 3 if n == 20 else 1, fatigue: 2},
            systolic=138 + n % 5,
            diastolic=86,
            note="Blisters, walked with a stick." if n == 20 else "",
            for_doctor=n == 20,
        )
    return patient


def test_clinic_report_prints_to_pdf_with_name_and_week_table(
    page, live_server, patient_with_six_weeks, artifacts_dir
):
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    log_in(page, live_server.url, "pat")
    page.get_by_role("link", name="Clinic report").first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Clinic report: Pat Example")
    table = page.locator("table.report-weeks")
    expect(table).to_contain_text("Hand-foot syndrome")
    expect(table).to_contain_text("3 severe")
    expect(page.get_by_text("Blisters, walked with a stick.").first).to_be_visible()

    # The button opens the browser's print dialog (stubbed: headless Chromium has none).
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("button", name="Print or save as PDF").click()
    assert page.evaluate("window.printed") is True

    page.emulate_media(media="print")
    page.screenshot(path=str(artifacts_dir / "clinic-report-print.png"), full_page=True)
    for paper in PAPERS:
        pdf = page.pdf(format=paper, print_background=False)
        (artifacts_dir / f"clinic-report-{paper.lower()}.pdf").write_bytes(pdf)
        pages = pdf_pages(pdf)
        assert len(pages) == 1, (paper, len(pages))
        text = pages[0][0]

        assert "Clinic report: Pat Example" in text
        assert "Worst grade of each symptom, week by week" in text
        assert "Hand-foot syndrome" in text and "Fatigue" in text
        assert "0 none · 1 mild · 2 moderate · 3 severe · 4 very severe · – not answered" in text
        assert "Blisters, walked with a stick." in text
        # Print hides the site around the report: no menu, no buttons, no date form.
        assert "Log out" not in text
        assert "Print or save as PDF" not in text
        assert "Show these dates" not in text
    assert script_errors == []


def test_six_weeks_of_eight_symptoms_print_on_one_page(
    page, live_server, patient, symptoms, profile, today, artifacts_dir
):
    make_clinic_journal(patient, symptoms, until=today, days=42)
    open_report(page, live_server, today - timedelta(days=41))

    page.emulate_media(media="print")
    for paper in PAPERS:
        pdf = page.pdf(format=paper)
        (artifacts_dir / f"clinic-report-6-weeks-{paper.lower()}.pdf").write_bytes(pdf)
        pages = pdf_pages(pdf)

        assert len(pages) == 1, (paper, [round(depth, 2) for _, depth in pages])
        text = pages[0][0]
        for name in ("Hand-foot syndrome", "Brain fog", "Mouth sores", "Skin rash", "Nausea"):
            assert name in text
        # Grouped alerts, the urgent ones first; the notes; the weight, to the end.
        assert re.search(r"Urgent: .* Mouth sores: \d+ days?, worst very severe \(4\)", text)
        assert re.search(r"Diarrhoea: \d+ days, worst severe \(3\) — \d", text)
        assert "Note for the doctor on day 17." in text
        assert "Weight: 72 kg" in text


def test_six_months_leave_no_blank_page(
    page, live_server, patient, symptoms, profile, today, artifacts_dir
):
    make_clinic_journal(patient, symptoms, until=today, days=182)
    open_report(page, live_server, today - timedelta(days=181))

    page.emulate_media(media="print")
    for paper in PAPERS:
        pdf = page.pdf(format=paper)
        (artifacts_dir / f"clinic-report-6-months-{paper.lower()}.pdf").write_bytes(pdf)
        pages = pdf_pages(pdf)

        depths = [round(depth, 2) for _, depth in pages]
        assert 2 <= len(pages) <= 4, (paper, depths)
        # Every page but the last is filled to its bottom margin (10 mm, about 4% of the
        # page), give or take a table row or an alert kept whole; the last has text.
        assert all(depth > 0.85 for depth in depths[:-1]), (paper, depths)
        assert pages[-1][0].strip(), (paper, depths)


def test_an_empty_report_prints_on_one_page(page, live_server, profile, today):
    open_report(page, live_server, today - timedelta(days=41))

    page.emulate_media(media="print")
    for paper in PAPERS:
        pages = pdf_pages(page.pdf(format=paper))
        assert len(pages) == 1, (paper, len(pages))
        assert "No symptoms were reported in these dates." in pages[0][0]


def test_the_report_reads_on_a_320_px_phone(page, live_server, patient, symptoms, profile, today):
    make_clinic_journal(patient, symptoms, until=today, days=42)
    page.set_viewport_size({"width": 320, "height": 640})
    open_report(page, live_server, today - timedelta(days=41))

    # The page never scrolls sideways; a table too wide for it scrolls in its own box, a
    # focusable region named after the table.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    week_table = page.get_by_role("region", name=re.compile(r"The worst day of each week.*"))
    expect(week_table).to_have_attribute("tabindex", "0")
    expect(week_table.locator("table.report-weeks")).to_contain_text("Hand-foot syndrome")
    # The title comes first, then the dates, filled in with those in use.
    heading_top = page.get_by_role("heading", level=1).bounding_box()["y"]
    assert heading_top < page.get_by_label("From").bounding_box()["y"]
    expect(page.get_by_label("From")).to_have_value((today - timedelta(days=41)).isoformat())
    # The urgent alerts stand out on screen too: a rule beside them and the word "Urgent".
    urgent = page.locator(".report-urgent")
    expect(urgent).to_contain_text("Urgent")
    assert urgent.evaluate("box => getComputedStyle(box).borderLeftStyle") == "solid"
