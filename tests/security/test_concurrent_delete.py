"""An account deleted while the same person's other requests are in flight.

A request on another device (or a second tab) has already read who is signed in when the
account disappears. It must end with the log-in page, never a server error (500): the
person is gone, so there is nothing left to show or save.
"""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from journal.account.services import account_delete
from tests.conftest import PASSWORD


class DeleteTheAccountMidway:
    """Test-only middleware, last in the chain: the request has been let in as its user
    (LoginRequiredMiddleware read them) and the view is next, when the account goes, as it
    would when the deletion on another device commits at that moment."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.user.is_authenticated:
            account_delete(user=get_user_model().objects.get(pk=request.user.pk))


DAY = date(2025, 3, 3)
# Every request that saves, or reads through the person's profile, for them.
FAILING_MIDWAY = [
    ("get", "journal:dashboard", None),
    ("get", "journal:today", None),
    ("post", "journal:day", {"dose_taken": "full"}),
    ("get", "journal:history", None),
    ("get", "journal:trends", None),
    ("get", "journal:report", None),
    ("get", "journal:treatment", None),
    ("post", "journal:treatment_new", {"drug": "imatinib", "dose_mg": "400"}),
    ("post", "journal:sharing", {"invitee_name": "Sam", "invitee_email": "sam@example.org"}),
    ("get", "journal:export_csv", None),
    ("get", "journal:export_json", None),
    ("get", "journal:export_fhir", None),
    ("get", "journal:settings", None),
    ("post", "journal:settings", {"first_name": "Pat"}),
    ("get", "journal:thresholds", None),
    ("post", "journal:thresholds", {}),
    ("get", "journal:first_day_symptoms", None),
    ("post", "journal:first_day_symptoms", {}),
]
# Pages that need nothing of theirs answer as they would have a moment earlier.
UNHARMED_MIDWAY = [("get", "journal:sharing", None), ("get", "journal:import", None)]


@pytest.fixture
def deleted_midway(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.DeleteTheAccountMidway"]


def signed_in(user) -> Client:
    # As the server answers: a failure is a page, not an exception raised into the test.
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def send(client, method, name, data):
    url = reverse(name, args=[DAY]) if name == "journal:day" else reverse(name)
    return getattr(client, method)(url, data or {})


def assert_sent_to_log_in(response):
    assert response.status_code == 302, response.status_code
    assert response.url.startswith(reverse("login") + "?next=")


# Real transactions: the foreign keys are checked when each statement commits, as in
# production, not once at the end of a test's wrapping transaction.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("method", "name", "data"), FAILING_MIDWAY, ids=[f"{m} {n}" for m, n, _ in FAILING_MIDWAY]
)
def test_a_request_whose_account_is_deleted_midway_is_sent_to_log_in(
    patient, short_journal, deleted_midway, method, name, data
):
    client = signed_in(patient)

    response = send(client, method, name, data)

    assert not get_user_model().objects.filter(pk=patient.pk).exists()
    assert_sent_to_log_in(response)
    assert_sent_to_log_in(client.get(reverse("journal:dashboard")))  # signed out


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("method", "name", "data"), UNHARMED_MIDWAY, ids=[f"{m} {n}" for m, n, _ in UNHARMED_MIDWAY]
)
def test_a_page_needing_nothing_of_the_deleted_account_is_no_error(
    patient, short_journal, deleted_midway, method, name, data
):
    response = send(signed_in(patient), method, name, data)

    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_caregiver_deleted_while_reading_a_journal_is_sent_to_log_in(
    patient, share, caregiver, short_journal, deleted_midway
):
    response = signed_in(caregiver).get(reverse("care:history", args=[share.pk]))

    assert_sent_to_log_in(response)
    assert get_user_model().objects.filter(pk=patient.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_deleting_from_two_tabs_at_once_ends_on_the_home_page(
    patient, short_journal, deleted_midway
):
    response = signed_in(patient).post(reverse("journal:account_delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert not get_user_model().objects.filter(pk=patient.pk).exists()
