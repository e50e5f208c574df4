"""The two levels of alarm from the library's cited rules: the urgent notice for CTCAE's
grade 4 and the drug's warning signs, per-drug thresholds, the patient's own threshold, and
the emergency number to dial."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from journal.models import Alarm, AlertRules, CareTeamThreshold, Grade
from library.models import Drug, Symptom, WarningSign
from tests.conftest import make_standard_sunitinib, make_treatment
from tests.pages import visible_text

URGENT = "Get urgent help now"
TODAY_NOTICE = "Contact your care team today"


def day_url(profile):
    return reverse("journal:day", args=[profile.today().isoformat()])


def save_day(client, profile, grades=None, **values):
    """Post today's day log: every tracked symptom "none" unless ``grades`` (slug -> grade)."""
    data = {f"grade_{symptom.slug}": "0" for symptom in profile.tracked_symptoms.all()}
    data.update({f"grade_{slug}": str(grade) for slug, grade in (grades or {}).items()})
    data.update({"dose_taken": "all", "note": ""})
    data.update(values)
    return client.post(day_url(profile), data, follow=True)


def track(profile, *slugs):
    profile.tracked_symptoms.add(*Symptom.objects.filter(slug__in=slugs))


def on_drug(patient, profile, slug):
    return make_treatment(
        patient, Drug.objects.get(slug=slug), starts_on=profile.today() - timedelta(days=10)
    )


# --- Grade 4 where CTCAE defines one ---------------------------------------------------------


def urgent_symptoms():
    return ["high-blood-pressure", "diarrhoea", "mouth-sores", "eye-bleeding", "vomiting"]


@pytest.mark.parametrize("slug", urgent_symptoms())
def test_very_severe_is_urgent_where_ctcae_has_a_grade_4(patient_client, profile, slug):
    track(profile, slug)
    symptom = Symptom.objects.get(slug=slug)
    assert symptom.ctcae_grade_4  # as the library ships it

    text = visible_text(save_day(patient_client, profile, {slug: Grade.VERY_SEVERE}).content)

    urgent = text[text.index(URGENT) :]
    assert f"You recorded {symptom.name.lower()} as very severe" in urgent
    assert "the grading doctors use calls that life-threatening" in urgent


def test_every_symptom_with_a_ctcae_grade_4_is_covered_above(library):
    shipped = set(Symptom.objects.filter(ctcae_grade_4=True).values_list("slug", flat=True))
    assert shipped <= set(urgent_symptoms()) | {"appetite-loss"}


def test_very_severe_without_a_ctcae_grade_4_asks_for_a_call_today(patient_client, profile):
    text = visible_text(save_day(patient_client, profile, {"fatigue": Grade.VERY_SEVERE}).content)

    assert TODAY_NOTICE in text
    assert URGENT not in text


def test_the_day_log_never_says_ctcae_to_the_patient(patient_client, profile):
    track(profile, *Symptom.objects.values_list("slug", flat=True))
    text = visible_text(patient_client.get(day_url(profile)).content)
    assert "CTCAE" not in text
    assert "Very severe: worse than severe." in text


def test_each_grade_says_which_notice_it_raises(patient_client, profile):
    track(profile, "diarrhoea")
    html = patient_client.get(day_url(profile)).content.decode()
    # Diarrhoea: a call from moderate (the library's Macmillan rule), urgent at grade 4.
    assert 'id="id_grade_diarrhoea_2"' in html
    radio = html[html.index('id="id_grade_diarrhoea_2"') - 300 :]
    assert 'data-alarm="care"' in radio[: radio.index(">") + 400]
    urgent = html[html.index('id="id_grade_diarrhoea_4"') - 300 :]
    assert 'data-alarm="urgent"' in urgent[: urgent.index(">") + 400]
    assert "Get urgent help." in visible_text(html)


# --- Warning signs ---------------------------------------------------------------------------


def test_the_day_log_offers_the_warning_signs_of_the_current_drug(
    patient_client, patient, profile, sunitinib
):
    make_standard_sunitinib(patient, sunitinib, starts_on=profile.today() - timedelta(days=3))
    text = visible_text(patient_client.get(day_url(profile)).content)

    assert "Warning signs today (from the Sunitinib label)" in text
    for sign in WarningSign.objects.filter(drug=sunitinib):
        assert sign.text in text
    for sign in WarningSign.objects.filter(drug__slug="regorafenib"):
        assert sign.text not in text


def ticked_boxes(html: bytes) -> set[str]:
    """The values of the warning-sign checkboxes the page shows ticked."""
    return set(re.findall(r'name="warning_signs" id="[^"]+" value="(\d+)" checked', html.decode()))


