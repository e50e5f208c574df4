"""Journal pieces for templates: ``{% load journal %}``."""

from functools import lru_cache

from django import template
from django.utils.html import format_html, format_html_join

from journal.daylog import row_writer
from journal.models import (
    BP_ALERT,
    BP_CRISIS,
    BP_HIGH,
    DOSE_TAKEN_COUNTS,
    NOT_ANSWERED,
    Grade,
    display_name,
)
from library.formatting import format_number, formatted_date

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


# The trends page's long tables (five years: 60 months by 20 symptoms, and a row per day of
# each on/off cycle by symptom) are written here rather than by template loops. Each table is
# one ``format_html`` (a symptom's, one per row it has not written before, joined by one
# more): its format string holds the markup, the app's own words and numbers formatted here
# (digits and a point: nothing to escape, no brace); every other value is an argument,
# escaped by ``format_html`` (dates' labels arrive escaped once per date from
# ``formatted_date``, so escaping them again costs nothing).


# An average grade is one of the 41 numbers from 0 to 4 by tenths, written a few hundred times
# in each of the trends page's tables: each is written once per process.
_average = lru_cache(maxsize=64)(format_number)


def _cycle_cell(cell) -> str:
    if not cell:
        return "<td>–</td>"
    return (
        f'<td>{_average(cell["average"])} <span class="small text-body-secondary">'
        f"({int(cell['days'])})</span></td>"
    )


@register.simple_tag
def cycle_rows(rows) -> str:
    """The body of a by-cycle-day table: "Day 5 (off)", then each symptom's "1.3 (12)" or
    "–", for each day of the cycle: all numbers, the day being its row's one argument."""
    if not rows:
        return ""
    markup = [
        '<tr><th scope="row">Day {}'
        + ("" if row["is_on"] else " (off)")
        + "</th>"
        + "".join(_cycle_cell(cell) for cell in row["cells"])
        + "</tr>"
        for row in rows
    ]
    return format_html("".join(markup), *(row["day"] for row in rows))


SYMPTOM_ROW = "<tr><td>{}</td><td>{}</td></tr>"
SYMPTOM_ROW_UNANSWERED = '<tr><td>{}</td><td class="text-body-secondary">{}</td></tr>'
SYMPTOM_DAY_ROW = {
    (False, False): "<tr><td>{}</td><td>{}</td><td></td></tr>",
    (False, True): "<tr><td>{}</td><td>{}</td><td>off day</td></tr>",
    (True, False): '<tr><td>{}</td><td class="text-body-secondary">{}</td><td></td></tr>',
    (True, True): '<tr><td>{}</td><td class="text-body-secondary">{}</td><td>off day</td></tr>',
}


SYMPTOM_FIGURE = (
    '<figure class="trend-chart mb-4" aria-labelledby="{chart_id}-title">\n'
    '<h3 id="{chart_id}-title" class="h4">{key}{name}</h3>\n'
    "{chart}"
    '<details class="mt-2"{open}>\n<summary>Show as table</summary>\n'
    '<div class="table-responsive">\n<table class="table table-sm symptom-table">\n'
    "<caption>{name}, {point_words}</caption>\n"
    '<thead><tr><th scope="col">{date_heading}</th><th scope="col">{grade_heading}</th>'
    "{schedule}</tr></thead>\n"
    "<tbody>{rows}</tbody>\n</table>\n</div>\n</details>\n</figure>\n"
)
SYMPTOM_CHART = (
    '<div class="chart-box"><canvas id="chart-{}" role="img" aria-label="{}: {}, from none to '
    'very severe. The numbers are in the table below the chart."></canvas></div>\n'
)
# Markup that never changes, made safe by ``format_html`` once.
SYMPTOM_NOT_ANSWERED = format_html("<p>{}</p>\n", "Not answered on any day of this range.")
SCHEDULE_HEADING = format_html('<th scope="col">{}</th>', "Schedule")


@register.simple_tag
def symptom_figure(series, trends) -> str:
    """A symptom's figure on the trends page (``SymptomSeries``): its key and name, its chart
    (or why there is none), and its table, folded. Twenty of them on a page, each written at
    once rather than by a dozen template nodes."""
    name, point_words = series.symptom.name, trends.point_words
    if not series.has_grades:
        chart = SYMPTOM_NOT_ANSWERED
    elif trends.has_charts:
        chart = format_html(SYMPTOM_CHART, series.chart_id, name, point_words)
    else:
        chart = ""
    return format_html(
        SYMPTOM_FIGURE,
        chart_id=series.chart_id,
        key=trend_key(series.style),
        name=name,
        chart=chart,
        open="" if trends.has_charts else " open",  # nothing to escape
        point_words=point_words,
        date_heading=trends.date_heading,
        grade_heading="How it was" if trends.by_day else "Worst day",
        schedule=SCHEDULE_HEADING if trends.by_day else "",
        rows=symptom_rows(series.points, trends.by_day),
    )


