"""`make stress` and the crash check at small scale: nothing acknowledged is lost.

The full-size runs (20 clients, 4 workers; five crash rounds) are `make stress` and
`make crash`; their figures are in the README.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_stress(*args):
    result = subprocess.run(
        [sys.executable, "bench/stress.py", "--json", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_concurrent_writers_lose_nothing_and_see_no_errors():
    figures = run_stress("--clients", "6", "--workers", "2", "--writes", "4", "--backup")
    assert figures["errors"] == 0
    assert figures["database_locked"] == 0
    assert figures["acknowledged_writes"] == figures["rows"] == 12
    assert figures["half_saved"] == 0
    # A backup taken in the middle of the load holds every write acknowledged before it.
    assert figures["backup_missing"] == 0
    assert figures["backup_mode"] == "0o600"
    assert figures["backup_integrity"] in ("ok", "n/a (pg_dump)")


def test_killed_workers_lose_no_acknowledged_write():
    figures = run_stress(
        "--clients", "6", "--workers", "2", "--writes", "6", "--crash-rounds", "2"
    )
    assert figures["workers_killed"] >= 2
    assert figures["missing_acknowledged"] == 0
    assert figures["half_saved"] == 0
    assert figures["integrity_check"] in ("ok", "n/a (PostgreSQL)")