def test_a_ticked_sign_shows_ticked_and_stays_after_the_drug_of_the_day_changes(
    patient_client, patient, profile, sunitinib
):
    make_standard_sunitinib(patient, sunitinib, starts_on=profile.today() - timedelta(days=3))
    first, second = WarningSign.objects.filter(drug=sunitinib)[:2]
    save_day(patient_client, profile, warning_signs=[first.pk])

    page = patient_client.get(day_url(profile)).content
    assert ticked_boxes(page) == {str(first.pk)}
    assert second.text in visible_text(page)  # offered, not ticked

    # The day's drug is now regorafenib: its signs are offered, and the sunitinib sign
    # ticked that day stays on the page, ticked; sunitinib's others go.
    regorafenib = Drug.objects.get(slug="regorafenib")
    patient.treatments.update(drug=regorafenib)
    page = patient_client.get(day_url(profile)).content
    text = visible_text(page)
    assert ticked_boxes(page) == {str(first.pk)}
    assert first.text in text
    assert second.text not in text
    for sign in WarningSign.objects.filter(drug=regorafenib):
        assert sign.text in text


def test_a_refused_save_keeps_the_signs_ticked(patient_client, patient, profile, sunitinib):
    make_standard_sunitinib(patient, sunitinib, starts_on=profile.today() - timedelta(days=3))
    sign = WarningSign.objects.filter(drug=sunitinib).last()
    response = save_day(patient_client, profile, warning_signs=[sign.pk], systolic="999")
    assert "The upper number is between" in visible_text(response.content)
    assert ticked_boxes(response.content) == {str(sign.pk)}


def test_a_ticked_warning_sign_raises_the_urgent_notice_everywhere(
    patient_client, caregiver, share, patient, profile, sunitinib
):
    make_standard_sunitinib(patient, sunitinib, starts_on=profile.today() - timedelta(days=3))
    sign = WarningSign.objects.filter(drug=sunitinib).first()

    text = visible_text(save_day(patient_client, profile, warning_signs=[sign.pk]).content)

    urgent = text[text.index(URGENT) :]
    assert f"Warning sign: {sign.text} (from the Sunitinib label)." in urgent
    # The patient's time zone (Europe/London) gives the UK's number until they choose.
    assert "Call 999 (emergency number in United Kingdom)" in urgent
    assert TODAY_NOTICE not in text
    history = visible_text(patient_client.get(reverse("journal:history")).content)
    assert f"Warning sign (urgent help): {sign.text}" in history
    dashboard = visible_text(patient_client.get(reverse("journal:dashboard")).content)
    assert f"warning sign: {sign.text} (urgent help)" in dashboard
    caregiver_client = Client()
    caregiver_client.force_login(caregiver)
    carer = visible_text(caregiver_client.get(reverse("care:dashboard", args=[share.pk])).content)
    assert "Get urgent help now for Pat" in carer
    assert "Call the emergency number where Pat is" not in carer  # the number is known
    assert "Call 999" in carer
    report = visible_text(patient_client.get(reverse("journal:report")).content)
    assert f"Warning sign “{sign.text}” (from the Sunitinib label): 1 day" in report


def test_no_warning_sign_ticked_means_no_urgent_notice(
    patient_client, patient, profile, sunitinib
):
    make_standard_sunitinib(patient, sunitinib, starts_on=profile.today() - timedelta(days=3))
    text = visible_text(save_day(patient_client, profile).content)
    assert URGENT not in text and TODAY_NOTICE not in text


# --- Per-drug thresholds ---------------------------------------------------------------------


def test_regorafenib_asks_for_a_call_at_moderate_blood_pressure(patient_client, patient, profile):
    track(profile, "high-blood-pressure")
    on_drug(patient, profile, "regorafenib")

    text = visible_text(
        save_day(patient_client, profile, {"high-blood-pressure": Grade.MODERATE}).content
    )

    assert TODAY_NOTICE in text


def test_sunitinib_keeps_the_rule_for_every_drug(patient_client, patient, profile, sunitinib):
    track(profile, "high-blood-pressure")
    make_standard_sunitinib(patient, sunitinib, starts_on=profile.today() - timedelta(days=3))

    text = visible_text(
        save_day(patient_client, profile, {"high-blood-pressure": Grade.MODERATE}).content
    )

    assert TODAY_NOTICE not in text


def test_avapritinib_asks_about_any_brain_fog(patient, profile):
    on_drug(patient, profile, "avapritinib")
    avapritinib = Drug.objects.get(slug="avapritinib")
    fog = Symptom.objects.get(slug="cognitive-fog")
    rules = AlertRules.for_patient(patient)

    assert rules.alarm(fog.pk, Grade.MILD, avapritinib.pk) == Alarm.CARE_TEAM
    assert rules.alarm(fog.pk, Grade.MILD, None) == Alarm.NONE
    assert rules.threshold(fog.pk, avapritinib.pk).rule.source.url.startswith("http")


def test_the_symptom_page_shows_each_drugs_rule_and_its_source(client, library):
    text = visible_text(
        client.get(reverse("library:symptom", args=["high-blood-pressure"])).content
    )
    call = text[text.index("When to call your care team") : text.index("What the grades mean")]
    assert "On Regorafenib : from grade 2." in call  # the drug's name is a link
    assert "Source:" in call
    assert "Very severe (grade 4)" in call  # CTCAE has a grade 4 for hypertension


