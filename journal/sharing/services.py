"""Sharing writes: invite (and email the link), accept, revoke."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from journal.models import (
    INVITATION_VALID_FOR,
    CareShare,
    DigestSubscription,
    ShareState,
    display_name,
    hash_token,
)


@dataclass(frozen=True)
class Invitation:
    share: CareShare
    token: str  # shown to the patient once and emailed; only its hash is stored

    @property
    def link(self) -> str:
        """The one-time link. Built on DJANGO_SITE_URL, never on the Host header of the
        request: the link carries a live token, and a forged Host would send it elsewhere."""
        return settings.SITE_URL + reverse("journal:sharing_accept", args=[self.token])


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


EMAIL_NAME_MAX_LENGTH = 60
# What a mail program turns into a link: "x.example", "name@host", "https://".
_LINK_DOT = re.compile(r"(?<=\w)\.(?=[^\W_]{2})")  # not the dot of an initial: "J.R. Smith"


def email_name(name: str) -> str:
    """A name someone typed, as an invitation email shows it: the only text of theirs in it.

    One line (no control or direction characters, so nothing can start a new header or turn
    text around), at most ``EMAIL_NAME_MAX_LENGTH`` characters, and written so no mail
    program makes a link of it: "evil[.]example", "sam[at]example[.]org". The sharing form
    refuses such invitee names; the patient's own name comes from elsewhere, typed long before.
    """
    kept = "".join(
        " " if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char for char in name
    )
    one_line = " ".join(kept.split())
    defused = _LINK_DOT.sub("[.]", one_line).replace("@", "[at]").replace("://", "[:]//")
    if len(defused) > EMAIL_NAME_MAX_LENGTH:
        return defused[: EMAIL_NAME_MAX_LENGTH - 1].rstrip() + "…"
    return defused


def invitation_send(*, invitation: Invitation) -> None:
    """Email the link with the configured backend. Raises if the mail server refuses."""
    share = invitation.share
    patient_name = email_name(display_name(share.patient))
    send_mail(
        subject=f"{patient_name} invites you to follow their GIST Journal",
        message=render_to_string(
            "emails/invitation.txt",
            {
                "invitee_name": email_name(share.invitee_name),
                "patient_name": patient_name,
                "can_see_notes": share.can_see_notes,
                "expires_at": share.expires_at,
                "link": invitation.link,
            },
        ),
        from_email=None,
        recipient_list=[share.invitee_email],
    )


class Refusal(models.TextChoices):
    """Why an invitation link cannot be accepted."""

    UNKNOWN = "unknown", "No such invitation"
    EXPIRED = "expired", "The invitation expired"
    USED = "used", "The link was used already"
    REVOKED = "revoked", "The patient withdrew the invitation"
    OWN = "own", "The patient's own link"


class InvitationError(Exception):
    def __init__(self, reason: Refusal, share: CareShare | None = None):
        super().__init__(reason)
        self.reason = reason
        self.share = share


def invitation_check(*, share: CareShare | None, user, now: datetime) -> None:
    """Raise ``InvitationError`` unless ``user`` may accept ``share`` at ``now``."""
    if share is None:
        raise InvitationError(Refusal.UNKNOWN)
    state = share.state(now)
    if state == ShareState.ACTIVE:
        raise InvitationError(Refusal.USED, share)
    if state == ShareState.REVOKED:
        raise InvitationError(Refusal.REVOKED, share)
    if state == ShareState.EXPIRED:
        raise InvitationError(Refusal.EXPIRED, share)
    if user is not None and share.patient_id == user.pk:
        raise InvitationError(Refusal.OWN, share)


@transaction.atomic
def careshare_accept(*, token: str, user, now: datetime) -> CareShare:
    """Make ``user`` the caregiver of the invitation behind ``token``; the link is spent.

    A newer invitation from the same patient replaces an older share with the same person,
    so its "may read my notes" choice is the one in force.
    """
    share = CareShare.objects.for_token(token).select_related("patient").first()
    invitation_check(share=share, user=user, now=now)
    current = CareShare.objects.given_by(share.patient).received_by(user).active()
    if current.filter(created_at__gt=share.created_at).exists():
        # An older link must not replace a newer choice the patient made.
        raise InvitationError(Refusal.REVOKED, share)
    current.update(revoked_at=now)  # at most one active share per patient and caregiver
    # The conditional update is the single-use guarantee: of two simultaneous accepts,
    # only one finds the invitation still open.
    accepted = (
        CareShare.objects.pending(now).filter(pk=share.pk).update(caregiver=user, accepted_at=now)
    )
    if not accepted:
        raise InvitationError(Refusal.USED, share)
    share.caregiver, share.accepted_at = user, now
    return share


@transaction.atomic
def careshare_revoke(*, share: CareShare, now: datetime) -> CareShare:
    """End a share, or withdraw a pending invitation. Takes effect on the next request:
    every caregiver page looks the share up afresh. Its weekly digest ends with it."""
    DigestSubscription.objects.filter(share=share).delete()
    if share.revoked_at is None:
        CareShare.objects.filter(pk=share.pk, revoked_at__isnull=True).update(revoked_at=now)
        share.revoked_at = now
    return share


@transaction.atomic
def careshare_digest_allow(*, share: CareShare, allows: bool) -> CareShare:
    """Whether the caregiver of ``share`` may ask for a weekly digest. Withdrawing it also
    ends the digest they asked for: allowing it again later sends nothing until they ask."""
    CareShare.objects.filter(pk=share.pk).update(allows_digest=allows)
    share.allows_digest = allows
    if not allows:
        DigestSubscription.objects.filter(share=share).delete()
    return share
