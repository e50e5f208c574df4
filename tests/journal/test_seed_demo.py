from io import StringIO

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command

from journal.management.commands.seed_demo import DEMO_PASSWORD
from journal.models import ChangeReason, DayLog, DoseTaken, Profile, SymptomReport, Treatment


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def snapshot(username="demo"):
    logs = DayLog.objects.filter(patient__username=username).order_by("date")
    return (
        list(logs.values_list("date", "dose_taken", "systolic", "diastolic", "weight_kg", "note")),
        list(
            SymptomReport.objects.filter(day__patient__username=username)
            .order_by("day__date", "symptom__slug")
            .values_list("day__date", "symptom__slug", "grade")
        ),
    )


def test_seed_demo_creates_six_months_ending_today(library):
    output = seed()
    user = get_user_model().objects.get(username="demo")
    assert f"demo / {DEMO_PASSWORD}" in output
    assert user.check_password(DEMO_PASSWORD)
    validate_password(DEMO_PASSWORD, user)  # the printed password passes the site's rules

    today = Profile.objects.for_user(user).today()
    periods = list(
        Treatment.objects.for_patient(user).select_related("drug").order_by("starts_on")
    )
    assert [(p.short_label, p.intakes_per_day, p.days_on) for p in periods] == [
        ("Imatinib 400 mg", 1, None),
        ("Imatinib 400 mg", 2, None),
        ("Sunitinib 50 mg", 1, 28),
        ("Sunitinib 37.5 mg", 1, None),
    ]
    assert periods[1].reason == ChangeReason.PROGRESSION
    assert periods[-1].ends_on is None
    logs = DayLog.objects.for_patient(user)
    assert 150 < logs.count() <= 183
    assert logs.latest("date").date == today
    assert (today - logs.earliest("date").date).days > 170
    assert logs.filter(dose_taken=DoseTaken.MISSED).count() >= 3
    assert logs.filter(dose_taken=DoseTaken.BREAK).exists()
    assert logs.exclude(note="").count() >= 5
    assert logs.filter(for_doctor=True).exists()
    # Every day is linked to the period in force that day.
    for log in logs.select_related("treatment"):
        assert log.treatment.is_current_on(log.date)


def test_hand_foot_syndrome_flares_on_weeks_and_calms_off_weeks(library):
    seed()
    period = Treatment.objects.get(patient__username="demo", days_on=28)
    reports = SymptomReport.objects.filter(
        day__treatment=period, symptom__slug="hand-foot-syndrome"
    ).select_related("day")
    late_on, late_off = [], []
    for report in reports:
        cycle = period.cycle_day(report.day.date)
        if cycle.is_on and cycle.day > 14:
            late_on.append(report.grade)
        elif not cycle.is_on and cycle.day > 35:
            late_off.append(report.grade)
    assert sum(late_on) / len(late_on) > sum(late_off) / len(late_off) + 1


def test_blood_pressure_creeps_up(library):
    seed()
    logs = DayLog.objects.filter(patient__username="demo", systolic__isnull=False).order_by("date")
    first, last = list(logs[:10]), list(logs.reverse()[:10])
    assert sum(log.systolic for log in last) / 10 > sum(log.systolic for log in first) / 10 + 15


def test_running_it_twice_creates_nothing_new(library):
    seed()
    counts = (DayLog.objects.count(), SymptomReport.objects.count(), Treatment.objects.count())
    output = seed()
    assert "already exists; nothing created" in output
    assert (
        DayLog.objects.count(),
        SymptomReport.objects.count(),
        Treatment.objects.count(),
    ) == counts
    assert get_user_model().objects.filter(username="demo").count() == 1


def test_the_same_seed_gives_the_same_journal(library):
    seed(username="first")
    seed(username="second")
    seed(username="third", seed=7)
    assert snapshot("first") == snapshot("second")
    assert snapshot("first") != snapshot("third")


def test_loads_the_library_when_it_is_empty(db):
    output = seed()
    assert "loading it first" in output
    assert DayLog.objects.filter(patient__username="demo").exists()
