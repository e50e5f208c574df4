"""Writes that touch several rows, each one keyword-only function inside a transaction."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.dateformat import format as format_date

from journal.models import (
    EARLIEST_DATE,
    INVITATION_VALID_FOR,
    AccessEvent,
    CareShare,
    ChangeReason,
    DayLog,
    DoseTaken,
    Profile,
    SymptomReport,
    Treatment,
    hash_token,
)
from library.models import Drug, Symptom

if TYPE_CHECKING:
    from journal.imports import ImportPreview  # imports journal.services itself

# --- Treatment and day log ------------------------------------------------------------------


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


@dataclass(frozen=True)
class ReportInput:
    """One symptom's answer on the day log form."""

    symptom: Symptom
    grade: int
    interference: int | None = None
    note: str = ""


@transaction.atomic
def daylog_save(
    *,
    patient,
    day: date,
    today: date,
    dose_taken: str = "",
    systolic: int | None = None,
    diastolic: int | None = None,
    weight_kg: Decimal | None = None,
    note: str = "",
    for_doctor: bool = False,
    reports: list[ReportInput] = (),
) -> DayLog:
    """Create or update the day's log and its symptom reports, all or nothing.

    Saving the same day again updates it. A fixed handful of queries whatever the number of
    symptoms: the reports are written in one upsert.
    """
    if day > today:
        raise ValidationError("You cannot log a day that has not happened yet.")
    if day < EARLIEST_DATE:
        raise ValidationError(f"A journal starts in {EARLIEST_DATE.year} at the earliest.")
    if dose_taken not in (*DoseTaken.values, ""):
        raise ValidationError({"dose_taken": "Choose one of the answers."})
    treatment = Treatment.objects.for_patient(patient).on(day).first()
    log, _ = DayLog.objects.update_or_create(
        patient=patient,
        date=day,
        defaults={
            "treatment": treatment,
            "dose_taken": dose_taken,
            "systolic": systolic,
            "diastolic": diastolic,
            "weight_kg": weight_kg,
            "note": note,
            "for_doctor": for_doctor,
        },
    )
    SymptomReport.objects.bulk_create(
        [
            SymptomReport(
                day=log,
                symptom=report.symptom,
                grade=report.grade,
                interference=report.interference,
                note=report.note,
            )
            for report in reports
        ],
        update_conflicts=True,
        unique_fields=["day", "symptom"],
        update_fields=["grade", "interference", "note"],
    )
    return log


# --- Sharing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Invitation:
    share: CareShare
    token: str  # shown to the patient once and emailed; only its hash is stored


@transaction.atomic
def careshare_invite(
    *, patient, invitee_name: str, invitee_email: str, can_see_notes: bool, now: datetime
) -> Invitation:
    """A new single-use invitation, valid for ``INVITATION_VALID_FOR`` from ``now``.

    Earlier invitations to the same address still waiting are withdrawn: inviting again is
    how a patient changes their mind (about notes, say), so an old link must not win later.
    """
    CareShare.objects.given_by(patient).pending(now).filter(
        invitee_email__iexact=invitee_email
    ).update(revoked_at=now)
    token = CareShare.new_token()
    share = CareShare.objects.create(
        patient=patient,
        invitee_name=invitee_name,
        invitee_email=invitee_email,
        can_see_notes=can_see_notes,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + INVITATION_VALID_FOR,
    )
    return Invitation(share=share, token=token)


def invitation_send(*, invitation: Invitation, link: str) -> None:
    """Email the link with the configured backend. Raises if the mail server refuses."""
    share = invitation.share
    patient_name = share.patient.get_full_name() or share.patient.get_username()
    send_mail(
        subject=f"{patient_name} invites you to follow their GIST Journal",
        message=render_to_string(
            "emails/invitation.txt",
            {"share": share, "patient_name": patient_name, "link": link},
        ),
        from_email=None,
        recipient_list=[share.invitee_email],
    )


class InvitationError(Exception):
    """Why an invitation link cannot be accepted: ``unknown``, ``expired``, ``used``,
    ``revoked`` or ``own`` (the patient's own link)."""

    def __init__(self, reason: str, share: CareShare | None = None):
        super().__init__(reason)
        self.reason = reason
        self.share = share


def invitation_check(*, share: CareShare | None, user, now: datetime) -> None:
    """Raise ``InvitationError`` unless ``user`` may accept ``share`` at ``now``."""
    if share is None:
        raise InvitationError("unknown")
    state = share.status(now)
    if state == "active":
        raise InvitationError("used", share)
    if state != "pending":
        raise InvitationError(state, share)
    if user is not None and share.patient_id == user.pk:
        raise InvitationError("own", share)


