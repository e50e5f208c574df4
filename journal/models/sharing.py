"""Read-only shares of a journal with caregivers, and the record of every caregiver view."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

INVITATION_VALID_FOR = timedelta(days=7)


def hash_token(token: str) -> str:
    """Invitation tokens are stored hashed: a database leak must not hand out live links."""
    return hashlib.sha256(token.encode()).hexdigest()


class ShareState(models.TextChoices):
    """Where a share is in its life, worked out from its timestamps (never stored)."""

    PENDING = "pending", "Invitation waiting"
    ACTIVE = "active", "Shared"
    REVOKED = "revoked", "Stopped"
    EXPIRED = "expired", "Invitation expired"


class CareShareQuerySet(models.QuerySet):
    def active(self):
        return self.filter(accepted_at__isnull=False, revoked_at__isnull=True)

    def given_by(self, patient):
        """Every share the patient gave, in any state (``.active()`` narrows)."""
        return self.filter(patient=patient)

    def received_by(self, caregiver):
        """Every share the caregiver accepted, in any state (``.active()`` narrows)."""
        return self.filter(caregiver=caregiver)

    def pending(self, now):
        """Invitations that can still be accepted."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)

    def for_token(self, token: str):
        return self.filter(token_hash=hash_token(token))

    def with_state(self, now):
        """Annotate ``state``: the same answer as ``CareShare.state(now)``, in SQL."""
        return self.annotate(
            state=Case(
                When(revoked_at__isnull=False, then=Value(ShareState.REVOKED)),
                When(accepted_at__isnull=False, then=Value(ShareState.ACTIVE)),
                When(expires_at__lte=now, then=Value(ShareState.EXPIRED)),
                default=Value(ShareState.PENDING),
                output_field=models.CharField(),
            )
        )


class CareShare(models.Model):
    """A patient's read-only share of their journal with one caregiver.

    Life cycle: invited (token emailed) → accepted (caregiver set) → revoked. An invitation
    expires after ``INVITATION_VALID_FOR`` and can be accepted once.
    """

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shares_given"
    )
    caregiver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="shares_received",
    )
    invitee_name = models.CharField("their name", max_length=100)
    invitee_email = models.EmailField("their email")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    can_see_notes = models.BooleanField(
        "may read my notes", default=False, help_text="Off: your notes stay private."
    )
    # Off until the patient says so on the sharing page: the caregiver may then ask for a weekly
    # email of counts (days logged, days that raised an alert), never what was recorded.
    allows_digest = models.BooleanField("may get a weekly summary by email", default=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CareShareQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(caregiver__isnull=False),
                name="journal_careshare_accepted_has_caregiver",
            ),
            models.CheckConstraint(
                condition=~Q(caregiver=F("patient")), name="journal_careshare_not_self"
            ),
            models.UniqueConstraint(
                fields=["patient", "caregiver"],
                condition=Q(accepted_at__isnull=False, revoked_at__isnull=True),
                name="journal_careshare_one_active_per_pair",
            ),
        ]

    def __str__(self):
        return f"{self.patient} shares with {self.caregiver or self.invitee_email}"

    @staticmethod
    def new_token() -> str:
        """256 random bits, URL-safe; only its hash is stored."""
        return secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.accepted_at is not None and self.revoked_at is None

    @property
    def weekly_digest(self):
        """The caregiver's ``DigestSubscription`` for this share, or None. A query unless the
        share was read with ``select_related("digest")``."""
        return getattr(self, "digest", None)

    def state(self, now) -> ShareState:
        if self.revoked_at:
            return ShareState.REVOKED
        if self.accepted_at:
            return ShareState.ACTIVE
        if now >= self.expires_at:
            return ShareState.EXPIRED
        return ShareState.PENDING


class AccessEventQuerySet(models.QuerySet):
    def for_patient(self, patient):
        return self.filter(patient=patient)


class AccessEvent(models.Model):
    """A caregiver looked at a page of a patient's journal. Shown to the patient."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_events"
    )
    # The log outlives the caregiver's account and the share: the patient keeps the record of
    # who read their journal, by the name the viewer had at the time.
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    viewer_name = models.CharField(max_length=150)
    share = models.ForeignKey(
        CareShare, on_delete=models.SET_NULL, null=True, related_name="access_events"
    )
    page = models.CharField(max_length=50)
    path = models.CharField(max_length=300)
    at = models.DateTimeField(default=timezone.now)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [
            # "who viewed my journal", newest first, on the sharing page.
            models.Index(fields=["patient", "-at"], name="journal_access_by_patient"),
        ]

    def __str__(self):
        return (
            f"{self.viewer_name} viewed {self.page} of {self.patient} at {self.at:%Y-%m-%d %H:%M}"
        )
