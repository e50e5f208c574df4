"""The dashboard's last-14-days grid: ``{% load strip %}``."""

from datetime import date
from functools import cache, lru_cache

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from journal.templatetags.journal import grade_class, grade_word
from library.formatting import formatted_date

register = template.Library()


@register.simple_tag
def strip_rows(strip) -> str:
    """The grid's rows: the symptom's name, then ``strip_cells``."""
    return format_html_join(
        "",
        '<tr><th scope="row">{}</th>{}</tr>',
        ((row["symptom"].name, strip_cells(row["cells"])) for row in strip),
    )


def strip_cells(cells) -> str:
    """The ``<td>`` cells of one symptom's row: a grade, "not answered" (the day was logged
    without it) or "not logged".

    A cell takes one of seven forms; each is written once per process and a row is joined
    from them, where template logic per cell was most of the dashboard's time (issue 17).
    """
    return format_html_join("", "{}", ((_cell(cell["logged"], cell["grade"]),) for cell in cells))


@cache
def _cell(logged: bool, grade: int | None) -> str:
    """One cell's markup: a pure function of a grade (0-4, or None) and whether the day was
    logged; no patient's words in it."""
    if not logged:
        return format_html(
            '<td><span class="text-body-secondary" title="Not logged" aria-hidden="true">–'
            '</span><span class="visually-hidden">not logged</span></td>{}',
            "",
        )
    if grade is None:
        return format_html(
            '<td><span class="badge strip-cell text-bg-light border" title="Not answered" '
            'aria-hidden="true">?</span><span class="visually-hidden">not answered</span></td>{}',
            "",
        )
    return format_html(
        '<td><span class="badge strip-cell {}" title="{}">{}</span>'
        '<span class="visually-hidden"> {}</span></td>',
        grade_class(grade),
        grade_word(grade),
        grade,
        grade_word(grade),
    )


# The fourteen days are the same for every patient on a given date: their links are pure
# functions of the day, reversed once per process and day (``reverse`` costs more than the
# rest of a heading; the words come from ``formatted_date``, kept the same way).
@lru_cache(maxsize=64)
def _day_url(day: date) -> str:
    return reverse("journal:day", args=[day.isoformat()])


def _day_words(day: date) -> tuple[str, str, str]:
    """ "We", "Wednesday 3 December" and the day log's URL."""
    return formatted_date(day, "D")[:2], formatted_date(day, "l j F"), _day_url(day)


@register.simple_tag
def strip_header(days, today, is_caregiver) -> str:
    """The grid's column headings, newest day first: "We 3" (and "Today") linking to the
    day's log for the patient, the same words with the whole date as a title for a
    caregiver. One tag for the 14 days, where a template loop formatted each date four
    times (issue 17)."""
    words = [(day, *_day_words(day)) for day in days]
    if is_caregiver:
        return format_html_join(
            "",
            '<th scope="col"><abbr title="{}">{}<br>{}</abbr></th>',
            ((whole, short, day.day) for day, short, whole, _url in words),
        )
    return format_html_join(
        "",
        '<th scope="col"><a href="{}"><span aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}</span></a></th>',
        (
            (url, "Today" if day == today else format_html("{}<br>{}", short, day.day), whole)
            for day, short, whole, url in words
        ),
    )


@register.simple_tag
def alert_items(alerts, is_caregiver) -> str:
    """The "Recent alerts" list's items: the day (a link to its log for the patient), then
    what it raised in one line, urgent ones marked ("Diarrhoea severe; blood pressure
    182/95 (urgent help)"). Every word goes through ``format_html``."""
    return format_html_join(
        "",
        '<li class="list-group-item"><strong>{}:</strong> {}</li>',
        ((_alert_day(alarms.log.date, is_caregiver), _summary(alarms)) for alarms in alerts),
    )


def _alert_day(day: date, is_caregiver: bool) -> str:
    _short, whole, url = _day_words(day)
    return whole if is_caregiver else format_html('<a href="{}">{}</a>', url, whole)


URGENT_MARK = format_html(' <strong class="text-danger-emphasis">{}</strong>', "(urgent help)")


def _summary(alarms) -> str:
    return format_html_join(
        "; ",
        "{}{}",
        ((text, URGENT_MARK if urgent else "") for text, urgent in alarms.summary()),
    )
