"""Writes to treatment periods: start, change, stop; each keeps the days' stored period right,
and the monthly figures added up by period (``SymptomMonth``)."""

import uuid
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from journal.models import (
    ChangeReason,
    DayLog,
    Profile,
    Regimen,
    SymptomMonth,
    Treatment,
)
from library.formatting import short_date


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
        until = short_date(clash.ends_on) if clash.ends_on else "now"
        raise ValidationError(
            {
                "starts_on": f"This overlaps your {clash.short_label} period "
                f"({short_date(clash.starts_on)} to {until}). Periods cannot overlap."
            }
        )


@transaction.atomic
def treatment_start(
    *,
    patient,
    regimen: Regimen,
    starts_on: date,
    ends_on: date | None = None,
    reason: str = ChangeReason.FIRST,
    identifier: uuid.UUID | None = None,
) -> Treatment:
    """Record a period that touches no other: a first treatment, a restart, or a past one.

    ``identifier``: the one an imported file gave the period (else a new one is made).
    """
    Profile.objects.lock_journal(patient)
    _refuse_overlap(patient=patient, starts_on=starts_on, ends_on=ends_on)
    treatment = Treatment.objects.create(
        patient=patient,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        identifier=identifier or uuid.uuid4(),
        **regimen.values(),
    )
    if DayLog.objects.for_patient(patient).between(starts_on, ends_on).link_to_periods():
        # Their months are added up per period: the days now count under this one.
        SymptomMonth.objects.refresh(patient, starts_on, ends_on)
    return treatment


@transaction.atomic
def treatment_change(*, patient, regimen: Regimen, starts_on: date, reason: str) -> Treatment:
    """End the open period the day before ``starts_on`` and start the next one from there.

    A change from the very day the current period started corrects that period instead (a
    wrong dose entered this morning), keeping the reason it started for.
    """
    Profile.objects.lock_journal(patient)
    current = Treatment.objects.for_patient(patient).open().select_for_update().first()
    if current is None:
        raise ValidationError("There is no current treatment to change.")
    if starts_on == current.starts_on:
        if regimen == Regimen.of(current):
            raise ValidationError("That is the treatment you already have: nothing to change.")
        for name, value in regimen.values().items():
            setattr(current, name, value)
        current.save()
        return current
    if starts_on <= current.starts_on:
        raise ValidationError(
            {
                "starts_on": "The new treatment must start after the current one "
                f"(which started on {short_date(current.starts_on)})."
            }
        )
    current.ends_on = starts_on - timedelta(days=1)
    current.save(update_fields=["ends_on"])
    return treatment_start(patient=patient, regimen=regimen, starts_on=starts_on, reason=reason)


@transaction.atomic
def treatment_stop(*, treatment: Treatment, ends_on: date) -> Treatment:
    """End an open period on ``ends_on`` (the last day taken); later days lose their link."""
    if ends_on < treatment.starts_on:
        raise ValidationError(
            {"ends_on": f"It cannot end before it started ({short_date(treatment.starts_on)})."}
        )
    treatment.ends_on = ends_on
    treatment.save(update_fields=["ends_on"])
    later = DayLog.objects.for_patient(treatment.patient_id).between(ends_on + timedelta(1), None)
    if later.link_to_periods():
        SymptomMonth.objects.refresh(treatment.patient_id, ends_on + timedelta(1), None)
    return treatment
