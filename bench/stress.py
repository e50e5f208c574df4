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

The database, the server and the logged-in client are ``bench/harness.py``'s, shared with
``make bench``.
"""

import argparse
import json
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

# Run as a script, only bench/ is on the path: the project root makes bench.* importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import (
    ROOT,
    Client,
    Gunicorn,
    ThrowawayDatabase,
    csrf_token,
    free_port,
    set_up_django,
)

PASSWORD = "stress-test-password-2026"
GRADE_RE = re.compile(r'name="(grade_[a-z0-9-]+)"')


@dataclass
class Tally:
    """What the clients saw, added up across their threads under ``lock``."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    errors: list = field(default_factory=list)
    cut_off: int = 0  # requests that died with a killed worker (crash mode only)
    acknowledged: dict = field(default_factory=dict)  # (username, date) -> grade

    def count(self, n=1):
        with self.lock:
            self.requests += n


@dataclass
class Load:
    """What the load did: its tally, how long it took, and what happened during it."""

    tally: Tally
    seconds: float
    workers_killed: int
    backup: dict | None


def create_patients(count: int) -> list[str]:
    """``count`` patients with a profile, who log in with ``PASSWORD``; their usernames."""
    from django.contrib.auth import get_user_model
    from django.db import connections

    from journal.models import Profile

    User = get_user_model()
    usernames = [f"stress-{n:03d}" for n in range(count)]
    for username in usernames:
        Profile.objects.for_user(User.objects.create_user(username, password=PASSWORD))
    connections.close_all()  # the server's workers are the ones writing from now on
    return usernames


# --- One client ------------------------------------------------------------------------------


def save_day(client: Client, username: str, day: date, grade: int) -> int:
    """Open the day log form and save it with every symptom at ``grade``. Returns the save's
    status (302 is the app's "saved"), or the form page's if that failed."""
    path = f"/journal/day/{day.isoformat()}/"
    form = client.get(path)
    if form.status != 200:
        return form.status
    data = {"dose_taken": "all", "note": f"stress {username} {day}"}
    data.update({name: str(grade) for name in set(GRADE_RE.findall(form.text))})
    return client.post(path, data, token=csrf_token(form.text)).status


def log_in(client: Client, tally: Tally, username: str, crash: bool) -> bool:
    """Log in; in crash mode, try again while the workers come back. False, with the error
    tallied, if it never worked."""
    for attempt in range(20):
        try:
            client.log_in(username, PASSWORD)
            return True
        except (OSError, RuntimeError) as error:
            if not crash or attempt == 19:
                with tally.lock:
                    tally.errors.append(f"{username} log-in: {error}")
                return False
            time.sleep(0.2)
    return False


def client_run(port: int, tally: Tally, username: str, days: list[date], seed: int, crash: bool):
    client = Client(port, timeout=30)
    if not log_in(client, tally, username, crash):
        return
    for index, day in enumerate(days):
        grade = (seed + index) % 5
        try:
            status = save_day(client, username, day, grade)
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


# --- The load --------------------------------------------------------------------------------


