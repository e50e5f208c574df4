"""The one home of the fixtures and builders every test tree shares.

- The cast: patient, caregiver (with their share), stranger, curator (and anonymous).
- The library: the shipped content, its symptoms and drugs, and makers for rows of one's own.
- Journals: treatment periods, days, and the ready-made journals several files read.
- The browser: Debian's Chromium for the Playwright tests (tests/e2e and tests/security).

A ``make_*`` builder is a plain function (import it from here); a fixture is requested by
name. Nothing here is defined again, under the same name, anywhere else.
"""

import os
import shutil
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from journal.models import (
    CareShare,
    DayLog,
    DoseTaken,
    Profile,
    SymptomMonth,
    SymptomReport,
    Treatment,
    hash_token,
)
from library.cache import bump_library_version
from library.cache import forget_everything as forget_library_values
from library.curators import ensure_curators_group
from library.glossary import CACHE_KEY as GLOSSARY_CACHE_KEY
from library.management.commands.load_library import LOADED_MODELS
from library.models import (
    AlertRule,
    Drug,
    Entry,
    EntryKind,
    EntryStatus,
    Source,
    Symptom,
)
from tests import template_guard

PASSWORD = "a-long-test-password-42"

# --- The cast ---------------------------------------------------------------------------------


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


def make_share(patient, caregiver=None, **kwargs):
    """A share of ``patient``'s journal, notes hidden: accepted by ``caregiver``, or without
    one an invitation still waiting (give its ``invitee_name`` and ``invitee_email``)."""
    now = timezone.now()
    if caregiver is not None:
        kwargs.setdefault("invitee_name", caregiver.first_name or caregiver.username)
        kwargs.setdefault("invitee_email", caregiver.email)
        kwargs.setdefault("accepted_at", now)
    kwargs.setdefault("token_hash", hash_token(CareShare.new_token()))
    kwargs.setdefault("expires_at", now + timedelta(days=7))
    return CareShare.objects.create(patient=patient, caregiver=caregiver, **kwargs)


@pytest.fixture
def caregiver(db, patient):
    """Someone the patient shared their journal with (read-only, notes hidden)."""
    user = make_user("carey", first_name="Carey")
    make_share(patient, user)
    return user


@pytest.fixture
def share(caregiver, patient):
    return CareShare.objects.get(patient=patient, caregiver=caregiver)


@pytest.fixture
def caregiver_client(client, caregiver):
    client.force_login(caregiver)
    return client


# --- The library ------------------------------------------------------------------------------


def load_library(**options) -> str:
    """Run ``load_library`` as `make run` does; what it printed."""
    out = StringIO()
    call_command("load_library", stdout=out, **options)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """No test sees what another left in the cache (the glossary's words, for one), nor the
    library's values kept in this process."""
    forget_library_values()
    yield
    cache.clear()
    forget_library_values()


# The library's tables in the order their rows can be inserted, then the many-to-many links.
LIBRARY_TABLES = (
    *LOADED_MODELS,
    Drug.common_side_effects.through,
    Entry.symptoms.through,
    Entry.drugs.through,
)
_library_rows: list[tuple[type, list[dict]]] = []


@pytest.fixture
def library(db):
    """The library content that ships with the code (symptoms, drugs, presets, entries, …).

    The first test to ask runs the loader; later ones insert the rows it wrote, as they were
    (ids included), which is what the loader would write again and many times faster. The
    loader's own tests (``tests/library/test_loader.py``) run it every time.

    In a test that also asks for ``live_server`` or ``transactional_db`` (the browser tests),
    pytest-django makes ``db`` that transactional database, so this one fixture serves both.
    """
    if not _library_rows:
        load_library()
        _library_rows.extend((model, list(model.objects.values())) for model in LIBRARY_TABLES)
    else:
        ensure_curators_group()
        for model, rows in _library_rows:
            model.objects.bulk_create([model(**row) for row in rows])
        bump_library_version()  # bulk_create sends no signal: the caches must not see old rows
    cache.delete(GLOSSARY_CACHE_KEY)


@pytest.fixture
def symptoms(library):
    return {symptom.slug: symptom for symptom in Symptom.objects.all()}


@pytest.fixture
def hfs(symptoms):
    """Hand-foot syndrome, as the library ships it."""
    return symptoms["hand-foot-syndrome"]


