"""The benchmark's data builder and query counting, at a tiny scale (no timing here)."""

import gzip
from collections import defaultdict
from datetime import date

import pytest
from django.core.management import call_command

from bench.browser import cached_for_a_year, page_weight
from bench.build_db import build
from bench.harness import Answer
from bench.import_load import FILE_BYTES, hostile_csv
from bench.run import (
    FLOOR,
    MAX_QUERIES,
    PAGE_SHARE_OF_FLOOR,
    PAGES,
    Request,
    add_ratios,
    count_queries,
    lua_script,
    post_days,
    targets,
)
from journal.models import CareShare, DayLog, SymptomMonth, SymptomReport, Treatment
from library.models import Symptom

TODAY = date(2026, 3, 2)


@pytest.fixture
def journal(db, tmp_path):
    call_command("load_library", stdout=(tmp_path / "load.log").open("w"))
    return build(today=TODAY, password="a-long-bench-password", heavy_days=60, others=3)


def test_builder_makes_a_heavy_patient_a_caregiver_and_others(journal):
    heavy = DayLog.objects.filter(patient__username=journal.heavy_username)
    assert heavy.latest("date").date == TODAY
    assert heavy.earliest("date").date > date(2025, 12, 1)
    # Every logged day of the heavy patient has every library symptom.
    every = Symptom.objects.active().count()
    assert SymptomReport.objects.filter(day__in=heavy).count() == every * heavy.count()
    share = CareShare.objects.active().get(pk=journal.share_id)
    assert share.caregiver.username == journal.caregiver_username
    assert Treatment.objects.filter(patient__username__startswith="bench-patient-").count() == 3
    assert journal.day_logs == DayLog.objects.count()
    assert journal.reports == SymptomReport.objects.count()


def test_builder_links_each_day_to_the_treatment_in_force(journal):
    periods = defaultdict(list)
    for treatment in Treatment.objects.all():
        periods[treatment.patient_id].append(treatment)
    logs = list(DayLog.objects.all())
    for log in logs:
        in_force = [t.pk for t in periods[log.patient_id] if t.is_current_on(log.date)]
        assert [log.treatment_id] == (in_force or [None]), log.date
    assert sum(log.treatment_id is not None for log in logs) > 300


def test_builder_adds_up_every_journals_months(journal):
    """Its bulk inserts write no monthly figures: the builder adds them up, as a save does."""
    patients = DayLog.objects.order_by().values_list("patient_id", flat=True).distinct()
    assert len(patients) == 4  # the heavy patient and three others
    for patient_id in patients:
        stored = list(SymptomMonth.objects.for_patient(patient_id).grades_and_sums())
        reports = SymptomReport.objects.for_patient(patient_id)
        assert stored == list(reports.grades_and_sums_by("month")) != []


@pytest.fixture
def bench_urls(settings):
    """The bench's URLs: the site's plus its logged-in floor page."""
    settings.ROOT_URLCONF = "bench.urls"


def test_every_page_answers_within_the_query_budget(journal, bench_urls):
    counts = count_queries(journal=journal, today=TODAY)
    assert set(counts) == {page.name for page in PAGES}
    assert counts["healthz"]["queries"] == 0
    for name, measured in counts.items():
        assert measured["queries"] <= MAX_QUERIES, name
        if name != "healthz":
            assert measured["queries"] > 0, name
    # The floor is logged in: the session and the user at least.
    assert counts[FLOOR]["queries"] >= 2
    # The saves went to days of their own, not to today, each with its own answers.
    saved = DayLog.objects.filter(
        patient__username=journal.heavy_username, date__in=post_days(TODAY)[-4:]
    )
    assert saved.count() == 4  # two POSTs, and the two saves before the after-save page
    today_log = DayLog.objects.get(patient__username=journal.heavy_username, date=TODAY)
    assert not today_log.note.startswith("Benchmark day")
    assert all(log.note.startswith("Benchmark day") for log in saved)


def test_the_floor_page_is_an_empty_logged_in_page(journal, bench_urls, client):
    from django.contrib.auth import get_user_model

    assert client.get("/bench/floor/").status_code == 302  # to the log-in form
    client.force_login(get_user_model().objects.get(username=journal.heavy_username))
    page = client.get("/bench/floor/").content.decode()
    assert "Log out" in page and "<main" in page
    assert "Skip to content" in page


def test_the_post_row_saves_different_days_with_different_answers():
    days = post_days(TODAY)
    assert len(set(days)) == len(days) >= 100
    assert max(days) < TODAY
    plan = [Request("POST", f"/journal/day/{day}/", f"note={n}") for n, day in enumerate(days)]
    script = lua_script(plan, cookie="sessionid=x", expected=302)
    for item in plan[:3] + plan[-3:]:
        assert f'{{"POST", "{item.path}", "{item.body}"}}' in script
    assert "status ~= 302" in script
    assert '"gzip, br"' in script


