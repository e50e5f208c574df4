"""Trends: symptom grades against dose changes, blood pressure, per-dose and per-cycle-day."""

from datetime import timedelta

from django.shortcuts import render

from journal.access import journal_page
from journal.filter_links import choice_links, symptom_links
from journal.trends.builder import RANGES, Trends, build_trends, period_label
from journal.trends.forms import TrendsForm


def filter_links(base: str, current: dict, symptoms, trends: Trends) -> dict:
    """The page's choices as links: range, symptom, (where both are possible) whether a
    point is a week's worst day or each day, and, where there is a choice (two on/off periods
    or more, or one whose table is not drawn), whose cycle table is shown, the one shown
    marked even when it is the default."""
    points = [("The worst day of each week", {"by": ""}), ("Each day", {"by": "day"})]
    cycle_links = []
    if len(trends.cycle_periods) > 1 or (trends.cycle_periods and trends.cycle is None):
        shown = {**current, "cycle": str(trends.cycle.treatment.pk) if trends.cycle else ""}
        options = [(period_label(t), {"cycle": str(t.pk)}) for t in trends.cycle_periods]
        cycle_links = choice_links(base, shown, options)
        for link in cycle_links:  # back to the table, not the top of the page
            link["href"] += "#cycle-heading"
    return {
        "cycle_links": cycle_links,
        "range_links": choice_links(
            base, current, [(label, {"range": key}) for key, (label, _) in RANGES.items()]
        ),
        "symptom_links": symptom_links(base, current, symptoms, everything="All symptoms"),
        "point_links": choice_links(base, current, points) if trends.can_show_daily else [],
    }


@journal_page("trends")
def trends(request, journal):
    symptoms = journal.profile.symptoms_tracked_or_ever_reported()
    range_key, symptom, daily, cycle = TrendsForm(request.GET, symptoms=symptoms).choice()
    range_label, days = RANGES[range_key]
    today = journal.profile.today()
    data = build_trends(
        patient=journal.patient,
        symptoms=symptoms,
        only=symptom,
        start=today - timedelta(days=days - 1) if days else None,
        end=today,
        daily=daily,
        cycle=cycle,
    )
    # A period asked for is kept by the page's other links; one not shown is forgotten.
    cycle_kept = data.cycle is not None and data.cycle.treatment.pk == cycle
    current = {
        "range": range_key,
        "symptom": symptom.slug if symptom else "",
        "by": "day" if daily else "",
        "cycle": str(cycle) if cycle_kept else "",
    }
    ctx = {
        "journal": journal,
        "patient_name": journal.patient_name,
        "trends": data,
        "chart_data": data.chart_data(),
        "range_label": range_label,
        "symptom": symptom,
        **filter_links(journal.url("trends"), current, symptoms, data),
    }
    return render(request, "journal/trends.html", ctx)
