"""The clinic-visit report: one printable page to take to the oncologist, for a date range.

Served to the patient (``/journal/report/``) and to caregivers (``/care/<share>/report/``).
Every figure is computed in the database, so the page costs the same dozen queries for six
weeks or six years of journal.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Max, Q

from journal.access import JournalContext
from journal.filter_links import since_links
from journal.models import (
    BP_ALERT,
    BP_CRISIS,
    BP_HIGH,
    DOSE_TAKEN_COUNTS,
    Alarm,
    AlertRules,
    CareTeamThreshold,
    DayLog,
    Grade,
    SymptomReport,
    Treatment,
)
from journal.models.alerts import Threshold
from journal.models.daylog import highest_reading
from journal.models.sql import WeekStart, dates_between
from journal.report.alerts import group_alerts
from library.cache import attach_symptoms, kept_symptoms, kept_warning_signs_by_id
from library.formatting import percent
from library.models import Symptom

DEFAULT_WEEKS = 6


# Ranges a caregiver can pick (their page has no form): label, days back including today.
PRESET_RANGES = [("Last 6 weeks", DEFAULT_WEEKS * 7), ("Last 3 months", 91), ("Last year", 365)]


def default_start(profile, today: date) -> date:
    """Since the last clinic visit the patient recorded, else the last six weeks."""
    if profile.last_visit_on and profile.last_visit_on <= today:
        return profile.last_visit_on
    return today - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1)


def range_links(journal, today: date, start: date, end: date) -> list[dict]:
    """The report's usual ranges as links ending today, for a caregiver's page."""
    current = {"start": start.isoformat(), "end": "" if end == today else end.isoformat()}
    presets = [(label, today - timedelta(days=days - 1)) for label, days in PRESET_RANGES]
    last_visit = journal.profile.last_visit_on
    if last_visit and last_visit <= today:
        presets.insert(
            0, (f"Since the last clinic visit ({last_visit.day} {last_visit:%b %Y})", last_visit)
        )
    return since_links(journal.url("report"), current, presets)


def week_table(patient, start: date, end: date, logged: dict[date, int]) -> dict:
    """Worst grade per symptom per week, and days logged; per symptom, its days severe or
    worse and its days not answered.

    Rows run over every week from the first logged week of the range to its end, reported or
    not, so a gap shows as a gap (a range reaching back before the journal began does not
    print years of empty weeks). A week whose answers for a symptom were all left blank has
    no worst grade (``None``, printed as a dash), never 0. ``logged``: days logged per week
    (by Monday), from ``counts_by_treatment_and_week``. One query; the symptoms' names come
    from the library kept in memory (``kept_symptoms``).
    """
    reports = SymptomReport.objects.for_patient(patient).between(start, end)
    # Not ``grades_and_sums_by("week")``: that one splits a week by treatment period, and
    # the report counts each week's severe and unanswered days in the same query (MAX skips
    # the blanks).
    weekly = list(
        reports.annotate(on=WeekStart("day__date"))
        .values_list("symptom_id", "on")
        .annotate(
            worst=Max("grade"),
            severe=Count("id", filter=Q(grade__gte=Grade.SEVERE)),
            unanswered=Count("id", filter=Q(grade__isnull=True)),
        )
        .order_by()
    )
    library = kept_symptoms()
    symptoms: dict[int, dict] = {}
    worst: dict[int, dict[date, int | None]] = {}
    for symptom_id, monday, grade, severe, unanswered in weekly:
        symptom = symptoms.get(symptom_id)
        if symptom is None:
            known = library[symptom_id]
            symptom = symptoms[symptom_id] = {
                "pk": symptom_id,
                "slug": known.slug,
                "name": known.name,
                "ctcae_term": known.ctcae_term,
                "order": known.order,
                "severe_days": 0,
                "unanswered_days": 0,
            }
            worst[symptom_id] = {}
        symptom["severe_days"] += severe
        symptom["unanswered_days"] += unanswered
        worst[symptom_id][monday] = grade
    columns = sorted(symptoms.values(), key=lambda symptom: (symptom["order"], symptom["name"]))
    column_worst = [worst[symptom["pk"]] for symptom in columns]
    rows = []
    monday = min(logged) if logged else end + timedelta(days=1)
    week = timedelta(weeks=1)
    while monday <= end:
        rows.append(
            {
                "start": max(monday, start),
                "end": min(monday + timedelta(days=6), end),
                "days_logged": logged.get(monday, 0),
                "grades": [grades.get(monday) for grades in column_worst],
            }
        )
        monday += week
    return {
        "symptoms": columns,
        "rows": rows,
        "any_unanswered": any(symptom["unanswered_days"] for symptom in columns),
        # CTCAE's own words for the clinician, where they differ from the patient's ("a; b"
        # in the library where one symptom stands for two terms).
        "ctcae_terms": [
            {"name": symptom["name"], "term": symptom["ctcae_term"].replace(";", ",").lower()}
            for symptom in columns
            if symptom["ctcae_term"].lower() != symptom["name"].lower()
        ],
    }


ADHERENCE_COUNTS = ("days", *DOSE_TAKEN_COUNTS.values())
BP_SUMS = ("readings", "sum_systolic", "sum_diastolic", "high_readings")


def _sum_rows(rows, keys) -> dict:
    return {key: sum(row[key] or 0 for row in rows) for key in keys}


def _by_treatment(weekly_counts) -> list[dict]:
    """``adherence_by_treatment``'s rows (with the days outside any period), from the
    per-week rows of ``counts_by_treatment_and_week``."""
    periods: dict[int | None, list] = {}
    for row in weekly_counts:
        periods.setdefault(row["treatment_id"], []).append(row)
    return [
        {"treatment_id": treatment_id, **_sum_rows(rows, ADHERENCE_COUNTS)}
        for treatment_id, rows in periods.items()
    ]


def _bp_summary(weekly_counts) -> dict:
    """The range's readings: how many, their averages and highest numbers, how many high."""
    sums = _sum_rows(weekly_counts, BP_SUMS)
    readings = sums["readings"]
    with_bp = [row for row in weekly_counts if row["readings"]]
    return {
        "readings": readings,
        "avg_systolic": sums["sum_systolic"] / readings if readings else None,
        "avg_diastolic": sums["sum_diastolic"] / readings if readings else None,
        "max_systolic": max((row["max_systolic"] for row in with_bp), default=None),
        "max_diastolic": max((row["max_diastolic"] for row in with_bp), default=None),
        "high_readings": sums["high_readings"],
    }


