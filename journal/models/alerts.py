"""When a day calls for the care team, or for urgent help: the one place that decides.

Two levels, each from a cited rule:
- **Contact your care team today**: a symptom at or above its care-team grade (the
  library's ``AlertRule`` for the patient's drug that day, else for every drug; or the
  patient's own ``CareTeamThreshold``), or blood pressure at ``BP_ALERT``.
- **Get urgent help now**: grade 4 of a symptom for which CTCAE defines one (life-threatening),
  a warning sign from the drug's label ticked that day, or blood pressure at ``BP_CRISIS``.

``AlertRules.for_patient(patient)`` reads every rule the patient's days need in a fixed number
of queries; ``rules.of_day(log)`` then tells what one day calls for, without queries when the
log came with ``DayLog.objects.with_reports()``.
"""

from dataclasses import dataclass, field
from enum import IntEnum

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from journal.models.daylog import DayLog, Grade
from journal.models.treatment import Treatment
from library.cache import kept_symptoms, library_cached
from library.models import AlertRule, Symptom, WarningSign

# A symptom without any rule (a curator added it and no rule yet): the app's cautious point.
FALLBACK_CARE_TEAM_GRADE = Grade.SEVERE


class CareTeamThreshold(models.Model):
    """The grade from which a patient's own care team asked them to call, for one symptom.

    It replaces the library's rule for that symptom ("my team asked me to call at moderate
    diarrhoea"). It never changes the urgent level, and the clinic report lists it.
    """

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_team_thresholds"
    )
    symptom = models.ForeignKey(Symptom, on_delete=models.CASCADE, related_name="+")
    care_team_grade = models.PositiveSmallIntegerField(
        "call from",
        choices=[(grade.value, grade.label) for grade in Grade if grade != Grade.NONE],
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    note = models.CharField(
        "what your team said",
        max_length=200,
        blank=True,
        help_text="Optional, for example who said it and when.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["symptom__order", "symptom__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "symptom"], name="journal_threshold_one_per_symptom"
            ),
            models.CheckConstraint(
                condition=Q(care_team_grade__gte=1, care_team_grade__lte=4),
                name="journal_threshold_grade_1_to_4",
            ),
        ]

    def __str__(self):
        return f"{self.symptom}: call from {self.get_care_team_grade_display().lower()}"


class Alarm(IntEnum):
    NONE = 0
    CARE_TEAM = 1  # "Contact your care team today"
    URGENT = 2  # "Get urgent help now"

    # For templates, which cannot name the members.
    @property
    def is_urgent(self) -> bool:
        return self == Alarm.URGENT

    @property
    def is_care_team(self) -> bool:
        return self == Alarm.CARE_TEAM


@dataclass
class DayAlarms:
    """What one day calls for. ``urgent_symptoms`` and ``care_team_symptoms`` do not overlap:
    a symptom is listed at its highest level only."""

    log: DayLog
    urgent_symptoms: list[Symptom] = field(default_factory=list)
    care_team_symptoms: list[Symptom] = field(default_factory=list)
    warning_signs: list[WarningSign] = field(default_factory=list)
    # Each answer that raised something, in the day's order: (symptom, grade, alarm).
    raised: list[tuple[Symptom, int, Alarm]] = field(default_factory=list)

    def add(self, symptom: Symptom, grade: int, alarm: Alarm) -> None:
        """An answer and what it raised (nothing: not listed)."""
        if alarm == Alarm.URGENT:
            self.urgent_symptoms.append(symptom)
        elif alarm == Alarm.CARE_TEAM:
            self.care_team_symptoms.append(symptom)
        if alarm:
            self.raised.append((symptom, grade, alarm))

    @property
    def bp_crisis(self) -> bool:
        return self.log.bp_crisis

    @property
    def bp_alert(self) -> bool:
        """At the care-team level and below the crisis one (which says it all itself)."""
        return self.log.bp_alert and not self.log.bp_crisis

    @property
    def is_urgent(self) -> bool:
        return bool(self.urgent_symptoms or self.warning_signs or self.bp_crisis)

    @property
    def is_care_team(self) -> bool:
        return bool(self.care_team_symptoms or self.bp_alert)

    def __bool__(self) -> bool:
        return self.is_urgent or self.is_care_team

    def summary(self) -> list[tuple[str, bool]]:
        """What the day raised, in words, each with whether it meant urgent help: for a
        one-line list ("Diarrhoea severe; blood pressure 182/95")."""
        parts = [
            (f"{symptom.name} {Grade(grade).label.lower()}", alarm.is_urgent)
            for symptom, grade, alarm in self.raised
        ]
        parts += [(f"warning sign: {sign.text}", True) for sign in self.warning_signs]
        if self.log.bp_alert:
            reading = f"blood pressure {self.log.systolic}/{self.log.diastolic}"
            parts.append((reading, self.bp_crisis))
        return parts


