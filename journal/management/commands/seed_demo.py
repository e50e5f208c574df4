"""Create the demo patient once: about six months of a plausible GIST journal.

The story: imatinib 400 mg, doubled to 800 mg after progression, then sunitinib 50 mg four
weeks on / two off with hand-foot syndrome flaring in on-weeks and calming in off-weeks, then
37.5 mg every day to spare the feet. Blood pressure creeps up on sunitinib; a few doses are
missed; a few days carry notes and a "for my doctor" flag.

Deterministic for a given ``--seed`` (relative to the patient's today) and idempotent: when
the user exists, nothing is created.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from journal.models import (
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

DEMO_PASSWORD = "gist-demo-2026"  # noqa: S105  # nosec B105
DAYS = 182

# (first day as days before today, drug, mg per intake, intakes, days on, days off, reason)
PERIODS = [
    (182, "imatinib", "400", 1, None, None, ChangeReason.FIRST),
    (140, "imatinib", "400", 2, None, None, ChangeReason.PROGRESSION),
    (98, "sunitinib", "50", 1, 28, 14, ChangeReason.PROGRESSION),
    (14, "sunitinib", "37.5", 1, None, None, ChangeReason.SIDE_EFFECTS),
]

# Days before today -> (note, for my doctor)
NOTES = {
    176: ("Tummy a bit unsettled after the tablet; taking it with dinner helps.", False),
    141: ("Scan today: the tumour has grown. Going up to 400 mg twice a day.", True),
    120: ("Eyes puffy in the mornings.", False),
    98: ("First day on sunitinib.", False),
    75: ("Soles of my feet red and sore. Started the urea cream.", False),
    72: ("Blisters on both heels; walking hurts. Thick socks and cushioned insoles.", True),
    66: ("Off week: feet much better already.", False),
    30: ("Pharmacist took my blood pressure: 158/98. Will ask at the clinic.", True),
    14: ("Now 37.5 mg every day, no breaks, to spare my feet.", False),
    3: ("Feet holding up. Energy a bit better.", False),
}
# Days before today -> the blood pressure noted that day.
FIXED_BP = {30: (158, 98), 5: (162, 101)}
MISSED = {160, 111, 83, 47, 9}
SOME = {130, 58}


class Command(BaseCommand):
    help = "Create the demo patient with six months of journal (once; deterministic per seed)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument("--username", default="demo")

    def handle(self, *args, seed: int, username: str, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"Demo patient “{username}” already exists; nothing created.")
            return
        if not Symptom.objects.exists():
            self.stdout.write("The library is empty: loading it first.")
            call_command("load_library", stdout=self.stdout)
        drugs = {
            drug.slug: drug for drug in Drug.objects.filter(slug__in=["imatinib", "sunitinib"])
        }
        if len(drugs) != 2:
            raise CommandError("The library has no imatinib or sunitinib: run load_library.")

        with transaction.atomic():
            user = User.objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                email=f"{username}@example.org",
                first_name="Alex",
            )
            profile = Profile.objects.for_user(user)
            profile.care_team_phone = "+44 20 7946 0000"
            profile.save(update_fields=["care_team_phone"])
            today = profile.today()
            periods = self.create_periods(user, drugs, today)
            # Demo data, not secrets: a seeded generator is the point (same seed, same journal).
            rng = random.Random(seed)  # noqa: S311  # nosec B311
            logs, reports = self.create_days(
                user, list(profile.tracked_symptoms.all()), periods, today, rng
            )
            # Bulk inserts write no monthly figures: the whole journal's are added up once.
            SymptomMonth.objects.refresh(user)
        self.stdout.write(
            f"Created demo patient “{username}” with {len(periods)} treatments, {logs} days "
            f"and {reports} symptom reports. Log in as {username} / {DEMO_PASSWORD}"
        )

    def create_periods(self, user, drugs, today: date) -> list[Treatment]:
        periods = []
        for index, (before, slug, dose, intakes, days_on, days_off, reason) in enumerate(PERIODS):
            following = PERIODS[index + 1][0] if index + 1 < len(PERIODS) else None
            periods.append(
                Treatment.objects.create(
                    patient=user,
                    drug=drugs[slug],
                    dose_mg=Decimal(dose),
                    intakes_per_day=intakes,
                    days_on=days_on,
                    days_off=days_off,
                    starts_on=today - timedelta(days=before),
                    ends_on=today - timedelta(days=following + 1) if following else None,
                    reason=reason,
                )
            )
        return periods

    def create_days(self, user, tracked, periods, today: date, rng: random.Random):
        days, grades_by_day = [], []
        for before in range(DAYS, -1, -1):
            day = today - timedelta(days=before)
            # Some days go unlogged, as in any real journal (never today or a noted day).
            if before not in NOTES and before not in FIXED_BP and before and rng.random() < 0.07:
                continue
            period = period_in_force(periods, day)
            note, for_doctor = NOTES.get(before, ("", False))
            progress = (DAYS - before) / DAYS  # 0 at the start, 1 today
            log = DayLog(
                patient=user,
                date=day,
                treatment=period,
                dose_taken=self.dose_taken(period, day, before),
                note=note,
                for_doctor=for_doctor,
            )
            if rng.random() < 0.4 or for_doctor:
                # Blood pressure creeps up on sunitinib.
                rise = 26 * max(0.0, (progress - 0.45) / 0.55)
                log.systolic = round(122 + rise + rng.gauss(0, 5))
                log.diastolic = round(78 + rise * 0.65 + rng.gauss(0, 3))
            if before in FIXED_BP:
                log.systolic, log.diastolic = FIXED_BP[before]
            if before % 7 == 0:
                log.weight_kg = Decimal(f"{74 - 3.5 * progress + rng.uniform(-0.4, 0.4):.1f}")
            days.append(log)
            grades_by_day.append(self.grades(period, day, rng))

        logs = DayLog.objects.bulk_create(days)
        if not all(log.pk for log in logs):  # backends that return no ids from bulk inserts
            logs = list(DayLog.objects.for_patient(user).order_by("date"))
        reports = SymptomReport.objects.bulk_create(
            SymptomReport(
                day=log,
                symptom=symptom,
                grade=grades.get(symptom.slug, 0),
                interference=_interference(grades.get(symptom.slug, 0)),
            )
            for log, grades in zip(logs, grades_by_day, strict=True)
            for symptom in tracked
        )
        return len(logs), len(reports)

    @staticmethod
    def dose_taken(period: Treatment, day: date, before: int) -> str:
        if not period.is_on_day(day):
            return DoseTaken.BREAK
        if before in MISSED:
            return DoseTaken.MISSED
        if before in SOME:
            return DoseTaken.SOME
        return DoseTaken.ALL

    @staticmethod
    def grades(period: Treatment, day: date, rng: random.Random) -> dict[str, int]:
        def noisy(level: float) -> int:
            return max(0, min(4, round(level + rng.uniform(-0.6, 0.6))))

        grades = {"cognitive-fog": noisy(0.3), "headache": noisy(0.2)}
        if period.drug.slug == "imatinib":
            high = period.intakes_per_day > 1
            grades.update(
                fatigue=noisy(1.8 if high else 1),
                nausea=noisy(1.3 if high else 0.6),
                diarrhoea=noisy(1.4 if high else 0.5),
                **{"skin-rash": noisy(0.9 if high else 0.2)},
            )
        elif period.is_continuous:  # sunitinib 37.5 mg every day
            grades.update(
                {"hand-foot-syndrome": noisy(1.1), "mouth-sores": noisy(0.6)},
                fatigue=noisy(1.4),
                diarrhoea=noisy(0.9),
            )
        else:  # sunitinib 4/2: the feet flare through the on-weeks and calm in the off-weeks
            cycle = period.cycle_day(day)
            cycle_number = (day - period.starts_on).days // cycle.length
            if cycle.is_on:
                hand_foot = 0.3 + cycle.day / 28 * 2.2 + 0.5 * cycle_number
                mouth = 0.2 + cycle.day / 28 * 1.3
            else:
                off_day = cycle.day - cycle.days_on
                hand_foot = max(0.0, 2.5 - off_day * 0.25)
                mouth = max(0.0, 1.2 - off_day * 0.2)
            grades.update(
                {"hand-foot-syndrome": noisy(hand_foot), "mouth-sores": noisy(mouth)},
                fatigue=noisy(2 if cycle.is_on else 1),
                diarrhoea=noisy(1.2 if cycle.is_on else 0.3),
            )
        return grades


def _interference(grade: int) -> int | None:
    """Only the worse grades get in the way; mild ones are left unanswered, as people do."""
    return grade - 1 if grade >= 2 else None
