"""The day log's symptom rows, written in Python.

A day log asks about 8 to 20 symptoms; drawn through ``symptom_fieldset.html`` and its two
``field.html`` includes, their template tags were most of the page's time (issue 17's
profile). ``symptom_row`` writes the same markup, without the templates' blank lines, from
the rows of ``DayLogForm.symptom_rows``. Every value goes through ``format_html``, so the
escaping is Django's own, as in ``gistjournal.widget_renderer``.

A symptom's grade meanings are on the page once: CSS shows the chosen grade's, and all of
them while "What do these mean?" is open (a copy of every meaning under the fold made them a
quarter of the compressed page). The markup of a meaning and of a grade button holds library
words and fixed words only, and is kept per process by its arguments, as is a whole row with
nothing of the patient's in it; anything of the patient's (their notes, an open "Note", an
error under their answer) is written per request.
"""

from functools import lru_cache

from django.urls import reverse
from django.utils.html import format_html, format_html_join


def symptom_row(row: dict, *, drug) -> str:
    """One symptom's fieldset: its grade buttons, the grades' meanings (CSS shows the chosen
    one, no script needed), then three folds: "What do these mean?" (it shows every
    meaning, above it), a note, what helps.

    A row without errors and with its "Note" closed and empty (most rows, most days) holds
    library words, fixed words and the grade chosen only: its markup is kept per process
    by all of them (``_plain_rows``), as its buttons are; anything else is written afresh.
    """
    grade = row["grade"]
    if grade.errors or row["details_open"]:
        return _symptom_row_markup(row, drug=drug)
    symptom = row["symptom"]
    key = (
        symptom.slug,
        symptom.name,
        grade.html_name,
        grade.auto_id,
        tuple(tuple(option.values()) for option in row["options"]),
        _note_key(row),
        row["helps"],
        drug.slug if drug else "",
    )
    markup = _plain_rows.get(key)
    if markup is None:
        if len(_plain_rows) >= PLAIN_ROWS_KEPT:
            _plain_rows.clear()
        markup = _plain_rows[key] = _symptom_row_markup(row, drug=drug)
    return markup


# symptom_row's key (the symptom's words, the field's name, each grade button's words and
# state, the empty note's labels, the "What helps" count and drug) -> a plain row's markup.
# A patient's day log meets a few dozen; a process keeps at most this many (about 3.5 KB
# each), and starts again empty when full.
PLAIN_ROWS_KEPT = 1024
_plain_rows: dict[tuple, str] = {}


def _symptom_row_markup(row: dict, *, drug) -> str:
    symptom, grade = row["symptom"], row["grade"]
    errors_id = f"{grade.auto_id}_errors"
    errors = (
        format_html(
            '<div id="{}" class="invalid-feedback d-block mb-1">{}</div>',
            errors_id,
            format_html_join("", "<strong>{}</strong> ", ((error,) for error in grade.errors)),
        )
        if grade.errors
        else ""
    )
    return format_html(
        '<fieldset class="symptom-row{}" id="symptom-{}"{}>'
        '<legend class="symptom-name">{}</legend>{}'
        '<div class="grade-chips">{}</div>'
        '<ul class="grade-meanings list-unstyled mb-0">{}</ul>'
        '<p class="alarm-live alert alert-danger mt-2 mb-0 fw-semibold" aria-live="polite"'
        " hidden></p>"
        '<div class="row-extras">{}{}{}</div>'
        "</fieldset>\n",
        " has-error" if grade.errors else "",
        symptom.slug,
        format_html(' aria-describedby="{}"', errors_id) if grade.errors else "",
        symptom.name,
        errors,
        _joined([_chip(grade.html_name, symptom.slug, option) for option in row["options"]]),
        _joined(
            [_meaning(symptom.slug, option) for option in row["options"] if option["meaning"]]
        ),
        MEANINGS_FOLD,
        _note(row),
        _what_helps(row, drug=drug),
    )


