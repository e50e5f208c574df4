"""After logging out, the browser's back button shows nothing private."""

from datetime import timedelta

import pytest
from django.utils import timezone

from journal.models import DayLog
from tests.conftest import PASSWORD, make_user

SECRET_NOTE = "Private note the next person at this computer must not see"


@pytest.fixture
def patient_with_note(transactional_db):
    user = make_user("backbutton")
    DayLog.objects.create(
        patient=user, date=timezone.localdate() - timedelta(days=1), note=SECRET_NOTE
    )
    return user


def test_back_button_after_log_out_shows_nothing_private(page, live_server, patient_with_note):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("backbutton")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + "/journal/history/")
    assert SECRET_NOTE in page.content()

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(live_server.url + "/")
    page.go_back()
    page.wait_for_load_state()
    assert SECRET_NOTE not in page.content()
    assert "/accounts/login/" in page.url
