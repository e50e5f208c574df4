"""Sharing a journal: invite, list and revoke caregivers; accept an invitation.

The invitation link carries a random token whose hash alone is stored. It is shown to the
patient once (and emailed), works once, and expires after ``INVITATION_VALID_FOR``.
"""

import logging
from smtplib import SMTPException

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
)

from journal.access import get_owned_or_404
from journal.models import (
    AccessEvent,
    CareShare,
    ShareState,
    Weekday,
    display_name,
)
from journal.reminders.forms import DigestForm, digest_forms
from journal.reminders.services import digest_subscribe
from journal.sharing.forms import CareShareInviteForm, DigestAllowForm
from journal.sharing.services import (
    InvitationError,
    Refusal,
    careshare_accept,
    careshare_digest_allow,
    careshare_invite,
    careshare_revoke,
    invitation_check,
    invitation_send,
)

logger = logging.getLogger(__name__)


ACCESS_LOG_LENGTH = 50


# The link is kept in the session until the next page shows it, then forgotten.
NEW_INVITATION_KEY = "journal_new_invitation"


# The status of the page for each reason an invitation cannot be accepted.
REFUSAL_STATUS = {
    Refusal.UNKNOWN: 404,
    Refusal.EXPIRED: 410,
    Refusal.USED: 410,
    Refusal.REVOKED: 410,
    Refusal.OWN: 200,
}


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def sharing(request):
    now = timezone.now()
    form = CareShareInviteForm(request.POST or None, patient=request.user, now=now)
    if request.method == "POST" and form.is_valid():
        invitation = careshare_invite(patient=request.user, now=now, **form.cleaned_data)
        share = invitation.share
        try:
            invitation_send(invitation=invitation)
            messages.success(request, f"We emailed an invitation to {share.invitee_email}.")
        except (SMTPException, OSError):
            logger.exception("Invitation email to share %s failed", share.pk)
            messages.warning(
                request,
                f"We could not email {share.invitee_email}. Send them the link below yourself.",
            )
        request.session[NEW_INVITATION_KEY] = {"name": share.invitee_name, "link": invitation.link}
        return redirect("journal:sharing")

    shares = list(
        CareShare.objects.given_by(request.user)
        .with_state(now)
        .select_related("caregiver", "digest")
    )
    ctx = {
        "form": form,
        "new_invitation": request.session.pop(NEW_INVITATION_KEY, None),
        "active": [s for s in shares if s.state == ShareState.ACTIVE],
        "pending": [s for s in shares if s.state == ShareState.PENDING],
        "past": [s for s in shares if s.state in (ShareState.REVOKED, ShareState.EXPIRED)],
        "views": AccessEvent.objects.for_patient(request.user)[:ACCESS_LOG_LENGTH],
    }
    return render(request, "journal/sharing.html", ctx)


@login_required
@require_POST
def sharing_revoke(request, share_id: int):
    # The caregiver of this share may read, never change it: 403 for them, 404 for others.
    share = get_owned_or_404(CareShare.objects.all(), request.user, pk=share_id)
    was_active = share.is_active
    careshare_revoke(share=share, now=timezone.now())
    if was_active:
        messages.success(request, f"{share.invitee_name} can no longer read your journal.")
    else:
        messages.success(request, f"The invitation to {share.invitee_name} was withdrawn.")
    return redirect("journal:sharing")


@login_required
@require_POST
def sharing_digest(request, share_id: int):
    """The patient allows, or stops allowing, a caregiver's weekly digest."""
    share = get_owned_or_404(CareShare.objects.active(), request.user, pk=share_id)
    form = DigestAllowForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing changed: use the button beside their name.")
        return redirect("journal:sharing")
    careshare_digest_allow(share=share, allows=form.cleaned_data["allow"])
    if share.allows_digest:
        messages.success(
            request,
            f"{share.invitee_name} may now ask for a weekly email saying how many days you "
            "logged and how many raised an alert. Never what you recorded.",
        )
    else:
        messages.success(request, f"{share.invitee_name} will get no weekly email about you.")
    return redirect("journal:sharing")


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def sharing_accept(request, token: str):
    """Open to anyone with the link: a visitor is asked to log in or sign up, then comes back."""
    user = request.user if request.user.is_authenticated else None
    if request.method == "POST" and user is None:
        return redirect_to_login(request.get_full_path())
    now = timezone.now()
    share = CareShare.objects.for_token(token).select_related("patient").first()
    if (
        share is not None
        and share.is_active
        and user is not None
        and share.caregiver_id == user.pk
    ):
        # Their own link again (a bookmark, the email): take them in rather than refuse.
        return redirect("care:dashboard", share_id=share.pk)
    try:
        if request.method == "POST":
            share = careshare_accept(token=token, user=user, now=now)
        else:
            invitation_check(share=share, user=user, now=now)
    except InvitationError as refusal:
        ctx = {
            "reason": refusal.reason,
            "patient_name": display_name(refusal.share.patient) if refusal.share else "",
        }
        return render(
            request, "journal/sharing_refused.html", ctx, status=REFUSAL_STATUS[refusal.reason]
        )
    if request.method == "POST":
        messages.success(
            request,
            f"You can now read {display_name(share.patient)}'s journal. Nothing you do here can change it.",
        )
        return redirect("care:dashboard", share_id=share.pk)
    ctx = {
        "share": share,
        "patient_name": display_name(share.patient),
        "next": request.get_full_path(),
    }
    return render(request, "journal/sharing_accept.html", ctx)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def care_index(request):
    """The people a caregiver follows, each with the weekly digest they may ask for."""
    posted = None
    if request.method == "POST":
        posted = DigestForm(request.POST, caregiver=request.user)
        if posted.is_valid():
            share, weekday = posted.cleaned_data["share"], posted.cleaned_data["weekday"]
            digest_subscribe(share=share, weekday=weekday)
            name = display_name(share.patient)
            if weekday is None:
                messages.success(request, f"No more weekly summaries about {name}.")
            else:
                day = Weekday(weekday).label
                messages.success(request, f"You will get a summary about {name} every {day}.")
            return redirect("care:index")
    shares = list(
        CareShare.objects.received_by(request.user)
        .active()
        .select_related("patient", "digest")
        .order_by("patient__first_name", "patient__username")
    )
    rows = digest_forms(shares, caregiver=request.user, posted=posted)
    if posted is not None and not any(form is posted for _, form in rows):
        messages.error(request, posted.errors.get("share", ["Nothing changed."])[0])
    return render(request, "care/index.html", {"shares": shares, "rows": rows})
