"""Settings are read from the environment; a malformed value names the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from gistjournal.settings import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[1]

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "pr0duction-Secret-key-with-plenty-of-entropy-1234567890-abcdefghij",
    "DJANGO_ALLOWED_HOSTS": "journal.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://journal.example.org",
    "DJANGO_TRUST_PROXY_SSL_HEADER": "true",
    "DJANGO_SITE_URL": "https://journal.example.org",
    "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def run_manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    clean["DJANGO_SETTINGS_MODULE"] = "gistjournal.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("true", True), ("Yes", True), ("0", False), ("off", False)]
)
def test_env_bool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG", not expected) is expected


def test_env_bool_uses_default_when_unset(monkeypatch):
    monkeypatch.delenv("X_FLAG", raising=False)
    assert env_bool("X_FLAG", True) is True


@pytest.mark.parametrize(
    ("read", "raw", "default"),
    [(env_bool, "maybe", False), (env_int, "ten", 1), (env_list, "a.example.org,,b", [])],
    ids=["bool", "int", "list with an empty item"],
)
def test_a_malformed_value_names_the_variable(monkeypatch, read, raw, default):
    monkeypatch.setenv("X_SETTING", raw)
    with pytest.raises(ImproperlyConfigured, match="X_SETTING"):
        read("X_SETTING", default)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("X_HOSTS", "a.example.org, b.example.org")
    assert env_list("X_HOSTS", []) == ["a.example.org", "b.example.org"]


def test_missing_secret_key_with_debug_off_is_a_clear_error():
    result = run_manage("check", env={"DJANGO_DEBUG": "false"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_DEBUG": "perhaps"}, "DJANGO_DEBUG must be a boolean"),
        ({"DJANGO_DEBUG": "true", "DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL"),
        ({"DJANGO_DEBUG": "true", "DJANGO_LOG_LEVEL": "loud"}, "DJANGO_LOG_LEVEL must be"),
        ({"DJANGO_DEBUG": "true", "DJANGO_TIME_ZONE": "Mars/Olympus"}, "DJANGO_TIME_ZONE"),
    ],
    ids=["debug flag", "database URL", "log level", "time zone"],
)
def test_a_malformed_variable_stops_startup_and_is_named(env, message):
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert message in result.stderr


def test_deploy_check_is_clean_with_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_warns_when_https_is_turned_off():
    env = {**PRODUCTION_ENV, "DJANGO_HTTPS": "false"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
    ],
    ids=["console", "in memory", "files"],
)
def test_deploy_check_refuses_an_email_backend_that_keeps_links_in_the_logs(backend):
    env = {
        **PRODUCTION_ENV,
        "DJANGO_EMAIL_BACKEND": backend,
        "DJANGO_EMAIL_FILE_PATH": "sent-emails",
    }
    result = run_manage("check", "--deploy", env=env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "gistjournal.E001" in output
    assert "DJANGO_EMAIL_BACKEND" in output
    assert "invitation and password-reset links" in output


def test_deploy_check_refuses_the_default_email_backend_with_debug_off():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_EMAIL_BACKEND"}
    result = run_manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "gistjournal.E001" in result.stdout + result.stderr


def test_a_console_email_backend_is_fine_while_debugging():
    env = {
        "DJANGO_DEBUG": "true",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }
    result = run_manage("check", "--deploy", env=env)
    assert "gistjournal.E001" not in result.stdout + result.stderr


def test_the_sqlite_file_is_readable_by_its_owner_only(tmp_path):
    database = tmp_path / "journal.sqlite3"
    # Write, so that SQLite opens its -wal and -shm files; then list the folder's modes.
    code = (
        "import os, stat; from django.db import connection; c = connection.cursor(); "
        "c.execute('CREATE TABLE t (x)'); c.execute('INSERT INTO t VALUES (1)'); "
        "d = os.path.dirname(connection.settings_dict['NAME']); "
        "print([(n, oct(stat.S_IMODE(os.stat(os.path.join(d, n)).st_mode))) "
        "for n in sorted(os.listdir(d))])"
    )
    env = {"DJANGO_DEBUG": "true", "DATABASE_URL": f"sqlite:///{database}"}
    result = run_manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(
        [
            (name, "0o600")
            for name in ("journal.sqlite3", "journal.sqlite3-shm", "journal.sqlite3-wal")
        ]
    )


def test_an_existing_sqlite_file_is_made_private_when_opened(tmp_path):
    database = tmp_path / "journal.sqlite3"
    database.touch(mode=0o644)
    code = "from django.db import connection; connection.cursor().execute('SELECT 1')"
    result = run_manage(
        "shell", "-c", code, env={"DJANGO_DEBUG": "true", "DATABASE_URL": f"sqlite:///{database}"}
    )
    assert result.returncode == 0, result.stderr
    assert oct(database.stat().st_mode & 0o777) == "0o600"


def test_default_sqlite_is_tuned_for_several_workers():
    code = (
        "from django.conf import settings; from django.db import connection; "
        "print(settings.DATABASES['default']['OPTIONS']); "
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    result = run_manage("shell", "-c", code, env={"DJANGO_DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    assert "'transaction_mode': 'IMMEDIATE'" in result.stdout
    assert "'timeout': 20" in result.stdout
    assert result.stdout.strip().endswith("wal")


def runserver_line(*make_args, env=None) -> str:
    """The command ``make run`` would start the server with (``make -n`` runs nothing)."""
    clean = {k: v for k, v in os.environ.items() if k != "DJANGO_SITE_URL"}
    printed = subprocess.run(
        ["make", "-n", "run", *make_args],
        cwd=ROOT,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    return next(line for line in printed.splitlines() if "manage.py runserver" in line)


def site_url_when_started(line: str, env=None) -> str:
    """DJANGO_SITE_URL as the server started by ``line`` would see it."""
    probe = line.split(" ", 1)[0] + " printenv DJANGO_SITE_URL"
    clean = {k: v for k, v in os.environ.items() if k != "DJANGO_SITE_URL"}
    return subprocess.run(
        ["bash", "-c", probe], env={**clean, **(env or {})}, capture_output=True, text=True
    ).stdout.strip()


def test_make_run_serves_on_the_host_and_port_given():
    line = runserver_line("PORT=8123", "HOST=127.0.0.2")
    assert line.endswith("manage.py runserver 127.0.0.2:8123")


def test_emailed_links_follow_the_address_make_run_serves_on():
    line = runserver_line("PORT=8123")
    assert site_url_when_started(line) == "http://127.0.0.1:8123"


def test_an_explicit_site_url_wins_over_the_port():
    env = {"DJANGO_SITE_URL": "https://journal.example.org"}
    line = runserver_line("PORT=8123", env=env)
    assert site_url_when_started(line, env) == "https://journal.example.org"
