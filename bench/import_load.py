"""A 5 MB hostile import on one worker while the site goes on answering (issue 16).

The patient uploads a CSV just under the 5 MB limit, made from their own export with every
row made awkward: formula characters, long notes in another script, impossible numbers and
dates, and rows repeated (the same days twice). Meanwhile two other clients keep asking for
``/healthz`` and for the logged-in floor page on the same server (two workers, as
``make serve``). Reported: how long the import took and what it answered, and the other
requests' p50/p99 before and during it.
"""

import re
import statistics
import threading
import time
import uuid

from bench.harness import FLOOR_PATH, Client, csrf_token

IMPORT_PATH = "/journal/import/"
FILE_BYTES = 5 * 1024 * 1024 - 4096  # under the limit: the file is read and parsed, not refused
QUIET_SECONDS = 2.0
# Under the importer's limits (14,000 rows, 10,000 symptom answers): read and checked whole.
ROWS = 9_000


def hostile_csv(export: str, size: int = FILE_BYTES) -> bytes:
    """At most ``size`` bytes of CSV, whole lines: the export's header, then its rows again
    and again, each made awkward in a different way and padded with formula-like text."""
    lines = export.splitlines()
    header, rows = lines[0], lines[1:] or ["2026-01-01"]
    tricks = (
        lambda row: row + ',"=HYPERLINK(""http://example.invalid"",""x"")"',
        lambda row: row + "," + "ДиарреяΩ" * 40,
        lambda row: row.replace("20", "99", 1) + ",9" + "9" * 300,
        lambda row: "+cmd|' /C calc'!A0," + row,
        lambda row: row.replace("-", "-31-", 1),
        lambda row: row,  # the same day twice
    )
    # Rows long enough to stay under the importer's row limit: the whole file is read and
    # checked, not refused by its count of rows.
    row_bytes = size // ROWS + 1
    out, total, index = [header], len(header) + 1, 0
    while total < size:
        row = tricks[index % len(tricks)](rows[index % len(rows)])
        if len(row) < row_bytes:
            row += "," + ("=SUM(A1:A9)+ДΩ " * row_bytes)[: row_bytes - len(row) - 1]
        out.append(row)
        total += len(row.encode()) + 1
        index += 1
    content = "\n".join(out).encode()
    return content[: content.rindex(b"\n", 0, size)]  # whole lines: still valid UTF-8


def multipart(fields: dict[str, str], file_name: str, content: bytes) -> tuple[str, bytes]:
    """(content type, body) of a form with one file, as a browser sends it."""
    boundary = f"----bench{uuid.uuid4().hex}"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        "Content-Type: text/csv\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


class Prober(threading.Thread):
    """Asks for one path again and again, keeping each answer's latency with its time."""

    def __init__(self, client: Client, path: str):
        super().__init__(daemon=True)
        self.client, self.path = client, path
        self.samples: list[tuple[float, float]] = []  # (started, seconds)
        self.failures = 0
        self.running = True

    def run(self):
        while self.running:
            started = time.monotonic()
            try:
                ok = self.client.get(self.path).status == 200
            except OSError:
                ok = False
            self.samples.append((started, time.monotonic() - started))
            self.failures += not ok

    def figures(self, start: float, end: float) -> dict:
        times = sorted(s * 1000 for t, s in self.samples if start <= t < end)
        if not times:
            return {"requests": 0}
        return {
            "requests": len(times),
            "p50_ms": round(statistics.median(times), 1),
            "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 1),
            "max_ms": round(times[-1], 1),
        }


def import_under_load(port: int, patient: Client) -> dict:
    """Upload the hostile file as ``patient`` while others probe; see the module."""
    export = patient.get("/journal/export.csv").text
    content = hostile_csv(export)
    token = csrf_token(patient.get(IMPORT_PATH).text)
    content_type, body = multipart({"csrfmiddlewaretoken": token}, "hostile.csv", content)

    floor_client = Client(port)
    floor_client.cookies = dict(patient.cookies)
    probers = {
        "healthz": Prober(Client(port), "/healthz"),
        "floor": Prober(floor_client, FLOOR_PATH),
    }
    quiet_start = time.monotonic()
    for prober in probers.values():
        prober.start()
    time.sleep(QUIET_SECONDS)
    started = time.monotonic()
    answer = patient.request(
        "POST", IMPORT_PATH, body=body, headers={"Content-Type": content_type}
    )
    ended = time.monotonic()
    time.sleep(0.2)
    for prober in probers.values():
        prober.running = False
        prober.join()
    return {
        "file_bytes": len(content),
        "import_status": answer.status,
        "import_seconds": round(ended - started, 2),
        "import_result": "preview" if answer.status == 302 else _first_error(answer.text),
        "before": {name: p.figures(quiet_start, started) for name, p in probers.items()},
        "during": {name: p.figures(started, ended) for name, p in probers.items()},
        "failed_probes": sum(p.failures for p in probers.values()),
    }


def _first_error(html: str) -> str:
    match = re.search(r'class="invalid-feedback[^"]*"[^>]*>\s*(?:<[^>]+>\s*)*([^<]+)', html)
    return match.group(1).strip()[:200] if match else "no message found"