def _weight_change(readings: list[dict]) -> dict | None:
    """The first and last weighing of the range and the change: the first and last weighed
    of ``report_readings``' rows (by date), which hold them."""
    weighed = [row for row in readings if row["weight_kg"] is not None]
    if not weighed:
        return None
    first, last = weighed[0], weighed[-1]
    first = {"date": first["date"], "weight_kg": first["weight_kg"]}
    last = {"date": last["date"], "weight_kg": last["weight_kg"]}
    change = last["weight_kg"] - first["weight_kg"]
    # The sign is said in words ("down 0.5 kg (0.7%)"), so the figures are unsigned.
    return {
        "first": first,
        "last": last,
        "direction": "up" if change > 0 else "down" if change < 0 else None,
        "change": abs(change),
        "percent": abs(change / first["weight_kg"] * 100),
    }


def _adherence(rows) -> dict:
    """The whole range's answers: the sum of the per-period rows (days outside any period
    included), so the report needs no second pass over the days."""
    summary = _sum_rows(rows, ADHERENCE_COUNTS)
    meant = summary["taken_all"] + summary["taken_some"] + summary["missed"]
    summary["percent_all"] = percent(summary["taken_all"], meant) if meant else None
    return summary


@dataclass(slots=True)
class NotableReport:
    """A symptom report the report prints: severe or worse, or one that raised an alarm
    (``alarm`` and the ``threshold`` it was judged by, as ``AlertRules`` gives them). Its
    day's ``date`` and note (``day_note``); the notes are empty where they may not be seen."""

    date: date
    symptom: Symptom
    grade: int
    note: str
    day_note: str
    alarm: Alarm
    threshold: Threshold

    @property
    def symptom_id(self) -> int:
        return self.symptom.pk


def _notes(doctor_days: list[dict], severe_days: Iterable[list[NotableReport]]) -> list[dict]:
    """The patient's notes the report prints, by date: days flagged "for my doctor" (even
    without a note) and severe days that carry a note of the day or of a symptom.
    ``severe_days``: each severe day's reports, in order."""
    notes: dict[date, dict] = {
        day["date"]: {"date": day["date"], "note": day["note"], "for_doctor": True, "severe": []}
        for day in doctor_days
    }
    for reports in severe_days:
        day = reports[0]
        if not (day.day_note or any(report.note for report in reports)):
            continue
        note = notes.setdefault(
            day.date, {"date": day.date, "note": day.day_note, "for_doctor": False, "severe": []}
        )
        note["severe"] = reports
    return sorted(notes.values(), key=lambda note: note["date"])


def _alarm_filter(rules: AlertRules) -> Q:
    """Reports severe or worse, or at a grade that may raise an alarm for their symptom: a
    long range reads the few the report prints, not every mild day."""
    below_severe: dict[int, list[int]] = {}
    for symptom_id, grade in rules.lowest_alarm_grades().items():
        if grade < Grade.SEVERE:
            below_severe.setdefault(grade, []).append(symptom_id)
    wanted = Q(grade__gte=Grade.SEVERE)
    for grade, symptom_ids in sorted(below_severe.items()):
        wanted |= Q(grade__gte=grade, symptom_id__in=sorted(symptom_ids))
    return wanted