@pytest.fixture
def fatigue(symptoms):
    return symptoms["fatigue"]


@pytest.fixture
def sunitinib(library):
    return Drug.objects.get(slug="sunitinib")


@pytest.fixture
def imatinib(library):
    return Drug.objects.get(slug="imatinib")


def make_symptom(slug="test-symptom", *, alert_grade=3, **kwargs):
    """A symptom, with its alert rule for every drug (contact the care team from
    ``alert_grade``; None for a symptom without any rule)."""
    kwargs.setdefault("name", slug.replace("-", " ").capitalize())
    kwargs.setdefault("body_area", "skin")
    kwargs.setdefault("description", "A test symptom.")
    kwargs.setdefault("ctcae_term", "Test term")
    for grade in (1, 2, 3, 4):
        kwargs.setdefault(f"grade_{grade}", f"Grade {grade} meaning.")
    symptom = Symptom.objects.create(slug=slug, **kwargs)
    if alert_grade is not None:
        make_alert_rule(symptom, alert_grade)
    return symptom


def make_alert_rule(symptom, care_team_grade, *, drug=None, source=None, basis=""):
    return AlertRule.objects.create(
        slug=f"{symptom.slug}-{drug.slug if drug else 'any-drug'}",
        symptom=symptom,
        drug=drug,
        care_team_grade=care_team_grade,
        source=source,
        basis=basis or "The app's cautious default, for this test.",
    )


def make_drug(slug="testinib", **kwargs):
    kwargs.setdefault("name", slug)
    kwargs.setdefault("how_it_works", "Blocks a test signal.")
    return Drug.objects.create(slug=slug, **kwargs)


def make_source(slug="test-source", **kwargs):
    kwargs.setdefault("title", f"Source {slug}")
    kwargs.setdefault("publisher", "Test Publisher")
    kwargs.setdefault("kind", "news")
    return Source.objects.create(slug=slug, **kwargs)


def make_entry(slug="test-entry", *, symptoms=(), drugs=(), **kwargs):
    kwargs.setdefault("title", f"Entry {slug}")
    kwargs.setdefault("body", "Some words of our own.")
    kwargs.setdefault("kind", EntryKind.GUIDANCE)
    kwargs.setdefault("status", EntryStatus.PUBLISHED)
    if "source" not in kwargs:
        kwargs["source"] = Source.objects.first() or make_source()
    entry = Entry.objects.create(slug=slug, **kwargs)
    entry.symptoms.set(symptoms)
    entry.drugs.set(drugs)
    return entry


# --- Journals ---------------------------------------------------------------------------------


@pytest.fixture
def profile(patient, library):
    return Profile.objects.for_user(patient)


@pytest.fixture
def today(profile):
    return profile.today()


def make_treatment(patient, drug, **kwargs):
    """A treatment period: 400 mg once daily, every day, from 1 January 2025 unless told."""
    kwargs.setdefault("dose_mg", Decimal("400"))
    kwargs.setdefault("starts_on", date(2025, 1, 1))
    return Treatment.objects.create(patient=patient, drug=drug, **kwargs)


def make_standard_sunitinib(patient, sunitinib, **kwargs):
    """Sunitinib's standard period, as the library's preset has it: 50 mg once daily, 4 weeks
    on and 2 off (``kwargs`` as for ``make_treatment``: ``starts_on``, ``ends_on``, ...)."""
    return make_treatment(
        patient, sunitinib, dose_mg=Decimal("50"), days_on=28, days_off=14, **kwargs
    )


def make_day(patient, day, grades=None, **kwargs):
    """A day log with reports: ``grades`` maps Symptom -> grade. Linked to the period in force
    that day unless ``treatment`` is given. Its month's figures are added up again, as a save
    does (a report created after, outside it, needs ``SymptomMonth.objects.refresh``)."""
    kwargs.setdefault("dose_taken", DoseTaken.ALL)
    kwargs.setdefault("treatment", Treatment.objects.in_force(patient, day))
    log = DayLog.objects.create(patient=patient, date=day, **kwargs)
    for symptom, grade in (grades or {}).items():
        SymptomReport.objects.create(day=log, symptom=symptom, grade=grade)
    SymptomMonth.objects.refresh(patient, day, day)
    return log


