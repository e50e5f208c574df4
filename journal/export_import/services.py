"""Keeping a file read for import until it is confirmed; applying its preview to the
journal, all or nothing."""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from journal.export_import.imports import ImportPreview
from journal.models import (
    PENDING_IMPORT_VALID_FOR,
    DayLog,
    PendingImport,
    Profile,
    SymptomMonth,
    SymptomReport,
    Treatment,
)
from journal.treatments.services import treatment_start


def pending_import_keep(
    *, owner, file_name: str, text: str, content: dict, now: datetime
) -> PendingImport:
    """Keep ``content`` (``read_import(text)``) for ``owner`` to preview and confirm, in place
    of any file they uploaded before: one pending import per person."""
    pending, _ = PendingImport.objects.update_or_create(
        owner=owner,
        defaults={
            "file_name": file_name[:100],
            "digest": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "content": content,
            "created_at": now,
            "expires_at": now + PENDING_IMPORT_VALID_FOR,
        },
    )
    return pending


@transaction.atomic
def pending_import_apply(*, pending: PendingImport, preview: "ImportPreview") -> "ImportResult":
    """Import ``preview`` (of ``pending``) into its owner's journal and forget the file, in
    one transaction: the file is gone exactly when its days are in."""
    result = journal_import(patient=pending.owner, preview=preview)
    PendingImport.objects.filter(pk=pending.pk).delete()
    return result


@dataclass(frozen=True)
class ImportResult:
    treatments: int
    days: int
    reports: int  # graded symptoms
    settings: bool
    unanswered: int = 0  # symptoms asked and left unanswered, imported as such

    @property
    def summary(self) -> str:
        """ "Imported 3 days with 12 symptom grades (2 not answered) and 1 treatment period." """
        counted = [
            (self.days, "day"),
            (self.reports, "symptom grade"),
            (self.treatments, "treatment period"),
        ]
        days, reports, treatments = (
            f"{count} {word}{'' if count == 1 else 's'}" for count, word in counted
        )
        unanswered = f" ({self.unanswered} not answered)" if self.unanswered else ""
        settings = ", and your settings" if self.settings else ""
        return f"Imported {days} with {reports}{unanswered} and {treatments}{settings}."


def _free_identifier(identifier: uuid.UUID | None, taken: set) -> uuid.UUID:
    """The file's identifier for a row, unless this journal already uses it (the same file
    edited and imported again, or one id written twice): then a new one. Added to ``taken``."""
    if identifier is None or identifier in taken:
        identifier = uuid.uuid4()
    taken.add(identifier)
    return identifier


@transaction.atomic
def journal_import(*, patient, preview: "ImportPreview") -> ImportResult:
    """Apply a checked import preview (``journal.export_import.imports.parse_import``), all or nothing.

    What the preview counted as new is looked up again inside the transaction, so a double
    submit or a day logged meanwhile is skipped, never duplicated. Days and reports go in
    by bulk inserts of 500 rows, and their months are added up once (``SymptomMonth``); each
    period through ``treatment_start`` (overlap check and relinking of the days already in
    the journal).
    """
    if preview.problems:
        raise ValidationError("This file has problems to fix first; nothing was imported.")
    profile = Profile.objects.for_user(patient)
    Profile.objects.lock_journal(patient)
    days = DayLog.objects.for_patient(patient)
    applied_settings = False
    if (
        preview.settings
        and not days.exists()
        and not Treatment.objects.for_patient(patient).exists()
    ):
        tracked = preview.settings.get("tracked_symptoms")
        for name, value in preview.settings.items():
            if name != "tracked_symptoms":
                setattr(profile, name, value)
        profile.save()
        if tracked is not None:
            profile.tracked_symptoms.set(tracked)
        applied_settings = True

    periods = Treatment.objects.for_patient(patient)
    existing_starts = set(periods.values_list("starts_on", flat=True))
    taken = set(periods.values_list("identifier", flat=True))
    new_treatments = 0
    for plan in preview.treatments:
        if plan.values["starts_on"] in existing_starts:
            continue
        identifier = _free_identifier(plan.values.get("identifier"), taken)
        treatment_start(patient=patient, **{**plan.values, "identifier": identifier})
        new_treatments += 1

    plans = preview.days
    if not plans:
        return ImportResult(new_treatments, 0, 0, applied_settings)
    first, last = plans[0].date, plans[-1].date
    existing_dates = set(days.between(first, last).values_list("date", flat=True))
    plans = [plan for plan in plans if plan.date not in existing_dates]
    taken = set(days.values_list("identifier", flat=True))
    DayLog.objects.bulk_create(
        [
            DayLog(
                patient=patient,
                date=plan.date,
                identifier=_free_identifier(plan.identifier, taken),
                **plan.values,
            )
            for plan in plans
        ],
        batch_size=500,
    )
    days.between(first, last).link_to_periods()
    # Read the new ids back by date: not every database returns them from a bulk insert.
    ids = dict(days.between(first, last).values_list("date", "id"))
    reports = [
        SymptomReport(
            day_id=ids[plan.date],
            symptom=report.symptom,
            grade=report.grade,
            interference=report.interference,
            note=report.note,
        )
        for plan in plans
        for report in plan.reports
    ]
    SymptomReport.objects.bulk_create(reports, batch_size=500)
    SymptomMonth.objects.refresh(patient, first, last)
    DayLog.warning_signs.through.objects.bulk_create(
        [
            DayLog.warning_signs.through(daylog_id=ids[plan.date], warningsign_id=sign.pk)
            for plan in plans
            for sign in plan.warning_signs
        ],
        batch_size=500,
    )
    unanswered = sum(report.grade is None for report in reports)
    return ImportResult(
        new_treatments, len(plans), len(reports) - unanswered, applied_settings, unanswered
    )
