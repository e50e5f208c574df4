"""Slowing password guessing: on the log-in page and wherever a signed-in person's password is
asked again (password change, account deletion).

django-axes counts wrong passwords per account *at one address* (AXES_LOCKOUT_PARAMETERS), so
a successful log-in clears only that account's count there, and nobody elsewhere can pause a
patient's account. ``LoginThrottle`` adds a second count, per address whatever the account,
that no log-in clears: one address trying many accounts (password spraying) is paused after
LOGIN_FAILURES_PER_ADDRESS wrong passwords.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum
from django.shortcuts import render


class LoginThrottle(AxesDatabaseHandler):
    """django-axes' database handler, with a pause for an address that tries many accounts."""

    def address_failures(self, request) -> int:
        """Wrong passwords from the request's address within the cool-off, for any account."""
        address = request.axes_ip_address
        if address is None:
            return 0
        recent = AccessAttempt.objects.filter(
            ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
        )
        return recent.aggregate(total=Sum("failures_since_start"))["total"] or 0

    def address_is_paused(self, request) -> bool:
        return self.address_failures(request) >= settings.LOGIN_FAILURES_PER_ADDRESS

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or self.address_is_paused(request)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # The failure that reaches the address's limit is answered with the lockout page, as
        # the one that reaches an account's limit is (AxesMiddleware reads the flag).
        if request is not None and not request.axes_locked_out and self.address_is_paused(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials


def locked_out(request, original_response=None, credentials=None):
    """The page shown instead of checking a password while it is paused (429)."""
    ctx = {
        "failures_per_account": settings.AXES_FAILURE_LIMIT,
        "failures_per_address": settings.LOGIN_FAILURES_PER_ADDRESS,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, ctx, status=429)


def _signed_in_credentials(request) -> dict:
    return get_credentials(request.user.get_username())


def password_check_is_paused(request) -> bool:
    """Whether the signed-in person's password may not be checked now at this address.

    The count is the log-in's: guessing on the account deletion page pauses log-ins to that
    account from that address, and the other way round.
    """
    return not AxesProxyHandler.is_allowed(request, _signed_in_credentials(request))


def record_wrong_password(request) -> None:
    """Count a wrong current password as a wrong log-in (django-axes listens to this signal).

    Reaching a limit sets ``request.axes_locked_out``, and AxesMiddleware then answers with
    the lockout page instead of the form.
    """
    user_login_failed.send(
        sender=__name__, credentials=_signed_in_credentials(request), request=request
    )
