"""``make bench``: how close each page comes to what Django itself does on this machine.

Builds a throwaway database (``bench/build_db.py``), serves it with gunicorn as in
production (two workers, debug off, collected static files), logs in through the real login
form and drives every page with wrk. Prints one table and writes ``bench/results/latest.json``.
See ``bench/README.md`` for how to read it.

Never touches your data: on SQLite the database is a temporary file; with a PostgreSQL
``DATABASE_URL`` it is a separate ``<name>_bench`` database, dropped and created afresh.
"""

import argparse
import http.client
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.json"
PASSWORD = "bench-password-2026"  # noqa: S105 - a throwaway account in a throwaway database

# A five-year page under eight connections can take longer than wrk's default 2 s timeout,
# which would count it as an error rather than as a slow answer.
WRK_ARGS = ["-t2", "-c8", "-d8s", "--latency", "--timeout", "30s"]
WORKERS = 2
MAX_QUERIES = 15


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # may hold {today} and {share_id}
    who: str = "patient"  # patient, caregiver or anonymous
    method: str = "GET"


PAGES = [
    Page("healthz", "/healthz", who="anonymous"),
    Page("dashboard", "/journal/"),
    Page("day log GET", "/journal/day/{today}/"),
    Page("day log POST", "/journal/day/{today}/", method="POST"),
    Page("history", "/journal/history/"),
    Page("trends 90 days", "/journal/trends/?range=90"),
    Page("trends all time", "/journal/trends/?range=all"),
    Page("report", "/journal/report/"),
    Page("CSV export", "/journal/export.csv"),
    Page("library symptom", "/library/symptoms/hand-foot-syndrome/", who="anonymous"),
    Page("caregiver trends", "/care/{share_id}/trends/?range=all", who="caregiver"),
]


def page_url(page: Page, *, today: date, share_id: int) -> str:
    return page.path.format(today=today.isoformat(), share_id=share_id)


def tracked_symptoms(profile) -> list:
    """The symptoms on the patient's day log form (nothing else reported on the day)."""
    return list(profile.tracked_symptoms.filter(is_active=True))


def day_log_post_data(symptoms, csrf_token: str | None = None) -> dict:
    """A full day: a grade (and for the worse ones how much it got in the way) for each
    symptom on the form, the dose, blood pressure and a note."""
    data = {"dose_taken": "all", "systolic": "128", "diastolic": "82", "weight_kg": "71.5"}
    data["note"] = "Benchmark day: feet sore in the evening."
    for index, symptom in enumerate(symptoms):
        grade = index % 4
        data[f"grade_{symptom.slug}"] = str(grade)
        data[f"interference_{symptom.slug}"] = str(grade - 1) if grade >= 2 else ""
        data[f"note_{symptom.slug}"] = ""
    if csrf_token:
        data["csrfmiddlewaretoken"] = csrf_token
    return data


# --- Queries per request (in process) -------------------------------------------------------


def count_queries(*, journal, today: date) -> dict[str, dict]:
    """SQL queries of one request to each page, with Django's test client on this database.

    Each page is requested twice: ``cold`` counts the first request (empty per-process
    caches), ``queries`` the second, which is what a serving worker does all day. Also
    checks each answer is a success (2xx, or the redirect after a save).
    """
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from journal.models import Profile

    User = get_user_model()
    patient = User.objects.get(username=journal.heavy_username)
    clients = {"patient": Client(), "caregiver": Client(), "anonymous": Client()}
    clients["patient"].force_login(patient)
    clients["caregiver"].force_login(User.objects.get(username=journal.caregiver_username))
    post_data = day_log_post_data(tracked_symptoms(Profile.objects.for_user(patient)))

    counts = {}
    for page in PAGES:
        client = clients[page.who]
        url = page_url(page, today=today, share_id=journal.share_id)
        numbers = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                if page.method == "POST":
                    response = client.post(url, post_data)
                else:
                    response = client.get(url)
                if response.streaming:
                    b"".join(response.streaming_content)
            # Read now: the next request empties the connection's query log.
            numbers.append(len(queries.captured_queries))
            if response.status_code not in (200, 302):
                raise RuntimeError(f"{page.name}: {url} answered {response.status_code}")
        counts[page.name] = {"cold": numbers[0], "queries": numbers[1]}
    return counts


