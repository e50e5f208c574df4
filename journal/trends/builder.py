"""What a patient's days add up to: the trends page's charts and tables.

The numbers come from the aggregating querysets in ``journal.models`` (one query each, whatever
the length of the journal); this module only arranges their rows into chart series and table
rows. Charts and tables are built from the same lists, so they always show the same numbers.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.html import escape

from journal.models import (
    BP_ALERT,
    BP_CRISIS,
    BP_HIGH,
    GRADE_COLUMNS,
    NOT_ANSWERED,
    DayLog,
    Grade,
    SymptomReport,
    Treatment,
    stored_grade_rows,
)
from library.formatting import format_mg, formatted_date, percent, short_date
from library.models import Symptom

# Up to a month of days, a chart shows each day. Longer, each week's worst day: 90 daily
# points make a comb on a phone. A patient may still ask for each day, up to a year; beyond
# three years a chart shows each month's worst, so that a five-year journal costs about what
# three months do (60 monthly points against 90 daily ones).
DAILY_UP_TO_DAYS = 31
DAILY_AT_MOST_DAYS = 366
MONTHLY_AFTER_DAYS = 3 * 365
# With fewer logged days than this a chart says nothing (one dot on an axis): the page says
# so and shows the numbers.
FEWEST_DAYS_FOR_A_CHART = 3


def bucket_for(start: date, end: date, *, daily: bool = False) -> str:
    """How a span is charted: "day", "week" (worst day of each week) or "month".

    ``daily``: the patient asked for each day, granted up to ``DAILY_AT_MOST_DAYS``.
    """
    length = (end - start).days + 1
    if length > MONTHLY_AFTER_DAYS:
        return "month"
    if length <= DAILY_UP_TO_DAYS or (daily and length <= DAILY_AT_MOST_DAYS):
        return "day"
    return "week"


def bucket_start(day: date, bucket: str) -> date:
    """The first day of the bucket ``day`` falls in (a Monday for weeks, as in SQL)."""
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


RANGES = {
    "30": ("30 days", 30),
    "90": ("90 days", 90),
    "365": ("1 year", 365),
    "all": ("All", None),
}
DEFAULT_RANGE = "90"

# Reference lines on the blood-pressure chart, one per number of each level; ``kind`` tells
# trends.js how to draw it (amber dots for "high", red dashes and a red line for the others).
BP_REFERENCES = [
    {"value": value, "label": f"{value} {words}", "kind": kind}
    for level, words, kind in (
        (BP_HIGH, "high", "high"),
        (BP_ALERT, "call your team", "alert"),
        (BP_CRISIS, "urgent help", "crisis"),
    )
    for value in (level.systolic, level.diastolic)
]

# Each symptom's line has a colour of Okabe and Ito's colour-blind-safe palette (the values,
# light and dark, are in static/css/trends.css) and a marker shape (static/js/trends.js and
# trends.css draw the same six). 7 colours and 6 shapes share no factor, so the first 42
# symptoms of a page each have a pairing of their own; the 8th to 14th also draw dashed.
COLOURS = 7
SHAPES = 6


@dataclass(frozen=True)
class LineStyle:
    colour: int
    shape: int
    dashed: bool = False

    @classmethod
    def of(cls, index: int) -> "LineStyle":
        """The style of the page's ``index``-th symptom: the same on every chart."""
        return cls(index % COLOURS, index % SHAPES, dashed=(index // COLOURS) % 2 == 1)

    def as_json(self) -> dict:
        return {"colour": self.colour, "shape": self.shape, "dashed": self.dashed}


# Blood pressure's two lines: the upper number drawn solid, the lower dashed.
UPPER_STYLE = LineStyle(0, 0)
LOWER_STYLE = LineStyle(1, 1, dashed=True)


def label_format(bucket: str) -> str:
    """A point's date in the data tables: "Mon 3 Mar 2025" (a week's Monday), or "Mar 2025"
    by month. Written by ``formatted_date``, escaped once per date: every symptom's table
    repeats the same dates, and the template does no formatting at all."""
    return "M Y" if bucket == "month" else "D j M Y"


def change_label(before: Treatment | None, after: Treatment) -> str:
    """ "sunitinib 50 mg → 37.5 mg", "imatinib 400 mg → sunitinib 50 mg", "started imatinib …"."""
    if before is None:
        return f"started {after.short_label}"
    if before.drug_key != after.drug_key:
        return f"{before.short_label} → {after.short_label}"
    if before.dose_mg != after.dose_mg:
        return f"{before.short_label} → {format_mg(after.dose_mg)} mg"
    if before.intakes_per_day != after.intakes_per_day:
        return f"{before.dose_label} → {after.dose_label}"
    return f"{before.short_label}: {before.schedule_label} → {after.schedule_label}"


# "Moderate", or "Not answered" for a symptom asked and left unanswered: the tables of five
# years name a grade a thousand times, so each word is escaped once, here.
GRADE_WORDS = {None: escape(NOT_ANSWERED), **{grade.value: escape(grade.label) for grade in Grade}}


@dataclass
class SymptomSeries:
    symptom: Symptom
    style: LineStyle
    # {"on": date, "label": str, "grade": int | None, "grade_label": str, "off_day": bool};
    # grade None: not answered, a gap in the line and "Not answered" in the table.
    points: list[dict]

    @property
    def chart_id(self) -> str:
        return f"symptom-{self.symptom.slug}"

    @property
    def has_grades(self) -> bool:
        return any(point["grade"] is not None for point in self.points)


@dataclass
class DoseCell:
    days: int
    average: float
    days_2_plus: int

    @property
    def share_2_plus(self) -> int:
        """Percent of the days answered on which the symptom was moderate or worse."""
        return percent(self.days_2_plus, self.days)


@dataclass
class PeriodRow:
    treatment: Treatment
    days_logged: int = 0
    adherence: dict = field(default_factory=dict)
    cells: dict = field(default_factory=dict)  # symptom id -> DoseCell


@dataclass
class DoseRow:
    """One symptom across the treatment periods: the by-dose table's row (a cell per period,
    None where it was not recorded). Symptoms make the rows and periods the columns, so that
    a phone shows a few columns rather than one per symptom."""

    symptom: Symptom
    cells: list


@dataclass
class CycleTable:
    treatment: Treatment
    symptoms: list[Symptom]
    styles: list[LineStyle]  # each symptom's, in the same order
    rows: list[dict]  # {"day": n, "is_on": bool, "cells": [{"average": x, "days": n} | None]}

    @property
    def chart_id(self) -> str:
        return f"cycle-{self.treatment.pk}"

    @property
    def legend(self) -> list[dict]:
        return [
            {"name": s.name, "style": style}
            for s, style in zip(self.symptoms, self.styles, strict=True)
        ]

    @property
    def label(self) -> str:
        return period_label(self.treatment)


def period_label(treatment: Treatment) -> str:
    """ "Sunitinib 50 mg, 4 weeks on, 2 weeks off, from 27 May 2023": an on/off period's
    table heading and link, dated (a journal may hold the same dose and schedule twice)."""
    return (
        f"{treatment.short_label}, {treatment.schedule_label}, "
        f"from {short_date(treatment.starts_on)}"
    )


@dataclass
class Trends:
    start: date  # the first day charted: the range's, or the first day logged in it if later
    end: date
    range_start: date | None  # the range asked for (None: the whole journal)
    days_logged: int
    bucket: str  # "day", "week" or "month": what one point of a chart stands for
    series: list[SymptomSeries]
    unreported: list[Symptom]
    changes: list[dict]
    off_periods: list[dict]
    blood_pressure: list[dict]
    weight: list[dict]
    periods: list[PeriodRow]
    dose_rows: list[DoseRow]
    summary: str
    # The on/off periods with days logged in the range, oldest first, and the one whose table
    # is shown: the one asked for, else the schedule in force at the end of the range. One
    # at a time, as a five-year journal's five cycle tables were three-fifths of its page; a
    # schedule that has ended is a link, not a table, until asked for (issue 17).
    cycle_periods: list[Treatment]
    cycle: CycleTable | None

    @property
    def by_day(self) -> bool:
        return self.bucket == "day"

    @property
    def has_charts(self) -> bool:
        return self.days_logged >= FEWEST_DAYS_FOR_A_CHART

    @property
    def fewest_days_for_a_chart(self) -> int:
        return FEWEST_DAYS_FOR_A_CHART

    @property
    def starts_at_first_day(self) -> bool:
        """The charts begin at the first day logged, after the start of the range."""
        return self.days_logged > 0 and (self.range_start is None or self.start > self.range_start)

    @property
    def bp_legend(self) -> list[dict]:
        return [
            {"name": "Upper number", "style": UPPER_STYLE},
            {"name": "Lower number", "style": LOWER_STYLE},
        ]

    @property
    def point_words(self) -> str:
        """What a point of a symptom's chart is: "each day", "the worst day of each week"."""
        return "each day" if self.by_day else f"the worst day of each {self.bucket}"

    @property
    def date_heading(self) -> str:
        """The heading of the tables' date column."""
        return {"day": "Date", "week": "Week of", "month": "Month"}[self.bucket]

    @property
    def can_show_daily(self) -> bool:
        """Charted by week, where each day may be asked for instead (and by day, asked)."""
        return DAILY_UP_TO_DAYS < (self.end - self.start).days + 1 <= DAILY_AT_MOST_DAYS

    def chart_data(self) -> dict:
        """The JSON for ``static/js/trends.js``: the same numbers as the tables.

        A point is an array: ``[day, value]`` (blood pressure ``[day, upper, lower]``), the
        day counted from 1 January 1970 as the charts' axis counts it; a cycle's point is
        ``[day of the cycle, average]``. Five years hold 1,200 symptom points: as objects
        with ISO dates they were three times the size, to write, send and read.
        """
        iso = date.isoformat
        return {
            "bucket": self.bucket,
            # A week's or a month's point sits on its first day: the axis starts there.
            "start": iso(bucket_start(self.start, self.bucket)),
            "end": iso(self.end),
            "changes": [
                {"on": iso(c["on"]), "label": c["label"], "number": c["number"]}
                for c in self.changes
            ],
            "offPeriods": [{"from": iso(o["from"]), "to": iso(o["to"])} for o in self.off_periods],
            "symptoms": [
                {
                    "id": s.chart_id,
                    "name": s.symptom.name,
                    **s.style.as_json(),
                    "points": [[day_number(p["on"]), p["grade"]] for p in s.points],
                }
                for s in self.series
            ],
            "bloodPressure": {
                "id": "blood-pressure",
                "references": BP_REFERENCES,
                "upper": UPPER_STYLE.as_json(),
                "lower": LOWER_STYLE.as_json(),
                "points": [
                    [day_number(p["on"]), p["systolic"], p["diastolic"]]
                    for p in self.blood_pressure
                ],
            },
            "weight": {
                "id": "weight",
                **UPPER_STYLE.as_json(),
                "points": [[day_number(p["on"]), p["kg"]] for p in self.weight],
            },
            "cycles": [
                {
                    "id": c.chart_id,
                    "title": c.treatment.short_label,
                    "daysOn": c.treatment.days_on,
                    "length": c.treatment.cycle_length,
                    "series": [
                        {
                            "name": symptom.name,
                            **c.styles[i].as_json(),
                            "points": [
                                [row["day"], row["cells"][i]["average"]]
                                for row in c.rows
                                if row["cells"][i] is not None
                            ],
                        }
                        for i, symptom in enumerate(c.symptoms)
                    ],
                }
                for c in ([self.cycle] if self.cycle and self.cycle.symptoms else [])
            ],
        }


_EPOCH = date(1970, 1, 1).toordinal()


def day_number(day: date) -> int:
    """``day`` as the charts' axis counts it: days since 1 January 1970 (``Date.parse`` of
    its ISO date, over a day's milliseconds, in trends.js)."""
    return day.toordinal() - _EPOCH


def off_periods(treatments: list[Treatment], start: date, end: date) -> list[dict]:
    """The off-treatment stretches of on/off schedules between ``start`` and ``end``.

    Calendar arithmetic on the few periods, bounded by the number of cycles in the range.
    """
    stretches = []
    for treatment in treatments:
        if treatment.is_continuous:
            continue
        last = min(end, treatment.ends_on or end)
        length = treatment.cycle_length
        first_cycle = max(0, (start - treatment.starts_on).days // length)
        cycle_start = treatment.starts_on + timedelta(days=first_cycle * length)
        while cycle_start <= last:
            off_from = max(start, cycle_start + timedelta(days=treatment.days_on))
            off_to = min(last, cycle_start + timedelta(days=length - 1))
            if off_from <= off_to:
                stretches.append({"from": off_from, "to": off_to})
            cycle_start += timedelta(days=length)
    return stretches


def treatment_changes(treatments: list[Treatment], start: date, end: date) -> list[dict]:
    """Every start, change and stop of treatment between ``start`` and ``end``, numbered from
    1: the charts mark each change with its number, and the page lists them."""
    changes = []
    for index, treatment in enumerate(treatments):
        before = treatments[index - 1] if index else None
        if start <= treatment.starts_on <= end:
            changes.append({"on": treatment.starts_on, "label": change_label(before, treatment)})
        after = treatments[index + 1] if index + 1 < len(treatments) else None
        if treatment.ends_on is not None:
            stopped_on = treatment.ends_on + timedelta(days=1)
            followed = after is not None and after.starts_on == stopped_on
            if not followed and start <= stopped_on <= end:
                changes.append({"on": stopped_on, "label": f"stopped {treatment.short_label}"})
    return [{**change, "number": n} for n, change in enumerate(changes, start=1)]


def _summary(periods: list[PeriodRow], symptoms: list[Symptom]) -> str:
    """One sentence on the symptom whose share of moderate-or-worse days changed most
    between doses, in words: "Hand-foot syndrome: moderate or worse on 64% of days at 50 mg,
    21% at 37.5 mg"."""
    best, best_spread = None, -1
    for symptom in symptoms:
        with_data = [p for p in periods if symptom.pk in p.cells]
        if len(with_data) < 2:
            continue
        shares = [p.cells[symptom.pk].share_2_plus for p in with_data]
        if max(shares) - min(shares) > best_spread:
            best, best_spread = (symptom, with_data), max(shares) - min(shares)
    if best is None:
        return ""
    symptom, with_data = best
    one_drug = len({p.treatment.drug_key for p in with_data}) == 1
    labels = [
        f"{format_mg(p.treatment.dose_mg)} mg" if one_drug else p.treatment.short_label
        for p in with_data
    ]
    # The same dose twice (back up after a break) needs its dates to tell the two apart.
    labels = [
        f"{label} (from {short_date(p.treatment.starts_on)})" if labels.count(label) > 1 else label
        for label, p in zip(labels, with_data, strict=True)
    ]
    parts = [
        f"{p.cells[symptom.pk].share_2_plus}% {'of days ' if i == 0 else ''}at {label}"
        for i, (p, label) in enumerate(zip(with_data, labels, strict=True))
    ]
    return f"{symptom.name}: moderate or worse on {', '.join(parts)}"


def shown_cycle_period(periods: list[Treatment], asked: int | None, end: date) -> Treatment | None:
    """Of the range's on/off ``periods``, the one whose table by day of the cycle is drawn:
    the one ``asked`` for, else the latest if its schedule is still in force on ``end`` (what
    a patient weighs a dose on now). Once it has ended, the latest is one more past period,
    and each past one's table waits until asked for (a five-year journal may hold five)."""
    asked_for = next((period for period in periods if period.pk == asked), None)
    if asked_for or not periods:
        return asked_for
    return periods[-1] if periods[-1].is_current_on(end) else None


def build_trends(
    *,
    patient,
    symptoms: list[Symptom],
    start: date | None,
    end: date,
    only: Symptom | None = None,
    daily: bool = False,
    cycle: int | None = None,
) -> Trends:
    """Everything the trends page shows for ``patient`` between ``start`` and ``end``.

    ``start`` None means the whole journal. ``symptoms`` are the page's, in the order that
    gives each its line style; ``only`` narrows the page to one of them. ``daily``: chart
    each day where the span would be charted by week. ``cycle``: the id of the on/off period
    whose table by day of the cycle is asked for (``shown_cycle_period`` if it is not one of
    the range's).
    A fixed number of queries: the treatments, the days logged (with the first and the last
    of them), and one aggregate per chart or table.

    The whole journal (``start`` None) is every day of it, read without dates: it is charted
    to ``end``, or to its last day logged if that is later (a patient who moves west across
    the date line may have logged "tomorrow"), and its months come from the stored ones.
    """
    treatments = list(
        Treatment.objects.for_patient(patient).select_related("drug").order_by("starts_on")
    )
    whole_journal = start is None
    until = None if whole_journal else end
    days = DayLog.objects.for_patient(patient).between(start, until)
    # The adherence rows also give the first day logged: the charts start there, so a new
    # journal's few days are not pressed against the edge of a 90-day axis.
    adherence = days.adherence_by_treatment(with_unlinked=True)
    first_logged = min((row["first"] for row in adherence), default=None)
    if whole_journal:
        end = max([end, *(row["last"] for row in adherence)])
    range_start = start or first_logged or end
    chart_start = max(range_start, first_logged) if first_logged else range_start
    bucket = bucket_for(chart_start, end, daily=daily)
    shown = [only] if only else symptoms
    reports = SymptomReport.objects.for_patient(patient).between(start, until)
    if only:
        reports = reports.filter(symptom=only)
    # Without ``only``, the page's symptoms are every one tracked or ever reported: no filter
    # on them (twenty index probes a day), and rows of any other are skipped here.
    styles = {symptom.pk: LineStyle.of(index) for index, symptom in enumerate(symptoms)}
    stretches = off_periods(treatments, chart_start, end)
    # The charts and the by-dose table read the same rows, in one query (``_grades_and_sums``).
    grades = _grades_and_sums(
        reports, bucket, patient=patient, whole_journal=whole_journal, only=only
    )
    series = _symptom_series(grades, shown, styles, bucket, stretches)
    blood_pressure, weight = _vitals(days, bucket)
    periods, dose_rows = _by_dose(adherence, grades, shown, treatments)
    logged_in = {row["treatment_id"] for row in adherence}
    cycle_periods = [t for t in treatments if not t.is_continuous and t.pk in logged_in]
    shown_cycle = shown_cycle_period(cycle_periods, cycle, end)
    return Trends(
        start=chart_start,
        end=end,
        range_start=start,
        days_logged=sum(row["days"] for row in adherence),
        bucket=bucket,
        series=series,
        unreported=[s for s in shown if s not in {line.symptom for line in series}],
        changes=treatment_changes(treatments, range_start, end),
        off_periods=stretches,
        blood_pressure=blood_pressure,
        weight=weight,
        periods=periods,
        dose_rows=dose_rows,
        summary=_summary(periods, [row.symptom for row in dose_rows]),
        cycle_periods=cycle_periods,
        cycle=_by_cycle_day(reports, shown, styles, shown_cycle) if shown_cycle else None,
    )


def _grades_and_sums(reports, bucket: str, *, patient, whole_journal: bool, only) -> list[tuple]:
    """``reports.grades_and_sums_by(bucket)``: the charts' and the by-dose table's rows, as
    tuples in ``GRADE_COLUMNS``' order: a five-year page reads 1,500 of them, and a dict
    each took 3.9 ms where tuples take 2.4 (issue 17).

    The whole journal by month reads the stored months instead (``stored_grade_rows``),
    which every write keeps in step with the reports: adding up five years of reports on
    every view was a quarter of the page's time. The same rows, in the same order.
    """
    if bucket == "month" and whole_journal:
        return stored_grade_rows(patient.pk, only.pk if only else None)
    return list(reports.grades_and_sums_by(bucket).values_list(*GRADE_COLUMNS))


def _symptom_series(grades, symptoms, styles, bucket, stretches) -> list[SymptomSeries]:
    """A chart line per symptom asked: each day's grade, or the worst of each bucket.

    ``grades``: ``_grades_and_sums`` rows, by symptom and date; a bucket spanning two
    treatment periods has a row for each, and its worst is the higher of their grades.
    """
    off_days = set()
    if bucket == "day":
        for stretch in stretches:
            off_days.update(
                stretch["from"] + timedelta(days=n)
                for n in range((stretch["to"] - stretch["from"]).days + 1)
            )
    points = {symptom.pk: [] for symptom in symptoms}
    format_string = label_format(bucket)
    for symptom_id, on, _treatment_id, worst, _days, _total, _days_2_plus in grades:
        line = points.get(symptom_id)
        if line is None:
            continue
        if line and (last := line[-1])["on"] == on:  # the same bucket, another period
            if worst is not None and (last["grade"] is None or worst > last["grade"]):
                last["grade"] = worst
                last["grade_label"] = GRADE_WORDS[worst]
            continue
        line.append(
            {
                "on": on,
                "label": formatted_date(on, format_string),
                "grade": worst,
                "grade_label": GRADE_WORDS[worst],
                "off_day": on in off_days,
            }
        )
    return [SymptomSeries(s, styles[s.pk], points[s.pk]) for s in symptoms if points[s.pk]]


def _vitals(days, bucket) -> tuple[list[dict], list[dict]]:
    """Blood pressure and weight: each reading, or each bucket's average."""
    blood_pressure, weight = [], []
    by_day = bucket == "day"
    format_string = label_format(bucket)
    for row in days.daily_vitals() if by_day else days.vitals_by(bucket):
        point = {"on": row["on"], "label": formatted_date(row["on"], format_string)}
        systolic, diastolic, kg = (
            (row["systolic"], row["diastolic"], row["weight_kg"])
            if by_day
            else (row["avg_systolic"], row["avg_diastolic"], row["avg_weight_kg"])
        )
        if systolic is not None:
            blood_pressure.append(
                {**point, "systolic": round(systolic), "diastolic": round(diastolic)}
            )
        if kg is not None:
            weight.append({**point, "kg": round(float(kg), 1)})
    return blood_pressure, weight


def _by_dose(adherence, grades, symptoms, treatments) -> tuple[list[PeriodRow], list[DoseRow]]:
    """Per treatment period: days logged, how the dose was taken, each symptom's grades.

    ``adherence`` holds a row for the days outside any period too (``treatment_id`` None):
    the by-dose tables leave it out. ``grades``: ``_grades_and_sums`` rows, added up per
    period and symptom (those outside any period, or with no grade answered, left out).
    """
    by_id = {t.pk: t for t in treatments}
    periods: dict[int, PeriodRow] = {}
    for row in adherence:
        if row["treatment_id"] is None:
            continue
        period = periods.setdefault(row["treatment_id"], PeriodRow(by_id[row["treatment_id"]]))
        period.days_logged = row["days"]
        period.adherence = row
    shown = {symptom.pk for symptom in symptoms}
    totals: dict[tuple[int, int], list[int]] = {}
    for symptom_id, _on, treatment_id, _worst, days, grades_sum, days_2_plus in grades:
        if treatment_id is None or not days or symptom_id not in shown:
            continue
        total = totals.setdefault((treatment_id, symptom_id), [0, 0, 0])
        total[0] += days
        total[1] += grades_sum
        total[2] += days_2_plus
    for (treatment_id, symptom_id), (days, grades, days_2_plus) in totals.items():
        period = periods.setdefault(treatment_id, PeriodRow(by_id[treatment_id]))
        period.cells[symptom_id] = DoseCell(
            days=days, average=round(grades / days, 1), days_2_plus=days_2_plus
        )
    columns = sorted(periods.values(), key=lambda p: p.treatment.starts_on)
    reported = {symptom_id for _, symptom_id in totals}
    rows = [
        DoseRow(symptom, [period.cells.get(symptom.pk) for period in columns])
        for symptom in symptoms
        if symptom.pk in reported
    ]
    return columns, rows


def _by_cycle_day(reports, symptoms, styles, treatment: Treatment) -> CycleTable:
    """For an on/off period, each symptom's average grade on each day of its cycle (one
    query, ``sums_by_cycle_day``, over that period's days in the range)."""
    shown = {symptom.pk for symptom in symptoms}
    cells = {
        (row["symptom_id"], row["cycle_day"]): {
            "average": round(row["total"] / row["days"], 1),
            "days": row["days"],
        }
        for row in reports.sums_by_cycle_day(treatment)
        if row["symptom_id"] in shown
    }
    reported = {symptom_id for symptom_id, _ in cells}
    cycle_symptoms = [s for s in symptoms if s.pk in reported]
    ids = [s.pk for s in cycle_symptoms]
    rows = [
        {
            "day": day,
            "is_on": day <= treatment.days_on,
            "cells": [cells.get((symptom_id, day)) for symptom_id in ids],
        }
        for day in range(1, treatment.cycle_length + 1)
    ]
    return CycleTable(treatment, cycle_symptoms, [styles[s.pk] for s in cycle_symptoms], rows)