def symptom_rows(points, by_day) -> str:
    """The rows of a symptom's table on the trends page: the date (or week, or month), the
    grade in words ("Not answered" greyed), and, day by day, "off day" on a schedule's days
    off. A five-year page has 1,200 rows, most of them written before (``_symptom_row``)."""
    if not points:
        return ""
    rows = []
    for point in points:
        unanswered = point["grade"] is None
        if by_day:
            markup = SYMPTOM_DAY_ROW[unanswered, bool(point["off_day"])]
        else:
            markup = SYMPTOM_ROW_UNANSWERED if unanswered else SYMPTOM_ROW
        rows.append(_symptom_row(markup, point["label"], point["grade_label"]))
    return format_html("{}" * len(rows), *rows)


# Every symptom's table names the same dates and the same six grade words: a row is written
# once per process, date and word (a year charted by day, the most dates a page charts, has
# at most 366 x 6). ``typed``: a label that arrived unescaped is not the escaped one with the
# same text.
@lru_cache(maxsize=8192, typed=True)
def _symptom_row(markup: str, label: str, grade_label: str) -> str:
    return format_html(markup, label, grade_label)


def _reading(value, key: str) -> str:
    """A reading written by this module (see above): "71.5" kg, a whole blood pressure."""
    return format_number(value) if key == "kg" else str(int(value))


@register.simple_tag
def reading_rows(points, *keys) -> str:
    """The rows of the blood-pressure or weight table on the trends page: each point's
    label, then its ``keys`` ("kg" written as ``|number`` writes it; blood pressure whole)."""
    if not points:
        return ""
    markup = [
        "<tr><td>{}</td>"
        + "".join(f"<td>{_reading(point[key], key)}</td>" for key in keys)
        + "</tr>"
        for point in points
    ]
    return format_html("".join(markup), *(point["label"] for point in points))


@register.simple_tag
def dose_rows(rows) -> str:
    """The symptoms' rows of the trends page's by-dose table (``DoseRow``): per treatment
    period, "64% (18 of 28 days)" and "average 2.1", or "not recorded"."""
    if not rows:
        return ""
    markup = []
    for row in rows:
        cells = []
        for cell in row.cells:
            if cell is None:
                cells.append('<td><span class="text-body-secondary">not recorded</span></td>')
                continue
            days = int(cell.days)
            cells.append(
                f'<td>{int(cell.share_2_plus)}% <span class="small">({int(cell.days_2_plus)}'
                f" of {days} day{'' if days == 1 else 's'})</span><br>"
                f'<span class="small">average {_average(cell.average)}</span></td>'
            )
        markup.append('<tr><th scope="row">{}</th>' + "".join(cells) + "</tr>")
    return format_html("".join(markup), *(row.symptom.name for row in rows))


# The doses-taken table's counts, in its columns' order.
ADHERENCE_COUNTS = tuple(DOSE_TAKEN_COUNTS.values())


@register.simple_tag
def adherence_rows(periods) -> str:
    """The rows of the trends page's doses-taken table (``PeriodRow``): the period and its
    first day, the days logged, then its days by answer to "Did you take your dose?". A
    five-year journal has fifteen periods: one ``format_html`` rather than 120 template
    variables."""
    if not periods:
        return ""
    markup = [
        '<tr><th scope="row">{}, from {}</th>'
        + f"<td>{int(period.days_logged)}</td>"
        + "".join(f"<td>{int(period.adherence.get(name) or 0)}</td>" for name in ADHERENCE_COUNTS)
        + "</tr>"
        for period in periods
    ]
    values = []
    for period in periods:
        values += [
            period.treatment.short_label,
            formatted_date(period.treatment.starts_on, "j M Y"),
        ]
    return format_html("".join(markup), *values)


def trend_key(style) -> str:
    """A line's key on the trends page: its colour, marker shape and dash, as
    static/js/trends.js draws them (static/css/trends.css). ``style``: a ``LineStyle``.

    The line break is a space between the key and the name beside it, as it always was."""
    return format_html(
        '<span class="trend-key trend-colour-{}{}" aria-hidden="true">'
        '<span class="trend-marker trend-shape-{}"></span></span>\n',
        style.colour,
        " trend-dashed" if style.dashed else "",
        style.shape,
    )


@register.simple_tag
def trend_legend(items) -> str:
    """The legend of a chart with several lines, under it and outside the drawing: each
    line's key and name. ``items``: [{"name", "style"}]."""
    return format_html(
        '<ul class="trend-legend list-unstyled">{}</ul>\n',
        format_html_join(
            "", "<li>{}{}</li>", ((trend_key(item["style"]), item["name"]) for item in items)
        ),
    )
