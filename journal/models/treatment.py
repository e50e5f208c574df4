"""Treatment periods: one drug at one dose and schedule, from a start date to an end date."""

import uuid
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from library.formatting import dose_label, drug_title, format_mg, schedule_label
from library.models import Drug

# Plausibility limits. They refuse typing slips (an extra zero), not unusual prescriptions:
# the largest GIST dose in use is imatinib 400 mg twice daily.
MAX_DOSE_MG = Decimal("2000")
MAX_INTAKES_PER_DAY = 4
MAX_CYCLE_DAYS = 90


class ChangeReason(models.TextChoices):
    FIRST = "first", "First treatment"
    SIDE_EFFECTS = "side_effects", "Side effects"
    PROGRESSION = "progression", "Progression"
    DOCTOR = "doctor", "Doctor's decision"
    OTHER = "other", "Other"


@dataclass(frozen=True)
class CycleDay:
    """Where a date falls in an on/off schedule: "day 23 of 42, on treatment"."""

    day: int  # 1-based day of the cycle
    length: int
    days_on: int
    days_off: int

    @property
    def is_on(self) -> bool:
        return self.day <= self.days_on

    @property
    def label(self) -> str:
        if self.is_on:
            return f"day {self.day} of {self.length}, on treatment"
        off_day = self.day - self.days_on
        if self.days_off % 7 == 0:
            return f"off week {(off_day - 1) // 7 + 1} of {self.days_off // 7}"
        return f"off day {off_day} of {self.days_off}"


def name_of_drug(drug: Drug | None, other_drug: str) -> str:
    """The library drug's name, or the one the patient typed for a drug it does not list."""
    return drug.name if drug is not None else other_drug


@dataclass(frozen=True)
class Regimen:
    """What a treatment period is of: the drug, the dose, how often, the on/off schedule and
    the maker. One definition of these fields, for the services, the form and the import."""

    drug: Drug | None
    dose_mg: Decimal
    intakes_per_day: int = 1
    days_on: int | None = None
    days_off: int | None = None
    maker: str = ""
    other_drug: str = ""  # a drug the library does not list, named by the patient

    @property
    def drug_name(self) -> str:
        return name_of_drug(self.drug, self.other_drug)

    @classmethod
    def of(cls, treatment: "Treatment") -> "Regimen":
        return cls(**{name: getattr(treatment, name) for name in cls.field_names()})

    @classmethod
    def field_names(cls) -> list[str]:
        return [field.name for field in fields(cls)]

    def values(self) -> dict:
        return {name: getattr(self, name) for name in self.field_names()}


class TreatmentQuerySet(models.QuerySet):
    def for_patient(self, patient):
        return self.filter(patient=patient)

    def on(self, day: date):
        """The period in force on ``day`` (at most one: periods never overlap).

        This is the rule, in SQL; ``Treatment.is_current_on`` is the same test in Python.
        ``day`` may be an ``OuterRef`` (``DayLogQuerySet.link_to_periods``).
        """
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)

    def in_force(self, patient, day: date) -> "Treatment | None":
        return self.for_patient(patient).on(day).first()

    def of_day(self, patient, day: date, log) -> "Treatment | None":
        """The period of ``day``, with its drug. A saved day (``log``, read with
        ``DayLog.objects.with_treatment()``) holds its own: every write that moves a period
        relinks its days (``DayLogQuerySet.link_to_periods``), and history and trends group
        by it. Only a day not logged yet (``log`` None) asks the periods: one query."""
        if log is not None:
            return log.treatment
        return self.select_related("drug").in_force(patient, day)

    def overlapping(self, starts_on: date, ends_on: date | None):
        qs = self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
        if ends_on is not None:
            qs = qs.filter(starts_on__lte=ends_on)
        return qs

    def open(self):
        """The period without an end date (at most one per patient)."""
        return self.filter(ends_on__isnull=True)


