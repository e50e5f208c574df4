"""The clinic report's long table, written in Python: ``{% load report %}``.

The week table has a row per week and a cell per symptom: a five-year report is 260 rows of
up to 20 cells, and even the usual six weeks is a hundred cells, each an ``{% if %}``, a
``grade_word`` and a localised number through the template engine (most of the page's
render time in issue 17's profile). ``week_rows`` writes the same markup, character for
character, from ``week_table``'s rows. The cells hold numbers and the app's own words only;
every value still goes through ``format_html``, so the escaping is Django's own.
"""

from functools import cache

from django import template
from django.utils.dateformat import format as format_date
from django.utils.html import format_html

from journal.models import Grade

register = template.Library()

# The whitespace is that of the template loop it replaces, so the page is the same to the byte.
WEEK_ROW = (
    "\n          <tr>"
    '\n            <th scope="row" class="text-nowrap">{}</th>'
    "\n            <td>{}</td>\n            "
)
WEEK_ROW_END = "\n          </tr>\n        "
NOT_ANSWERED_CELL = (
    '\n              <td class="report-grade"><span aria-hidden="true">–</span>'
    '<span class="visually-hidden">not answered</span></td>\n            '
)


@cache
def grade_cell(grade: int) -> str:
    """One answered week's cell: "2 moderate" (the word hidden in print by the CSS). Markup of
    the app's own (a number and a grade's label), written once per grade."""
    return format_html(
        '\n              <td class="report-grade report-grade-{}">{}'
        '<span class="report-grade-word"> {}</span></td>\n            ',
        grade,
        grade,
        Grade(grade).label.lower(),
    )


def _week_label(start, end, months: dict[int, str]) -> str:
    """ "3 Mar", "3–9 Mar" or "28 Feb–6 Mar": each month's short name formatted once."""
    if start.month not in months:
        months[start.month] = format_date(start, "M")
    if end.month not in months:
        months[end.month] = format_date(end, "M")
    if end == start:
        return f"{start.day} {months[start.month]}"
    if end.month == start.month:
        return f"{start.day}–{end.day} {months[end.month]}"
    return f"{start.day} {months[start.month]}–{end.day} {months[end.month]}"


@register.simple_tag
def week_rows(rows) -> str:
    """The body of the report's week table: each week's dates and days logged, then the
    worst grade of each symptom ("–" where the week's answers were all left blank). One
    ``format_html`` for every row, as ``cycle_cells`` does on the trends page."""
    if not rows:
        return ""
    markup, values, months = [], [], {}
    for row in rows:
        markup.append(WEEK_ROW)
        values += [_week_label(row["start"], row["end"], months), row["days_logged"]]
        markup += [
            NOT_ANSWERED_CELL if grade is None else grade_cell(grade) for grade in row["grades"]
        ]
        markup.append(WEEK_ROW_END)
    return format_html("".join(markup), *values)
