from datetime import timedelta

from django.urls import reverse

from journal.models import Profile

SETTINGS = reverse("journal:settings")


def settings_data(symptoms, **overrides):
    data = {
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
