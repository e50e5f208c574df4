"""The history's day cards, written in Python.

A page of the history shows 30 days of 8 to 20 answers each. Drawn by template loops over
one SymptomReport (and one Symptom) per answer, the cards were most of the page's time
(issue 17's profile). ``history_cards`` reads the answers as plain rows (with their
symptom's name) and writes each card in one ``format_html``: every value from the database
or the patient goes in as an argument, so the escaping is Django's own (each name escaped
once per page, the notes by ``linebreaksbr`` and ``format_html``). The markup is that of the
template it replaced, blank lines aside.
"""

from collections import defaultdict
from datetime import date

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join

from journal.models import Alarm, AlertRules, DayLog, Grade, SymptomReport
from journal.templatetags.journal import grade_class, grade_word
from library.formatting import format_number, formatted_date

ANY_DAY = date(2000, 1, 1)
GRADE_WORDS = {grade.value: grade.label.lower() for grade in Grade}

# The card's fixed markup, in the order it is written. ``{}`` marks a value; nothing here
# comes from the database or the patient.
CARD_START = (
    '<article class="card mb-3 history-day">\n<div class="card-body">\n'
    '<h2 class="h5 card-title d-flex flex-wrap gap-2 align-items-center">\n{}\n'
)
FOR_THE_DOCTOR = '<span class="badge text-bg-info">For the doctor</span>\n'
SUMMARY_START = '</h2>\n<p class="mb-1">\n{}'
BP_CRISIS_NOTICE = ' <strong class="text-danger-emphasis">(very high: urgent help)</strong>'
BP_ALERT_NOTICE = ' <strong class="text-danger-emphasis">(high)</strong>'
SUMMARY_END = "\n</p>\n"
WARNING_SIGNS = (
    '<p class="mb-1 text-danger-emphasis"><strong>Warning sign{} (urgent help):</strong> {}</p>\n'
)
ANSWERS_START = '<ul class="list-inline mb-1">\n'
FELT = '<li class="list-inline-item">{}: {}{}</li>\n'
FELT_BOLD = '<li class="list-inline-item fw-bold">{}: {}{}</li>\n'
ALARM_NOTICES = {
    Alarm.NONE: "",
    Alarm.CARE_TEAM: format_html(
        ' <span class="text-danger-emphasis">{}</span>', "(contact care team)"
    ),
    Alarm.URGENT: format_html(
        ' <strong class="text-danger-emphasis">{}</strong>', "(urgent help)"
    ),
}
ANSWERS_END = "</ul>\n"
NONE_LINE = '<p class="mb-1 small history-none">None: {}</p>\n'
NOT_ANSWERED_LINE = (
    '<p class="mb-1 small text-body-secondary history-not-answered">Not answered: {}</p>\n'
)
DAY_NOTE = '<p class="mb-1 history-note">{}</p>\n'
ANSWER_NOTE = '<p class="mb-1 small"><span class="fw-semibold">{}:</span> {}</p>'
CARD_END = "\n</div>\n</article>"

# The worst grade's badge (``grade_badge``'s markup), or its absence.
NOTHING_ANSWERED = '<span class="badge text-bg-light border">No symptom answered</span>\n'
WORST = '<span class="visually-hidden">Worst:</span><span class="badge {} grade-badge">{}</span>\n'


def history_cards(logs, *, journal, symptom=None) -> list[str]:
    """One card per day of ``logs`` (``DayLog.objects.for_history_cards()``), in their order:
    three queries whatever their number (the answers, the warning signs ticked, the patient's
    thresholds). ``symptom``, the filter's, is in bold; a caregiver's card does not link to
    the day, and shows notes only if the share allows them."""
    logs = list(logs)
    ids = [log.pk for log in logs]
    answers = defaultdict(list)
    for row in SymptomReport.objects.filter(day__in=ids).answer_rows(
        with_notes=journal.can_see_notes
    ):
        answers[row[0]].append(row)
    signs = defaultdict(list)
    for day_id, text in DayLog.objects.filter(pk__in=ids).ticked_sign_texts():
        signs[day_id].append(text)
    writer = _CardWriter(
        rules=AlertRules.for_patient(journal.patient),
        with_links=not journal.is_caregiver,
        with_notes=journal.can_see_notes,
        bold_symptom_id=symptom.pk if symptom else None,
    )
    return [writer.card(log, answers[log.pk], signs[log.pk]) for log in logs]