def _joined(parts: list[str]) -> str:
    """``parts`` one after another, escaped as ``format_html`` escapes: in one call, where
    ``format_html_join`` makes one per part (a page has 200 buttons and meanings)."""
    return format_html("{}" * len(parts), *parts)


def _meaning_id(slug: str, value: int) -> str:
    """The id of a grade's meaning, which names it as its button's description: short,
    as the page holds 160 of them."""
    return f"m-{slug}-{value}"


def _chip(name: str, slug: str, option: dict) -> str:
    return _chip_markup(
        name,
        option["id"],
        option["value"],
        option["label"],
        option["style"],
        option["checked"],
        ("urgent" if option["urgent"] else "care") if option["alarm"] else "",
        _meaning_id(slug, option["value"]) if option["meaning"] else "",
    )


# A pure function of its arguments, which name a symptom's grade button and its state: the
# few thousand combinations a process meets are written once (no patient's words in them).
@lru_cache(maxsize=4096)
def _chip_markup(name, id, value, label, style, checked, alarm, described_by) -> str:  # noqa: A002
    return format_html(
        '<input type="radio" class="btn-check" name="{}" id="{}" value="{}" autocomplete="off"'
        "{}{}{}>"
        '<label class="btn btn-outline-{} grade-chip" for="{}">{}</label>',
        name,
        id,
        value,
        " checked" if checked else "",
        format_html(' data-alarm="{}"', alarm) if alarm else "",
        format_html(' aria-describedby="{}"', described_by) if described_by else "",
        style,
        id,
        label,
    )


def _meaning(slug: str, option: dict) -> str:
    return _meaning_markup(
        _meaning_id(slug, option["value"]),
        option["value"],
        option["label"],
        option["meaning"],
        option["alarm"],
    )


# Library words and the notice's fixed words only, as ``_chip_markup``: a curator's new
# meaning is a new key.
@lru_cache(maxsize=4096)
def _meaning_markup(id, value, label, meaning, alarm) -> str:  # noqa: A002
    return format_html(
        '<li class="grade-meaning grade-meaning-{}" id="{}"><strong>{}:</strong> {}{}</li>',
        value,
        id,
        label,
        meaning,
        format_html(' <strong class="text-danger-emphasis">{}</strong>', alarm) if alarm else "",
    )


# Opened, it shows every meaning of its row (journal.css): the fold itself holds nothing.
MEANINGS_FOLD = format_html(
    '<details class="row-extra meanings-fold"><summary>{}</summary></details>',
    "What do these mean?",
)


# (each field's name, id and label) -> the closed "Note" of a symptom with nothing in it.
_empty_notes: dict[tuple, str] = {}


def _note(row: dict) -> str:
    """The folded "Note": how much the symptom got in the way, and a note. Closed and empty
    (most symptoms, most days), it is the same markup for every patient and every day:
    written once per process, like ``_widget``'s empty widgets."""
    if row["details_open"]:
        return _note_markup(row)
    key = _note_key(row)
    markup = _empty_notes.get(key)
    if markup is None:
        markup = _empty_notes[key] = _note_markup(row)
    return markup


def _note_key(row: dict) -> tuple:
    """What a closed, empty "Note" is written from: each field's name, id and label."""
    return tuple(
        (bound.html_name, bound.auto_id, bound.label)
        for bound in (row["interference"], row["note"])
    )


def _note_markup(row: dict) -> str:
    opened = row["details_open"]
    return format_html(
        '<details class="row-extra"{}><summary>Note{}</summary>'
        '<div class="row g-2 mt-1"><div class="col-md-6">{}</div>'
        '<div class="col-md-6">{}</div></div></details>',
        " open" if opened else "",
        " (filled in)" if opened else "",
        field(row["interference"]),
        field(row["note"]),
    )


