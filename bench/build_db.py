"""The benchmark's journal: one heavy patient, their caregiver, and a crowd of others.

- the heavy patient: five years of days, every library symptom tracked, sixteen
  treatment periods (fifteen changes, a three-week break, on/off schedules), blood pressure
  most days, weight weekly, a note now and then;
- a caregiver with an accepted share of that journal (notes visible);
- ``others`` patients with ``other_days`` days each and four symptoms, so that every query
  that forgets its patient, or lacks an index, pays for the whole table.

Written for speed: ``bulk_create`` in large batches inside one transaction, one password hash
for the two people who log in, and an unusable one shared by everybody else; each journal's
monthly figures (``SymptomMonth``) added up once at the end. Deterministic for a given seed
and ``today``. Expects an empty journal and a loaded library.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from journal.models import (
    CareShare,
    ChangeReason,
    DayLog,
    DoseTaken,
    Profile,
    SymptomMonth,
    SymptomReport,
    Treatment,
    period_in_force,
)
from library.models import Drug, Symptom

HEAVY_DAYS = 5 * 365 + 1
OTHERS = 2000
OTHER_DAYS = 90
OTHER_SYMPTOMS = 4
SEED = 8

HEAVY_USERNAME = "bench-heavy"
CAREGIVER_USERNAME = "bench-carer"
# Others are inserted this many at a time: memory stays bounded, batches stay large.
OTHERS_PER_CHUNK = 250
BATCH_SIZE = 5000

# The heavy patient's story, oldest first: (days, drug, mg, intakes, days on, days off, reason).
# A drug of None is a break without treatment. The last period stays open and is stretched
# or cut to end today.
HEAVY_PERIODS = [
    (150, "imatinib", "400", 1, None, None, ChangeReason.FIRST),
    (120, "imatinib", "300", 1, None, None, ChangeReason.SIDE_EFFECTS),
    (150, "imatinib", "400", 1, None, None, ChangeReason.DOCTOR),
    (120, "imatinib", "400", 2, None, None, ChangeReason.PROGRESSION),
    (98, "sunitinib", "50", 1, 28, 14, ChangeReason.PROGRESSION),
    (84, "sunitinib", "50", 1, 14, 7, ChangeReason.SIDE_EFFECTS),
    (120, "sunitinib", "37.5", 1, None, None, ChangeReason.SIDE_EFFECTS),
    (21, None, None, None, None, None, None),
    (120, "sunitinib", "37.5", 1, None, None, ChangeReason.DOCTOR),
    (112, "regorafenib", "160", 1, 21, 7, ChangeReason.PROGRESSION),
    (112, "regorafenib", "120", 1, 21, 7, ChangeReason.SIDE_EFFECTS),
    (84, "regorafenib", "80", 1, 21, 7, ChangeReason.SIDE_EFFECTS),
    (150, "ripretinib", "150", 1, None, None, ChangeReason.PROGRESSION),
    (120, "ripretinib", "150", 2, None, None, ChangeReason.PROGRESSION),
    (100, "avapritinib", "300", 1, None, None, ChangeReason.OTHER),
    (None, "ripretinib", "150", 1, None, None, ChangeReason.DOCTOR),
]

# How bad each symptom tends to be on each drug (0-4, before noise); the rest sit near 0.3.
LEVELS = {
    "imatinib": {"fatigue": 1.3, "nausea": 1.0, "diarrhoea": 0.9, "swelling": 1.2},
    "sunitinib": {
        "hand-foot-syndrome": 1.8,
        "mouth-sores": 1.1,
        "fatigue": 1.6,
        "high-blood-pressure": 1.4,
    },
    "regorafenib": {"hand-foot-syndrome": 2.0, "fatigue": 1.7, "high-blood-pressure": 1.2},
    "ripretinib": {"joint-muscle-aches": 1.3, "fatigue": 1.0, "skin-rash": 0.9},
    "avapritinib": {"cognitive-fog": 1.6, "swelling": 1.5, "eye-bleeding": 0.6},
}
NOTES = [
    "Tired all afternoon; a short walk helped.",
    "Feet sore after the shopping trip.",
    "Clinic today: bloods fine, scan in six weeks.",
    "Slept badly. Took the tablet late, with supper.",
    "Good day. Garden for an hour.",
]


@dataclass(frozen=True)
class BenchJournal:
    """Who the benchmark logs in as, and how much was built."""

    heavy_username: str
    caregiver_username: str
    password: str
    share_id: int
    heavy_days: int
    treatments: int
    day_logs: int
    reports: int


def _noisy(rng: random.Random, level: float) -> int:
    return max(0, min(4, round(level + rng.uniform(-0.7, 0.7))))


def _heavy_treatments(patient, drugs: dict, start: date, today: date) -> list[Treatment]:
    periods, day = [], start
    for index, (length, slug, mg, intakes, days_on, days_off, reason) in enumerate(HEAVY_PERIODS):
        last = index == len(HEAVY_PERIODS) - 1
        ends_on = None if last else min(day + timedelta(days=length - 1), today)
        if slug is not None:
            periods.append(
                Treatment(
                    patient=patient,
                    drug=drugs[slug],
                    dose_mg=Decimal(mg),
                    intakes_per_day=intakes,
                    days_on=days_on,
                    days_off=days_off,
                    starts_on=day,
                    ends_on=ends_on,
                    reason=reason,
                )
            )
        if ends_on is None or ends_on >= today:
            break
        day = ends_on + timedelta(days=1)
    return Treatment.objects.bulk_create(periods)


def _heavy_days(patient, treatments, symptoms, start, today, rng) -> tuple[int, int]:
    logs, grades = [], []
    day = start
    while day <= today:
        treatment = period_in_force(treatments, day)
        if day != today and rng.random() < 0.05:  # a few days go unlogged
            day += timedelta(days=1)
            continue
        if treatment is None:
            dose_taken = ""
        elif not treatment.is_on_day(day):
            dose_taken = DoseTaken.BREAK
        else:
            roll = rng.random()
            dose_taken = (
                DoseTaken.MISSED
                if roll < 0.02
                else DoseTaken.SOME
                if roll < 0.04
                else DoseTaken.ALL
            )
        log = DayLog(patient=patient, date=day, treatment=treatment, dose_taken=dose_taken)
        if rng.random() < 0.85:
            log.systolic = round(126 + rng.gauss(0, 9))
            log.diastolic = round(80 + rng.gauss(0, 6))
        if day.weekday() == 0:
            log.weight_kg = Decimal(f"{72 + rng.uniform(-2, 2):.1f}")
        if rng.random() < 0.04:
            log.note = rng.choice(NOTES)
            log.for_doctor = rng.random() < 0.3
        levels = LEVELS.get(treatment.drug.slug, {}) if treatment else {}
        on = treatment is not None and treatment.is_on_day(day)
        grades.append(
            [_noisy(rng, levels.get(s.slug, 0.3) * (1 if on else 0.4)) for s in symptoms]
        )
        logs.append(log)
        day += timedelta(days=1)
    logs = DayLog.objects.bulk_create(logs, batch_size=BATCH_SIZE)
    reports = SymptomReport.objects.bulk_create(
        (
            SymptomReport(
                day_id=log.pk,
                symptom_id=symptom.pk,
                grade=grade,
                interference=grade - 1 if grade >= 2 else None,
            )
            for log, day_grades in zip(logs, grades, strict=True)
            for symptom, grade in zip(symptoms, day_grades, strict=True)
        ),
        batch_size=BATCH_SIZE,
    )
    return len(logs), len(reports)


def _others(count, days, symptoms, drugs, today, rng, password_hash) -> tuple[int, int, int]:
    User = get_user_model()
    TrackedSymptom = Profile.tracked_symptoms.through
    treatments = day_logs = reports = 0
    for first in range(0, count, OTHERS_PER_CHUNK):
        numbers = range(first, min(count, first + OTHERS_PER_CHUNK))
        users = User.objects.bulk_create(
            User(username=f"bench-patient-{n:04d}", password=password_hash) for n in numbers
        )
        profiles = Profile.objects.bulk_create(Profile(user=user) for user in users)
        tracked = {
            user.pk: [symptoms[(n + k * 3) % len(symptoms)] for k in range(OTHER_SYMPTOMS)]
            for n, user in zip(numbers, users, strict=True)
        }
        TrackedSymptom.objects.bulk_create(
            TrackedSymptom(profile_id=profile.pk, symptom_id=symptom.pk)
            for profile in profiles
            for symptom in tracked[profile.user_id]
        )
        periods = []
        for n, user in zip(numbers, users, strict=True):
            cycled = n % 3 == 0
            periods.append(
                Treatment(
                    patient=user,
                    drug=drugs["sunitinib" if cycled else "imatinib"],
                    dose_mg=Decimal("50" if cycled else "400"),
                    days_on=28 if cycled else None,
                    days_off=14 if cycled else None,
                    starts_on=today - timedelta(days=days + n % 200),
                )
            )
        periods = Treatment.objects.bulk_create(periods)
        logs, log_symptoms = [], []
        for user, treatment in zip(users, periods, strict=True):
            for offset in range(days - 1, -1, -1):
                day = today - timedelta(days=offset)
                log = DayLog(
                    patient_id=user.pk,
                    date=day,
                    treatment_id=treatment.pk,
                    dose_taken=DoseTaken.ALL if treatment.is_on_day(day) else DoseTaken.BREAK,
                )
                if rng.random() < 0.6:
                    log.systolic = round(124 + rng.gauss(0, 8))
                    log.diastolic = round(79 + rng.gauss(0, 5))
                logs.append(log)
                log_symptoms.append(tracked[user.pk])
        logs = DayLog.objects.bulk_create(logs, batch_size=BATCH_SIZE)
        created = SymptomReport.objects.bulk_create(
            (
                SymptomReport(day_id=log.pk, symptom_id=symptom.pk, grade=_noisy(rng, 0.8))
                for log, day_symptoms in zip(logs, log_symptoms, strict=True)
                for symptom in day_symptoms
            ),
            batch_size=BATCH_SIZE,
        )
        treatments += len(periods)
        day_logs += len(logs)
        reports += len(created)
    return treatments, day_logs, reports


@transaction.atomic
def build(
    *,
    today: date,
    password: str,
    heavy_days: int = HEAVY_DAYS,
    others: int = OTHERS,
    other_days: int = OTHER_DAYS,
    seed: int = SEED,
) -> BenchJournal:
    """Create the benchmark's journal ending on ``today``. The library must be loaded."""
    rng = random.Random(seed)  # noqa: S311 - test data: the same seed gives the same journal
    User = get_user_model()
    symptoms = list(Symptom.objects.active().order_by("order", "name"))
    drugs = {drug.slug: drug for drug in Drug.objects.all()}
    missing = {period[1] for period in HEAVY_PERIODS if period[1]} - set(drugs)
    if not symptoms or missing:
        raise RuntimeError("The library is not loaded: run manage.py load_library first.")

    password_hash = make_password(password)
    heavy = User.objects.create(
        username=HEAVY_USERNAME, password=password_hash, first_name="Robin"
    )
    caregiver = User.objects.create(
        username=CAREGIVER_USERNAME, password=password_hash, first_name="Sam"
    )
    profile = Profile.objects.create(
        user=heavy,
        care_team_phone="+44 20 7946 0000",
        last_visit_on=today - timedelta(weeks=8),
    )
    profile.tracked_symptoms.set(symptoms)
    now = timezone.now()
    share = CareShare.objects.create(
        patient=heavy,
        caregiver=caregiver,
        invitee_name="Sam",
        invitee_email="sam@example.org",
        token_hash=CareShare.new_token(),
        can_see_notes=True,
        created_at=now,
        expires_at=now + timedelta(days=7),
        accepted_at=now,
    )

    start = today - timedelta(days=heavy_days - 1)
    treatments = _heavy_treatments(heavy, drugs, start, today)
    logs, reports = _heavy_days(heavy, treatments, symptoms, start, today, rng)
    other_treatments, other_logs, other_reports = _others(
        others, other_days, symptoms, drugs, today, rng, make_password(None)
    )
    # Bulk inserts write no monthly figures: each journal's are added up once, here (two
    # statements a patient; about 2 s for the full benchmark).
    for patient_id in User.objects.values_list("pk", flat=True):
        SymptomMonth.objects.refresh(patient_id)
    return BenchJournal(
        heavy_username=HEAVY_USERNAME,
        caregiver_username=CAREGIVER_USERNAME,
        password=password,
        share_id=share.pk,
        heavy_days=logs,
        treatments=len(treatments) + other_treatments,
        day_logs=logs + other_logs,
        reports=reports + other_reports,
    )
