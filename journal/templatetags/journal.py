"""Journal pieces for templates: ``{% load journal %}``."""

from django import template
from django.utils.html import format_html

from journal.models import BP_ALERT, BP_CRISIS, BP_HIGH, NOT_ANSWERED, Grade, display_name
from library.formatting import format_number

register = template.Library()


register.filter("display_name", display_name)


@register.simple_tag
def bp_level(name: str) -> str:
    """``{% bp_level "alert" %}`` is "160/100", ``{% bp_level "high" %}`` "140/90"."""
    return str(BP_LEVELS[name])


BP_LEVELS = {"crisis": BP_CRISIS, "alert": BP_ALERT, "high": BP_HIGH}


@register.inclusion_tag("journal/includes/source_note.html")
def bp_source(name: str):
    """The source of a blood-pressure level, as a short cited line."""
    return {"source": BP_LEVELS[name].source}


@register.filter
def grade_word(grade) -> str:
    try:
        return Grade(int(grade)).label
    except (TypeError, ValueError):
        return NOT_ANSWERED


@register.filter
def grade_class(grade) -> str:
    try:
        return f"text-bg-{Grade(int(grade)).colour}"
    except (TypeError, ValueError):
        return "text-bg-light border"  # not answered


@register.inclusion_tag("journal/includes/grade_badge.html")
def grade_badge(grade):
    return {"grade": grade, "word": grade_word(grade), "css": grade_class(grade)}


CYCLE_CELL = '<td>{} <span class="small text-body-secondary">({})</span></td>'
NO_CYCLE_CELL = "<td>{}</td>"


@register.simple_tag
def cycle_cells(cells) -> str:
    """The ``<td>`` cells of one row of a by-cycle-day table: "1.3 (12)", or "–" if none.

    A five-year journal has thousands of these cells; one ``format_html`` per row instead of
    template logic per cell keeps the trends page's cost close to that of a short range.
    Every value is escaped by ``format_html``.
    """
    markup, values = [], []
    for cell in cells:
        if cell:
            markup.append(CYCLE_CELL)
            values += [format_number(cell["average"]), cell["days"]]
        else:
            markup.append(NO_CYCLE_CELL)
            values.append("–")
    return format_html("".join(markup), *values)
