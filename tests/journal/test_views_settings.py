import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal.models import Profile
from tests.conftest import make_day, make_standard_sunitinib
from tests.pages import visible_text

SETTINGS = reverse("journal:settings")
FIRST_DAY_SYMPTOMS = reverse("journal:first_day_symptoms")


def settings_data(symptoms, **overrides):
    data = {
        "name": "Pat",
        "time_zone": "Europe/Paris",
        "tracked_symptoms": [symptoms["fatigue"].pk, symptoms["eye-bleeding"].pk],
        "care_team_phone": "+33 1 23 45 67 89",
    }
    data.update(overrides)
    return data


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(SETTINGS)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_owner_sees_the_default_tracked_symptoms_ticked(patient_client, profile):
    response = patient_client.get(SETTINGS)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.initial["tracked_symptoms"]) == set(profile.tracked_symptoms.all())
    assert "Hand-foot syndrome" in response.content.decode()


def test_saving_settings(patient_client, patient, symptoms, profile):
    response = patient_client.post(SETTINGS, settings_data(symptoms))
    assert response.status_code == 302
    profile = Profile.objects.get(user=patient)
    assert profile.time_zone == "Europe/Paris"
    assert profile.care_team_phone == "+33 1 23 45 67 89"
    assert set(profile.tracked_symptoms.values_list("slug", flat=True)) == {
        "fatigue",
        "eye-bleeding",
    }


def test_caregiver_saving_settings_changes_only_their_own(
    caregiver_client, caregiver, patient, symptoms, profile
):
    assert caregiver_client.post(SETTINGS, settings_data(symptoms)).status_code == 302
    assert Profile.objects.get(user=patient).time_zone != "Europe/Paris"
    assert Profile.objects.get(user=caregiver).time_zone == "Europe/Paris"


