"""URL converters: ``<isodate:day>`` is a ``datetime.date`` in views, "2026-12-01" in URLs."""

from datetime import date

from journal.models import EARLIEST_DATE


class IsoDateConverter:
    """One address per day: exactly YYYY-MM-DD, a real date, not before ``EARLIEST_DATE``.

    Anything else does not match the route (a 404). Python would also read "20260105" or
    "2026-W02-1" as dates; the pattern keeps each day to a single address.
    """

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        day = date.fromisoformat(value)  # a ValueError (2026-02-30) means no match
        if day < EARLIEST_DATE:
            raise ValueError("Before any journal.")
        return day

    def to_url(self, value) -> str:
        return value.isoformat() if isinstance(value, date) else value
