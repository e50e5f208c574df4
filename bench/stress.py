"""Stress and crash check: nothing acknowledged is ever lost.

Serves the app with gunicorn (debug off) on a database of its own — a temporary SQLite
file, or ``<name>_stress`` beside the database of ``DATABASE_URL`` on PostgreSQL — and has
concurrent clients log in and save day logs: many patients, two clients per patient writing
the same days at once. Every save answered with a redirect (the app's "saved") is an
acknowledged write. At the end the database must hold exactly the acknowledged days, each
with all of its symptom reports, and no request may have failed.

With ``--crash-rounds N`` the workers are killed with SIGKILL N times in the middle of the
load, and at the end the whole server is killed and started again: the database must pass
``PRAGMA integrity_check`` and still hold every acknowledged write. Requests cut off by a
kill are not acknowledged and are counted apart.

    python bench/stress.py                       # 20 clients, 4 workers (make stress)
    python bench/stress.py --crash-rounds 5      # the crash check (make crash)
    python bench/stress.py --json                # figures as JSON on the last line
"""

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PASSWORD = "stress-test-password-2026"
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
GRADE_RE = re.compile(r'name="(grade_[a-z0-9-]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(workdir: Path) -> tuple[str, str]:
    """The stress database's URL and its vendor; never the user's own database."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{workdir / 'stress.sqlite3'}", "sqlite"
    import psycopg

    parsed = urllib.parse.urlparse(base)
    name = f"{parsed.path.lstrip('/')}_stress"
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return parsed._replace(path=f"/{name}").geturl(), "postgresql"


def manage(env, *args):
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    errors: list = field(default_factory=list)
    cut_off: int = 0  # requests that died with a killed worker (crash mode only)
    acknowledged: dict = field(default_factory=dict)  # (username, date) -> grade

    def count(self, n=1):
        with self.lock:
            self.requests += n


class Server:
    def __init__(self, env, workers: int, port: int, log: Path):
        self.env, self.workers, self.port, self.log = env, workers, port, log
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "gistjournal.wsgi",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--graceful-timeout",
                "5",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2).read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start; see {self.log}")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=30)


class Patient:
    """One client: its own cookie jar, logged in as one patient."""

    def __init__(self, base: str, username: str):
        self.base, self.username = base, username
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def log_in(self):
        _, page = self.request("/accounts/login/")
        token = CSRF_RE.search(page).group(1)
        status, _ = self.request(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": self.username, "password": PASSWORD},
        )
        if status != 302:
            raise RuntimeError(f"log-in of {self.username} answered {status}")

    def save_day(self, day: date, grade: int) -> int:
        path = f"/journal/day/{day.isoformat()}/"
        status, page = self.request(path)
        if status != 200:
            return status
        data = {
            "csrfmiddlewaretoken": CSRF_RE.search(page).group(1),
            "dose_taken": "all",
            "note": f"stress {self.username} {day}",
        }
        data.update({name: str(grade) for name in set(GRADE_RE.findall(page))})
        status, _ = self.request(path, data)
        return status


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def client_run(
    server: Server, tally: Tally, username: str, days: list[date], seed: int, crash: bool
):
    client = Patient(server.url, username)
    for attempt in range(20):
        try:
            client.log_in()
            break
        except (OSError, RuntimeError) as error:
            if not crash or attempt == 19:
                with tally.lock:
                    tally.errors.append(f"{username} log-in: {error}")
                return
            time.sleep(0.2)
    for index, day in enumerate(days):
        grade = (seed + index) % 5
        try:
            status = client.save_day(day, grade)
        except OSError as error:
            tally.count(2)  # the form page and its save
            with tally.lock:
                if crash:
                    tally.cut_off += 1
                else:
                    tally.errors.append(f"{username} {day}: {error}")
            continue
        tally.count(2)
        with tally.lock:
            if status == 302:
                tally.acknowledged[(username, day)] = grade
            elif crash and status in (502, 503):
                tally.cut_off += 1
            else:
                tally.errors.append(f"{username} {day}: HTTP {status}")


def snapshot_during_load(env, tally: Tally, path: Path) -> dict:
    """``manage.py backup`` while the clients keep writing: every save acknowledged before it
    started must be in the snapshot, and the snapshot must be a sound database."""
    with tally.lock:
        before = {(user, day.isoformat()) for user, day in tally.acknowledged}
    subprocess.run(
        [PYTHON, "manage.py", "backup", str(path)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    result = {"mode": oct(path.stat().st_mode & 0o777), "acknowledged_before": len(before)}
    if env["DATABASE_URL"].startswith("sqlite"):
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            result["integrity"] = conn.execute("PRAGMA integrity_check").fetchone()[0]
            rows = conn.execute(
                "SELECT u.username, d.date FROM journal_daylog d "
                "JOIN auth_user u ON u.id = d.patient_id WHERE u.username LIKE 'stress-%'"
            ).fetchall()
        result["missing"] = len(before - {(user, day) for user, day in rows})
    else:
        result["integrity"] = "n/a (pg_dump)"
        result["missing"] = 0
    return result


def verify(env, tally: Tally, vendor: str, db_path: Path | None) -> dict:
    """Compare the database with the acknowledged writes, in a fresh process."""
    script = r"""
import json, sys, django
django.setup()
from django.db.models import Count
from journal.models import DayLog
rows = list(DayLog.objects.filter(patient__username__startswith="stress-")
            .annotate(n=Count("reports")).values_list("patient__username", "date", "n"))
print(json.dumps([[u, d.isoformat(), n] for u, d, n in rows]))
"""
    out = (
        subprocess.run(
            [PYTHON, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    rows = {(u, d): n for u, d, n in json.loads(out)}
    acknowledged = {(u, d.isoformat()) for u, d in tally.acknowledged}
    integrity = "n/a (PostgreSQL)"
    if vendor == "sqlite":
        with sqlite3.connect(db_path) as conn:
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    return {
        "rows": len(rows),
        "missing": sorted(acknowledged - rows.keys()),
        "half_saved": sorted(k for k, n in rows.items() if n == 0),
        "integrity": integrity,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--writes", type=int, default=15, help="day saves per client")
    parser.add_argument("--crash-rounds", type=int, default=0)
    parser.add_argument(
        "--backup",
        action="store_true",
        help="run `manage.py backup` in the middle of the load and check the snapshot",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    crash = args.crash_rounds > 0

    workdir = Path(tempfile.mkdtemp(prefix="gistjournal-stress-"))
    url, vendor = database_url(workdir)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_HTTPS": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "DJANGO_SETTINGS_MODULE": "gistjournal.settings",
    }
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "load_library")
    patients = [f"stress-{n:03d}" for n in range((args.clients + 1) // 2)]
    subprocess.run(
        [
            PYTHON,
            "-c",
            (
                "import django, sys; django.setup()\n"
                "from django.contrib.auth.models import User\n"
                "from journal.models import Profile\n"
                "for name in sys.argv[1:]:\n"
                f"    Profile.objects.for_user(User.objects.create_user(name, password={PASSWORD!r}))\n"
            ),
            *patients,
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )

    server = Server(env, args.workers, free_port(), workdir / "gunicorn.log")
    server.start()
    tally = Tally()
    # Two clients per patient, writing the same days in opposite orders.
    first_day = date.today() - timedelta(days=2)
    days = [first_day - timedelta(days=n) for n in range(args.writes)]
    threads = [
        threading.Thread(
            target=client_run,
            args=(server, tally, patients[n // 2], days if n % 2 == 0 else days[::-1], n, crash),
        )
        for n in range(args.clients)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    kills = 0
    saves = args.clients * args.writes
    for round_ in range(args.crash_rounds):
        # Spread the kills over the load: wait until the next share of saves is answered.
        target = saves * (round_ + 1) // (args.crash_rounds + 1)
        while tally.requests // 2 < target and any(t.is_alive() for t in threads):
            time.sleep(0.02)
        for pid in server.worker_pids():
            os.kill(pid, signal.SIGKILL)
            kills += 1
    backup = None
    if args.backup:
        while tally.requests // 2 < saves // 2 and any(t.is_alive() for t in threads):
            time.sleep(0.02)
        backup = snapshot_during_load(env, tally, workdir / "snapshot.backup")
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    if crash:  # and finally the whole server, then a fresh start on the same database
        server.stop(signal.SIGKILL)
        server.start()
    server.stop()

    locked = server.log.read_text(errors="replace").count("database is locked")
    result = verify(
        env, tally, vendor, Path(url.removeprefix("sqlite:///")) if vendor == "sqlite" else None
    )
    figures = {
        "database": vendor,
        "clients": args.clients,
        "workers": args.workers,
        "requests": tally.requests,
        "errors": len(tally.errors),
        "database_locked": locked,
        "acknowledged_writes": len(tally.acknowledged),
        "rows": result["rows"],
        "missing_acknowledged": len(result["missing"]),
        "half_saved": len(result["half_saved"]),
        "integrity_check": result["integrity"],
        "crash_rounds": args.crash_rounds,
        "workers_killed": kills,
        "cut_off_by_kill": tally.cut_off,
        **(
            {
                "backup_mode": backup["mode"],
                "backup_integrity": backup["integrity"],
                "backup_acknowledged_before": backup["acknowledged_before"],
                "backup_missing": backup["missing"],
            }
            if backup
            else {}
        ),
        "seconds": round(elapsed, 1),
        "requests_per_second": round(tally.requests / elapsed, 1) if elapsed else None,
    }
    ok = (
        not tally.errors
        and not locked
        and not result["missing"]
        and not result["half_saved"]
        and result["integrity"] in ("ok", "n/a (PostgreSQL)")
        and (crash or result["rows"] == len(tally.acknowledged))
        and (
            backup is None
            or (
                backup["missing"] == 0
                and backup["mode"] == "0o600"
                and backup["integrity"] in ("ok", "n/a (pg_dump)")
            )
        )
    )
    for line in tally.errors[:10]:
        print("error:", line, file=sys.stderr)
    width = max(map(len, figures))
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print("RESULT:", "ok" if ok else "FAILED")
    if args.json:
        print(json.dumps({**figures, "ok": ok}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