# Hand-foot syndrome grades over the two fortnights of ``make_dose_reduction``: 9 of 14 days
# at grade 2 or worse on 50 mg (64%), 3 of 14 on 37.5 mg (21%); averages 23/14 and 14/14.
HFS_AT_50 = [2, 2, 3, 1, 2, 2, 0, 2, 3, 2, 1, 1, 2, 0]
HFS_AT_37_5 = [1, 1, 2, 0, 1, 1, 2, 1, 0, 1, 2, 1, 1, 0]
FATIGUE_AT_50 = [1] * 14


def make_dose_reduction(patient, sunitinib, hfs, fatigue, first_day):
    """14 days of sunitinib 50 mg (4 days on, 2 off), then 14 days of 37.5 mg every day for the
    side effects, a day logged each day: hand-foot syndrome graded ``HFS_AT_50`` then
    ``HFS_AT_37_5``, fatigue 1 on the higher dose only; blood pressure 150/95 on the higher
    dose, weight 70.5 kg on the lower, one dose missed. Returns ``(high, low)``."""
    high = make_treatment(
        patient,
        sunitinib,
        dose_mg=Decimal("50"),
        days_on=4,
        days_off=2,
        starts_on=first_day,
        ends_on=first_day + timedelta(days=13),
    )
    low = make_treatment(
        patient,
        sunitinib,
        dose_mg=Decimal("37.5"),
        starts_on=first_day + timedelta(days=14),
        reason="side_effects",
    )
    for n, grade in enumerate(HFS_AT_50):
        make_day(
            patient,
            first_day + timedelta(days=n),
            {hfs: grade, fatigue: FATIGUE_AT_50[n]},
            treatment=high,
            dose_taken=DoseTaken.ALL if n % 6 < 4 else DoseTaken.BREAK,
            systolic=150,
            diastolic=95,
        )
    for n, grade in enumerate(HFS_AT_37_5):
        make_day(
            patient,
            first_day + timedelta(days=14 + n),
            {hfs: grade},
            treatment=low,
            dose_taken=DoseTaken.MISSED if n == 3 else DoseTaken.ALL,
            weight_kg=Decimal("70.5"),
        )
    return high, low


