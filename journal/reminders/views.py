"""Unsubscribing from a reminder or a digest, with the link in the email, without logging in."""

from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from journal.models import EmailKind
from journal.reminders.services import subscription_is_on, subscription_stop, unsubscribe_read


# Exempt from CSRF on purpose, this view only: mail programs send the RFC 8058 one-click POST
# without any token. It is safe because the signed token in the URL is the whole authority
# (a forged request needs the link from the person's own mailbox), and all it can do is turn
# off the one email it names. It never signs anyone in.
@csrf_exempt
@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """GET asks (a mail scanner opening the link must not unsubscribe anyone); POST, from the
    page's button or a mail program's own, turns it off."""
    try:
        kind, pk = unsubscribe_read(token)
    except signing.BadSignature:
        return render(request, "journal/unsubscribe_unknown.html", status=404)
    if request.method == "POST":
        state = "stopped" if subscription_stop(kind=kind, pk=pk) else "already_off"
    else:
        state = "asking" if subscription_is_on(kind, pk) else "already_off"
    ctx = {"state": state, "is_reminder": kind == EmailKind.REMINDER}
    return render(request, "journal/unsubscribe.html", ctx)
