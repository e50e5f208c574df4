"""The periodic pass: send the reminders and digests that are due, then remove what expired.

Every email is claimed in the database before it is sent (``EmailClaim``), each claim in its
own transaction: two senders running at once both see an email due, only one inserts its
claim, and the other moves on. A send that fails gives its claim back, so the next pass
tries again (the same day only: what is due is decided afresh each pass).

No email carries health data: the templates get names, dates, counts and links, nothing else.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import import_module
from smtplib import SMTPException

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from journal.models import (
    DIGEST_DAYS,
    EMAIL_CLAIMS_KEPT_FOR,
    AlertRules,
    DailyReminder,
    DayLog,
    DigestSubscription,
    DueDigest,
    DueReminder,
    EmailClaim,
    EmailKind,
    PendingImport,
    display_name,
    week_of,
)
from journal.sharing.services import email_name

logger = logging.getLogger(__name__)

# Tokens signed for unsubscribing can be used for nothing else (and no other signed value
# of the site's can be used here).
UNSUBSCRIBE_SALT = "journal.reminders.unsubscribe"


def site_link(name: str, *args) -> str:
    """An absolute link built on DJANGO_SITE_URL, never on a request's Host header."""
    return settings.SITE_URL + reverse(name, args=args)


# --- Unsubscribing ---------------------------------------------------------------------------


def unsubscribe_token(kind: str, pk: int) -> str:
    """A signed token naming exactly one subscription: a ``DailyReminder`` or a
    ``DigestSubscription``. It does not expire: an old email's link must still work."""
    return signing.dumps([kind, pk], salt=UNSUBSCRIBE_SALT)


def unsubscribe_read(token: str) -> tuple[str, int]:
    """``(kind, pk)`` of the token; ``signing.BadSignature`` if it was not signed by us."""
    value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    match value:
        case [str(kind), int(pk)] if kind in EmailKind.values:
            return kind, pk
    raise signing.BadSignature("Not an unsubscribe token.")


def subscription_is_on(kind: str, pk: int) -> bool:
    if kind == EmailKind.REMINDER:
        return DailyReminder.objects.filter(pk=pk, is_on=True).exists()
    return DigestSubscription.objects.filter(pk=pk).exists()


def subscription_stop(*, kind: str, pk: int) -> bool:
    """Turn off the one subscription named; True if it was on. Touches nothing else."""
    if kind == EmailKind.REMINDER:
        return DailyReminder.objects.filter(pk=pk, is_on=True).update(is_on=False) == 1
    deleted, _ = DigestSubscription.objects.filter(pk=pk).delete()
    return deleted > 0


