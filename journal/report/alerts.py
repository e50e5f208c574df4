"""The clinic report's alerts, grouped: one line per symptom, warning sign or blood-pressure
level ("Diarrhoea: 4 days, worst severe (3) — 3, 5, 9 and 12 Mar"), never a line per day.

Urgent days (CTCAE grade 4 of a symptom that has one, a warning sign, a hypertensive crisis)
are grouped apart from the "call the care team" days, so they stand out on the page: a
symptom's day is listed at its highest level only, as on the day log.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby

from django.utils.dateformat import format as date_format

from journal.models.alerts import Threshold


def _and_list(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _runs(days: list[date]) -> list[tuple[date, date]]:
    """Sorted days as ``(first, last)`` runs of consecutive days, never across a month."""
    runs: list[list[date]] = []
    for day in sorted(set(days)):
        last = runs[-1][1] if runs else None
        if last and day - last == timedelta(days=1) and day.month == last.month:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [(first, last) for first, last in runs]


def compact_dates(days: list[date], *, with_year: bool = False) -> str:
    """Dates as a clinician writes them: "3–7, 9 and 12 Mar; 2 Apr".

    Three or more days in a row are a range; the month is written once; the year only when
    asked (a report whose dates span two years).
    """
    parts = []
    for (year, month), runs in groupby(_runs(days), key=lambda run: (run[0].year, run[0].month)):
        items = []
        for first, last in runs:
            if (last - first).days >= 2:
                items.append(f"{first.day}–{last.day}")
            else:
                items += [str(day) for day in range(first.day, last.day + 1)]
        month_name = date_format(date(year, month, 1), "M")
        parts.append(f"{_and_list(items)} {month_name}" + (f" {year}" if with_year else ""))
    return "; ".join(parts)


@dataclass
class AlertGroup:
    """Days that raised an alarm for the same thing; ``urgent_days`` those among them that
    called for urgent help. ``kind`` tells the template which one it is."""

    kind = ""
    with_year: bool = False
    days: list[date] = field(default_factory=list)
    urgent_days: list[date] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.days)

    @property
    def dates(self) -> str:
        return compact_dates(self.days, with_year=self.with_year)

    @property
    def urgent_dates(self) -> str:
        return compact_dates(self.urgent_days, with_year=self.with_year)

    @property
    def is_urgent(self) -> bool:
        return bool(self.urgent_days)


@dataclass
class SymptomGroup(AlertGroup):
    """One symptom's alert days: the worst grade, and each threshold they were judged by
    (the care team's own, a drug's rule or the rule for every drug)."""

    kind = "symptom"
    symptom: object = None
    worst: int = 0
    thresholds: list[Threshold] = field(default_factory=list)

    def add(self, report) -> None:
        self.days.append(report.date)
        if report.alarm.is_urgent:
            self.urgent_days.append(report.date)
        self.worst = max(self.worst, report.grade)
        if report.threshold not in self.thresholds:
            self.thresholds.append(report.threshold)


@dataclass
class SignGroup(AlertGroup):
    """A warning sign from a drug's label: every day it was ticked is urgent."""

    kind = "sign"
    sign: object = None

    def add(self, day: date) -> None:
        self.days.append(day)
        self.urgent_days.append(day)


@dataclass
class BloodPressureGroup(AlertGroup):
    """Readings at the alert level or above; urgent days at the crisis level. ``highest``
    is the reading with the highest upper number (then lower number)."""

    kind = "bp"
    highest: dict | None = None

    def add(self, reading: dict) -> None:
        self.days.append(reading["date"])
        if reading["crisis"]:
            self.urgent_days.append(reading["date"])
        key = (reading["systolic"], reading["diastolic"])
        if self.highest is None or key > (self.highest["systolic"], self.highest["diastolic"]):
            self.highest = reading


@dataclass
class ReportAlerts:
    """Every alert of the report's range, grouped: the groups with an urgent day apart."""

    urgent: list[AlertGroup]
    care_team: list[AlertGroup]

    def __bool__(self) -> bool:
        return bool(self.urgent or self.care_team)


def group_alerts(reports, ticked_signs, bp_readings, *, with_year: bool) -> ReportAlerts:
    """One group per symptom, warning sign and for blood pressure, in the urgent list if any
    of its days called for urgent help, else in the care-team list.

    ``reports``: symptom reports that raised an alarm (``NotableReport``: each with its
    ``date``, ``symptom``, ``alarm`` and ``threshold``), in date order.
    ``ticked_signs``: ``(date, warning sign)`` for each sign ticked (the sign with its
    ``drug``), in date order. ``bp_readings``: readings at the alert level or above, each
    ``date``, ``systolic``, ``diastolic`` and ``crisis``, in date order.
    """
    symptoms: dict[int, SymptomGroup] = {}
    for report in reports:
        symptoms.setdefault(
            report.symptom_id, SymptomGroup(symptom=report.symptom, with_year=with_year)
        ).add(report)
    signs: dict[int, SignGroup] = {}
    for day, sign in ticked_signs:
        signs.setdefault(sign.pk, SignGroup(sign=sign, with_year=with_year)).add(day)
    blood_pressure = BloodPressureGroup(with_year=with_year)
    for reading in bp_readings:
        blood_pressure.add(reading)

    groups = [
        *sorted(symptoms.values(), key=lambda group: (group.symptom.order, group.symptom.name)),
        *signs.values(),
        *([blood_pressure] if blood_pressure.days else []),
    ]
    return ReportAlerts(
        urgent=[group for group in groups if group.is_urgent],
        care_team=[group for group in groups if not group.is_urgent],
    )
