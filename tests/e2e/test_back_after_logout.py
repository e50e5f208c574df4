"""After logging out, the browser's back button shows nothing private."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import make_day, make_user
from tests.e2e.conftest import log_in

SECRET_NOTE = "Private note the next person at this computer must not see"


@pytest.fixture
def patient_with_note(transactional_db):
    user = make_user("backbutton")
    make_day(user, timezone.localdate() - timedelta(days=1), note=SECRET_NOTE)
    return user


def test_back_button_after_log_out_shows_nothing_private(page, live_server, patient_with_note):
    log_in(page, live_server.url, "backbutton")
    page.goto(live_server.url + "/journal/history/")
    assert SECRET_NOTE in page.content()

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(live_server.url + "/")
    page.go_back()
    page.wait_for_load_state()
    assert SECRET_NOTE not in page.content()
    assert "/accounts/login/" in page.url