def make_long_journal(patient, *, days, until, symptoms):
    """``days`` of daily logs ending on ``until``: imatinib 400 mg for the first half, then
    sunitinib's standard period (for progression); every one of ``symptoms`` graded each day,
    blood pressure and weight every day, a note every tenth day. Needs the library's drugs.
    Bulk inserts, so that two years take a moment, and the months added up once after them,
    as ``seed_demo`` does. Returns the logs, oldest first."""
    start = until - timedelta(days=days - 1)
    middle = start + timedelta(days=days // 2)
    first = make_treatment(
        patient,
        Drug.objects.get(slug="imatinib"),
        starts_on=start,
        ends_on=middle - timedelta(days=1),
    )
    second = make_standard_sunitinib(
        patient, Drug.objects.get(slug="sunitinib"), starts_on=middle, reason="progression"
    )
    logs = DayLog.objects.bulk_create(
        DayLog(
            patient=patient,
            date=start + timedelta(days=n),
            treatment=first if start + timedelta(days=n) < middle else second,
            dose_taken=DoseTaken.ALL,
            systolic=120 + n % 50,
            diastolic=80 + n % 25,
            weight_kg=Decimal("70.0") + n % 3,
            note="A note." if n % 10 == 0 else "",
        )
        for n in range(days)
    )
    if not all(log.pk for log in logs):  # SQLite before 3.35 returns no ids
        logs = list(DayLog.objects.for_patient(patient).filter(date__gte=start).order_by("date"))
    SymptomReport.objects.bulk_create(
        SymptomReport(day=log, symptom=symptom, grade=(n + i) % 5)
        for n, log in enumerate(logs)
        for i, symptom in enumerate(symptoms)
    )
    SymptomMonth.objects.refresh(patient, start, until)
    return logs


@pytest.fixture
def long_journal(patient, profile, today):
    """Two years of daily logs up to today, every tracked symptom graded each day."""
    return make_long_journal(
        patient, days=730, until=today, symptoms=list(profile.tracked_symptoms.all())
    )


@pytest.fixture
def short_journal(patient, profile, symptoms, imatinib, sunitinib):
    """Three days around two periods: imatinib until 9 March 2025, then sunitinib 37.5 mg
    (made by Teva) 4 weeks on / 2 off from 10 March for the side effects.

    - 1 March: fatigue 2, diarrhoea 3 (interference 2, note "-3 times"), blood pressure
      131/84, weight 71.5 kg, a note for the doctor that starts with "=" and has accents;
    - 7 April, day 29 of the sunitinib cycle (the first day off): diarrhoea 1, a planned break;
    - 8 April: logged with no symptom graded.

    The profile has settings of its own: care team phone, Paris time, a last clinic visit,
    fatigue and diarrhoea tracked.
    """
    profile.care_team_phone = "+44 20 7000 0000"
    profile.time_zone = "Europe/Paris"
    profile.last_visit_on = date(2025, 2, 20)
    profile.save()
    profile.tracked_symptoms.set([symptoms["fatigue"], symptoms["diarrhoea"]])
    make_treatment(patient, imatinib, starts_on=date(2025, 1, 1), ends_on=date(2025, 3, 9))
    make_treatment(
        patient,
        sunitinib,
        dose_mg=Decimal("37.5"),
        days_on=28,
        days_off=14,
        maker="Teva",
        starts_on=date(2025, 3, 10),
        reason="side_effects",
    )
    day = make_day(
        patient,
        date(2025, 3, 1),
        systolic=131,
        diastolic=84,
        weight_kg=Decimal("71.5"),
        note="=Tired after the walk, «très» fatiguée.",
        for_doctor=True,
    )
    # Graded out of the library's order (fatigue comes first there), and out of the alphabet's.
    SymptomReport.objects.create(
        day=day, symptom=symptoms["diarrhoea"], grade=3, interference=2, note="-3 times"
    )
    SymptomReport.objects.create(day=day, symptom=symptoms["fatigue"], grade=2)
    SymptomMonth.objects.refresh(patient, day.date, day.date)
    make_day(patient, date(2025, 4, 7), {symptoms["diarrhoea"]: 1}, dose_taken=DoseTaken.BREAK)
    make_day(patient, date(2025, 4, 8), {})


# --- The browser (Playwright) ----------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def chromium_executable(playwright) -> str | None:
    """Debian's Chromium (or CHROMIUM_PATH); else Playwright's own, where `playwright install
    chromium` could fetch one (``None``: let Playwright launch it)."""
    for candidate in (CHROMIUM, shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    if Path(playwright.chromium.executable_path).exists():
        return None
    pytest.fail(
        f"No Chromium at {CHROMIUM}. Install it with `apt-get install -y chromium` "
        "(or run `make test`, which does), or set CHROMIUM_PATH.",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, playwright):
    """Playwright cannot download a browser on our machines: launch Debian's Chromium. A
    missing browser is a failure with a message, never a skip."""
    # Playwright's sync API runs an event loop in the test thread from now on; the ORM calls
    # the tests make from that thread would otherwise raise SynchronousOnlyOperation.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    executable = chromium_executable(playwright)
    return {
        **browser_type_launch_args,
        **({"executable_path": executable} if executable else {}),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


def log_in_with_second_factor(client, user):
    """Sign ``user`` in as the admin's log-in does after a good code: with a confirmed
    authenticator device recorded in the session (the admin asks for the second factor)."""
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=True
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def session_cookie(user, live_server) -> dict:
    """The session cookie of ``user``, logged in, for a browser context on the live server
    (``context.add_cookies([...])``): the log-in form is skipped, and for staff the second
    factor too."""
    client = Client()
    if user.is_staff:
        log_in_with_second_factor(client, user)
    else:
        client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": live_server.url}


@pytest.fixture
def artifacts_dir():
    """Where browser tests leave screenshots and PDFs for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# --- The template guard -----------------------------------------------------------------------

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


def warm(client, url, params=None) -> None:
    """A first request reads the library's alert rules, symptoms and warning signs, kept per
    process from then on (queries a worker pays once per library version): query counts
    taken after it are of a warm worker's page."""
    assert client.get(url, params).status_code == 200


def periods_read(queries) -> list[str]:
    """The queries that read treatment periods (not the menu's "keeps a journal" test)."""
    return [
        query["sql"] for query in queries if query["sql"].startswith('SELECT "journal_treatment"')
    ]
