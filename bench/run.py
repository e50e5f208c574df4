"""``make bench``: how close each page comes to what Django itself does on this machine.

Builds a throwaway database (``bench/build_db.py``), serves it with gunicorn as in
production (two workers, debug off, collected static files), logs in through the real login
form and drives every page with wrk. Prints one table and writes ``bench/results/latest.json``.
See ``bench/README.md`` for how to read it.

Never touches your data: on SQLite the database is a temporary file; with a PostgreSQL
``DATABASE_URL`` it is a separate ``<name>_bench`` database, dropped and created afresh.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

# Run as a script, only bench/ is on the path: the project root makes bench.* importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.browser import largest_contentful_paint, page_weight
from bench.harness import (
    FLOOR_PATH,
    ROOT,
    Client,
    Gunicorn,
    ThrowawayDatabase,
    free_port,
    set_up_django,
)
from bench.import_load import import_under_load

if TYPE_CHECKING:  # imported for real once Django is set up
    from bench.build_db import BenchJournal

RESULTS = ROOT / "bench" / "results" / "latest.json"
PASSWORD = "bench-password-2026"  # noqa: S105 - a throwaway account in a throwaway database

# A five-year page under eight connections can take longer than wrk's default 2 s timeout,
# which would count it as an error rather than as a slow answer.
WRK_ARGS = ["-t2", "-c8", "-d8s", "--latency", "--timeout", "30s"]
WORKERS = 2
# Every page at or under this many queries, whatever the journal's length (issue 17's
# target, reported by make bench). tests/test_bench.py holds the pages to MAX_QUERIES, the
# worst page today (the day log's save and the report, 19), so that none grows; it comes down
# to QUERY_TARGET when they do.
QUERY_TARGET = 12
MAX_QUERIES = 19
# The saves of the POST rows go to this many different days (yesterday and before), each
# with its own answers, as patients filling in their days would; never the same row over
# and over.
POST_DAYS = 400
# What browsers send: pages and static files travel compressed, as they would to a patient.
ACCEPT_ENCODING = "gzip, br"
FLOOR = "logged-in floor"


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # may hold {today}, {day} (a different day each request) and {share_id}
    who: str = "patient"  # patient, caregiver or anonymous
    method: str = "GET"
    # "after save": the page a browser loads after a save, with the "Saved …" notice.
    after_save: bool = False

    @property
    def expected_status(self) -> int:
        return 302 if self.method == "POST" else 200


PAGES = [
    Page("healthz", "/healthz", who="anonymous"),
    Page(FLOOR, FLOOR_PATH),
    Page("dashboard", "/journal/"),
    Page("day log GET", "/journal/day/{today}/"),
    Page("day log POST", "/journal/day/{day}/", method="POST"),
    Page("day log after save", "/journal/day/{day}/", after_save=True),
    Page("history", "/journal/history/"),
    Page("trends 90 days", "/journal/trends/?range=90"),
    Page("trends all time", "/journal/trends/?range=all"),
    Page("report", "/journal/report/"),
    Page("CSV export", "/journal/export.csv"),
    Page("library symptom", "/library/symptoms/hand-foot-syndrome/", who="anonymous"),
    Page("caregiver trends", "/care/{share_id}/trends/?range=all", who="caregiver"),
]


def page_url(page: Page, *, today: date, share_id: int, day: date | None = None) -> str:
    """The page's path; ``day`` fills ``{day}`` (today when not given)."""
    day = day or today
    return page.path.format(today=today.isoformat(), day=day.isoformat(), share_id=share_id)


def post_days(today: date) -> list[date]:
    """The days the POST rows save, newest first: yesterday and the ``POST_DAYS - 1`` before."""
    return [today - timedelta(days=back) for back in range(1, POST_DAYS + 1)]


def tracked_symptoms(profile) -> list:
    """The symptoms on the patient's day log form (nothing else reported on the day)."""
    return list(profile.tracked_symptoms.filter(is_active=True))