def start_clients(port: int, tally: Tally, patients: list[str], args) -> list[threading.Thread]:
    """Two clients per patient, writing the same days in opposite orders."""
    first_day = date.today() - timedelta(days=2)
    days = [first_day - timedelta(days=n) for n in range(args.writes)]
    crash = args.crash_rounds > 0
    threads = [
        threading.Thread(
            target=client_run,
            args=(port, tally, patients[n // 2], days if n % 2 == 0 else days[::-1], n, crash),
        )
        for n in range(args.clients)
    ]
    for thread in threads:
        thread.start()
    return threads


def wait_for_saves(tally: Tally, threads: list[threading.Thread], saves: int) -> None:
    """Until ``saves`` day saves have been answered, or every client has finished."""
    while tally.requests // 2 < saves and any(t.is_alive() for t in threads):
        time.sleep(0.02)


def kill_workers_during_load(server: Gunicorn, tally: Tally, threads, args) -> int:
    """SIGKILL the workers ``--crash-rounds`` times; how many workers were killed."""
    kills = 0
    saves = args.clients * args.writes
    for round_ in range(args.crash_rounds):
        # Spread the kills over the load: wait until the next share of saves is answered.
        wait_for_saves(tally, threads, saves * (round_ + 1) // (args.crash_rounds + 1))
        kills += server.kill_workers()
    return kills


def snapshot_during_load(tally: Tally, database: ThrowawayDatabase, path: Path) -> dict:
    """``manage.py backup`` while the clients keep writing: every save acknowledged before it
    started must be in the snapshot, and the snapshot must be a sound database."""
    with tally.lock:
        before = {(user, day.isoformat()) for user, day in tally.acknowledged}
    # As a person runs it: its own process, on the settings in os.environ.
    subprocess.run(
        [sys.executable, "manage.py", "backup", str(path)],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    result = {"mode": oct(path.stat().st_mode & 0o777), "acknowledged_before": len(before)}
    if database.vendor == "sqlite":
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


def run_load(server: Gunicorn, database: ThrowawayDatabase, patients, args, workdir) -> Load:
    """The clients' load, with the kills and the backup asked for, until every client ends."""
    tally = Tally()
    started = time.monotonic()
    threads = start_clients(server.port, tally, patients, args)
    kills = kill_workers_during_load(server, tally, threads, args)
    backup = None
    if args.backup:
        wait_for_saves(tally, threads, args.clients * args.writes // 2)
        backup = snapshot_during_load(tally, database, workdir / "snapshot.backup")
    for thread in threads:
        thread.join()
    return Load(tally, time.monotonic() - started, kills, backup)


# --- Verdict ---------------------------------------------------------------------------------


def verify(tally: Tally, database: ThrowawayDatabase) -> dict:
    """Compare the database with the acknowledged writes, once the server has stopped."""
    from django.db import connections
    from django.db.models import Count

    from journal.models import DayLog

    connections.close_all()  # read what is on disk now, through a new connection
    days = DayLog.objects.filter(patient__username__startswith="stress-")
    found = days.annotate(n=Count("reports")).values_list("patient__username", "date", "n")
    rows = {(username, day.isoformat()): n for username, day, n in found}
    acknowledged = {(username, day.isoformat()) for username, day in tally.acknowledged}
    integrity = "n/a (PostgreSQL)"
    if database.vendor == "sqlite":
        with sqlite3.connect(database.sqlite_path) as conn:
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    return {
        "rows": len(rows),
        "missing": sorted(acknowledged - rows.keys()),
        "half_saved": sorted(k for k, n in rows.items() if n == 0),
        "integrity": integrity,
    }


def collect_figures(args, database: ThrowawayDatabase, load: Load, locked: int, result: dict):
    tally, backup, seconds = load.tally, load.backup, load.seconds
    return {
        "database": database.vendor,
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
        "workers_killed": load.workers_killed,
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
        "seconds": round(seconds, 1),
        "requests_per_second": round(tally.requests / seconds, 1) if seconds else None,
    }


def passed(figures: dict, *, crash: bool) -> bool:
    """Nothing failed, nothing acknowledged is missing, every database is sound. After kills,
    rows may outnumber acknowledgements: a save can land while its answer is cut off."""
    backup_ok = "backup_mode" not in figures or (
        figures["backup_missing"] == 0
        and figures["backup_mode"] == "0o600"
        and figures["backup_integrity"] in ("ok", "n/a (pg_dump)")
    )
    return (
        figures["errors"] == 0
        and figures["database_locked"] == 0
        and figures["missing_acknowledged"] == 0
        and figures["half_saved"] == 0
        and figures["integrity_check"] in ("ok", "n/a (PostgreSQL)")
        and (crash or figures["rows"] == figures["acknowledged_writes"])
        and backup_ok
    )


def print_figures(figures: dict, ok: bool, errors: list, *, as_json: bool) -> None:
    for line in errors[:10]:
        print("error:", line, file=sys.stderr)
    width = max(map(len, figures))
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print("RESULT:", "ok" if ok else "FAILED")
    if as_json:
        print(json.dumps({**figures, "ok": ok}))


# --- Main ------------------------------------------------------------------------------------


def parse_args(argv) -> argparse.Namespace:
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
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    crash = args.crash_rounds > 0
    workdir = Path(tempfile.mkdtemp(prefix="gistjournal-stress-"))
    database = ThrowawayDatabase.create(workdir, "stress")
    set_up_django(database, workdir)
    patients = create_patients((args.clients + 1) // 2)

    with Gunicorn(port=free_port(), workers=args.workers, log=workdir / "gunicorn.log") as server:
        load = run_load(server, database, patients, args, workdir)
        if crash:  # and finally the whole server, then a fresh start on the same database
            server.stop(signal.SIGKILL)
            server.start()
    locked = server.log.read_text(errors="replace").count("database is locked")
    figures = collect_figures(args, database, load, locked, verify(load.tally, database))
    ok = passed(figures, crash=crash)
    print_figures(figures, ok, load.tally.errors, as_json=args.json)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
