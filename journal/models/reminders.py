"""Emails that bring people back: a patient's daily reminder, a caregiver's weekly digest,
and the claim that makes each of them go out at most once.

Neither email carries health data: only the names people chose, counts and links.

"Due" is decided here, from a ``now`` passed in, against the recipient's own wall clock:
a reminder set for 02:30 on the night the clocks skip from 02:00 to 03:00 is due at 03:00,
the first moment the clock shows a time at or after 02:30; on the night 01:30 happens twice,
it is due the first time (and claimed, so never again that day).
"""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from journal.models.daylog import DayLog
from journal.models.sharing import CareShare

DEFAULT_REMINDER_TIME = time(20, 0)
# A digest goes out on the caregiver's chosen weekday from this time, their time zone.
DIGEST_TIME = time(8, 0)
# The days a digest counts: the seven before the day it is sent.
DIGEST_DAYS = 7
# Claims are read for today (or this week) only; older ones just wait for the clean-up.
EMAIL_CLAIMS_KEPT_FOR = timedelta(days=14)


def _local(now: datetime, time_zone: str) -> datetime:
    return now.astimezone(zoneinfo.ZoneInfo(time_zone))


def _time_zone_of(user) -> str:
    """The person's time zone from their journal settings (loaded with them), else the site's."""
    profile = getattr(user, "journal_profile", None)
    return profile.time_zone if profile is not None else settings.TIME_ZONE


def week_of(day: date) -> date:
    """The Monday of ``day``'s week: the period a digest is claimed for."""
    return day - timedelta(days=day.weekday())


class EmailKind(models.TextChoices):
    REMINDER = "reminder", "Daily reminder"
    DIGEST = "digest", "Weekly digest"


class DailyReminderQuerySet(models.QuerySet):
    def switched_on(self):
        """Reminders that are on, for a patient who can receive them."""
        return self.filter(is_on=True, patient__is_active=True).exclude(patient__email="")

    def due(self, now: datetime) -> list["DueReminder"]:
        """The reminders to send at ``now``: switched on, their time reached on the patient's
        own clock today, that day not logged, and no reminder claimed for it yet.

        One query whatever the number of patients: at any instant every patient's "today" is
        one of three dates around the UTC date, so whether each of those is logged or claimed
        comes along as an ``EXISTS``, and the wall-clock comparison is done here.
        """
        utc_day = now.astimezone(zoneinfo.ZoneInfo("UTC")).date()
        days = [utc_day + timedelta(days=offset) for offset in (-1, 0, 1)]
        flags = {}
        for n, day in enumerate(days):
            flags[f"logged_{n}"] = models.Exists(
                DayLog.objects.filter(patient=models.OuterRef("patient"), date=day)
            )
            flags[f"claimed_{n}"] = models.Exists(
                EmailClaim.objects.filter(
                    kind=EmailKind.REMINDER, recipient=models.OuterRef("patient"), period=day
                )
            )
        due = []
        for reminder in (
            self.switched_on().select_related("patient__journal_profile").annotate(**flags)
        ):
            local = _local(now, _time_zone_of(reminder.patient))
            n = days.index(local.date())
            if (
                local.time() >= reminder.local_time
                and not getattr(reminder, f"logged_{n}")
                and not getattr(reminder, f"claimed_{n}")
            ):
                due.append(DueReminder(reminder=reminder, day=local.date()))
        return due


class DailyReminder(models.Model):
    """A patient's wish to be emailed when a day is not logged by a time of their choosing.

    The row stays when switched off, so the settings page remembers the time.
    """

    patient = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="daily_reminder"
    )
    is_on = models.BooleanField(default=False)
    local_time = models.TimeField(default=DEFAULT_REMINDER_TIME)

    objects = DailyReminderQuerySet.as_manager()

    def __str__(self):
        state = f"at {self.local_time:%H:%M}" if self.is_on else "off"
        return f"Daily reminder of {self.patient}: {state}"


