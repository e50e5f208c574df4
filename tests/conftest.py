"""The cast shared by every test: patient, caregiver, stranger, curator (and anonymous)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tests import template_guard

PASSWORD = "a-long-test-password-42"


def make_user(username, **kwargs):
    kwargs.setdefault("email", f"{username}@example.org")
    return get_user_model().objects.create_user(username=username, password=PASSWORD, **kwargs)


@pytest.fixture
def patient(db):
    return make_user("pat", first_name="Pat")


@pytest.fixture
def stranger(db):
    return make_user("stranger")


@pytest.fixture
def curator(db):
    user = make_user("curator", is_staff=True)
    group, _ = Group.objects.get_or_create(name="Library curators")
    user.groups.add(group)
    return user


@pytest.fixture
def patient_client(client, patient):
    client.force_login(patient)
    return client


@pytest.fixture
def stranger_client(client, stranger):
    client.force_login(stranger)
    return client


def make_share(patient, caregiver, **kwargs):
    """An accepted share of ``patient``'s journal with ``caregiver`` (notes hidden)."""
    from datetime import timedelta

    from django.utils import timezone

    from journal.models import CareShare

    now = timezone.now()
    kwargs.setdefault("invitee_name", caregiver.first_name or caregiver.username)
    kwargs.setdefault("invitee_email", caregiver.email)
    kwargs.setdefault("token_hash", CareShare.new_token())
    kwargs.setdefault("expires_at", now + timedelta(days=7))
    kwargs.setdefault("accepted_at", now)
    return CareShare.objects.create(patient=patient, caregiver=caregiver, **kwargs)


@pytest.fixture
def caregiver(db, patient):
    """Someone the patient shared their journal with (read-only, notes hidden)."""
    user = make_user("carey", first_name="Carey")
    make_share(patient, user)
    return user


@pytest.fixture
def share(caregiver, patient):
    from journal.models import CareShare

    return CareShare.objects.get(patient=patient, caregiver=caregiver)


@pytest.fixture
def caregiver_client(client, caregiver):
    client.force_login(caregiver)
    return client


# Every test runs with the template guard: a lookup that does not resolve in one of the
# project's templates fails the test that rendered it (see tests/template_guard.py).
template_guard.install()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    with template_guard.recording() as misses:
        result = yield
    if misses:
        pytest.fail(template_guard.describe(misses), pytrace=False)
    return result
