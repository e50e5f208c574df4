"""Writes to treatment periods: start, change, stop; each keeps the days' stored period right."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateformat import format as format_date

from journal.models import (
    ChangeReason,
    DayLog,
    Profile,
    Treatment,
)
from library.models import Drug


def _day(day: date) -> str:
    return format_date(day, "j M Y")


def _relink_day_logs(*, patient, starts_on: date, ends_on: date | None, treatment) -> None:
    """Point the stored ``DayLog.treatment`` of days in the range at ``treatment``.

    The day log stores the period in force so that history and trends group without a
    date-range join; every change to a period's dates must therefore re-derive it.
    """
    DayLog.objects.for_patient(patient).between(starts_on, ends_on).update(treatment=treatment)


def _lock_journal(patient) -> None:
    """Serialise writes to one patient's journal for the rest of the transaction.

    Checks such as "does this period overlap?" or "is this day new?" read before they write;
    on PostgreSQL two identical requests at once (a double tap on Save) could otherwise both
    pass and the second fail on a constraint. SQLite's IMMEDIATE transactions already do this.
    """
    list(Profile.objects.select_for_update().filter(user=patient).values_list("pk"))


def _refuse_overlap(*, patient, starts_on: date, ends_on: date | None, exclude=None) -> None:
    clash = (
        Treatment.objects.for_patient(patient)
        .overlapping(starts_on, ends_on)
        .select_related("drug")
    )
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    clash = clash.first()
    if clash is not None:
        until = _day(clash.ends_on) if clash.ends_on else "now"
        raise ValidationError(
            {
                "starts_on": f"This overlaps your {clash.short_label} period "
                f"({_day(clash.starts_on)} to {until}). Periods cannot overlap."
            }
        )


@transaction.atomic
def treatment_start(
    *,
    patient,
    drug: Drug,
    dose_mg: Decimal,
    intakes_per_day: int,
    days_on: int | None,
    days_off: int | None,
    starts_on: date,
    ends_on: date | None = None,
    maker: str = "",
    reason: str = ChangeReason.FIRST,
) -> Treatment:
    """Record a period that touches no other: a first treatment, a restart, or a past one."""
    _lock_journal(patient)
    _refuse_overlap(patient=patient, starts_on=starts_on, ends_on=ends_on)
    treatment = Treatment.objects.create(
        patient=patient,
        drug=drug,
        dose_mg=dose_mg,
        intakes_per_day=intakes_per_day,
        days_on=days_on,
        days_off=days_off,
        starts_on=starts_on,
        ends_on=ends_on,
        maker=maker,
        reason=reason,
    )
    _relink_day_logs(patient=patient, starts_on=starts_on, ends_on=ends_on, treatment=treatment)
    return treatment


@transaction.atomic
def treatment_change(
    *,
    patient,
    drug: Drug,
    dose_mg: Decimal,
    intakes_per_day: int,
    days_on: int | None,
    days_off: int | None,
    starts_on: date,
    reason: str,
    maker: str = "",
) -> Treatment:
    """End the open period the day before ``starts_on`` and start the next one from there.

    A change from the very day the current period started corrects that period instead (a
    wrong dose entered this morning), keeping the reason it started for.
    """
    _lock_journal(patient)
    current = Treatment.objects.for_patient(patient).open().select_for_update().first()
    if current is None:
        raise ValidationError("There is no current treatment to change.")
    if starts_on == current.starts_on:
        correction = {
            "drug": drug,
            "dose_mg": dose_mg,
            "intakes_per_day": intakes_per_day,
            "days_on": days_on,
            "days_off": days_off,
            "maker": maker,
        }
        if all(getattr(current, name) == value for name, value in correction.items()):
            raise ValidationError("That is the treatment you already have: nothing to change.")
        for name, value in correction.items():
            setattr(current, name, value)
        current.save()
        return current
    if starts_on <= current.starts_on:
        raise ValidationError(
            {
                "starts_on": "The new treatment must start after the current one "
                f"(which started on {_day(current.starts_on)})."
            }
        )
    current.ends_on = starts_on - timedelta(days=1)
    current.save(update_fields=["ends_on"])
    return treatment_start(
        patient=patient,
        drug=drug,
        dose_mg=dose_mg,
        intakes_per_day=intakes_per_day,
        days_on=days_on,
        days_off=days_off,
        starts_on=starts_on,
        maker=maker,
        reason=reason,
    )


@transaction.atomic
def treatment_stop(*, treatment: Treatment, ends_on: date) -> Treatment:
    """End an open period on ``ends_on`` (the last day taken); later days lose their link."""
    if ends_on < treatment.starts_on:
        raise ValidationError(
            {"ends_on": f"It cannot end before it started ({_day(treatment.starts_on)})."}
        )
    treatment.ends_on = ends_on
    treatment.save(update_fields=["ends_on"])
    _relink_day_logs(
        patient=treatment.patient_id,
        starts_on=ends_on + timedelta(days=1),
        ends_on=None,
        treatment=None,
    )
    return treatment