class Treatment(models.Model):
    """A period on one drug at one dose and schedule. Periods of a patient never overlap."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="treatments"
    )
    drug = models.ForeignKey(
        Drug,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for a drug the library does not list: “another drug” names it.",
    )
    other_drug = models.CharField(
        "another drug",
        max_length=100,
        blank=True,
        help_text="Its name, as on the pack, when it is not in the list.",
    )
    dose_mg = models.DecimalField(
        "dose (mg each time)",
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_DOSE_MG)],
    )
    intakes_per_day = models.PositiveSmallIntegerField(
        "times a day",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_INTAKES_PER_DAY)],
    )
    days_on = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CYCLE_DAYS)],
        help_text="Leave both empty if you take it every day.",
    )
    days_off = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_CYCLE_DAYS)]
    )
    maker = models.CharField(
        "brand or generic maker",
        max_length=100,
        blank=True,
        help_text="Optional. Some patients notice differences between makes.",
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    reason = models.CharField(
        "reason for this change", max_length=16, choices=ChangeReason, default=ChangeReason.FIRST
    )
    # Names the period in every export (FHIR MedicationStatement.identifier); kept on import.
    identifier = models.UUIDField(default=uuid.uuid4, editable=False)

    objects = TreatmentQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dose_mg__gt=0) & Q(dose_mg__lte=MAX_DOSE_MG),
                name="journal_treatment_dose_plausible",
            ),
            models.CheckConstraint(
                condition=Q(intakes_per_day__gte=1) & Q(intakes_per_day__lte=MAX_INTAKES_PER_DAY),
                name="journal_treatment_intakes_plausible",
            ),
            models.CheckConstraint(
                condition=(Q(days_on__isnull=True) & Q(days_off__isnull=True))
                | (
                    Q(days_on__gte=1)
                    & Q(days_on__lte=MAX_CYCLE_DAYS)
                    & Q(days_off__gte=1)
                    & Q(days_off__lte=MAX_CYCLE_DAYS)
                ),
                name="journal_treatment_schedule_continuous_or_cycled",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="journal_treatment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=ChangeReason.values), name="journal_treatment_reason_valid"
            ),
            models.CheckConstraint(
                condition=Q(drug__isnull=False, other_drug="")
                | (Q(drug__isnull=True) & ~Q(other_drug="")),
                name="journal_treatment_library_drug_or_another",
            ),
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(ends_on__isnull=True),
                name="journal_treatment_one_current_per_patient",
            ),
            models.UniqueConstraint(
                fields=["patient", "starts_on"], name="journal_treatment_one_start_per_day"
            ),
            models.UniqueConstraint(
                fields=["patient", "identifier"], name="journal_treatment_identifier_unique"
            ),
        ]
        # The (patient, starts_on) unique index serves "the period in force on a date".

    def __str__(self):
        return f"{self.dose_label} from {self.starts_on:%d %b %Y}"

    @property
    def is_continuous(self) -> bool:
        return self.days_on is None

    @property
    def cycle_length(self) -> int | None:
        return None if self.is_continuous else self.days_on + self.days_off

    @property
    def drug_name(self) -> str:
        """Queries the drug unless it was fetched with the period."""
        return name_of_drug(self.drug if self.drug_id else None, self.other_drug)

    @property
    def drug_key(self) -> int | str:
        """Tells two periods' drugs apart, library drug or not."""
        return self.drug_id or self.other_drug.casefold()

    @property
    def dose_label(self) -> str:
        """ "Sunitinib 50 mg once daily" """
        return dose_label(self.drug_name, self.dose_mg, self.intakes_per_day)

    @property
    def short_label(self) -> str:
        """ "Sunitinib 50 mg" for chart markers and tables."""
        return f"{drug_title(self.drug_name)} {format_mg(self.dose_mg)} mg"

    @property
    def schedule_label(self) -> str:
        return schedule_label(self.days_on, self.days_off)

    def is_current_on(self, day: date) -> bool:
        """Whether this period is the one in force on ``day`` (``TreatmentQuerySet.on``)."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def cycle_day(self, day: date) -> CycleDay | None:
        """Position of ``day`` in the on/off cycle, counted from the period's start.

        None for continuous schedules and for dates outside the period.
        """
        if self.is_continuous or not self.is_current_on(day):
            return None
        index = (day - self.starts_on).days % self.cycle_length
        return CycleDay(
            day=index + 1, length=self.cycle_length, days_on=self.days_on, days_off=self.days_off
        )

    def is_on_day(self, day: date) -> bool:
        """Whether the schedule says to take the drug on ``day`` (continuous: always)."""
        position = self.cycle_day(day)
        return position is None or position.is_on


def period_in_force(periods, day: date) -> Treatment | None:
    """Of one patient's ``periods`` in memory, the one in force on ``day``, if any."""
    return next((period for period in periods if period.is_current_on(day)), None)