def _results(**overrides):
    """What ``targets`` reads, every figure on the right side of its target."""
    pages = {
        name: {"requests_per_s": 100.0, "queries": 10, "p50_ms": 10.0}
        for name in ("healthz", FLOOR, *PAGE_SHARE_OF_FLOOR, "trends all time")
    }
    pages["healthz"]["requests_per_s"] = 1000.0
    pages["healthz"]["queries"] = 0
    results = {
        "pages": pages,
        "trends_growth": 1.5,
        "csv_memory": {"peak_above_idle_mb": 1.0},
        "day_page_weight": {
            "html": {"bytes": 9000, "content_encoding": "gzip"},
            "total_bytes": 90_000,
            "repeat_visit_bytes": 9000,
        },
        "day_log_lcp": {"first_visit_ms": 1500, "repeat_visit_ms": 900},
    }
    for key, value in overrides.items():
        results[key] = value
    add_ratios(results["pages"])
    return results


def test_every_page_is_reported_against_both_floors():
    results = _results()
    results["pages"]["dashboard"]["requests_per_s"] = 25.0
    add_ratios(results["pages"])
    assert results["pages"]["dashboard"]["vs_healthz"] == 0.025
    assert results["pages"]["dashboard"]["vs_logged_in_floor"] == 0.25
    assert results["pages"][FLOOR]["vs_logged_in_floor"] == 1.0


def test_targets_pass_when_every_figure_is_met():
    rows = targets(_results())
    assert rows and all(row["pass"] for row in rows), [r for r in rows if not r["pass"]]
    assert "day log GET ≥ 30% of the logged-in floor" in [row["target"] for row in rows]


@pytest.mark.parametrize(
    ("change", "failing"),
    [
        (lambda r: r["pages"]["day log GET"].update(requests_per_s=29.0), "day log GET ≥ 30%"),
        (lambda r: r["pages"]["history"].update(requests_per_s=14.0), "history ≥ 15%"),
        (lambda r: r.update(trends_growth=2.01), "trends all time ≤ 2×"),
        (lambda r: r["pages"]["report"].update(queries=13), "every page ≤ 12 queries"),
        (
            lambda r: r["day_page_weight"]["html"].update(content_encoding="none"),
            "HTML compressed",
        ),
        (lambda r: r["day_page_weight"]["html"].update(bytes=10 * 1024 + 1), "HTML ≤ 10 KB"),
        (lambda r: r["day_page_weight"].update(total_bytes=100 * 1024 + 1), "first visit"),
        (lambda r: r["day_page_weight"].update(repeat_visit_bytes=16_000), "repeat visit"),
        (lambda r: r["day_log_lcp"].update(first_visit_ms=2001), "LCP"),
        (lambda r: r.update(day_log_lcp={"error": "no Chromium"}), "LCP"),
    ],
)
def test_a_missed_target_fails_alone(change, failing):
    results = _results()
    change(results)
    add_ratios(results["pages"])
    failed = [row["target"] for row in targets(results) if not row["pass"]]
    assert len(failed) == 1 and failing in failed[0], failed


def test_a_repeat_visit_fetches_only_what_is_not_cached_for_a_year():
    year = "max-age=315360000, public, immutable"
    pages = {
        "/day/": Answer(
            200,
            "OK",
            [("Content-Encoding", "gzip")],
            gzip.compress(b'<link href="/static/a.css"><script src="/static/b.js">'),
        ),
        "/static/a.css": Answer(200, "OK", [("Cache-Control", year)], b"x" * 5000),
        "/static/b.js": Answer(200, "OK", [("Cache-Control", "max-age=60, public")], b"y" * 700),
    }

    class Browser:
        def get(self, path, headers=None):
            assert "gzip" in headers["Accept-Encoding"]
            return pages[path]

    weight = page_weight(Browser(), "/day/")
    assert weight["html"]["content_encoding"] == "gzip"
    assert weight["assets_without_far_future_caching"] == ["/static/b.js"]
    assert weight["total_bytes"] > 5700
    assert weight["total_bytes"] - weight["repeat_visit_bytes"] == weight["items"]["/static/a.css"]
    assert cached_for_a_year(pages["/static/a.css"])
    assert not cached_for_a_year(pages["/static/b.js"])


def test_the_hostile_import_is_just_under_the_limit_and_starts_like_an_export():
    export = "date,symptom,grade,note\n2026-03-01,Diarrhoea,2,\n2026-03-02,Fatigue,1,tired\n"
    content = hostile_csv(export)
    assert FILE_BYTES - 1000 < len(content) <= FILE_BYTES < 5 * 1024 * 1024
    text = content.decode("utf-8")  # whole lines: never a letter cut in two
    assert text.startswith("date,symptom,grade,note\n")
    assert "=HYPERLINK(" in text and "+cmd|" in text
