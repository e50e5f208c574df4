"""The import page on a phone: the example spreadsheet downloads, imports as it is after a
preview, and a photo picked by mistake is refused in plain words."""

import pytest
from playwright.sync_api import expect

from journal.models import DayLog, SymptomReport
from tests.conftest import session_cookie

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server, patient, library):
    """A phone signed in as the patient, on the import page."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.add_cookies([session_cookie(patient, live_server)])
    page = context.new_page()
    page.goto(live_server.url + "/journal/import/")
    yield page
    context.close()


def test_the_example_spreadsheet_downloads_and_imports(phone, patient, tmp_path):
    page = phone
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download an example spreadsheet").click()
    download = download_info.value
    assert download.suggested_filename == "gist-journal-example.csv"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_text(encoding="utf-8").startswith("date,dose_taken,symptom,grade,")

    page.get_by_label("Your file").set_input_files(saved)
    page.get_by_role("button", name="Check this file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your import")
    expect(page.get_by_text("Nothing has been saved yet.")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="3 days with")).to_have_text(
        "3 days with 8 symptom grades and 1 symptom not answered, from 3 Mar 2025 to 5 Mar 2025."
    )
    assert not DayLog.objects.for_patient(patient).exists()  # the preview saves nothing

    page.get_by_role("button", name="Import all of this").click()
    expect(
        page.get_by_text("Imported 3 days with 8 symptom grades (1 not answered)")
    ).to_be_visible()
    assert DayLog.objects.for_patient(patient).count() == 3
    unanswered = SymptomReport.objects.for_patient(patient).filter(grade__isnull=True)
    assert [(r.day.date.isoformat(), r.symptom.slug) for r in unanswered] == [
        ("2025-03-04", "diarrhoea")
    ]


def test_column_names_wait_behind_for_spreadsheet_users(phone):
    page = phone
    expect(page.get_by_role("heading", level=1)).to_have_text("Bring in earlier records")
    column = page.get_by_role("rowheader", name="dose_taken")
    expect(column).to_be_hidden()

    page.get_by_text("For spreadsheet users").click()

    expect(column).to_be_visible()


def test_a_photo_is_refused_in_plain_words(phone, tmp_path, patient):
    page = phone
    photo = tmp_path / "IMG_0042.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")

    page.get_by_label("Your file").set_input_files(photo)
    page.get_by_role("button", name="Check this file").click()

    error = page.locator("#div_id_file .invalid-feedback")
    expect(error).to_contain_text("This is not a spreadsheet or a GIST Journal export")
    expect(error).not_to_contain_text("column")
    assert not DayLog.objects.for_patient(patient).exists()
