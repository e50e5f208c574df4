"""The library's per-process caches (``library.cache``): a curator's change shows on the very
next page, in every worker, because the version they are keyed on lives in the database."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from journal.models import AlertRules, Grade
from library import cache as library_cache
from library.models import AlertRule, Entry, HelpfulVote, LibraryVersion
from tests.conftest import log_in_with_second_factor, make_day
from tests.pages import visible_text


def what_helps(patient_client, day, slug: str) -> str:
    html = patient_client.get(reverse("journal:day", args=[day.isoformat()])).content.decode()
    row = html[html.index(f'id="symptom-{slug}"') :]
    return re.search(r"What helps \(\d+\)", visible_text(row[: row.index("</fieldset>")]))[0]


@pytest.fixture
def curator_client(admin_user):
    """A curator in a browser of their own, signed in with the admin's second factor."""
    return log_in_with_second_factor(Client(), admin_user)


def test_a_curators_save_in_the_admin_shows_on_the_next_day_log(
    patient_client, curator_client, symptoms, today
):
    hfs = symptoms["hand-foot-syndrome"]
    hfs.entries.clear()
    assert what_helps(patient_client, today, hfs.slug) == "What helps (0)"
    assert what_helps(patient_client, today, hfs.slug) == "What helps (0)"  # now from the cache

    answer = curator_client.post(
        reverse("admin:library_entry_add"),
        {
            "title": "Cool water for sore feet",
            "slug": "cool-water",
            "kind": "guidance",
            "status": "published",
            "source": hfs.entries.model.objects.values_list("source", flat=True).first() or "",
            "symptoms": [hfs.pk],
            "body": "Our words.",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert what_helps(patient_client, today, hfs.slug) == "What helps (1)"


def test_a_changed_alert_rule_changes_the_next_days_notice(patient, symptoms, today):
    """The rules are kept between requests; a curator's new grade applies at once."""
    hfs = symptoms["hand-foot-syndrome"]
    log = make_day(patient, today, {hfs: Grade.MODERATE})
    rule = AlertRule.objects.get(symptom=hfs, drug=None)  # no treatment: the general rule
    rule.care_team_grade = Grade.SEVERE
    rule.save()
    library_cache._forget_request_version()  # a new request
    assert not AlertRules.for_patient(patient).of_day(log)

    rule.care_team_grade = Grade.MODERATE
    rule.save()  # as the admin does: the signal bumps the version
    library_cache._forget_request_version()
    alarms = AlertRules.for_patient(patient).of_day(log)
    assert [symptom.slug for symptom in alarms.care_team_symptoms] == [hfs.slug]


def test_loading_the_library_changes_the_version(library):
    before = library_cache.library_version()
    call_command("load_library", stdout=StringIO())
    library_cache._forget_request_version()
    assert library_cache.library_version() != before
    assert LibraryVersion.objects.get().token == library_cache.library_version()


def test_a_vote_is_not_a_library_change(patient, library):
    """Votes are patients' own: they leave the library's caches alone."""
    version = library_cache.library_version()
    HelpfulVote.objects.create(patient=patient, entry=Entry.objects.first(), helpful=True)
    library_cache._forget_request_version()
    assert library_cache.library_version() == version
