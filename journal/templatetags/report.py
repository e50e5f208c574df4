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
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html, format_html_join

from journal.models import BP_ALERT, BP_CRISIS, Grade
from library.formatting import formatted_date

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


def _week_label(start, end) -> str:
    """ "3 Mar", "3–9 Mar" or "28 Feb–6 Mar"."""
    if end == start:
        return formatted_date(start, "j M")
    if end.month == start.month:
        return f"{start.day}–{formatted_date(end, 'j M')}"
    return f"{formatted_date(start, 'j M')}–{formatted_date(end, 'j M')}"


@register.simple_tag
def week_rows(rows) -> str:
    """The body of the report's week table: each week's dates and days logged, then the
    worst grade of each symptom ("–" where the week's answers were all left blank). One
    ``format_html`` for every row, as the trends tables are written."""
    if not rows:
        return ""
    markup, values = [], []
    for row in rows:
        markup.append(WEEK_ROW)
        values += [_week_label(row["start"], row["end"]), row["days_logged"]]
        markup += [
            NOT_ANSWERED_CELL if grade is None else grade_cell(grade) for grade in row["grades"]
        ]
        markup.append(WEEK_ROW_END)
    return format_html("".join(markup), *values)


@register.simple_tag
def bp_items(readings) -> str:
    """The high blood-pressure readings of the report, "3 Mar 162/101" each (numbers and the
    app's month names only, in ``format_html``'s arguments all the same)."""
    return format_html_join(
        "",
        "<li>{} {}/{}</li>",
        (
            (formatted_date(reading["date"], "j M"), reading["systolic"], reading["diastolic"])
            for reading in readings
        ),
    )


@register.simple_tag
def note_items(notes) -> str:
    """The items of "The patient's notes" (``_notes`` in the report's builder): the date,
    then the note for the doctor, the severe answers with their notes, and the day's note.
    A report of a few months lists a day or more a week, each with a loop of its answers:
    written here, one ``format_html`` per day, rather than through template loops. The notes
    are the patient's words: arguments of ``format_html`` (``linebreaksbr`` escapes the
    day's note itself)."""
    return _items([_note_item(note) for note in notes])


def _note_item(note: dict) -> str:
    # "Tue 3 Mar 2026": a report of a few months heads a note line with each of its days.
    markup, values = ["<strong>{}</strong> — "], [formatted_date(note["date"], "D j M Y")]
    parts = []
    if note["for_doctor"]:
        if note["note"]:
            parts.append("for the doctor: “{}”")
            values.append(linebreaksbr(note["note"]))
        else:
            parts.append("for the doctor: (day flagged, no note)")
    for report in note["severe"]:
        # The grade and its word are the app's own: in the markup, not escaped again.
        parts.append(f"{{}} {Grade(report.grade).label.lower()} ({report.grade})")
        values.append(report.symptom.name.lower())
        if report.note:
            parts[-1] += ": “{}”"
            values.append(report.note)
    if note["note"] and not note["for_doctor"]:
        parts.append("the day's note: “{}”")
        values.append(linebreaksbr(note["note"]))
    markup.append("; ".join(parts))
    return format_html("".join(markup), *values)


@register.simple_tag
def alert_items(groups) -> str:
    """The alert lines of the report (``journal.report.alerts``): a symptom, a warning sign
    or blood pressure, with how many days, the worst, the dates and the urgent days named.
    A few months of a journal raise a line per symptom, each drawn through an include and
    its loops before: written here instead, every value an argument of ``format_html``."""
    return _items([_alert_line(group) for group in groups])


def _items(lines: list[str]) -> str:
    """``lines``, each an item of a list: one ``format_html`` for them all."""
    return format_html("<li>{}</li>\n" * len(lines), *lines)


def _days(count: int, word: str = "day") -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _alert_line(group) -> str:
    if group.kind == "symptom":
        return _symptom_line(group)
    if group.kind == "sign":
        sign = group.sign
        return format_html(
            "<strong>Warning sign “{}”{}:</strong> {} — {}.",
            sign.text,
            format_html(" (from the {} label)", sign.drug) if sign.drug else "",
            _days(group.count),
            group.dates,
        )
    highest = group.highest
    reading = f"{highest['systolic']}/{highest['diastolic']}"
    at = (
        format_html("{} on {}", reading, group.dates)
        if group.count == 1
        else format_html(
            "highest {} on {} — {}", reading, formatted_date(highest["date"], "j M"), group.dates
        )
    )
    urgent = (
        format_html(
            " <strong>At or above {} (hypertensive crisis) on {}.</strong>",
            BP_CRISIS,
            group.urgent_dates,
        )
        if group.is_urgent
        else ""
    )
    return format_html(
        "<strong>Blood pressure:</strong> {} at or above {}, {}.{}",
        _days(group.count, "reading"),
        BP_ALERT,
        at,
        urgent,
    )


def _symptom_line(group) -> str:
    urgent = (
        format_html(
            " <strong>Urgent on {} (CTCAE grade 4: life-threatening).</strong>",
            group.urgent_dates,
        )
        if group.is_urgent
        else ""
    )
    thresholds = format_html_join(
        "; ",
        "{} ({}){}",
        (
            (
                Grade(threshold.grade).label.lower(),
                threshold.grade,
                ", as the care team asked"
                if threshold.own
                else (
                    format_html(" on {}", threshold.rule.drug)
                    if threshold.rule and threshold.rule.drug
                    else ""
                ),
            )
            for threshold in group.thresholds
        ),
    )
    return format_html(
        "<strong>{}:</strong> {}, worst {} ({}) — {}.{} "
        '<span class="report-why">Call from {}.</span>',
        group.symptom.name,
        _days(group.count),
        Grade(group.worst).label.lower(),
        group.worst,
        group.dates,
        urgent,
        thresholds,
    )