def day_log_post_data(symptoms, csrf_token: str | None = None, *, variant: int = 0) -> dict:
    """A full day: a grade (and for the worse ones how much it got in the way) for each
    symptom on the form, the dose, blood pressure and a note. ``variant`` changes every
    answer, so that successive saves differ as real days do."""
    data = {
        "dose_taken": ("all", "some", "all", "missed")[variant % 4],
        "systolic": str(118 + variant % 30),
        "diastolic": str(72 + variant % 15),
        "weight_kg": f"{70 + variant % 7}.{variant % 10}",
        "note": f"Benchmark day {variant}: feet sore in the evening.",
    }
    for index, symptom in enumerate(symptoms):
        grade = (index + variant) % 5
        data[f"grade_{symptom.slug}"] = str(grade)
        data[f"interference_{symptom.slug}"] = str(grade - 1) if grade >= 2 else ""
        data[f"note_{symptom.slug}"] = ""
    if csrf_token:
        data["csrfmiddlewaretoken"] = csrf_token
    return data


# --- Queries per request (in process) --------------------------------------------------------


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
    days = iter(post_days(today)[-4:])  # days of their own, apart from the load's
    for page in PAGES:
        client = clients[page.who]
        numbers = []
        for _ in range(2):
            day = next(days) if "{day}" in page.path else today
            url = page_url(page, today=today, share_id=journal.share_id, day=day)
            if page.after_save:  # the save, uncounted: the page after it is the row
                client.post(url, post_data)
            with CaptureQueriesContext(connection) as queries:
                if page.method == "POST":
                    response = client.post(url, post_data)
                else:
                    response = client.get(url)
                if response.streaming:
                    b"".join(response.streaming_content)
            # Read now: the next request empties the connection's query log.
            numbers.append(len(queries.captured_queries))
            if response.status_code != page.expected_status:
                raise RuntimeError(f"{page.name}: {url} answered {response.status_code}")
            if page.after_save and b"Saved " not in response.content:
                raise RuntimeError(f"{page.name}: {url} does not say the day was saved")
        counts[page.name] = {"cold": numbers[0], "queries": numbers[1]}
    return counts


# --- Load ------------------------------------------------------------------------------------

# Each wrk thread walks its own part of the plan (a list of requests, often one), so that the
# POST rows save a different day with different answers each time. A response other than the
# one expected (200, or the redirect of a save) counts as an error: a page that sent the
# client to the log-in form, or refused a save, must not pass for a fast one.
LUA = """
wrk.headers["Cookie"] = {cookie}
wrk.headers["Accept-Encoding"] = {accept_encoding}
{content_type}
local plan = {{
{plan}
}}
local threads = {{}}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  step = id * math.floor(#plan / 2)
  unexpected = 0
end

function request()
  step = step + 1
  local item = plan[(step % #plan) + 1]
  return wrk.format(item[1], item[2], nil, item[3])
end

function response(status, headers, body)
  if status ~= {expected} then unexpected = unexpected + 1 end
end

done = function(summary, latency, requests)
  local e = summary.errors
  local wrong = 0
  for _, thread in ipairs(threads) do wrong = wrong + thread:get("unexpected") end
  io.write(string.format(
    "BENCH-RESULT {{\\"requests\\": %d, \\"duration_us\\": %d, \\"bytes\\": %d, "
    .. "\\"p50_us\\": %d, \\"p99_us\\": %d, \\"status_errors\\": %d, \\"other_errors\\": %d, "
    .. "\\"unexpected\\": %d}}\\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout, wrong))
end
"""


def lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Lua string literal for ASCII text


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: str | None = None  # a URL-encoded form


def lua_body(item: "Request") -> str:
    return lua_string(item.body) if item.body is not None else "nil"


