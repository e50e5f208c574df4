"""What a patient's days add up to: the trends page's charts and tables.

The numbers come from the aggregating querysets in ``journal.models`` (one query each, whatever
the length of the journal); this module only arranges their rows into chart series and table
rows. Charts and tables are built from the same lists, so they always show the same numbers.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Min
from django.utils.dateformat import format as format_date

from journal.models import BP_ALERT, BP_CRISIS, BP_HIGH, DayLog, Grade, SymptomReport, Treatment
from library.formatting import format_mg, percent, short_date
from library.models import Symptom

# Beyond this many days a chart shows each week's worst grade, and beyond three years each
# month's: daily points would be unreadable on a phone, and a five-year journal must cost
# about what three months do (60 monthly points against 90 daily ones).
WEEKLY_AFTER_DAYS = 180
MONTHLY_AFTER_DAYS = 3 * 365


def bucket_for(start: date, end: date) -> str:
    """How a range is charted: "day", "week" (worst day of each week) or "month"."""
    length = (end - start).days + 1
    if length > MONTHLY_AFTER_DAYS:
        return "month"
    return "week" if length > WEEKLY_AFTER_DAYS else "day"


RANGES = {
    "30": ("30 days", 30),
    "90": ("90 days", 90),
    "365": ("1 year", 365),
    "all": ("All", None),
}
DEFAULT_RANGE = "90"

# Reference lines on the blood-pressure chart, one per number of each level; ``kind`` tells
# trends.js how to draw it ("high" in amber, the others in red).
BP_REFERENCES = [
    {"value": value, "label": f"{value} {words}", "kind": kind}
    for level, words, kind in (
        (BP_HIGH, "high", "high"),
        (BP_ALERT, "call your team", "alert"),
        (BP_CRISIS, "urgent help", "crisis"),
    )
    for value in (level.systolic, level.diastolic)
]


class DayLabels(dict):
    """ "Mon 3 Mar 2025" (or "Mar 2025" by month) for the data tables, formatted once per date.

    Every symptom's table repeats the same dates; Django's date formatting costs more than
    the rest of a table row, so a five-year page formats each of its points once, not twelve
    times (and the template does no formatting at all).
    """

    def __init__(self, bucket: str = "day"):
        super().__init__()
        self.format = "M Y" if bucket == "month" else "D j M Y"

    def __missing__(self, day: date) -> str:
        label = self[day] = format_date(day, self.format)
        return label


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


@dataclass
class SymptomSeries:
    symptom: Symptom
    points: list[dict]  # {"on": date, "grade": int, "off_day": bool}

    @property
    def chart_id(self) -> str:
        return f"symptom-{self.symptom.slug}"


@dataclass
class DoseCell:
    days: int
    average: float
    days_2_plus: int

    @property
    def share_2_plus(self) -> int:
        return percent(self.days_2_plus, self.days)


@dataclass
class PeriodRow:
    treatment: Treatment
    days_logged: int = 0
    adherence: dict = field(default_factory=dict)
    cells: dict = field(default_factory=dict)  # symptom id -> DoseCell
    row_cells: list = field(default_factory=list)  # DoseCell or None, in table column order


@dataclass
class CycleTable:
    treatment: Treatment
    symptoms: list[Symptom]
    rows: list[dict]  # {"day": n, "is_on": bool, "cells": [{"average": x, "days": n} | None]}

    @property
    def chart_id(self) -> str:
        return f"cycle-{self.treatment.pk}"


@dataclass
class Trends:
    start: date
    end: date
    bucket: str  # "day", "week" or "month": what one point of a chart stands for
    series: list[SymptomSeries]
    unreported: list[Symptom]
    changes: list[dict]
    off_periods: list[dict]
    blood_pressure: list[dict]
    weight: list[dict]
    periods: list[PeriodRow]
    dose_symptoms: list[Symptom]
    summary: str
    cycles: list[CycleTable]

    @property
    def by_day(self) -> bool:
        return self.bucket == "day"

    def chart_data(self) -> dict:
        """The JSON for ``static/js/trends.js``: the same numbers as the tables."""
        iso = date.isoformat
        return {
            "bucket": self.bucket,
            "start": iso(self.start),
            "end": iso(self.end),
            "changes": [{"on": iso(c["on"]), "label": c["label"]} for c in self.changes],
            "offPeriods": [{"from": iso(o["from"]), "to": iso(o["to"])} for o in self.off_periods],
            "symptoms": [
                {
                    "id": s.chart_id,
                    "name": s.symptom.name,
                    "points": [{"on": iso(p["on"]), "grade": p["grade"]} for p in s.points],
                }
                for s in self.series
            ],
            "bloodPressure": {
                "id": "blood-pressure",
                "references": BP_REFERENCES,
                "points": [
                    {"on": iso(p["on"]), "systolic": p["systolic"], "diastolic": p["diastolic"]}
                    for p in self.blood_pressure
                ],
            },
            "weight": {
                "id": "weight",
                "points": [{"on": iso(p["on"]), "kg": p["kg"]} for p in self.weight],
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
                            "points": [
                                {"day": row["day"], "average": row["cells"][i]["average"]}
                                for row in c.rows
                                if row["cells"][i] is not None
                            ],
                        }
                        for i, symptom in enumerate(c.symptoms)
                    ],
                }
                for c in self.cycles
            ],
        }


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
    """Every start, change and stop of treatment between ``start`` and ``end``."""
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
    return changes


def _summary(periods: list[PeriodRow], symptoms: list[Symptom]) -> str:
    """One sentence on the symptom whose share of grade ≥2 days changed most between doses."""
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
    return f"{symptom.name}: grade ≥2 on {', '.join(parts)}"


def build_trends(*, patient, symptoms: list[Symptom], start: date | None, end: date) -> Trends:
    """Everything the trends page shows for ``patient`` between ``start`` and ``end``.

    ``start`` None means the whole journal. A fixed number of queries: the treatments, the
    first day (for "all" only), and one aggregate per chart or table.
    """
    treatments = list(
        Treatment.objects.for_patient(patient).select_related("drug").order_by("starts_on")
    )
    days = DayLog.objects.for_patient(patient)
    if start is None:
        start = days.aggregate(first=Min("date"))["first"] or end
    bucket = bucket_for(start, end)
    days = days.between(start, end)
    reports = (
        SymptomReport.objects.for_patient(patient)
        .between(start, end)
        .filter(symptom_id__in=[s.pk for s in symptoms])
    )
    labels = DayLabels(bucket)
    stretches = off_periods(treatments, start, end)
    series = _symptom_series(reports, symptoms, bucket, labels, stretches)
    blood_pressure, weight = _vitals(days, bucket, labels)
    periods, dose_symptoms = _by_dose(days, reports, symptoms, treatments)
    return Trends(
        start=start,
        end=end,
        bucket=bucket,
        series=series,
        unreported=[s for s in symptoms if s not in {line.symptom for line in series}],
        changes=treatment_changes(treatments, start, end),
        off_periods=stretches,
        blood_pressure=blood_pressure,
        weight=weight,
        periods=periods,
        dose_symptoms=dose_symptoms,
        summary=_summary(periods, dose_symptoms),
        cycles=_by_cycle_day(reports, symptoms, treatments),
    )


def _symptom_series(reports, symptoms, bucket, labels, stretches) -> list[SymptomSeries]:
    """A chart line per symptom reported: each day's grade, or the worst of each bucket."""
    off_days = set()
    if bucket == "day":
        for stretch in stretches:
            off_days.update(
                stretch["from"] + timedelta(days=n)
                for n in range((stretch["to"] - stretch["from"]).days + 1)
            )
    points = {symptom.pk: [] for symptom in symptoms}
    for row in reports.daily_grades() if bucket == "day" else reports.worst_by(bucket):
        points[row["symptom_id"]].append(
            {
                "on": row["on"],
                "label": labels[row["on"]],
                "grade": row["worst"],
                "grade_label": Grade(row["worst"]).label,
                "off_day": row["on"] in off_days,
            }
        )
    return [SymptomSeries(s, points[s.pk]) for s in symptoms if points[s.pk]]


