"""`manage.py backup` and `restore`: a round trip loses nothing, and the file is private."""

import stat
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from journal.models import DayLog, SymptomReport, Treatment
from tests.conftest import make_day, make_drug, make_standard_sunitinib, make_symptom


def snapshot():
    return {
        "treatments": list(Treatment.objects.order_by("pk").values()),
        "days": list(DayLog.objects.order_by("pk").values()),
        "reports": list(SymptomReport.objects.order_by("pk").values()),
    }


@pytest.fixture
def journal(transactional_db, patient):
    """Thirty days of sunitinib's standard period, hand-foot syndrome graded each day, and a
    note with accents. Rows of its own: the library is not needed."""
    sunitinib = make_drug("sunitinib")
    hfs = make_symptom("hand-foot-syndrome", name="Hand-foot syndrome", alert_grade=3)
    start = date(2026, 1, 1)
    make_standard_sunitinib(patient, sunitinib, starts_on=start)
    for offset in range(30):
        make_day(
            patient,
            start + timedelta(days=offset),
            {hfs: offset % 5},
            note=f"note for day {offset} — naïve café",
        )
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
