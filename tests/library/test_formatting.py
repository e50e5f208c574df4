"""One way of writing doses, numbers, dates and schedules for people (library/formatting.py)."""

from datetime import date
from decimal import Decimal

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html

from library.formatting import (
    dose_label,
    format_mg,
    format_number,
    formatted_date,
    intakes_label,
    period_label,
    schedule_label,
)


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("71.2000000000000"), 1, "71.2"),  # what SQLite's window functions hand back
        (Decimal("70.0"), 1, "70"),
        (Decimal("-0.5000000000000"), 1, "-0.5"),
        (0.7142857, 1, "0.7"),
        (Decimal("0.04"), 1, "0"),  # never "-0" or "0.0"
        (Decimal("-0.04"), 1, "0"),
        (1.25, 1, "1.3"),  # half up, as people round
        (Decimal("37.50"), 2, "37.5"),
        (Decimal("400.00"), 2, "400"),  # not "4E+2"
        (146.6667, 0, "147"),
        (None, 1, ""),
        ("not a number", 1, ""),
        (float("nan"), 1, ""),
    ],
)
def test_format_number(value, places, expected):
    assert format_number(value, places) == expected


def test_doses_keep_their_quarter_milligrams():
    assert format_mg(Decimal("12.25")) == "12.25"
    assert format_mg(Decimal("100")) == "100"


@pytest.mark.parametrize(
    ("days_on", "days_off", "expected"),
    [
        (None, None, "every day"),
        (28, 14, "4 weeks on, 2 weeks off"),
        (21, 7, "3 weeks on, 1 week off"),
        (14, 7, "2 weeks on, 1 week off"),
        (5, 2, "5 days on, 2 days off"),
        (1, 1, "1 day on, 1 day off"),
    ],
)
def test_schedule_label(days_on, days_off, expected):
    assert schedule_label(days_on, days_off) == expected


def test_period_and_intakes_and_dose_labels():
    assert period_label(10) == "10 days"
    assert intakes_label(2) == "twice daily"
    assert intakes_label(4) == "4 times daily"
    assert dose_label("sunitinib", Decimal("37.50"), 1) == "Sunitinib 37.5 mg once daily"


@pytest.mark.parametrize(
    ("format_string", "expected"),
    [
        ("D j M Y", "Tue 3 Mar 2026"),  # trends' tables, the report's notes
        ("M Y", "Mar 2026"),  # trends by month
        ("l j F Y", "Tuesday 3 March 2026"),  # history's cards
        ("l j F", "Tuesday 3 March"),  # the dashboard's days
        ("j M", "3 Mar"),  # the report's readings and weeks
        ("D", "Tue"),
    ],
)
def test_formatted_date_reads_as_the_date_filter_writes_it(format_string, expected):
    day = date(2026, 3, 3)
    assert formatted_date(day, format_string) == expected
    assert date_filter(day, format_string) == expected


def test_formatted_date_is_escaped_once_for_html():
    day = date(2026, 3, 3)
    assert formatted_date(day, r"j \<\b\>") == "3 &lt;b&gt;"
    # Already escaped: format_html does not escape it a second time.
    assert format_html("<td>{}</td>", formatted_date(day, r"j \<\b\>")) == "<td>3 &lt;b&gt;</td>"