@transaction.atomic
def careshare_accept(*, token: str, user, now: datetime) -> CareShare:
    """Make ``user`` the caregiver of the invitation behind ``token``; the link is spent.

    A newer invitation from the same patient replaces an older share with the same person,
    so its "may read my notes" choice is the one in force.
    """
    share = CareShare.objects.with_token(token).select_related("patient").first()
    invitation_check(share=share, user=user, now=now)
    current = CareShare.objects.given_by(share.patient).received_by(user)
    if current.filter(created_at__gt=share.created_at).exists():
        # An older link must not replace a newer choice the patient made.
        raise InvitationError("revoked", share)
    current.update(revoked_at=now)  # at most one active share per patient and caregiver
    # The conditional update is the single-use guarantee: of two simultaneous accepts,
    # only one finds the invitation still open.
    accepted = (
        CareShare.objects.pending(now).filter(pk=share.pk).update(caregiver=user, accepted_at=now)
    )
    if not accepted:
        raise InvitationError("used", share)
    share.caregiver, share.accepted_at = user, now
    return share


def careshare_revoke(*, share: CareShare, now: datetime) -> CareShare:
    """End a share, or withdraw a pending invitation. Takes effect on the next request:
    every caregiver page looks the share up afresh."""
    if share.revoked_at is None:
        CareShare.objects.filter(pk=share.pk, revoked_at__isnull=True).update(revoked_at=now)
        share.revoked_at = now
    return share


# --- Export, import and account -------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    treatments: int
    days: int
    reports: int
    settings: bool


@transaction.atomic
def journal_import(*, patient, preview: "ImportPreview") -> ImportResult:
    """Apply a checked import preview (``journal.imports.parse_import``), all or nothing.

    What the preview counted as new is looked up again inside the transaction, so a double
    submit or a day logged meanwhile is skipped, never duplicated. Days and reports go in
    by bulk inserts of 500 rows; each period through ``treatment_start`` (overlap check and
    relinking of the days already in the journal).
    """
    if preview.problems:
        raise ValidationError("This file has problems to fix first; nothing was imported.")
    profile = Profile.objects.for_user(patient)
    _lock_journal(patient)
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

    existing_starts = set(
        Treatment.objects.for_patient(patient).values_list("starts_on", flat=True)
    )
    new_treatments = 0
    for plan in preview.treatments:
        if plan.values["starts_on"] in existing_starts:
            continue
        treatment_start(patient=patient, **plan.values)
        new_treatments += 1

    plans = preview.days
    if not plans:
        return ImportResult(new_treatments, 0, 0, applied_settings)
    first, last = plans[0].date, plans[-1].date
    existing_dates = set(days.between(first, last).values_list("date", flat=True))
    plans = [plan for plan in plans if plan.date not in existing_dates]
    # Periods never overlap, so the one in force on a date is the one whose range holds it.
    periods = list(Treatment.objects.for_patient(patient).order_by("starts_on"))

    def in_force(day):
        return next((t for t in periods if t.is_current_on(day)), None)

    DayLog.objects.bulk_create(
        [
            DayLog(patient=patient, date=plan.date, treatment=in_force(plan.date), **plan.values)
            for plan in plans
        ],
        batch_size=500,
    )
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
    return ImportResult(new_treatments, len(plans), len(reports), applied_settings)


def account_summary(user) -> dict[str, int]:
    """What deleting ``user`` removes with it, counted in the database (seven queries)."""
    return {
        "days": DayLog.objects.for_patient(user).count(),
        "reports": SymptomReport.objects.for_patient(user).count(),
        "treatments": Treatment.objects.for_patient(user).count(),
        "shares_given": CareShare.objects.given_by(user).count(),
        "shares_received": CareShare.objects.filter(caregiver=user).count(),
        "access_events": AccessEvent.objects.for_patient(user).count(),
        "views_made": AccessEvent.objects.filter(viewer=user).count(),
    }


@transaction.atomic
def account_delete(*, user) -> dict[str, int]:
    """Delete the account and everything it owns; return what was removed.

    The foreign keys cascade from the user: profile, treatments, days and their reports,
    the shares given and received, and the access log. Library rows are only referenced,
    never owned, so they stay.
    """
    summary = account_summary(user)
    user.delete()
    return summary