def notable_reports(reports, rules: AlertRules, *, with_notes: bool) -> list[NotableReport]:
    """The range's reports severe or worse and those that raised an alarm, by date then
    symptom, each with its alarm and threshold (judged by the drug of its day). One query,
    of plain rows: the symptoms come from the library kept in memory."""
    notes = ("note", "day__note") if with_notes else ()
    rows = (
        reports.filter(_alarm_filter(rules))
        .values_list("day__date", "day__treatment_id", "symptom_id", "grade", *notes)
        .order_by()  # sorted below, by the symptoms kept in memory: no join to them
    )
    symptoms = kept_symptoms()
    notable = []
    for on, treatment_id, symptom_id, grade, *texts in rows:
        drug_id = rules.drug_of(treatment_id)
        alarm = rules.alarm(symptom_id, grade, drug_id)
        if alarm or grade >= Grade.SEVERE:
            note, day_note = texts or ("", "")
            notable.append(
                NotableReport(
                    date=on,
                    symptom=symptoms[symptom_id],
                    grade=grade,
                    note=note,
                    day_note=day_note,
                    alarm=alarm,
                    threshold=rules.threshold(symptom_id, drug_id),
                )
            )
    notable.sort(key=lambda report: (report.date, report.symptom.order, report.symptom.name))
    return notable


def report_context(journal: JournalContext, start: date, end: date) -> dict:
    """Everything the report shows for ``start``…``end``, notes only where they may be seen."""
    patient = journal.patient
    days = DayLog.objects.for_patient(patient).between(start, end)
    reports = SymptomReport.objects.for_patient(patient).between(start, end)
    treatments = list(
        Treatment.objects.for_patient(patient)
        .overlapping(start, end)
        .select_related("drug")
        .order_by("starts_on")
    )
    weekly_counts = list(days.counts_by_treatment_and_week())
    adherence_rows = _by_treatment(weekly_counts)
    by_treatment = {row["treatment_id"]: row for row in adherence_rows}
    logged: dict[date, int] = {}
    for row in weekly_counts:
        logged[row["on"]] = logged.get(row["on"], 0) + row["days"]
    for treatment in treatments:
        treatment.changed_in_range = start <= treatment.starts_on <= end
        treatment.adherence = by_treatment.get(treatment.pk)

    # Severe reports and "contact your care team" ones, in one query; each given its alarm
    # and the threshold it was judged by (the patient's own, the drug's or the general one).
    # Every day in the range names one of these treatments (or none).
    own_thresholds = list(CareTeamThreshold.objects.filter(patient=patient))
    attach_symptoms(own_thresholds)  # their names, from the library kept in memory
    rules = AlertRules.for_patient(patient, treatments=treatments, thresholds=own_thresholds)
    notable = notable_reports(reports, rules, with_notes=journal.can_see_notes)
    severe_days: dict[date, list[NotableReport]] = {}
    for report in notable:
        if report.grade >= Grade.SEVERE:
            severe_days.setdefault(report.date, []).append(report)

    # High readings, the highest, the first and last weighing and the days for the doctor.
    readings = list(days.report_readings(with_notes=journal.can_see_notes))
    bp_high = [
        {"date": row["date"], "systolic": row["systolic"], "diastolic": row["diastolic"]}
        for row in readings
        if BP_HIGH.reached_by(row["systolic"], row["diastolic"])
    ]
    # Readings to call about are among the high ones (BP_ALERT is above BP_HIGH).
    bp_alerts = [
        {**reading, "crisis": BP_CRISIS.reached_by(reading["systolic"], reading["diastolic"])}
        for reading in bp_high
        if BP_ALERT.reached_by(reading["systolic"], reading["diastolic"])
    ]
    signs = kept_warning_signs_by_id()
    ticked_signs = [
        (on, signs[sign_id])
        for on, sign_id in dates_between(
            DayLog.warning_signs.through.objects.filter(daylog__patient=patient),
            "daylog__date",
            start,
            end,
        )
        .values_list("daylog__date", "warningsign_id")
        .order_by("daylog__date", "warningsign__order")
    ]
    doctor_days = [
        {"date": row["date"], "note": row["note"]}
        for row in readings
        if journal.can_see_notes and row["for_doctor"]
    ]
    return {
        "start": start,
        "end": end,
        "days_in_range": (end - start).days + 1,
        "treatments": treatments,
        "weeks": week_table(patient, start, end, logged),
        "bp": _bp_summary(weekly_counts),
        "bp_highest": highest_reading(readings),
        "bp_high": bp_high,
        "weight": _weight_change(readings),
        "adherence": _adherence(adherence_rows),
        # None: the notes are private (a caregiver not allowed them).
        "notes": _notes(doctor_days, severe_days.values()) if journal.can_see_notes else None,
        "alerts": group_alerts(
            [report for report in notable if report.alarm],
            ticked_signs,
            bp_alerts,
            with_year=start.year != end.year,
        ),
        "own_thresholds": own_thresholds,
        # A threshold's note is the patient's own words: private like the day notes.
        "threshold_notes_shown": journal.can_see_notes,
    }
