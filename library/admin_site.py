"""Who gets into the admin and what it reaches: the library, behind a second factor.

- Staff sign in with their password and a code: the 6 digits their authenticator app shows
  (TOTP), or one of ten recovery codes, each good once (django-otp's TOTP and static
  devices). ``python manage.py enrol_totp <username>`` sets both up.
- The admin's side doors ("view on site" redirects, autocomplete) answer only for the models
  this admin shows, to someone allowed to see them: never a patient's day, a share or a person.
  Journal models are not registered at all (health data never goes in the admin).
"""

import re
from dataclasses import dataclass

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_not_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import URLResolver, path
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
APP_CODE = re.compile(r"\d{6}")
NO_CODE = "Enter the 6-digit code from your authenticator app, or a recovery code."
WRONG_CODE = (
    "That code is not right, or was already used. The app's code changes every 30 seconds: "
    "type the one it shows now."
)
NOT_ENROLLED = (
    "This account has no second factor yet. Ask whoever runs the site to run "
    "`manage.py enrol_totp` for you."
)


@dataclass(frozen=True)
class Enrolment:
    app: TOTPDevice
    recovery_codes: list[str]


@transaction.atomic
def enrol_second_factor(user) -> Enrolment:
    """A new authenticator-app device and ten new recovery codes for ``user``, replacing any
    they had (enrolling again is what a lost phone needs)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    app = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return Enrolment(app, codes)


class AdminLoginForm(OTPAdminAuthenticationForm):
    """Username, password and one code box: the code's shape says which device checks it, so
    nobody picks a device from a list, and a miss counts against that device only."""

    otp_token = forms.CharField(
        label="Code",
        required=False,
        help_text="The 6-digit code from your authenticator app, or a recovery code.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )
    otp_error_messages = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        "token_required": NO_CODE,
        "invalid_token": WRONG_CODE,
        "device_required": NOT_ENROLLED,
    }

    def clean_otp_token(self):
        code = re.sub(r"[\s-]", "", self.cleaned_data.get("otp_token") or "")
        # Recovery codes are stored in lower case; they are printed in capitals.
        return code.lower()

    def clean_otp(self, user):
        if user is not None:
            self.cleaned_data["otp_device"] = self._device_for(user)
        super().clean_otp(user)

    def _device_for(self, user) -> str:
        code = self.cleaned_data.get("otp_token", "")
        device_class = TOTPDevice if APP_CODE.fullmatch(code) else StaticDevice
        device = device_class.objects.filter(user=user, confirmed=True).first()
        return device.persistent_id if device else ""


def _leave_log_in_to_the_admin(urls):
    """Every admin view checks who may see it and sends whoever it refuses to its own log-in,
    which asks for the code. Without this, the LoginRequiredMiddleware would first send an
    anonymous visitor to the patients' log-in page, and then the admin ask for the password
    again."""
    for url in urls:
        if isinstance(url, URLResolver):
            _leave_log_in_to_the_admin(url.url_patterns)
        elif getattr(url.callback, "login_required", True):
            login_not_required(url.callback)


class LibraryAdminSite(OTPAdminSite):
    site_header = site_title = "GIST Journal library"
    login_form = AdminLoginForm
    login_template = "admin/login_second_factor.html"

    def get_urls(self):
        # First, so that it answers instead of Django's view for any content type.
        urls = [
            path(
                "r/<int:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            ),
            *super().get_urls(),
        ]
        _leave_log_in_to_the_admin(urls)
        return urls

    def shown_model_admin(self, request, model):
        """The model's admin when this admin shows ``model`` to this person; else None."""
        model_admin = self._registry.get(model)
        if model_admin is None or not (
            model_admin.has_view_or_change_permission(request)
            or model_admin.has_add_permission(request)
        ):
            return None
        return model_admin

    def view_on_site(self, request, content_type_id, object_id):
        content_type = ContentType.objects.filter(pk=content_type_id).first()
        model = content_type.model_class() if content_type else None
        model_admin = self.shown_model_admin(request, model) if model else None
        obj = model_admin.get_object(request, object_id) if model_admin else None
        if obj is None or not hasattr(obj, "get_absolute_url"):
            raise Http404("Not in the library.")
        return redirect(obj.get_absolute_url())

    def autocomplete_view(self, request):
        # Django checks the model searched; the model asking (the form's own) must be shown
        # here too, or a journal model's link to a symptom would answer.
        try:
            model = apps.get_model(request.GET["app_label"], request.GET["model_name"])
        except (KeyError, LookupError, ValueError):
            raise PermissionDenied from None
        if self.shown_model_admin(request, model) is None:
            raise PermissionDenied
        return super().autocomplete_view(request)
