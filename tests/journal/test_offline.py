"""Installable and offline, the server's side: the web app manifest and its icons, the
service worker, the offline page, the day's revision that stops a save made on one phone
from silently overwriting a change made since on another, and log-out's Clear-Site-Data.

The browser's side (the worker keeping pages, the saves kept on the phone and sent when the
connection returns) is in tests/e2e/test_offline.py.
"""

import json
import re
import struct
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.urls import reverse

from gistjournal import offline
from gistjournal.offline import OFFLINE_ASSETS
from journal.daylog.services import DAY_CHANGED, daylog_save
from journal.models import DayLog, Grade, ReportInput
from tests.conftest import PASSWORD, make_user
from tests.journal.test_views_day import day_url, form_data
from tests.pages import table_rows, visible_text

# --- Installing: the manifest, its icons, the worker ------------------------------------------


def png_size(path) -> tuple[int, int]:
    head = Path(path).read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", head[16:24])


def test_the_manifest_opens_todays_log_standalone_with_its_icons(client, db):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "GIST Journal"
    assert manifest["short_name"]
    assert manifest["start_url"] == reverse("journal:today")
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0b5ed7"
    # Each icon is a real PNG of the size it claims: 192 and 512, and a maskable 512.
    found = []
    for icon in manifest["icons"]:
        width, height = png_size(finders.find(icon["src"].removeprefix(settings.STATIC_URL)))
        assert icon["sizes"] == f"{width}x{height}"
        found.append((width, icon.get("purpose", "any")))
    assert sorted(found) == [(192, "any"), (512, "any"), (512, "maskable")]


def test_every_page_links_the_manifest_and_the_theme_colour(client, db):
    html = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color" content="#0b5ed7">' in html