def test_an_unsourced_rule_says_it_is_the_apps_default(client, library):
    text = visible_text(client.get(reverse("library:symptom", args=["headache"])).content)
    call = text[text.index("When to call your care team") : text.index("What the grades mean")]
    assert "cautious default" in call
    assert "has no life-threatening grade for this symptom" in call


# --- The patient's own threshold --------------------------------------------------------------


def test_the_patients_own_threshold_replaces_the_library_rule(patient_client, patient, profile):
    page = reverse("journal:thresholds")
    assert "As the library says: from severe" in visible_text(patient_client.get(page).content)

    response = patient_client.post(
        page, {"call_from_fatigue": "2", "note_fatigue": "Dr Rao, May clinic"}, follow=True
    )

    assert "Saved: your day log and clinic report use these now." in visible_text(response.content)
    own = CareTeamThreshold.objects.get(patient=patient)
    assert (own.symptom.slug, own.care_team_grade) == ("fatigue", 2)
    text = visible_text(save_day(patient_client, profile, {"fatigue": Grade.MODERATE}).content)
    assert "You recorded fatigue at a level your care team wants to hear about." in text
    report = visible_text(patient_client.get(reverse("journal:report")).content)
    assert (
        "The care team asked to be called for fatigue from moderate (2) (“Dr Rao, May clinic”)."
        in report
    )
    assert "as the care team asked" in report


def test_a_note_without_a_level_is_refused_beside_the_field(patient_client, patient, profile):
    response = patient_client.post(reverse("journal:thresholds"), {"note_fatigue": "Call me"})
    text = visible_text(response.content)
    assert "Choose from which level your team asked you to call, or clear the note." in text
    assert 'value="Call me"' in response.content.decode()
    assert not CareTeamThreshold.objects.filter(patient=patient).exists()


def test_going_back_to_the_library_rule_removes_the_own_threshold(
    patient_client, patient, profile
):
    patient_client.post(reverse("journal:thresholds"), {"call_from_fatigue": "1"})
    patient_client.post(reverse("journal:thresholds"), {"call_from_fatigue": ""})
    assert not CareTeamThreshold.objects.filter(patient=patient).exists()


def test_an_own_threshold_never_lowers_the_urgent_level(patient_client, profile):
    track(profile, "diarrhoea")
    patient_client.post(reverse("journal:thresholds"), {"call_from_diarrhoea": "4"})

    text = visible_text(
        save_day(patient_client, profile, {"diarrhoea": Grade.VERY_SEVERE}).content
    )

    assert URGENT in text


# --- The emergency number ---------------------------------------------------------------------


def test_the_emergency_number_follows_the_country_then_the_patients_own(patient_client, profile):
    assert profile.emergency_call().number == "999"  # Europe/London
    settings = reverse("journal:settings")
    data = {
        "time_zone": "Europe/London",
        "tracked_symptoms": [s.pk for s in profile.tracked_symptoms.all()],
        "country": "US",
    }
    patient_client.post(settings, data)
    profile.refresh_from_db()
    assert profile.emergency_call().number == "911"

    patient_client.post(settings, {**data, "emergency_number": "112"})
    profile.refresh_from_db()
    assert profile.emergency_call().number == "112"

    response = patient_client.post(settings, {**data, "emergency_number": "help"})
    assert "Give the number to dial, in digits, e.g. 112." in visible_text(response.content)
    assert 'value="help"' in response.content.decode()
    profile.refresh_from_db()
    assert profile.emergency_number == "112"


def test_a_time_zone_without_a_known_country_asks_for_the_number(patient_client, profile):
    profile.time_zone = "Antarctica/Troll"
    profile.save()
    track(profile, "diarrhoea")
    text = visible_text(
        save_day(patient_client, profile, {"diarrhoea": Grade.VERY_SEVERE}).content
    )
    assert "Call the emergency number where you are" in text
    assert "Set your country or emergency number in settings" in text


def test_the_thresholds_page_costs_the_same_whatever_the_journal(
    patient_client, patient, profile, long_journal, django_assert_max_num_queries
):
    patient_client.post(reverse("journal:thresholds"), {"call_from_fatigue": "2"})
    with django_assert_max_num_queries(10):
        assert patient_client.get(reverse("journal:thresholds")).status_code == 200


def test_a_caregiver_sets_only_their_own_thresholds(caregiver, share, patient, profile):
    carer = Client()
    carer.force_login(caregiver)
    carer.post(reverse("journal:thresholds"), {"call_from_fatigue": "1"})
    assert not CareTeamThreshold.objects.filter(patient=patient).exists()
    assert "Fatigue" not in visible_text(
        carer.get(reverse("care:report", args=[share.pk])).content
    )