def _vitals(days, bucket, labels) -> tuple[list[dict], list[dict]]:
    """Blood pressure and weight: each reading, or each bucket's average."""
    blood_pressure, weight = [], []
    by_day = bucket == "day"
    for row in days.daily_vitals() if by_day else days.vitals_by(bucket):
        point = {"on": row["on"], "label": labels[row["on"]]}
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


def _by_dose(days, reports, symptoms, treatments) -> tuple[list[PeriodRow], list[Symptom]]:
    """Per treatment period: days logged, how the dose was taken, each symptom's grades."""
    by_id = {t.pk: t for t in treatments}
    periods: dict[int, PeriodRow] = {}
    for row in days.adherence_by_treatment():
        period = periods.setdefault(row["treatment_id"], PeriodRow(by_id[row["treatment_id"]]))
        period.days_logged = row["days"]
        period.adherence = row
    for row in reports.by_treatment():
        period = periods.setdefault(row["treatment_id"], PeriodRow(by_id[row["treatment_id"]]))
        period.cells[row["symptom_id"]] = DoseCell(
            days=row["days"], average=round(row["average"], 1), days_2_plus=row["days_2_plus"]
        )
    rows = sorted(periods.values(), key=lambda p: p.treatment.starts_on)
    dose_symptoms = [s for s in symptoms if any(s.pk in p.cells for p in rows)]
    for period in rows:
        period.row_cells = [period.cells.get(s.pk) for s in dose_symptoms]
    return rows, dose_symptoms


def _by_cycle_day(reports, symptoms, treatments) -> list[CycleTable]:
    """For on/off schedules, each symptom's average grade on each day of the cycle."""
    by_id = {t.pk: t for t in treatments}
    cycle_cells: dict[int, dict] = {}
    for row in reports.by_cycle_day():
        cycle_cells.setdefault(row["treatment_id"], {})[(row["symptom_id"], row["cycle_day"])] = {
            "average": round(row["average"], 1),
            "days": row["days"],
        }
    cycles = []
    for treatment_id, cells in cycle_cells.items():
        treatment = by_id[treatment_id]
        cycle_symptoms = [s for s in symptoms if any(key[0] == s.pk for key in cells)]
        rows = [
            {
                "day": day,
                "is_on": day <= treatment.days_on,
                "cells": [cells.get((s.pk, day)) for s in cycle_symptoms],
            }
            for day in range(1, treatment.cycle_length + 1)
        ]
        cycles.append(CycleTable(treatment, cycle_symptoms, rows))
    return sorted(cycles, key=lambda c: c.treatment.starts_on)