def lua_script(plan: list[Request], *, cookie: str, expected: int) -> str:
    items = ",\n".join(
        "{" + ", ".join([lua_string(item.method), lua_string(item.path), lua_body(item)]) + "}"
        for item in plan
    )
    has_body = any(item.body is not None for item in plan)
    return LUA.format(
        cookie=lua_string(cookie),
        accept_encoding=lua_string(ACCEPT_ENCODING),
        content_type=(
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"' if has_body else ""
        ),
        plan=items,
        expected=expected,
    )


def wrk(port: int, plan: list[Request], *, script: Path, cookie: str, expected: int) -> dict:
    script.write_text(lua_script(plan, cookie=cookie, expected=expected))
    output = subprocess.run(
        ["wrk", *WRK_ARGS, "-s", str(script), f"http://127.0.0.1:{port}{plan[0].path}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"BENCH-RESULT (\{.*\})", output)
    if not match:
        raise RuntimeError(f"wrk gave no result for {plan[0].path}:\n{output}")
    result = json.loads(match.group(1))
    requests = max(result["requests"], 1)
    return {
        "requests_per_s": result["requests"] / (result["duration_us"] / 1e6),
        "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "bytes_per_request": result["bytes"] / requests,
        "requests": result["requests"],
        "errors": result["status_errors"] + result["other_errors"] + result["unexpected"],
    }


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


# --- Report ----------------------------------------------------------------------------------


# The targets of issue 17, each with how it is measured, and the CSV export's memory
# (issue 8). Ratios are of throughput (req/s) in the same run.
PAGE_SHARE_OF_FLOOR = {
    "day log GET": 0.30,
    "dashboard": 0.30,
    "history": 0.15,
    "report": 0.15,
    "trends 90 days": 0.15,
    "caregiver trends": 0.15,
}
TRENDS_GROWTH = 2.0
HTML_COMPRESSED_KB = 10
FIRST_VISIT_KB = 100
REPEAT_VISIT_KB = 15
LCP_MS = 2000
CSV_MEMORY_MB = 50


def targets(results: dict) -> list[dict]:
    """Each target with what was measured and PASS (True) or FAIL (False)."""
    pages = results["pages"]
    worst = max(pages, key=lambda name: pages[name]["queries"])
    weight, lcp = results["day_page_weight"], results["day_log_lcp"]
    rows = [
        (
            f"{name} ≥ {share:.0%} of the logged-in floor",
            f"{pages[name]['vs_logged_in_floor']:.1%}",
            pages[name]["vs_logged_in_floor"] >= share,
        )
        for name, share in PAGE_SHARE_OF_FLOOR.items()
    ]
    rows += [
        (
            f"trends all time ≤ {TRENDS_GROWTH:g}× trends 90 days (p50)",
            f"{results['trends_growth']:.2f}×",
            results["trends_growth"] <= TRENDS_GROWTH,
        ),
        (
            f"every page ≤ {QUERY_TARGET} queries",
            f"{pages[worst]['queries']} ({worst})",
            pages[worst]["queries"] <= QUERY_TARGET,
        ),
        (
            "HTML compressed on the wire (gzip or br)",
            weight["html"]["content_encoding"],
            weight["html"]["content_encoding"] in ("gzip", "br"),
        ),
        (
            f"day log HTML ≤ {HTML_COMPRESSED_KB} KB compressed",
            f"{weight['html']['bytes'] / 1024:.1f} KB",
            weight["html"]["bytes"] <= HTML_COMPRESSED_KB * 1024,
        ),
        (
            f"day log with its assets ≤ {FIRST_VISIT_KB} KB, first visit",
            f"{weight['total_bytes'] / 1024:.1f} KB",
            weight["total_bytes"] <= FIRST_VISIT_KB * 1024,
        ),
        (
            f"day log ≤ {REPEAT_VISIT_KB} KB on a repeat visit (assets cached a year)",
            f"{weight['repeat_visit_bytes'] / 1024:.1f} KB",
            weight["repeat_visit_bytes"] <= REPEAT_VISIT_KB * 1024,
        ),
        (
            f"day log LCP ≤ {LCP_MS / 1000:g} s (fast 3G, 4× CPU slowdown, first visit)",
            f"{lcp['first_visit_ms'] / 1000:.2f} s" if "first_visit_ms" in lcp else lcp["error"],
            lcp.get("first_visit_ms", LCP_MS + 1) <= LCP_MS,
        ),
        (
            f"CSV export < {CSV_MEMORY_MB} MB above idle",
            f"{results['csv_memory']['peak_above_idle_mb']} MB",
            results["csv_memory"]["peak_above_idle_mb"] < CSV_MEMORY_MB,
        ),
    ]
    return [{"target": t, "measured": m, "pass": ok} for t, m, ok in rows]


def table(results: dict) -> str:
    head = (
        f"{'page':<19} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'queries':>8} "
        f"{'bytes/req':>10} {'vs healthz':>10} {'vs floor':>9}"
    )
    lines = [head, "-" * len(head)]
    for name, page in results["pages"].items():
        lines.append(
            f"{name:<19} {page['requests_per_s']:>8.1f} {page['p50_ms']:>8.1f} "
            f"{page['p99_ms']:>8.1f} {page['queries']:>8} {page['bytes_per_request']:>10.0f} "
            f"{page['vs_healthz']:>10.1%} {page['vs_logged_in_floor']:>9.1%}"
        )
    memory, weight, lcp = (
        results["csv_memory"],
        results["day_page_weight"],
        results["day_log_lcp"],
    )
    lines += [
        "",
        f"trends all time / trends 90 days (p50): {results['trends_growth']:.2f}×",
        f"CSV export, peak worker memory above idle: {memory['peak_above_idle_mb']} MB",
        f"day log page, compressed: {weight['html']['bytes'] / 1024:.1f} KB "
        f"({weight['html']['content_encoding']}); with its assets "
        f"{weight['total_bytes'] / 1024:.1f} KB on a first visit ({len(weight['items'])} "
        f"requests), {weight['repeat_visit_bytes'] / 1024:.1f} KB on a repeat visit",
        "day log largest contentful paint (fast 3G, 4× CPU slowdown): "
        + (
            f"{lcp['first_visit_ms']} ms first visit, {lcp['repeat_visit_ms']} ms repeat visit"
            if "first_visit_ms" in lcp
            else f"not measured ({lcp['error']})"
        ),
    ]
    if results.get("import_load"):
        lines += ["", import_load_lines(results["import_load"])]
    lines.append("")
    for row in results["targets"]:
        lines.append(f"{'PASS' if row['pass'] else 'FAIL'}  {row['target']}: {row['measured']}")
    return "\n".join(lines)


def import_load_lines(load: dict) -> str:
    """The hostile import's figures (issue 16), a few lines for below the table."""

    def figures(part: dict) -> str:
        if not part.get("requests"):
            return "no answer"
        return f"p50 {part['p50_ms']} ms, p99 {part['p99_ms']} ms ({part['requests']} requests)"

    return "\n".join(
        [
            f"hostile import of {load['file_bytes'] / 1024 / 1024:.1f} MB: answered "
            f"{load['import_status']} ({load['import_result']}) in {load['import_seconds']} s",
            *(
                f"  {name} before: {figures(load['before'][name])}; "
                f"during: {figures(load['during'][name])}"
                for name in load["during"]
            ),
            f"  failed requests meanwhile: {load['failed_probes']}",
        ]
    )


# --- The steps of a run ----------------------------------------------------------------------


def build_journal() -> tuple[date, "BenchJournal", float]:
    """The benchmark's journal on the prepared database: (today, the journal, seconds)."""
    from django.utils import timezone

    from bench.build_db import build

    today = timezone.localdate()
    built = time.monotonic()
    journal = build(today=today, password=PASSWORD)
    build_seconds = time.monotonic() - built
    print(
        f"  {journal.day_logs:,} days and {journal.reports:,} symptom reports "
        f"in {build_seconds:.0f} s; counting queries …",
        flush=True,
    )
    return today, journal, build_seconds


def log_in_everyone(port: int, journal: "BenchJournal") -> dict[str, Client]:
    """A client for each kind of visitor, the patient and caregiver logged in."""
    clients = {who: Client(port) for who in ("patient", "caregiver", "anonymous")}
    clients["patient"].log_in(journal.heavy_username, PASSWORD)
    clients["caregiver"].log_in(journal.caregiver_username, PASSWORD)
    return clients


def post_plan(patient: Client, journal: "BenchJournal", today: date) -> list[Request]:
    """The day log POST row's requests: each saves another day (``post_days``) with other
    answers, with the patient's CSRF token, URL-encoded."""
    from django.db import connections

    from journal.models import Profile

    days = post_days(today)
    token = patient.form_token(f"/journal/day/{days[0].isoformat()}/")
    profile = Profile.objects.get(user__username=journal.heavy_username)
    symptoms = tracked_symptoms(profile)
    connections.close_all()  # as after counting queries: the database is the workers'
    return [
        Request(
            "POST",
            f"/journal/day/{day.isoformat()}/",
            urlencode(day_log_post_data(symptoms, token, variant=variant)),
        )
        for variant, day in enumerate(days)
    ]


def after_save_cookie(patient: Client, save: Request) -> str:
    """The patient's cookies with the one a save leaves (its "Saved …" notice, which Django
    keeps in a cookie): each request of the after-save row shows that notice, as the page
    after a real save does."""
    answer = patient.request("POST", save.path, body=save.body)
    if answer.status != 302 or "messages" not in patient.cookies:
        raise RuntimeError(f"Saving {save.path} answered {answer.status}, without a notice.")
    cookie = patient.cookie_header
    check = patient.get(save.path)  # shows the notice, and takes it out of the client
    if b"Saved " not in check.body:
        raise RuntimeError(f"The page after saving {save.path} does not say it was saved.")
    return cookie


def plan_of(page: Page, path: str, posts: list[Request]) -> list[Request]:
    if page.method == "POST":
        return posts
    if page.after_save:
        return [Request("GET", post.path) for post in posts]
    return [Request("GET", path)]


def load_page(
    server: Gunicorn, page: Page, plan: list[Request], cookie: str, script: Path
) -> tuple[dict, dict | None]:
    """(wrk's figures for one page, after warming each worker up on it; for the CSV export,
    the workers' memory while it ran, else None)."""
    watch = None
    if page.name == "CSV export":
        # Idle is measured before the workers ever stream an export.
        watch = MemoryWatch(server.worker_pids())
        watch.start()
    warm = Client(server.port)
    headers = {"Cookie": cookie} if cookie else {}
    for item in plan[-2 * WORKERS :]:  # warm each worker (imports, caches, connections)
        answer = warm.request(item.method, item.path, body=item.body, headers=headers)
        if answer.status != page.expected_status:
            raise RuntimeError(f"{page.name}: {item.path} answered {answer.status}")
    print(f"  {page.name} …", flush=True)
    figures = wrk(server.port, plan, script=script, cookie=cookie, expected=page.expected_status)
    return figures, watch.stop() if watch is not None else None


def measure_pages(
    server: Gunicorn, journal: "BenchJournal", today: date, queries: dict, script: Path
) -> tuple[dict, dict]:
    """(figures per page, the CSV export's worker memory)."""
    clients = log_in_everyone(server.port, journal)
    posts = post_plan(clients["patient"], journal, today)
    # The after-save row reads the days the POST row writes; its notice comes from a save of
    # a day of its own.
    saved_cookie = after_save_cookie(clients["patient"], posts.pop())
    pages, csv_memory = {}, None
    for page in PAGES:
        path = page_url(page, today=today, share_id=journal.share_id)
        cookie = saved_cookie if page.after_save else clients[page.who].cookie_header
        plan = plan_of(page, path, posts)
        figures, memory = load_page(server, page, plan, cookie, script)
        pages[page.name] = figures | queries[page.name]
        csv_memory = memory or csv_memory
    add_ratios(pages)
    return pages, csv_memory


def add_ratios(pages: dict) -> None:
    """Each page's throughput as a share of /healthz's and of the logged-in floor's."""
    healthz, floor = pages["healthz"]["requests_per_s"], pages[FLOOR]["requests_per_s"]
    for figures in pages.values():
        figures["vs_healthz"] = figures["requests_per_s"] / healthz
        figures["vs_logged_in_floor"] = figures["requests_per_s"] / floor


def measure_visits(server: Gunicorn, journal: "BenchJournal", today: date) -> dict:
    """The day log's weight and paint (``bench/browser.py``), and the hostile import under
    load (``bench/import_load.py``)."""
    clients = log_in_everyone(server.port, journal)
    day_path = page_url(PAGES[3], today=today, share_id=journal.share_id)
    print("  day log in Chromium (fast 3G, 4× CPU slowdown) …", flush=True)
    visits = {
        "day_page_weight": page_weight(clients["patient"], day_path),
        "day_log_lcp": largest_contentful_paint(server.port, day_path, clients["patient"].cookies),
    }
    print("  a 5 MB hostile import while others ask for pages …", flush=True)
    visits["import_load"] = import_under_load(server.port, clients["patient"])
    return visits


def collect_results(*, database, journal, today, build_seconds, pages, csv_memory, visits):
    """Everything ``latest.json`` holds but the run time, the targets included."""
    results = {
        "date": today.isoformat(),
        "database": database.vendor,
        "cpus": os.cpu_count(),
        "wrk": " ".join(WRK_ARGS),
        "gunicorn_workers": WORKERS,
        "data": asdict(journal) | {"password": None, "build_seconds": round(build_seconds, 1)},
        "pages": pages,
        "trends_growth": pages["trends all time"]["p50_ms"] / pages["trends 90 days"]["p50_ms"],
        "csv_memory": csv_memory,
        **visits,
    }
    results["targets"] = targets(results)
    return results


def write_and_print(results: dict, started: float) -> None:
    results["run_seconds"] = round(time.monotonic() - started, 1)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print()
    print(table(results))
    print(f"\nWritten to {RESULTS.relative_to(ROOT)} in {results['run_seconds']:.0f} s.")


def clean_up(tmp: Path, database: ThrowawayDatabase, *, keep: bool) -> None:
    if keep:
        print(f"Kept {tmp} and {database.url}.")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
        database.drop()


# --- Main ------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the database and logs")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk).")
    return args


def main() -> int:
    args = parse_args()
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="gistjournal-bench-"))
    database = ThrowawayDatabase.create(tmp, "bench")
    print(f"Building the benchmark database ({database.vendor}) …", flush=True)
    set_up_django(database, tmp, settings="bench.settings")
    from django.db import connections

    today, journal, build_seconds = build_journal()
    queries = count_queries(journal=journal, today=today)
    connections.close_all()  # the workers are the ones on the database from now on

    with Gunicorn(port=free_port(), workers=WORKERS, log=tmp / "gunicorn.log") as server:
        pages, csv_memory = measure_pages(server, journal, today, queries, tmp / "page.lua")
        visits = measure_visits(server, journal, today)
    results = collect_results(
        database=database,
        journal=journal,
        today=today,
        build_seconds=build_seconds,
        pages=pages,
        csv_memory=csv_memory,
        visits=visits,
    )
    write_and_print(results, started)
    clean_up(tmp, database, keep=args.keep)
    errors = {name: page["errors"] for name, page in pages.items() if page["errors"]}
    if errors:
        print(f"\nSome requests failed: {errors}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
