"""Text with a limit is never cut silently: the page shows the room, the server refuses with a
message beside the field and keeps what was typed, and import names the row."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from journal.models import (
    NOTE_MAX_LENGTH,
    SYMPTOM_NOTE_MAX_LENGTH,
    CareShare,
    DayLog,
    Profile,
    Treatment,
)
from tests.pages import visible_text

TOO_LONG = "This is {length} characters long and can hold {limit}. Please shorten it"


def day_url(day):
    return reverse("journal:day", args=[day.isoformat()])


def day_post(profile, **overrides):
    data = {f"grade_{symptom.slug}": "0" for symptom in profile.tracked_symptoms.all()}
    data.update({"dose_taken": "all", "note": ""}, **overrides)
    return data


def field_tag(html: str, name: str) -> str:
    """The opening tag of the input or textarea named ``name``."""
    return re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', html).group(0)


def test_text_fields_carry_their_limit_for_the_counter_not_maxlength(patient_client, profile):
    html = patient_client.get(day_url(profile.today())).content.decode()

    note = field_tag(html, "note")
    assert f'data-max-length="{NOTE_MAX_LENGTH}"' in note
    assert "maxlength" not in note
    symptom_note = field_tag(html, "note_fatigue")
    assert f'data-max-length="{SYMPTOM_NOTE_MAX_LENGTH}"' in symptom_note
    assert "maxlength" not in symptom_note
    assert "js/text-limits.js" in html


def test_an_over_long_day_note_is_refused_beside_the_field_and_kept(patient_client, profile):
    today = profile.today()
    note = "Sore feet. " * 200  # 2,200 characters, 2,199 once the last space is stripped
    response = patient_client.post(day_url(today), day_post(profile, note=note))

    assert response.status_code == 200
    html = response.content.decode()
    error = re.search(r'<[^>]*id="id_note_error"[^>]*>(.*?)</', html, re.S)
    assert TOO_LONG.format(length=2199, limit=2000) in error.group(1)
    assert note.strip() in html  # the whole note is still in the box
    assert not DayLog.objects.exists()


def test_an_over_long_symptom_note_is_refused_and_kept(patient_client, profile):
    today = profile.today()
    note = "x" * (SYMPTOM_NOTE_MAX_LENGTH + 5)
    response = patient_client.post(day_url(today), day_post(profile, note_fatigue=note))

    text = visible_text(response.content)
    assert TOO_LONG.format(length=SYMPTOM_NOTE_MAX_LENGTH + 5, limit=SYMPTOM_NOTE_MAX_LENGTH) in (
        text
    )
    assert f'value="{note}"' in response.content.decode()
    assert not DayLog.objects.exists()


def test_a_note_of_exactly_the_limit_is_saved_whole(patient_client, profile):
    today = profile.today()
    note = "y" * NOTE_MAX_LENGTH
    response = patient_client.post(day_url(today), day_post(profile, note=note))

    assert response.status_code == 302
    assert DayLog.objects.get(date=today).note == note


def test_treatment_maker_over_its_limit_is_refused(patient_client, library, imatinib):
    response = patient_client.post(
        reverse("journal:treatment_new"),
        {
            "drug": imatinib.pk,
            "dose_mg": "400",
            "intakes_per_day": "1",
            "schedule": "continuous",
            "starts_on": "2025-01-01",
            "reason": "first",
            "maker": "M" * 101,
        },
    )

    assert TOO_LONG.format(length=101, limit=100) in visible_text(response.content)
    assert "M" * 101 in response.content.decode()
    assert not Treatment.objects.exists()


def test_invitation_name_over_its_limit_is_refused(patient_client, library):
    name = "Sam " * 30  # 119 characters once stripped
    response = patient_client.post(
        reverse("journal:sharing"),
        {"invitee_name": name, "invitee_email": "sam@example.org"},
    )

    assert TOO_LONG.format(length=119, limit=100) in visible_text(response.content)
    assert not CareShare.objects.exists()


def test_settings_phone_over_its_limit_is_refused(patient_client, patient, profile):
    response = patient_client.post(
        reverse("journal:settings"),
        {
            "time_zone": "Europe/London",
            "tracked_symptoms": [s.pk for s in profile.tracked_symptoms.all()],
            "care_team_phone": "0" * 41,
        },
    )

    assert TOO_LONG.format(length=41, limit=40) in visible_text(response.content)
    assert Profile.objects.for_user(patient).care_team_phone == ""


def test_import_names_the_row_of_an_over_long_note(patient_client, library):
    header = "date,symptom,grade,interference,symptom_note,dose_taken,systolic,diastolic,"
    header += "weight_kg,day_note,for_doctor\n"
    rows = "2025-01-05,Fatigue,1,,,,,,,fine,\n" + f"2025-01-06,Fatigue,1,,,,,,,{'z' * 2001},\n"
    upload = SimpleUploadedFile("journal.csv", (header + rows).encode())

    patient_client.post(reverse("journal:import"), {"file": upload})
    preview = patient_client.get(reverse("journal:import_preview")).context["preview"]

    assert [str(problem) for problem in preview.problems] == [
        "Row 3: Note for the day: " + TOO_LONG.format(length=2001, limit=2000) + "."
    ]
    assert not DayLog.objects.exists()


@pytest.mark.parametrize("url", ["signup", "login"])
def test_account_forms_have_no_silent_cut_either(client, url):
    html = client.get(reverse(url)).content.decode()
    assert 'data-max-length="150"' in field_tag(html, "username")
    assert "maxlength" not in field_tag(html, "username")