class _CardWriter:
    """Writes one page's cards. What many cards share is written once for the page, never
    kept longer: the symptoms' names (escaped), a felt symptom's list item (one per symptom,
    grade and drug), the treatments' labels."""

    def __init__(self, *, rules, with_links, with_notes, bold_symptom_id):
        self.rules = rules
        self.with_links = with_links
        self.with_notes = with_notes
        self.bold_symptom_id = bold_symptom_id
        self.names = {}  # symptom id -> its name escaped, as shown and in lower case
        self.felt_items = {}  # (symptom id, grade, drug id) -> its list item
        self.treatments = {}  # treatment id -> its short label
        # ``DayLog.get_absolute_url`` reversed once for the page, not once a day: the URL
        # around a day that stands for any.
        any_day = ANY_DAY.isoformat()
        self.day_url = reverse("journal:day", args=[any_day]).split(any_day)

    def card(self, log, rows, signs) -> str:
        """The card in one ``format_html``: ``markup`` is this module's fixed markup, with a
        ``{}`` for each of ``values``. A line break stands where the template had one, so the
        card reads the same (the spaces between the list's items included)."""
        markup = [CARD_START]
        values = [self.title(log)]
        if log.worst_grade is None:
            markup.append(NOTHING_ANSWERED)
        else:
            markup.append(WORST)
            values += [grade_class(log.worst_grade), grade_word(log.worst_grade)]
        if log.for_doctor:
            markup.append(FOR_THE_DOCTOR)
        self.summary(log, markup, values)
        if signs:
            markup.append(WARNING_SIGNS)
            values += ["" if len(signs) == 1 else "s", format_html_join("; ", "{}", zip(signs))]
        markup.append(ANSWERS_START)
        drug_id = self.rules.drug_on(log)
        none, not_answered = [], []
        for row in rows:
            symptom_id, grade = row[1], row[3]
            if symptom_id not in self.names:
                self.names[symptom_id] = (escape(row[2]), escape(row[2].lower()))
            if grade is None:
                not_answered.append(self.names[symptom_id][1])
            elif grade == 0:
                none.append(self.names[symptom_id][1])
            else:
                markup.append("{}")
                values.append(self.felt(symptom_id, grade, drug_id))
        markup.append(ANSWERS_END)
        for line, names in ((NONE_LINE, none), (NOT_ANSWERED_LINE, not_answered)):
            if names:
                markup.append(line.format(", ".join(["{}"] * len(names))))
                values += names
        if self.with_notes:
            self.notes(log.note, rows, markup, values)
        markup.append(CARD_END)
        return format_html("".join(markup), *values)

    def title(self, log) -> str:
        day = log.date
        words = formatted_date(day, "l j F Y")  # "Wednesday 2 December 2026"
        if not self.with_links:
            return words
        return format_html('<a href="{}{}{}">{}</a>', self.day_url[0], day, self.day_url[1], words)

    def summary(self, log, markup: list, values: list) -> None:
        """ "Imatinib 400 mg · Took all of it · blood pressure 162/95 (high) · 70.5 kg" """
        markup.append(SUMMARY_START)
        values.append(self.treatment(log) if log.treatment_id else "No treatment")
        if log.dose_taken:
            markup.append(" · {}")
            values.append(log.get_dose_taken_display())
        if log.systolic:
            markup.append(" · blood pressure {}/{}")
            values += [log.systolic, log.diastolic]
            if log.bp_crisis:
                markup.append(BP_CRISIS_NOTICE)
            elif log.bp_alert:
                markup.append(BP_ALERT_NOTICE)
        if log.weight_kg:
            markup.append(" · {} kg")
            values.append(format_number(log.weight_kg))
        markup.append(SUMMARY_END)

    def treatment(self, log) -> str:
        label = self.treatments.get(log.treatment_id)
        if label is None:
            label = self.treatments[log.treatment_id] = escape(log.treatment.short_label)
        return label

    def felt(self, symptom_id: int, grade: int, drug_id: int | None) -> str:
        """ "Fatigue: moderate (contact care team)", in bold for the filter's symptom."""
        key = (symptom_id, grade, drug_id)
        item = self.felt_items.get(key)
        if item is None:
            item = self.felt_items[key] = format_html(
                FELT_BOLD if symptom_id == self.bold_symptom_id else FELT,
                self.names[symptom_id][0],
                GRADE_WORDS[grade],
                ALARM_NOTICES[self.rules.alarm(symptom_id, grade, drug_id)],
            )
        return item

    def notes(self, note: str, rows, markup: list, values: list) -> None:
        """The day's note (its line breaks kept), then each answer's note."""
        if note:
            markup.append(DAY_NOTE)
            values.append(linebreaksbr(note))
        for _day_id, symptom_id, _name, _grade, answer_note in rows:
            if answer_note:
                markup.append(ANSWER_NOTE)
                values += [self.names[symptom_id][0], answer_note]