@dataclass(frozen=True)
class Threshold:
    """Where a symptom's care-team grade comes from, for a patient on a drug: their own
    team's threshold, the drug's rule or the rule for every drug (``rule`` is None only for a
    symptom without any rule)."""

    grade: int
    rule: AlertRule | None = None
    own: CareTeamThreshold | None = None


def _every_alert_rule() -> list[AlertRule]:
    return list(AlertRule.objects.select_related("source", "drug", "symptom"))


class AlertRules:
    """Every alert rule one patient's days can need, read once: the patient's thresholds
    (one query), the library's rules (kept per library version), and the drugs of the
    patient's treatments when a day needs them and its treatment was not loaded with it.

    ``drug_of_treatment`` maps a treatment's id to its drug's; ``read_treatments`` returns
    that map for all the patient's treatments, called at most once, when a day needs one
    that is not there."""

    def __init__(self, *, rules, thresholds, drug_of_treatment, read_treatments=None):
        self.general = {rule.symptom_id: rule for rule in rules if rule.drug_id is None}
        self.by_drug = {(rule.symptom_id, rule.drug_id): rule for rule in rules if rule.drug_id}
        self.own = {threshold.symptom_id: threshold for threshold in thresholds}
        # Every symptom has a rule for every drug (the loader ships one each): its symptom,
        # fetched with it, says from which grade the symptom is urgent (Symptom.urgent_grade).
        self.urgent_grades = {rule.symptom_id: rule.symptom.urgent_grade for rule in rules}
        self.drug_of_treatment = dict(drug_of_treatment)
        self.read_treatments = read_treatments
        # (symptom id, drug id) -> Threshold: a page judges hundreds of answers against a
        # few dozen pairs (issue 17).
        self._thresholds: dict[tuple[int, int | None], Threshold] = {}

    @classmethod
    def for_patient(cls, patient, *, treatments=(), thresholds=None) -> "AlertRules":
        """The library's rules (kept per library version) and the patient's thresholds
        (``thresholds`` when the caller has read them already). A day's drug comes from its
        treatment when that was loaded with it, else from ``treatments`` (those the caller
        has at hand), else from one query for all the patient's treatments, made only then
        (``drug_on``)."""
        if thresholds is None:
            thresholds = list(CareTeamThreshold.objects.filter(patient=patient))
        return cls(
            rules=library_cached("alert_rules", _every_alert_rule),
            thresholds=thresholds,
            drug_of_treatment={treatment.pk: treatment.drug_id for treatment in treatments},
            read_treatments=lambda: dict(
                Treatment.objects.for_patient(patient).values_list("pk", "drug_id")
            ),
        )

    def threshold(self, symptom_id: int, drug_id: int | None) -> Threshold:
        """The patient's own threshold where they recorded one, else the library's (each
        pair worked out once)."""
        key = (symptom_id, drug_id)
        found = self._thresholds.get(key)
        if found is None:
            found = self._thresholds[key] = self._threshold(symptom_id, drug_id)
        return found

    def _threshold(self, symptom_id: int, drug_id: int | None) -> Threshold:
        library = self.library_threshold(symptom_id, drug_id)
        own = self.own.get(symptom_id)
        if own is not None:
            return Threshold(grade=own.care_team_grade, rule=library.rule, own=own)
        return library

    def library_threshold(self, symptom_id: int, drug_id: int | None) -> Threshold:
        """The drug's own rule, else the rule for every drug, else the fallback grade."""
        rule = self.by_drug.get((symptom_id, drug_id)) or self.general.get(symptom_id)
        if rule is not None:
            return Threshold(grade=rule.care_team_grade, rule=rule)
        return Threshold(grade=FALLBACK_CARE_TEAM_GRADE)

    def alarm(self, symptom_id: int, grade: int | None, drug_id: int | None) -> Alarm:
        if grade is None:
            return Alarm.NONE
        urgent = self.urgent_grades.get(symptom_id)
        if urgent is not None and grade >= urgent:
            return Alarm.URGENT
        if grade >= self.threshold(symptom_id, drug_id).grade:
            return Alarm.CARE_TEAM
        return Alarm.NONE

    def lowest_alarm_grades(self) -> dict[int, int]:
        """Per symptom with a rule or a threshold of the patient's, the lowest grade that can
        raise an alarm on any drug (a symptom missing here alarms from
        ``FALLBACK_CARE_TEAM_GRADE``): a per-symptom filter for long date ranges."""
        lowest: dict[int, int] = {}
        for rule in [*self.general.values(), *self.by_drug.values()]:
            lowest[rule.symptom_id] = min(
                lowest.get(rule.symptom_id, rule.care_team_grade), rule.care_team_grade
            )
        # The patient's own threshold replaces the library's rules for that symptom.
        lowest.update({symptom_id: own.care_team_grade for symptom_id, own in self.own.items()})
        for symptom_id, urgent in self.urgent_grades.items():
            if urgent is not None:
                lowest[symptom_id] = min(lowest.get(symptom_id, urgent), urgent)
        return lowest

    def drug_on(self, log: DayLog) -> int | None:
        if log.treatment_id is None:
            return None
        if DayLog.treatment.is_cached(log):  # loaded with the day: no query
            return log.treatment.drug_id
        return self.drug_of(log.treatment_id)

    def drug_of(self, treatment_id: int | None) -> int | None:
        """The drug of one of the patient's treatments (None: a day outside any)."""
        if treatment_id is None:
            return None
        if treatment_id not in self.drug_of_treatment and self.read_treatments:
            self.drug_of_treatment.update(self.read_treatments())
            self.read_treatments = None  # read once
        return self.drug_of_treatment.get(treatment_id)

    def of_day(self, log: DayLog | None) -> DayAlarms | None:
        """What the day calls for; each report is given ``alarm`` (an ``Alarm``) for the
        page that lists them. None for a day not logged."""
        if log is None:
            return None
        alarms = DayAlarms(log=log, warning_signs=list(log.warning_signs.all()))
        drug_id = self.drug_on(log)
        for report in log.reports.all():
            report.alarm = self.alarm(report.symptom_id, report.grade, drug_id)
            alarms.add(report.symptom, report.grade, report.alarm)
        return alarms

    def of_day_grades(self, log: DayLog, grades, warning_signs) -> DayAlarms:
        """``of_day`` from the day's ``(symptom id, grade)`` rows and its ticked
        ``warning_signs``, for a page that reads many days' answers as rows (the dashboard)
        rather than a report object each; the symptoms are the library's kept ones."""
        symptoms = kept_symptoms()
        alarms = DayAlarms(log=log, warning_signs=list(warning_signs))
        drug_id = self.drug_on(log)
        for symptom_id, grade in grades:
            alarms.add(symptoms[symptom_id], grade, self.alarm(symptom_id, grade, drug_id))
        return alarms