# --- Database ----------------------------------------------------------------------------------


def bench_database(tmp: Path) -> tuple[str, str]:
    """(URL of the benchmark database, its vendor). A PostgreSQL one is created afresh."""
    import dj_database_url

    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return f"sqlite:///{tmp / 'bench.sqlite3'}", "sqlite"
    config = dj_database_url.parse(url)
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return f"sqlite:///{tmp / 'bench.sqlite3'}", "sqlite"
    if "postgresql" not in engine:
        raise SystemExit(f"make bench runs on SQLite or PostgreSQL, not {engine}.")

    import psycopg
    from psycopg import sql

    name = f"{config['NAME']}_bench"
    conninfo = {
        "dbname": config["NAME"],
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
    }
    # Connected to the user's database only to issue CREATE DATABASE; it is never read.
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v}, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlsplit(url)._replace(path=f"/{name}").geturl(), "postgresql"


def drop_bench_database(url: str) -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    name = config["NAME"]
    if not name.endswith("_bench"):  # never drop anything we did not create
        return
    conninfo = {
        "dbname": name.removesuffix("_bench"),
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
    }
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v}, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


# --- HTTP ------------------------------------------------------------------------------------


class Session:
    """A browser's cookie jar against one server, enough for the login form and CSRF."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method, path, *, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = self.cookie_header
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        payload = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response, payload

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items() if value)

    def csrf_token(self, path: str) -> str:
        _, html = self.request("GET", path)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if not match:
            raise RuntimeError(f"No CSRF token in the form at {path}")
        return match.group(1).decode()

    def log_in(self, username: str, password: str) -> None:
        token = self.csrf_token("/accounts/login/")
        body = urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        )
        response, _ = self.request("POST", "/accounts/login/", body=body)
        if response.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"Logging in as {username} failed ({response.status}).")


def wire_bytes(response, payload: bytes) -> int:
    """Bytes on the wire: status line, headers and the (still compressed) body."""
    head = len(f"HTTP/1.1 {response.status} {response.reason}\r\n") + 2
    head += sum(len(f"{name}: {value}\r\n") for name, value in response.getheaders())
    return head + len(payload)


def page_weight(session: Session, path: str) -> dict:
    """The page and every stylesheet, script and icon it links, as a browser fetches them."""
    accept = {"Accept-Encoding": "gzip, br"}
    response, html = session.request("GET", path, headers=accept)
    items = {path: wire_bytes(response, html)}
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)
    for asset in dict.fromkeys(a.decode() for a in assets):
        response, payload = session.request("GET", asset, headers=accept)
        if response.status != 200:
            raise RuntimeError(f"{asset} answered {response.status}")
        items[asset] = wire_bytes(response, payload)
    return {"total_bytes": sum(items.values()), "items": items}


# --- Load ------------------------------------------------------------------------------------

LUA = """
wrk.method = {method}
wrk.headers["Cookie"] = {cookie}
{body}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH-RESULT {{\\"requests\\": %d, \\"duration_us\\": %d, \\"bytes\\": %d, "
    .. "\\"p50_us\\": %d, \\"p99_us\\": %d, \\"status_errors\\": %d, \\"other_errors\\": %d}}\\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Lua string literal for ASCII text


def wrk(port: int, path: str, *, script: Path, cookie: str, method="GET", body=None) -> dict:
    lines = ""
    if body is not None:
        lines = (
            f"wrk.body = {lua_string(body)}\n"
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"'
        )
    script.write_text(LUA.format(method=lua_string(method), cookie=lua_string(cookie), body=lines))
    output = subprocess.run(
        ["wrk", *WRK_ARGS, "-s", str(script), f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"BENCH-RESULT (\{.*\})", output)
    if not match:
        raise RuntimeError(f"wrk gave no result for {path}:\n{output}")
    result = json.loads(match.group(1))
    requests = max(result["requests"], 1)
    return {
        "requests_per_s": result["requests"] / (result["duration_us"] / 1e6),
        "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "bytes_per_request": result["bytes"] / requests,
        "requests": result["requests"],
        "errors": result["status_errors"] + result["other_errors"],
    }


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command may hold spaces and brackets: the parent id follows the last ")".
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry.name))
    return pids


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class MemoryWatch(threading.Thread):
    """Peak resident memory of each worker, sampled every 20 ms."""

    def __init__(self, pids):
        super().__init__(daemon=True)
        self.pids = pids
        self.idle = {pid: rss_kb(pid) for pid in pids}
        self.peak = dict(self.idle)
        self.running = True

    def run(self):
        while self.running:
            for pid in self.pids:
                self.peak[pid] = max(self.peak[pid], rss_kb(pid))
            time.sleep(0.02)

    def stop(self) -> dict:
        self.running = False
        self.join()
        growth = max(self.peak[pid] - self.idle[pid] for pid in self.pids)
        return {
            "idle_kb": self.idle,
            "peak_kb": self.peak,
            "peak_above_idle_mb": round(growth / 1024, 1),
        }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, log: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [gunicorn, "gistjournal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)],
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            response, _ = Session(port).request("GET", "/healthz")
            if response.status == 200 and len(worker_pids(server.pid)) == WORKERS:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"gunicorn did not start; see {log}:\n{log.read_text()[-2000:]}")


# --- Report ----------------------------------------------------------------------------------


def targets(results: dict) -> list[dict]:
    pages = results["pages"]
    worst = max(pages.values(), key=lambda page: page["queries"])
    worst_name = next(name for name, page in pages.items() if page is worst)
    rows = [
        ("every page ≤ 15 queries", f"{worst['queries']} ({worst_name})", worst["queries"] <= 15),
        (
            "day log GET ≥ 35% of /healthz",
            f"{pages['day log GET']['vs_healthz']:.1%}",
            pages["day log GET"]["vs_healthz"] >= 0.35,
        ),
        (
            "dashboard ≥ 25% of /healthz",
            f"{pages['dashboard']['vs_healthz']:.1%}",
            pages["dashboard"]["vs_healthz"] >= 0.25,
        ),
        (
            "trends all time ≤ 3× trends 90 days (p50)",
            f"{results['trends_growth']:.2f}×",
            results["trends_growth"] <= 3,
        ),
        (
            "CSV export < 50 MB above idle",
            f"{results['csv_memory']['peak_above_idle_mb']} MB",
            results["csv_memory"]["peak_above_idle_mb"] < 50,
        ),
        (
            "day log page ≤ 150 KB with assets, compressed",
            f"{results['day_page_weight']['total_bytes'] / 1024:.1f} KB",
            results["day_page_weight"]["total_bytes"] <= 150 * 1024,
        ),
    ]
    return [{"target": t, "measured": m, "pass": ok} for t, m, ok in rows]


def table(results: dict) -> str:
    head = f"{'page':<18} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'queries':>8} {'bytes/req':>10} {'vs healthz':>10}"
    lines = [head, "-" * len(head)]
    for name, page in results["pages"].items():
        lines.append(
            f"{name:<18} {page['requests_per_s']:>8.1f} {page['p50_ms']:>8.1f} "
            f"{page['p99_ms']:>8.1f} {page['queries']:>8} {page['bytes_per_request']:>10.0f} "
            f"{page['vs_healthz']:>10.1%}"
        )
    memory = results["csv_memory"]
    weight = results["day_page_weight"]
    lines += [
        "",
        f"trends all time / trends 90 days (p50): {results['trends_growth']:.2f}×",
        f"CSV export, peak worker memory above idle: {memory['peak_above_idle_mb']} MB",
        f"day log page with its assets, compressed: {weight['total_bytes'] / 1024:.1f} KB "
        f"({len(weight['items'])} requests)",
        "",
    ]
    for row in results["targets"]:
        lines.append(f"{'PASS' if row['pass'] else 'FAIL'}  {row['target']}: {row['measured']}")
    return "\n".join(lines)


# --- Main ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the database and logs")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk).")

    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="gistjournal-bench-"))
    database_url, vendor = bench_database(tmp)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="gistjournal.settings",
        DATABASE_URL=database_url,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_HTTPS="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        DJANGO_LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    from bench.build_db import build

    print(f"Building the benchmark database ({vendor}) …", flush=True)
    call_command("migrate", verbosity=0)
    call_command("load_library", stdout=io.StringIO())
    call_command("collectstatic", verbosity=0, interactive=False)
    today = timezone.localdate()
    built = time.monotonic()
    journal = build(today=today, password=PASSWORD)
    build_seconds = time.monotonic() - built
    print(
        f"  {journal.day_logs:,} days and {journal.reports:,} symptom reports "
        f"in {build_seconds:.0f} s; counting queries …",
        flush=True,
    )
    queries = count_queries(journal=journal, today=today)
    connections.close_all()

    port = free_port()
    server = start_gunicorn(port, tmp / "gunicorn.log")
    try:
        patient, caregiver, anonymous = Session(port), Session(port), Session(port)
        patient.log_in(journal.heavy_username, PASSWORD)
        caregiver.log_in(journal.caregiver_username, PASSWORD)
        sessions = {"patient": patient, "caregiver": caregiver, "anonymous": anonymous}
        day_path = page_url(PAGES[2], today=today, share_id=journal.share_id)
        token = patient.csrf_token(day_path)
        from journal.models import Profile

        profile = Profile.objects.get(user__username=journal.heavy_username)
        post_body = urlencode(day_log_post_data(tracked_symptoms(profile), token))
        connections.close_all()

        pages, csv_memory = {}, None
        for page in PAGES:
            session = sessions[page.who]
            path = page_url(page, today=today, share_id=journal.share_id)
            body = post_body if page.method == "POST" else None
            watch = None
            if page.name == "CSV export":
                # Idle is measured before the workers ever stream an export.
                watch = MemoryWatch(worker_pids(server.pid))
                watch.start()
            for _ in range(2 * WORKERS):  # warm each worker (imports, caches, connections)
                session.request(page.method, path, body=body)
            print(f"  {page.name} …", flush=True)
            pages[page.name] = wrk(
                port,
                path,
                script=tmp / "page.lua",
                cookie=session.cookie_header,
                method=page.method,
                body=body,
            )
            if watch is not None:
                csv_memory = watch.stop()
            pages[page.name].update(queries[page.name])
        floor = pages["healthz"]["requests_per_s"]
        for page in pages.values():
            page["vs_healthz"] = page["requests_per_s"] / floor
        weight = page_weight(patient, day_path)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    results = {
        "date": today.isoformat(),
        "database": vendor,
        "cpus": os.cpu_count(),
        "wrk": " ".join(WRK_ARGS),
        "gunicorn_workers": WORKERS,
        "data": asdict(journal) | {"password": None, "build_seconds": round(build_seconds, 1)},
        "pages": pages,
        "trends_growth": pages["trends all time"]["p50_ms"] / pages["trends 90 days"]["p50_ms"],
        "csv_memory": csv_memory,
        "day_page_weight": weight,
    }
    results["targets"] = targets(results)
    results["run_seconds"] = round(time.monotonic() - started, 1)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")

    print()
    print(table(results))
    print(f"\nWritten to {RESULTS.relative_to(ROOT)} in {results['run_seconds']:.0f} s.")
    if args.keep:
        print(f"Kept {tmp} and {database_url}.")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
        if vendor == "postgresql":
            drop_bench_database(database_url)
    errors = {name: page["errors"] for name, page in pages.items() if page["errors"]}
    if errors:
        print(f"\nSome requests failed: {errors}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
