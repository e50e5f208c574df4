"""The dashboard's last-14-days grid: ``{% load strip %}``."""

from functools import cache

from django import template
from django.utils.html import format_html, format_html_join

from journal.templatetags.journal import grade_class, grade_word

register = template.Library()


@register.simple_tag
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