def test_the_worker_is_served_from_the_root_fresh_with_the_files_to_keep(client, db):
    response = client.get("/service-worker.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    script = response.content.decode()
    first_line = script.splitlines()[0]
    assert first_line.startswith("const OFFLINE = ")
    config = json.loads(first_line.removeprefix("const OFFLINE = ").rstrip(";"))
    # The files under the URLs the pages use: the day log's own among them.
    assert "/static/js/day-log.js" in config["assets"]
    assert "/static/js/offline.js" in config["assets"]
    assert len(config["assets"]) == len(OFFLINE_ASSETS)
    assert config["offlinePage"] == "/offline/"
    assert config["dayPrefix"] == "/journal/day/"
    assert re.fullmatch(r"[0-9a-f]{16}", config["release"])
    assert 'addEventListener("fetch"' in script


def test_the_offline_page_names_nobody(client, patient):
    client.force_login(patient)
    response = client.get("/offline/")
    text = visible_text(response.content)
    assert "No connection" in text
    assert "Your day log works without one" in text
    assert "Pat" not in text  # kept for everyone who used the phone: nothing of anyone's


# --- Logging out forgets what the phone kept --------------------------------------------------


def test_log_out_tells_the_browser_to_forget_kept_pages_and_saves(patient_client):
    response = patient_client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "_auth_user_id" not in patient_client.session


def test_deleting_the_account_forgets_kept_pages_and_saves_too(patient_client, patient):
    response = patient_client.post(
        reverse("journal:account_delete"), {"password": PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 302
    assert not type(patient).objects.filter(pk=patient.pk).exists()
    assert response["Clear-Site-Data"] == '"cache", "storage"'


# --- The day's revision: nothing silently overwritten -----------------------------------------


def base_revision(html) -> str:
    return re.search(r'name="base_revision" value="(\d+)"', html).group(1)


def save_on_another_phone(patient, day, fatigue, grade):
    daylog_save(
        patient=patient,
        day=day,
        today=day,
        dose_taken="missed",
        note="From the other phone",
        reports=[ReportInput(symptom=fatigue, grade=grade, interference=None, note="")],
    )


def test_the_day_log_carries_the_revision_it_shows(patient_client, patient, profile, today):
    assert base_revision(patient_client.get(day_url(today)).content.decode()) == "0"
    patient_client.post(day_url(today), form_data(profile, base_revision="0"))
    assert DayLog.objects.get(date=today).revision == 1
    assert base_revision(patient_client.get(day_url(today)).content.decode()) == "1"
    patient_client.post(day_url(today), form_data(profile, base_revision="1", note="Again"))
    assert DayLog.objects.get(date=today).revision == 2


def test_a_save_over_a_day_changed_elsewhere_shows_both_versions_and_saves_nothing(
    patient_client, patient, profile, fatigue, today
):
    loaded = base_revision(patient_client.get(day_url(today)).content.decode())
    save_on_another_phone(patient, today, fatigue, Grade.SEVERE)

    response = patient_client.post(
        day_url(today),
        form_data(profile, base_revision=loaded, grade_fatigue="1", note="From this phone"),
    )
    assert response.status_code == 409
    text = visible_text(response.content)
    assert "Today was changed on another device" in text
    assert "Nothing from this phone has been saved yet." in text
    rows = {row[0]: row[1:] for row in table_rows(response.content, "day-versions")}
    assert rows["Fatigue different"] == ["Severe", "Mild"]
    assert rows["Note for the day different"] == ["From the other phone", "From this phone"]
    assert rows["Did you take your dose? different"] == ["Missed it", "Took all of it"]
    assert "Use this phone's version" in text
    assert "Keep the one on the server" in text
    log = DayLog.objects.get(date=today)
    assert (log.note, log.revision) == ("From the other phone", 1)
    assert log.reports.get(symptom=fatigue).grade == Grade.SEVERE


def test_the_two_versions_page_costs_a_fixed_handful_of_queries(
    patient_client, patient, profile, fatigue, today, django_assert_max_num_queries
):
    save_on_another_phone(patient, today, fatigue, Grade.SEVERE)
    # The worker has drawn the day before (and read the library's kept rows, as any worker
    # has after its first page).
    patient_client.get(day_url(today))
    with django_assert_max_num_queries(17):  # the refused save and its savepoints included
        response = patient_client.post(day_url(today), form_data(profile, base_revision="0"))
    assert response.status_code == 409
    assert "Keep the one on the server" in visible_text(response.content)


def test_using_this_phones_version_saves_it_over_the_other(
    patient_client, patient, profile, fatigue, today
):
    save_on_another_phone(patient, today, fatigue, Grade.SEVERE)
    response = patient_client.post(
        day_url(today),
        form_data(profile, base_revision="0", grade_fatigue="1", note="From this phone"),
    )
    html = response.content.decode()
    choice = html[html.index('<form method="post" action="' + day_url(today)) :]
    resend = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', choice))
    assert resend["base_revision"] == "1"
    assert resend["note"] == "From this phone"

    response = patient_client.post(day_url(today), resend)
    assert response.status_code == 302
    log = DayLog.objects.get(date=today)
    assert (log.note, log.revision) == ("From this phone", 2)
    assert log.reports.get(symptom=fatigue).grade == Grade.MILD


def test_a_day_created_elsewhere_since_the_page_opened_is_a_change_too(
    patient_client, patient, profile, fatigue, today
):
    save_on_another_phone(patient, today, fatigue, Grade.MILD)
    response = patient_client.post(day_url(today), form_data(profile, base_revision="0"))
    assert response.status_code == 409
    assert DayLog.objects.get(date=today).note == "From the other phone"


@pytest.mark.parametrize("base", [0, 1])
def test_two_saves_based_on_the_same_revision_cannot_both_land(patient, fatigue, today, base):
    """The race the form's check cannot see: two phones' saves of the same revision reach the
    server together, both pass the form, and the second to be written must still be refused
    (the save itself compares the revision it writes), leaving the first untouched."""
    if base:
        save_on_another_phone(patient, today, fatigue, Grade.MILD)

    def save(note, grade):
        return daylog_save(
            patient=patient,
            day=today,
            today=today,
            note=note,
            reports=[ReportInput(symptom=fatigue, grade=grade, interference=None, note="")],
            base_revision=base,
        )

    save("First phone", Grade.MODERATE)
    with pytest.raises(ValidationError) as refused:
        save("Second phone", Grade.SEVERE)
    assert refused.value.code == DAY_CHANGED
    assert "changed on another device" in refused.value.messages[0]
    log = DayLog.objects.get(date=today)
    assert (log.note, log.revision) == ("First phone", base + 1)
    assert log.reports.get(symptom=fatigue).grade == Grade.MODERATE


def test_a_form_without_a_revision_is_not_checked(
    patient_client, patient, profile, fatigue, today
):
    """An older page (or a script) without the field saves as before."""
    save_on_another_phone(patient, today, fatigue, Grade.MILD)
    response = patient_client.post(day_url(today), form_data(profile, note="No version"))
    assert response.status_code == 302
    assert DayLog.objects.get(date=today).note == "No version"


def test_a_value_out_of_range_is_refused_beside_its_field_before_any_version_question(
    patient_client, patient, profile, fatigue, today
):
    save_on_another_phone(patient, today, fatigue, Grade.MILD)
    response = patient_client.post(
        day_url(today),
        form_data(profile, base_revision="0", systolic="400", diastolic="80"),
    )
    assert response.status_code == 200
    assert "The upper number is between 60 and 260" in visible_text(response.content)
    assert DayLog.objects.get(date=today).systolic is None


def test_a_stranger_cannot_see_the_versions_of_anothers_day(client, patient, fatigue, today):
    save_on_another_phone(patient, today, fatigue, Grade.SEVERE)
    other = make_user("other")
    client.force_login(other)
    response = client.post(day_url(today), {"grade_fatigue": "1", "base_revision": "0"})
    # Their own journal's day (none saved yet): saved, nothing of the patient's shown.
    assert "From the other phone" not in response.content.decode()
    assert DayLog.objects.get(patient=patient, date=today).note == "From the other phone"


@pytest.mark.parametrize("revision", ["-1", "abc"])
def test_a_broken_revision_is_refused_plainly(patient_client, profile, today, revision):
    response = patient_client.post(day_url(today), form_data(profile, base_revision=revision))
    assert response.status_code == 200
    assert "Version of the day" in visible_text(response.content)
    assert not DayLog.objects.exists()


def test_a_changed_file_makes_a_new_release(monkeypatch, db):
    """The worker names its caches after the release: a file changed, a new worker and new
    caches (tests/e2e/test_offline.py watches the browser drop the old ones)."""
    before = offline.release.__wrapped__()
    assert offline.release.__wrapped__() == before  # the same files, the same release
    original = offline._source
    monkeypatch.setattr(
        offline,
        "_source",
        lambda name: original(name) + (b"\n// changed" if name == "css/journal.css" else b""),
    )
    assert offline.release.__wrapped__() != before
