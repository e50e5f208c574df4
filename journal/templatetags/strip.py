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
    """The grid's rows: the symptom's name, then a cell per day: a grade, "not answered"
    (the day was logged without it) or "not logged".

    A cell takes one of seven forms, each written once per process by ``_cell``; the rows
    are joined from them into one ``format_html`` whose only arguments are the symptoms'
    names, where template logic per cell, then a ``format_html`` per cell, were most of the
    dashboard's time (issue 17). The cells hold fixed words and digits: no brace.
    """
    markup = [
        '<tr><th scope="row">{}</th>'
        + "".join(_cell(cell["logged"], cell["grade"]) for cell in row["cells"])
        + "</tr>"
        for row in strip
    ]
    return format_html("".join(markup), *(row["symptom"].name for row in strip))


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
    182/95 (urgent help)").

    One ``format_html`` for the list: its format string holds the markup and the fixed
    words, and every date, link and part of a summary is an argument, escaped by it.
    """
    markup, values = [], []
    day_markup = "{}" if is_caregiver else '<a href="{}">{}</a>'
    for alarms in alerts:
        _short, whole, url = _day_words(alarms.log.date)
        values += [whole] if is_caregiver else [url, whole]
        parts = alarms.summary()
        markup.append(
            f'<li class="list-group-item"><strong>{day_markup}:</strong> '
            + "; ".join(URGENT_PART if urgent else "{}" for _text, urgent in parts)
            + "</li>"
        )
        values += [text for text, _urgent in parts]
    return format_html("".join(markup), *values)


# A part of an alert's summary that meant urgent help, marked.
URGENT_PART = '{} <strong class="text-danger-emphasis">(urgent help)</strong>'