def test_bad_settings_are_refused_next_to_the_field(patient_client, patient, symptoms, profile):
    response = patient_client.post(
        SETTINGS,
        settings_data(
            symptoms, time_zone="Mars/Olympus", tracked_symptoms=[], care_team_phone="call me"
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "time_zone" in errors
    assert errors["tracked_symptoms"] == ["Choose at least one symptom to track."]
    assert "at least 6 digits" in errors["care_team_phone"][0]
    assert Profile.objects.get(user=patient).care_team_phone == ""


def test_wrong_method_is_refused(patient_client, library):
    assert patient_client.delete(SETTINGS).status_code == 405


def test_settings_query_count_is_fixed(
    patient_client, long_journal, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        assert patient_client.get(SETTINGS).status_code == 200


def test_settings_ask_who_the_reader_is_once_for_the_page_and_its_menu(caregiver_client, share):
    """The page (which fields a caregiver sees) and the menu both need the roles."""
    with CaptureQueriesContext(connection) as queries:
        response = caregiver_client.get(SETTINGS)
    roles_queries = [
        query["sql"]
        for query in queries.captured_queries
        if "EXISTS" in query["sql"] and '"journal_careshare"' in query["sql"]
    ]
    assert len(roles_queries) == 1
    assert "People I care for" in visible_text(response.content)


def test_last_clinic_visit_is_saved_and_starts_the_report(patient_client, symptoms, profile):
    visit = profile.today() - timedelta(days=20)
    response = patient_client.post(
        SETTINGS, settings_data(symptoms, last_visit_on=visit.isoformat())
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.last_visit_on == visit
    report = patient_client.get(reverse("journal:report"))
    assert report.context["start"] == visit


def test_a_clinic_visit_in_the_future_is_refused(patient_client, symptoms, profile):
    tomorrow = profile.today() + timedelta(days=1)
    response = patient_client.post(
        SETTINGS, settings_data(symptoms, last_visit_on=tomorrow.isoformat())
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    assert tomorrow.isoformat() in response.content.decode()  # what was typed is kept
    profile.refresh_from_db()
    assert profile.last_visit_on is None


# --- The name shown to others ---------------------------------------------------------------


def test_settings_show_the_name_given_at_sign_up(patient_client, profile):
    response = patient_client.get(SETTINGS)
    assert response.context["form"]["name"].value() == "Pat"
    assert "Your name" in visible_text(response.content)


def test_a_new_name_heads_the_clinic_report(patient_client, patient, symptoms, profile):
    response = patient_client.post(SETTINGS, settings_data(symptoms, name="  Patricia   Okafor "))
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.first_name == "Patricia Okafor"
    report = visible_text(patient_client.get(reverse("journal:report")).content)
    assert "Clinic report: Patricia Okafor" in report


def test_a_name_left_empty_shows_the_username(patient_client, patient, symptoms, profile):
    assert patient_client.post(SETTINGS, settings_data(symptoms, name="")).status_code == 302
    report = visible_text(patient_client.get(reverse("journal:report")).content)
    assert "Clinic report: pat" in report


def test_a_name_is_not_saved_with_settings_refused(patient_client, patient, symptoms, profile):
    response = patient_client.post(
        SETTINGS, settings_data(symptoms, name="Patricia", care_team_phone="call me")
    )
    assert response.status_code == 200
    assert 'value="Patricia"' in response.content.decode()  # what was typed is kept
    patient.refresh_from_db()
    assert patient.first_name == "Pat"


def test_caregiver_renaming_renames_only_themselves(
    caregiver_client, caregiver, patient, symptoms, profile
):
    data = settings_data(symptoms, name="Carey Jones")
    assert caregiver_client.post(SETTINGS, data).status_code == 302
    caregiver.refresh_from_db()
    patient.refresh_from_db()
    assert (caregiver.first_name, patient.first_name) == ("Carey Jones", "Pat")


# --- The first day: which symptoms to track -------------------------------------------------


def test_first_day_symptoms_needs_log_in(client):
    response = client.get(FIRST_DAY_SYMPTOMS)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_first_day_symptoms_come_ticked_with_the_defaults(patient_client, profile):
    response = patient_client.get(FIRST_DAY_SYMPTOMS)
    text = visible_text(response.content)
    assert "Step 2 of 3" in text
    assert "Which symptoms to track" in text
    assert "Next: log today" in text
    html = response.content.decode()
    checked = set(re.findall(r'name="tracked_symptoms" value="(\d+)"\s+id="[^"]+" checked', html))
    assert checked == {str(pk) for pk in profile.tracked_symptoms.values_list("pk", flat=True)}
    ticked = response.context["form"]["tracked_symptoms"].value()
    assert {int(pk) for pk in ticked} == set(profile.tracked_symptoms.values_list("pk", flat=True))
    assert len(ticked) == 8


def test_first_day_symptoms_say_which_are_common_with_the_drug(
    patient_client, patient, profile, sunitinib, today
):
    make_standard_sunitinib(patient, sunitinib, starts_on=today)
    text = visible_text(patient_client.get(FIRST_DAY_SYMPTOMS).content)
    assert "Hand-foot syndrome (common with sunitinib)" in text
    assert "Headache (common with" not in text


def test_first_day_symptoms_are_saved_and_lead_to_todays_log(
    patient_client, patient, symptoms, profile
):
    chosen = [symptoms["fatigue"].pk, symptoms["swelling"].pk]
    response = patient_client.post(FIRST_DAY_SYMPTOMS, {"tracked_symptoms": chosen})
    assert response.status_code == 302
    assert response.url == reverse("journal:today")
    profile.refresh_from_db()
    assert set(profile.tracked_symptoms.values_list("slug", flat=True)) == {"fatigue", "swelling"}


def test_first_day_with_no_symptom_is_refused(patient_client, profile):
    before = set(profile.tracked_symptoms.all())
    response = patient_client.post(FIRST_DAY_SYMPTOMS, {})
    assert response.status_code == 200
    assert "Choose at least one symptom to track." in visible_text(response.content)
    assert set(profile.tracked_symptoms.all()) == before


def test_caregiver_first_day_sets_only_their_own(
    caregiver_client, caregiver, patient, symptoms, profile
):
    before = set(profile.tracked_symptoms.all())
    response = caregiver_client.post(
        FIRST_DAY_SYMPTOMS, {"tracked_symptoms": [symptoms["fatigue"].pk]}
    )
    assert response.status_code == 302
    assert set(Profile.objects.for_user(patient).tracked_symptoms.all()) == before
    assert list(Profile.objects.for_user(caregiver).tracked_symptoms.all()) == [
        symptoms["fatigue"]
    ]


@pytest.mark.parametrize("method", ["put", "delete"])
def test_first_day_symptoms_refuse_other_methods(patient_client, profile, method):
    assert getattr(patient_client, method)(FIRST_DAY_SYMPTOMS).status_code == 405


def test_first_day_symptoms_query_count_is_fixed(
    patient_client, long_journal, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        assert patient_client.get(FIRST_DAY_SYMPTOMS).status_code == 200


def test_a_caregiver_without_a_journal_sets_only_their_name_and_time_zone(
    caregiver_client, caregiver, share
):
    url = reverse("journal:settings")
    text = visible_text(caregiver_client.get(url).content)
    assert "Your name" in text and "Time zone" in text
    for patients_only in ("Symptoms", "Country you live in", "Download a spreadsheet", "Import"):
        assert patients_only not in text, patients_only
    assert "Delete your account" in text
    response = caregiver_client.post(url, {"name": "Sam Carer", "time_zone": "Europe/Paris"})
    assert response.status_code == 302
    caregiver.refresh_from_db()
    assert caregiver.first_name == "Sam Carer"
    assert Profile.objects.for_user(caregiver).time_zone == "Europe/Paris"


def test_a_caregiver_who_keeps_a_journal_has_every_setting(caregiver_client, caregiver, share):
    make_day(caregiver, date(2025, 1, 1))
    text = visible_text(caregiver_client.get(reverse("journal:settings")).content)
    assert "Country you live in" in text and "Download a spreadsheet" in text