@dataclass(frozen=True)
class DueReminder:
    reminder: DailyReminder
    day: date  # the patient's date it reminds of


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class DigestSubscriptionQuerySet(models.QuerySet):
    def deliverable(self):
        """Subscriptions whose share is active, whose patient allows the digest, and whose
        caregiver can receive email. A revoked share or a withdrawn permission stops it."""
        return self.filter(
            share__in=CareShare.objects.active().filter(allows_digest=True),
            share__caregiver__is_active=True,
        ).exclude(share__caregiver__email="")

    def due(self, now: datetime) -> list["DueDigest"]:
        """The digests to send at ``now``: deliverable, on the chosen weekday of the
        caregiver's own clock from ``DIGEST_TIME``, none claimed for that week yet (one query).
        """
        utc_day = now.astimezone(zoneinfo.ZoneInfo("UTC")).date()
        weeks = sorted({week_of(utc_day + timedelta(days=offset)) for offset in (-1, 0, 1)})
        flags = {
            f"claimed_{n}": models.Exists(
                EmailClaim.objects.filter(
                    kind=EmailKind.DIGEST, share=models.OuterRef("share"), period=week
                )
            )
            for n, week in enumerate(weeks)
        }
        due = []
        subscriptions = self.deliverable().select_related(
            "share__patient", "share__caregiver__journal_profile"
        )
        for subscription in subscriptions.annotate(**flags):
            local = _local(now, _time_zone_of(subscription.share.caregiver))
            n = weeks.index(week_of(local.date()))
            if (
                local.weekday() == subscription.weekday
                and local.time() >= DIGEST_TIME
                and not getattr(subscription, f"claimed_{n}")
            ):
                due.append(DueDigest(subscription=subscription, day=local.date()))
        return due


class DigestSubscription(models.Model):
    """A caregiver's wish for a weekly email about one patient they follow, on a weekday.

    Deleted to opt out, with the share, and when the patient stops allowing it.
    """

    share = models.OneToOneField(CareShare, on_delete=models.CASCADE, related_name="digest")
    weekday = models.PositiveSmallIntegerField(choices=Weekday)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DigestSubscriptionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6),
                name="journal_digestsubscription_weekday_valid",
            ),
        ]

    def __str__(self):
        return f"Weekly digest on {self.get_weekday_display()} for {self.share}"


@dataclass(frozen=True)
class DueDigest:
    subscription: DigestSubscription
    day: date  # the caregiver's date it is sent on

    @property
    def first_day(self) -> date:
        return self.day - timedelta(days=DIGEST_DAYS)

    @property
    def last_day(self) -> date:
        return self.day - timedelta(days=1)


class EmailClaimQuerySet(models.QuerySet):
    def older_than(self, day: date):
        return self.filter(period__lt=day)


class EmailClaim(models.Model):
    """One reminder (a patient's date) or one digest (a share's week), claimed by the sender
    before the email goes out. The unique constraints are the guarantee: of two senders
    running at once, only one can insert the claim, and only that one sends."""

    kind = models.CharField(max_length=10, choices=EmailKind)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    share = models.ForeignKey(CareShare, on_delete=models.CASCADE, null=True, related_name="+")
    # A reminder's date on the patient's calendar; the Monday of a digest's week.
    period = models.DateField()
    claimed_at = models.DateTimeField()

    objects = EmailClaimQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EmailKind.values), name="journal_emailclaim_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind=EmailKind.REMINDER, share__isnull=True)
                | Q(kind=EmailKind.DIGEST, share__isnull=False),
                name="journal_emailclaim_share_for_digest_only",
            ),
            models.UniqueConstraint(
                fields=["recipient", "period"],
                condition=Q(kind=EmailKind.REMINDER),
                name="journal_emailclaim_one_reminder_a_day",
            ),
            models.UniqueConstraint(
                fields=["share", "period"],
                condition=Q(kind=EmailKind.DIGEST),
                name="journal_emailclaim_one_digest_a_week",
            ),
        ]
        indexes = [
            # The clean-up's "claims older than two weeks".
            models.Index(fields=["period"], name="journal_emailclaim_period"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient} ({self.period})"
