"""Date arithmetic the journal's queries need, in SQL on SQLite and PostgreSQL alike."""

from datetime import date

from django.db import models
from django.db.models.functions import TruncMonth, TruncWeek


class DaysBetween(models.Func):
    """Whole days from ``start`` to ``end`` (two date columns), as an integer in SQL.

    ``F(end) - F(start)`` gives a duration in Django, and no database takes the remainder
    of a duration; the cycle-day grouping needs a plain number of days.
    """

    arity = 2
    output_field = models.IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        # PostgreSQL (and standard SQL on Oracle): date - date is an integer number of days.
        extra_context.setdefault("template", "(%(expressions)s)")
        extra_context.setdefault("arg_joiner", " - ")
        return super().as_sql(compiler, connection, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite keeps dates as ISO text; julianday() turns each into a day number.
        return super().as_sql(
            compiler,
            connection,
            template="CAST(ROUND(julianday(%(expressions)s)) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class WeekStart(TruncWeek):
    """The Monday of a date's week, as ``TruncWeek`` but native SQL on SQLite too.

    Django's SQLite ``TruncWeek`` calls a Python function for every row, which made weekly
    charts of a five-year journal cost six times more than the query itself; SQLite's own
    date modifiers do the same arithmetic in C ("back six days, then on to a Monday").
    """

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"date({sql}, '-6 days', 'weekday 1')", params


class MonthStart(TruncMonth):
    """The first day of a date's month, native SQL on SQLite too (see ``WeekStart``), and a
    date on PostgreSQL too, as a stored month (``SymptomMonth.month``) is: ``refresh`` inserts
    the months it adds up into that column as they come."""

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite stores a date as "YYYY-MM-DD": its month's first day is a string operation,
        # cheaper than date()'s parsing (a five-year trends page groups 35,000 reports by it).
        sql, params = compiler.compile(self.lhs)
        return f"substr({sql}, 1, 8) || '01'", params

    def as_postgresql(self, compiler, connection, **extra_context):
        # DATE_TRUNC gives a timestamp, which a UNION with a date column would impose on
        # the dates.
        sql, params = self.as_sql(compiler, connection, **extra_context)
        return f"({sql})::date", params


# Start of the bucket a date falls in, for charts of long ranges.
BUCKET_START = {"week": WeekStart, "month": MonthStart}


def dates_between(qs, field: str, start: date | None, end: date | None):
    """``qs`` narrowed to ``start <= field <= end``; an open end is no limit."""
    if start:
        qs = qs.filter(**{f"{field}__gte": start})
    if end:
        qs = qs.filter(**{f"{field}__lte": end})
    return qs