def _what_helps(row: dict, *, drug) -> str:
    """ "What helps (n)", loaded when opened (day-log.js, from the page's ``helps_url``), with
    a link to the library's page for a browser without script."""
    symptom = row["symptom"]
    return format_html(
        '<details class="row-extra what-helps">'
        "<summary>What helps ({})</summary>"
        '<div class="what-helps-body" aria-live="polite">'
        '<p class="my-2"><a href="{}{}">What helps with {}</a></p></div></details>',
        row["helps"],
        symptom.get_absolute_url(),
        format_html("?drug={}", drug.slug) if drug else "",
        symptom.name.lower(),
    )


# Where day-log.js puts the slug of an opened fold's symptom, taken from its row's id
# ("symptom-<slug>"): one URL for the page rather than one per row.
HELPS_SLUG_SLOT = "SYMPTOM"


def helps_url(day) -> str:
    """The day's "What helps" fragments, with ``HELPS_SLUG_SLOT`` for the symptom."""
    return reverse("journal:day_helps", args=[day.isoformat(), HELPS_SLUG_SLOT])


def dose_options(bound) -> str:
    """The day's dose as four large buttons (radio inputs styled by Bootstrap's
    ``btn-check``), the saved or typed answer checked."""
    chosen = "" if bound.value() in (None, "") else str(bound.value())
    return format_html_join(
        "",
        '<input type="radio" class="btn-check" name="{}" id="{}_{}" value="{}" autocomplete="off"'
        '{}><label class="btn btn-outline-primary" for="{}_{}">{}</label>',
        (
            (
                bound.html_name,
                bound.auto_id,
                index,
                value,
                " checked" if str(value) == chosen else "",
                bound.auto_id,
                index,
                label,
            )
            for index, (value, label) in enumerate(bound.field.choices)
        ),
    )


def warning_sign_boxes(bound, signs) -> str:
    """A checkbox for each of ``signs`` (the page's warning signs), ticked as the day or the
    refused save has them; each raises the urgent notice (``data-alarm``)."""
    ticked = {str(value) for value in bound.value() or ()}
    return format_html_join(
        "",
        '<div class="form-check my-2"><input type="checkbox" class="form-check-input" name="{}"'
        ' id="{}_{}" value="{}"{} data-alarm="urgent">'
        '<label class="form-check-label" for="{}_{}">{}</label></div>',
        (
            (
                bound.html_name,
                bound.auto_id,
                index,
                sign.pk,
                " checked" if str(sign.pk) in ticked else "",
                bound.auto_id,
                index,
                sign.text,
            )
            for index, sign in enumerate(signs)
        ),
    )


def field(bound) -> str:
    """``journal/includes/field.html``: one field in Bootstrap's markup, its label, its
    errors and help text under the ids Django's aria-describedby points at."""
    errors = ""
    if bound.errors:
        errors = format_html(
            '<div id="{}_error" class="invalid-feedback d-block">{}</div>',
            bound.auto_id,
            format_html_join(" ", "{}", ((error,) for error in bound.errors)),
        )
    help_text = ""
    if bound.help_text:
        help_text = format_html(
            '<div class="form-text" id="{}_helptext">{}</div>', bound.auto_id, bound.help_text
        )
    return format_html(
        '<div class="mb-2"><label class="form-label" for="{}">{}</label>{}{}{}</div>',
        bound.id_for_label,
        bound.label,
        _widget(bound),
        errors,
        help_text,
    )


# (name, id, widget class) -> the empty widget's markup: one per symptom field at most.
_empty_widgets: dict[tuple, str] = {}


def _widget(bound) -> str:
    """The field's widget. An empty one without errors (most symptoms' interference and
    note, most days) is the same markup for every patient and every day: written once per
    process, with no patient's words in it."""
    if bound.errors or bound.value() not in (None, ""):
        return bound.as_widget()
    key = (bound.html_name, bound.auto_id, type(bound.field.widget))
    markup = _empty_widgets.get(key)
    if markup is None:
        markup = _empty_widgets[key] = bound.as_widget()
    return markup
