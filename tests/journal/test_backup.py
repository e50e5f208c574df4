"""`manage.py backup` and `restore`: a round trip loses nothing, and the file is private."""

import stat
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from journal.models import DayLog, SymptomReport, Treatment
from library.models import Drug, Symptom


def snapshot():
    return {
        "treatments": list(Treatment.objects.order_by("pk").values()),
        "days": list(DayLog.objects.order_by("pk").values()),
        "reports": list(SymptomReport.objects.order_by("pk").values()),
    }


@pytest.fixture
def journal(transactional_db, patient):
    drug = Drug.objects.create(name="sunitinib", slug="sunitinib", how_it_works="x")
    symptom = Symptom.objects.create(
        name="Hand-foot syndrome",
        slug="hand-foot-syndrome",
        body_area="skin",
        description="x",
        ctcae_term="x",
        grade_1="a",
        grade_2="b",
        grade_3="c",
        grade_4="d",
        alert_grade=3,
    )
    start = date(2026, 1, 1)
    treatment = Treatment.objects.create(
        patient=patient, drug=drug, dose_mg=Decimal("50"), days_on=28, days_off=14, starts_on=start
    )
    for offset in range(30):
        day = DayLog.objects.create(
            patient=patient,
            date=start + timedelta(days=offset),
            treatment=treatment,
            dose_taken="all",
            note=f"note for day {offset} — naïve café",
        )
        SymptomReport.objects.create(day=day, symptom=symptom, grade=offset % 5)
    return patient


def test_backup_is_readable_by_its_owner_only(journal, tmp_path):
    target = tmp_path / "snapshot.bak"
    call_command("backup", str(target))
    assert target.stat().st_size > 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_backup_and_restore_round_trip_loses_nothing(journal, tmp_path):
    before = snapshot()
    target = tmp_path / "snapshot.bak"
    call_command("backup", str(target))

    # Damage after the backup: lose some days, change a note.
    DayLog.objects.filter(date__gte=date(2026, 1, 20)).delete()
    DayLog.objects.filter(date=date(2026, 1, 2)).update(note="overwritten")
    assert snapshot() != before

    call_command("restore", str(target), yes=True)
    after = snapshot()
    assert len(after["days"]) == 30
    assert len(after["reports"]) == 30
    assert after == before


def test_restore_refuses_a_missing_file(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No backup"):
        call_command("restore", str(tmp_path / "missing.bak"), yes=True)