def _unsubscribe_headers(link: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058: mail programs offer their own "unsubscribe" button, which POSTs
    ``List-Unsubscribe=One-Click`` to the link."""
    return {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


# --- Subscribing -----------------------------------------------------------------------------


@transaction.atomic
def digest_subscribe(*, share, weekday: int | None) -> DigestSubscription | None:
    """The caregiver's weekly digest for ``share`` on ``weekday`` (0 is Monday), or none."""
    if weekday is None:
        DigestSubscription.objects.filter(share=share).delete()
        return None
    subscription, _ = DigestSubscription.objects.update_or_create(
        share=share, defaults={"weekday": weekday}
    )
    return subscription


# --- Emails ----------------------------------------------------------------------------------


def reminder_email(due: DueReminder, *, connection=None) -> EmailMessage:
    reminder = due.reminder
    unsubscribe = site_link(
        "journal:unsubscribe", unsubscribe_token(EmailKind.REMINDER, reminder.pk)
    )
    context = {
        "name": email_name(display_name(reminder.patient)),
        "day": due.day,
        "day_link": site_link("journal:day", due.day.isoformat()),
        "settings_link": site_link("journal:settings"),
        "unsubscribe_link": unsubscribe,
    }
    return EmailMessage(
        subject=f"{due.day:%A} {due.day.day} {due.day:%B}: not logged yet in your GIST Journal",
        body=render_to_string("emails/reminder.txt", context),
        to=[reminder.patient.email],
        headers=_unsubscribe_headers(unsubscribe),
        connection=connection,
    )


def digest_counts(*, patient, first_day: date, last_day: date) -> dict[str, int]:
    """How many of the days were logged, and how many of those raised an alert (either
    level): counts only. Six queries, whatever the journal's length."""
    logs = list(DayLog.objects.for_patient(patient).between(first_day, last_day).with_reports())
    rules = AlertRules.for_patient(patient)
    return {"logged": len(logs), "alerts": sum(1 for log in logs if rules.of_day(log))}


def digest_email(due: DueDigest, *, connection=None) -> EmailMessage:
    subscription = due.subscription
    share = subscription.share
    unsubscribe = site_link(
        "journal:unsubscribe", unsubscribe_token(EmailKind.DIGEST, subscription.pk)
    )
    patient_name = email_name(display_name(share.patient))
    context = {
        "name": email_name(display_name(share.caregiver)),
        "patient_name": patient_name,
        "first_day": due.first_day,
        "last_day": due.last_day,
        "days": DIGEST_DAYS,
        **digest_counts(patient=share.patient, first_day=due.first_day, last_day=due.last_day),
        "journal_link": site_link("care:dashboard", share.pk),
        "care_link": site_link("care:index"),
        "unsubscribe_link": unsubscribe,
    }
    return EmailMessage(
        subject=f"Your weekly summary of {patient_name}'s GIST Journal",
        body=render_to_string("emails/digest.txt", context),
        to=[share.caregiver.email],
        headers=_unsubscribe_headers(unsubscribe),
        connection=connection,
    )


# --- Sending ---------------------------------------------------------------------------------


def email_claim(*, kind: str, recipient, period: date, now: datetime, share=None):
    """Claim one email for this sender; None if another sender (or an earlier pass) has it.

    Its own transaction, committed before the email is sent, so a second sender's insert
    fails on the unique constraint (on PostgreSQL it waits for the first to commit).
    """
    try:
        with transaction.atomic():
            return EmailClaim.objects.create(
                kind=kind, recipient=recipient, share=share, period=period, claimed_at=now
            )
    except IntegrityError:
        return None


def _send(message: EmailMessage, claim: EmailClaim) -> bool:
    try:
        message.send()
    except (SMTPException, OSError):
        # Logged without the address or the text: which kind and which claim is enough.
        logger.exception(
            "Sending the %s of claim %s failed; the next pass tries again", claim.kind, claim.pk
        )
        claim.delete()
        return False
    return True


@dataclass
class PassSummary:
    reminders: int = 0
    digests: int = 0
    failed: int = 0
    removed: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        removed = ", ".join(f"{count} {what}" for what, count in self.removed.items())
        return (
            f"sent {self.reminders} reminder(s) and {self.digests} digest(s), "
            f"{self.failed} failed; removed {removed}; expired sessions cleared"
        )


def reminders_send(*, due: list[DueReminder], now: datetime, connection, summary: PassSummary):
    for item in due:
        claim = email_claim(
            kind=EmailKind.REMINDER, recipient=item.reminder.patient, period=item.day, now=now
        )
        if claim is None:
            continue
        if _send(reminder_email(item, connection=connection), claim):
            summary.reminders += 1
        else:
            summary.failed += 1


def digests_send(*, due: list[DueDigest], now: datetime, connection, summary: PassSummary):
    for item in due:
        share = item.subscription.share
        claim = email_claim(
            kind=EmailKind.DIGEST,
            recipient=share.caregiver,
            share=share,
            period=week_of(item.day),
            now=now,
        )
        if claim is None:
            continue
        if _send(digest_email(item, connection=connection), claim):
            summary.digests += 1
        else:
            summary.failed += 1


def _deleted(queryset) -> int:
    """Rows of the queryset's own model deleted (not those that went with them)."""
    _, per_model = queryset.delete()
    return per_model.get(queryset.model._meta.label, 0)


def expired_remove(*, now: datetime) -> dict[str, int]:
    """The app's periodic clean-up; what it removed, per kind.

    - sessions past their expiry, as ``manage.py clearsessions`` does (not counted: the
      session engine does not say);
    - pending imports past their expiry (an hour);
    - django-axes' log-in records (username, address, browser) older than
      ``LOGIN_RECORDS_KEPT_FOR``, never shorter than the lock-out's cool-off (settings);
    - email claims older than ``EMAIL_CLAIMS_KEPT_FOR``: only today's and this week's are read.
    """
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    login_limit = now - settings.LOGIN_RECORDS_KEPT_FOR
    return {
        "pending imports": PendingImport.objects.remove_expired(now),
        "log-in records": sum(
            _deleted(model.objects.filter(attempt_time__lt=login_limit))
            for model in (AccessAttempt, AccessLog, AccessFailureLog)
        ),
        "email claims": _deleted(
            EmailClaim.objects.older_than((now - EMAIL_CLAIMS_KEPT_FOR).date())
        ),
    }


def periodic_pass(*, now: datetime) -> PassSummary:
    """One pass of ``send_reminders``: what is due at ``now`` is sent, then the clean-up.

    A fixed number of queries, plus a fixed number per email sent (its claim, and for a digest
    the counts); patients with nothing due cost none.
    """
    summary = PassSummary()
    connection = get_connection()
    reminders_send(
        due=DailyReminder.objects.due(now), now=now, connection=connection, summary=summary
    )
    digests_send(
        due=DigestSubscription.objects.due(now), now=now, connection=connection, summary=summary
    )
    summary.removed = expired_remove(now=now)
    return summary
