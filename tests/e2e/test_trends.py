"""Trends on a phone, in Chromium at 390 px and 320 px: weekly points by default, each symptom's
own colour and marker (the key under the chart matching the lines), words on the axes in
full-contrast 14 px text, nothing written over the data, a gap for a question not answered,
a first day told in words, an ended on/off schedule's cycle chart a link away, and no sideways
scroll. Screenshots go to test-artifacts/."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from journal.models import DoseTaken
from tests.conftest import make_day, make_treatment, session_cookie

UNANSWERED_DAYS_AGO = 21  # hand-foot syndrome asked that day and left unanswered


@pytest.fixture
def ten_weeks(patient, caregiver, share, profile, today, sunitinib, symptoms):
    """Ten weeks: sunitinib 50 mg for six weeks (4 on, 2 off), then 37.5 mg every day; the
    eight default symptoms graded most days, hand-foot syndrome left unanswered 21 days ago,
    blood pressure and weight."""
    start = today - timedelta(days=69)
    make_treatment(
        patient,
        sunitinib,
        dose_mg=Decimal("50"),
        days_on=28,
        days_off=14,
        starts_on=start,
        ends_on=start + timedelta(days=41),
    )
    make_treatment(
        patient, sunitinib, dose_mg=Decimal("37.5"), starts_on=start + timedelta(days=42)
    )
    tracked = list(profile.tracked_symptoms.all())
    assert len(tracked) == 8
    hfs = symptoms["hand-foot-syndrome"]
    for n in range(70):
        day = start + timedelta(days=n)
        if n % 11 == 5:
            continue  # a forgotten day
        grades = {symptom: (n // 3 + i) % 4 for i, symptom in enumerate(tracked)}
        if day == today - timedelta(days=UNANSWERED_DAYS_AGO):
            grades[hfs] = None
        make_day(
            patient,
            day,
            grades,
            dose_taken=DoseTaken.ALL,
            systolic=130 + n % 35,
            diastolic=85 + n % 12,
            weight_kg=Decimal("70.5") if n % 7 == 0 else None,
        )
    return {"patient": patient, "caregiver": caregiver, "share": share, "today": today}


def open_trends(browser, live_server, user, path, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    context.add_cookies([session_cookie(user, live_server)])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + path)
    return context, page, errors


def wait_for_chart(page, canvas_id):
    page.wait_for_function(
        "id => window.Chart && window.Chart.getChart(document.getElementById(id))",
        arg=canvas_id,
    )


def page_scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize("role", ["patient", "caregiver"])
@pytest.mark.parametrize("width", [390, 320])
def test_trends_read_at_a_glance_on_a_phone(
    browser, live_server, ten_weeks, artifacts_dir, role, width
):
    path = "/journal/trends/" if role == "patient" else f"/care/{ten_weeks['share'].pk}/trends/"
    context, page, errors = open_trends(browser, live_server, ten_weeks[role], path, width)
    wait_for_chart(page, "chart-symptom-hand-foot-syndrome")
    wait_for_chart(page, "chart-blood-pressure")

    assert not page_scrolls_sideways(page)
    expect(page.locator(".trends-summary")).to_contain_text("moderate or worse on")
    expect(page.locator("main")).not_to_contain_text("≥")

    hfs = page.evaluate(
        """() => {
          const chart = Chart.getChart(document.getElementById("chart-symptom-hand-foot-syndrome"));
          const main = getComputedStyle(document.querySelector("main"));
          const x = chart.scales.x.options.ticks, y = chart.scales.y.options.ticks;
          return {
            points: chart.data.datasets[0].data.length,
            spanGaps: chart.data.datasets[0].spanGaps,
            legend: chart.options.plugins.legend.display,
            yLabels: chart.scales.y.ticks.map(t => [].concat(t.label).join(" ")),
            fontSizes: [chart.scales.x, chart.scales.y].map(
              scale => scale._resolveTickFontOptions(0).size),
            colours: [x.color, y.color],
            text: main.color,
            plotTop: chart.chartArea.top,
            canvasWidth: chart.width,
            markers: chart.options.plugins.journalAnnotations.markers.map(m => m.number),
          };
        }"""
    )
    # Ten weeks are charted by each week's worst day: 10 or 11 points, not 70.
    assert hfs["points"] in (10, 11)
    assert hfs["spanGaps"] == 7.5
    assert hfs["legend"] is False
    assert hfs["yLabels"] == ["none", "mild", "moderate", "severe", "very severe"]
    # Readable: 14 px in the body's own colour (full contrast), not small grey.
    assert min(hfs["fontSizes"]) >= 14
    assert hfs["colours"] == [hfs["text"], hfs["text"]]
    # The change numbers sit in a strip above the plot, not on the data.
    assert hfs["markers"] == [1, 2]
    assert hfs["plotTop"] >= 36
    assert hfs["canvasWidth"] <= width

    # The 4-on/2-off weeks have ended: their cycle chart is one link away, which opens the
    # page at its heading.
    expect(page.locator("canvas[id^='chart-cycle-']")).to_have_count(0)
    page.get_by_role("navigation", name="On/off period shown").get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"cycle=\d+#cycle-heading$"))
    # The cycle chart overlays the eight symptoms: no two look alike, and its key (HTML,
    # under the chart) shows each one's colour and marker as the chart draws them.
    cycle = page.locator("canvas[id^='chart-cycle-']")
    wait_for_chart(page, cycle.get_attribute("id"))
    looks = page.evaluate(
        """id => {
          const chart = Chart.getChart(document.getElementById(id));
          const probe = document.createElement("span");
          document.body.append(probe);
          const rgb = colour => { probe.style.color = colour; return getComputedStyle(probe).color; };
          const lines = chart.data.datasets.map(d =>
            [d.label, rgb(d.borderColor), d.pointStyle + "/" + d.pointRotation,
             d.borderDash.length > 0]);
          const keys = [...document.getElementById(id).closest("figure")
              .querySelectorAll(".trend-legend li")].map(li => {
            const key = li.querySelector(".trend-key");
            return [li.textContent.trim(), getComputedStyle(key).color,
                    key.firstElementChild.className];
          });
          probe.remove();
          return {lines, keys};
        }""",
        cycle.get_attribute("id"),
    )
    lines, keys = looks["lines"], looks["keys"]
    assert len(lines) == 8
    assert len({(colour, shape, dashed) for _, colour, shape, dashed in lines}) == 8
    assert len({colour for _, colour, _, _ in lines[:7]}) == 7
    assert [name for name, *_ in keys] == [name for name, *_ in lines]
    assert [colour for _, colour, _ in keys] == [colour for _, colour, _, _ in lines]
    shapes = {"circle/0": 0, "triangle/0": 1, "rect/0": 2, "rectRot/0": 3, "triangle/180": 4}
    shapes["crossRot/0"] = 5
    assert [css for _, _, css in keys] == [
        f"trend-marker trend-shape-{shapes[shape]}" for _, _, shape, _ in lines
    ]
    expect(page.locator(".trend-legend").first).to_be_visible()

    page.screenshot(path=str(artifacts_dir / f"trends-{role}-{width}.png"), full_page=True)
    assert errors == []
    context.close()


def test_a_question_not_answered_is_a_gap_when_each_day_is_shown(browser, live_server, ten_weeks):
    context, page, errors = open_trends(
        browser, live_server, ten_weeks["patient"], "/journal/trends/", 390
    )
    page.get_by_role("navigation", name="Each point shows").get_by_role(
        "link", name="Each day"
    ).click()
    page.wait_for_url("**by=day**")
    wait_for_chart(page, "chart-symptom-hand-foot-syndrome")
    skipped = (ten_weeks["today"] - timedelta(days=UNANSWERED_DAYS_AGO)).isoformat()

    day = page.evaluate(
        """skipped => {
          const chart = Chart.getChart(document.getElementById("chart-symptom-hand-foot-syndrome"));
          const onDay = Date.parse(skipped) / 86400000;
          const points = chart.data.datasets[0].data;
          return {count: points.length, skipped: points.find(p => p.x === onDay),
                  spanGaps: chart.data.datasets[0].spanGaps};
        }""",
        skipped,
    )
    assert day["skipped"] == {"x": day["skipped"]["x"], "y": None}  # a gap, not a zero
    assert day["spanGaps"] == 1.5
    figure = page.locator("figure", has=page.locator("#chart-symptom-hand-foot-syndrome"))
    figure.get_by_text("Show as table").click()
    expect(figure.get_by_role("table")).to_contain_text("Not answered")
    assert not page_scrolls_sideways(page)
    assert errors == []
    context.close()


def test_a_first_day_is_told_in_words_at_320_px(
    browser, live_server, patient, profile, today, hfs, artifacts_dir
):
    profile.tracked_symptoms.set([hfs])
    make_day(patient, today, {hfs: 2}, systolic=142, diastolic=91)
    context, page, errors = open_trends(browser, live_server, patient, "/journal/trends/", 320)

    expect(page.locator(".trends-too-few")).to_have_text(
        "Only 1 day logged in this range so far. The charts start once 3 days are logged; "
        "until then, here are the numbers."
    )
    expect(page.locator("canvas")).to_have_count(0)
    expect(page.locator("table.symptom-table")).to_contain_text("Moderate")
    assert not page_scrolls_sideways(page)
    page.screenshot(path=str(artifacts_dir / "trends-first-day-320.png"), full_page=True)
    assert errors == []
    context.close()
