"""The patient opens the clinic report in Chromium and saves it as PDF (A4 and US Letter):
the PDF has their name and the week table, and none of the site's navigation."""

import io
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.conftest import make_day, make_treatment
from tests.e2e.conftest import log_in


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


def pdf_text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", " ", text)


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
    expect(table).to_contain_text("Severe (3)")
    expect(page.get_by_text("Blisters, walked with a stick.").first).to_be_visible()

    # The button opens the browser's print dialog (stubbed: headless Chromium has none).
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("button", name="Print or save as PDF").click()
    assert page.evaluate("window.printed") is True

    page.emulate_media(media="print")
    page.screenshot(path=str(artifacts_dir / "clinic-report-print.png"), full_page=True)
    for paper in ("A4", "Letter"):
        pdf = page.pdf(format=paper, print_background=False)
        (artifacts_dir / f"clinic-report-{paper.lower()}.pdf").write_bytes(pdf)
        pages, text = pdf_text(pdf)

        assert "Clinic report: Pat Example" in text
        assert "Worst grade of each symptom, week by week" in text
        assert "Hand-foot syndrome" in text and "Fatigue" in text
        assert "Severe (3)" in text and "Moderate (2)" in text and "Mild (1)" in text
        assert "Blisters, walked with a stick." in text
        # Print hides the site around the report: no menu, no buttons, no date form.
        assert "Log out" not in text
        assert "Print or save as PDF" not in text
        assert "Show these dates" not in text
        # Summary first, the detailed lists on the next page.
        assert 2 <= pages <= 4, pages
    assert script_errors == []
