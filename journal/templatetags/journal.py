"""Journal pieces for templates: ``{% load journal %}``."""

from django import template
from django.utils.html import format_html, format_html_join

from journal.daylog import row_writer
from journal.models import BP_ALERT, BP_CRISIS, BP_HIGH, NOT_ANSWERED, Grade, display_name
from library.formatting import format_number

register = template.Library()


register.filter("display_name", display_name)
# The day log's fields, written in Python as its symptom rows are (``row_writer``).
register.simple_tag(row_writer.field, name="day_field")
register.simple_tag(row_writer.dose_options, name="dose_options")


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


@register.simple_tag
def cycle_rows(rows) -> str:
    """The body of a by-cycle-day table: "Day 5 (off)", then ``cycle_cells``, for each day
    of the cycle, in one tag rather than a template loop over the days."""
    return format_html_join(
        "",
        '<tr><th scope="row">Day {}{}</th>{}</tr>',
        (
            (row["day"], "" if row["is_on"] else " (off)", cycle_cells(row["cells"]))
            for row in rows
        ),
    )


SYMPTOM_ROW = "<tr><td>{}</td><td>{}</td></tr>"
SYMPTOM_ROW_UNANSWERED = '<tr><td>{}</td><td class="text-body-secondary">{}</td></tr>'
SYMPTOM_DAY_ROW = "<tr><td>{}</td><td>{}</td><td>{}</td></tr>"
SYMPTOM_DAY_ROW_UNANSWERED = (
    '<tr><td>{}</td><td class="text-body-secondary">{}</td><td>{}</td></tr>'
)


@register.simple_tag
def symptom_rows(points, by_day) -> str:
    """The rows of a symptom's table on the trends page: the date (or week, or month), the
    grade in words ("Not answered" greyed), and, day by day, "off day" on a schedule's days
    off. A five-year page has hundreds of rows a symptom: one ``format_html`` for them all,
    as ``cycle_cells`` does. Every value is escaped by ``format_html``."""
    markup, values = [], []
    for point in points:
        unanswered = point["grade"] is None
        if by_day:
            markup.append(SYMPTOM_DAY_ROW_UNANSWERED if unanswered else SYMPTOM_DAY_ROW)
            values += [point["label"], point["grade_label"], "off day" if point["off_day"] else ""]
        else:
            markup.append(SYMPTOM_ROW_UNANSWERED if unanswered else SYMPTOM_ROW)
            values += [point["label"], point["grade_label"]]
    return format_html("".join(markup), *values)


@register.simple_tag
def reading_rows(points, *keys) -> str:
    """The rows of the blood-pressure or weight table on the trends page: each point's
    label, then its ``keys`` ("kg" written as ``|number`` writes it). One ``format_html``
    for every row (see ``symptom_rows``)."""
    row = "<tr><td>{}</td>" + "<td>{}</td>" * len(keys) + "</tr>"
    values = []
    for point in points:
        values.append(point["label"])
        values += [format_number(point[key]) if key == "kg" else point[key] for key in keys]
    return format_html(row * len(points), *values)
