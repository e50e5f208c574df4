"""The clean-up every ``send_reminders`` pass does: what has expired goes, the rest stays."""

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from journal.models import PENDING_IMPORT_VALID_FOR, EmailClaim, PendingImport
from journal.reminders.services import expired_remove, periodic_pass
from tests.conftest import make_user

ROOT = Path(__file__).resolve().parents[2]


def make_session(expires_in: timedelta) -> str:
    session = SessionStore()
    session["note"] = "x"
    session.set_expiry(expires_in)
    session.create()
    return session.session_key


def test_expired_sessions_go_and_live_ones_stay(db):
    expired = make_session(timedelta(seconds=-1))
    live = make_session(timedelta(hours=1))
    periodic_pass(now=timezone.now())
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    assert expired != live


def test_expired_pending_imports_go_and_waiting_ones_stay(db):
    now = timezone.now()
    for name, created in (("old", now - 2 * PENDING_IMPORT_VALID_FOR), ("new", now)):
        PendingImport.objects.create(
            owner=make_user(name),
            file_name=f"{name}.json",
            digest="0" * 64,
            content={},
            created_at=created,
            expires_at=created + PENDING_IMPORT_VALID_FOR,
        )
    removed = expired_remove(now=now)
    assert removed["pending imports"] == 1
    assert list(PendingImport.objects.values_list("file_name", flat=True)) == ["new.json"]


@pytest.mark.parametrize("model", [AccessAttempt, AccessLog, AccessFailureLog])
def test_log_in_records_older_than_the_retention_go_and_recent_ones_stay(db, settings, model):
    now = timezone.now()
    kept_for = settings.LOGIN_RECORDS_KEPT_FOR
    assert kept_for == timedelta(days=30)
    extra = {"failures_since_start": 1} if model is AccessAttempt else {}
    for username, age in (
        ("old", kept_for + timedelta(minutes=1)),
        ("recent", kept_for - timedelta(minutes=1)),
    ):
        row = model.objects.create(
            username=username, ip_address="192.0.2.1", user_agent=username, **extra
        )
        # attempt_time is set on insert (auto_now_add): age it afterwards.
        model.objects.filter(pk=row.pk).update(attempt_time=now - age)
    removed = expired_remove(now=now)
    assert removed["log-in records"] == 1
    assert list(model.objects.values_list("username", flat=True)) == ["recent"]


def test_email_claims_older_than_two_weeks_go(db):
    now = timezone.now()
    patient = make_user("pat")
    for days_ago in (15, 13):
        EmailClaim.objects.create(
            kind="reminder",
            recipient=patient,
            period=now.date() - timedelta(days=days_ago),
            claimed_at=now,
        )
    assert expired_remove(now=now)["email claims"] == 1
    assert EmailClaim.objects.get().period == now.date() - timedelta(days=13)


def run_manage(*args, env, **kwargs):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    clean["DJANGO_SETTINGS_MODULE"] = "gistjournal.settings"
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_DEBUG": "true", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def test_the_long_lived_sender_runs_a_pass_and_stops_cleanly_on_sigterm(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    migrate = run_manage("migrate", "--noinput", env=env)
    assert migrate.wait(timeout=300) == 0, migrate.stderr.read()
    sender = run_manage("send_reminders", env=env)
    try:
        assert sender.stdout.readline().startswith("send_reminders: a pass at the start")
        assert "sent 0 reminder(s) and 0 digest(s)" in sender.stdout.readline()
        sender.send_signal(signal.SIGTERM)
        assert sender.wait(timeout=30) == 0
        assert sender.stdout.read().strip() == "send_reminders: stopped"
    finally:
        sender.kill()
        sender.wait()


def test_the_retention_cannot_be_shorter_than_the_lock_outs_cool_off():
    result = run_manage("check", env={"DJANGO_LOGIN_RECORDS_DAYS": "0"})
    assert result.wait(timeout=120) != 0
    assert "DJANGO_LOGIN_RECORDS_DAYS must be at least 1" in result.stderr.read()


def migrated_site_writing_mail_to_files(tmp_path) -> dict:
    """The environment of a site on its own SQLite file, migrated, whose emails are written
    as files in ``tmp_path/mail``."""
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "DJANGO_EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    assert run_manage("migrate", "--noinput", env=env).wait(timeout=300) == 0
    return env


def test_the_file_email_backend_needs_a_folder(tmp_path):
    backend = {"DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}
    missing = run_manage("check", env=backend)
    assert missing.wait(timeout=120) != 0
    assert "DJANGO_EMAIL_FILE_PATH must name a folder" in missing.stderr.read()
    given = run_manage("check", env={**backend, "DJANGO_EMAIL_FILE_PATH": str(tmp_path)})
    assert given.wait(timeout=120) == 0, given.stderr.read()


def test_send_reminders_writes_to_the_file_backend(tmp_path):
    """What would be sent can be read from files, with DJANGO_EMAIL_FILE_PATH."""
    env = migrated_site_writing_mail_to_files(tmp_path)
    code = (
        "from datetime import time; from django.contrib.auth.models import User; "
        "from journal.models import DailyReminder, Profile; "
        "u = User.objects.create_user('pat', 'pat@example.org', 'x', first_name='Pat'); "
        "Profile.objects.create(user=u, time_zone='UTC'); "
        "DailyReminder.objects.create(patient=u, is_on=True, local_time=time(0, 0))"
    )
    assert run_manage("shell", "-c", code, env=env).wait(timeout=120) == 0
    once = run_manage("send_reminders", "--once", env=env)
    assert once.wait(timeout=120) == 0
    assert "sent 1 reminder(s)" in once.stdout.read()
    (written,) = (tmp_path / "mail").iterdir()
    text = written.read_text()
    assert "To: pat@example.org" in text
    assert f"/journal/day/{datetime.now(UTC).date().isoformat()}/" in text
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in text


def test_two_sender_processes_at_once_send_each_reminder_once(tmp_path):
    """Two copies of `send_reminders --once` started together on one SQLite file (as two
    cron jobs or a timer beside a service would): every reminder is sent exactly once."""
    env = migrated_site_writing_mail_to_files(tmp_path)
    code = (
        "from datetime import time; from django.contrib.auth.models import User; "
        "from journal.models import DailyReminder, Profile\n"
        "for n in range(30):\n"
        "    u = User.objects.create_user(f'p{n}', f'p{n}@example.org', 'x')\n"
        "    Profile.objects.create(user=u, time_zone='UTC')\n"
        "    DailyReminder.objects.create(patient=u, is_on=True, local_time=time(0, 0))\n"
    )
    assert run_manage("shell", "-c", code, env=env).wait(timeout=120) == 0
    senders = [run_manage("send_reminders", "--once", env=env) for _ in range(2)]
    assert [sender.wait(timeout=120) for sender in senders] == [0, 0]
    counts = [sender.stdout.read() for sender in senders]
    sent = sorted(
        line.removeprefix("To: ")
        for written in (tmp_path / "mail").iterdir()
        for line in written.read_text().splitlines()
        if line.startswith("To: ")
    )
    assert sent == sorted(f"p{n}@example.org" for n in range(30)), counts
