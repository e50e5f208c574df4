"""Form pieces every journal form uses: the date widget and the journal's date range."""

from django import forms

from journal.models import (
    EARLIEST_DATE,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def validate_journal_date(value):
    """No journal reaches back before ``EARLIEST_DATE``: "0001-01-01" is a slip, and pages
    that walk a range week by week (the clinic report) must stay a sane size."""
    if value < EARLIEST_DATE:
        raise forms.ValidationError(f"Give a date from {EARLIEST_DATE.year} on.")


def in_range(value, low, high, message):
    """``value`` if it is empty or between ``low`` and ``high``; else the form error."""
    if value is not None and not low <= value <= high:
        raise forms.ValidationError(message)
    return value
