"""Site-wide pages: landing, sign-up, health check and error pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from gistjournal.forms import (
    LoginForm,
    PlainPasswordChangeForm,
    PlainSetPasswordForm,
    SignupForm,
)
from gistjournal.middleware import remember_session
from gistjournal.offline import CLEAR_SITE_DATA, web_app_manifest, worker_script
from gistjournal.throttling import locked_out, password_check_is_paused, record_wrong_password
from journal.access import JournalRoles


@login_not_required
def home(request):
    """Visitors get the landing page; patients their journal; caregivers their list."""
    if not request.user.is_authenticated:
        return render(request, "home.html")
    if JournalRoles.of_request(request).is_only_a_caregiver:
        return redirect("care:index")
    return redirect("journal:dashboard")


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Liveness check for load balancers: no database work, so it is the benchmark's floor."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@require_GET
def service_worker(request):
    """The service worker, from the root so that it may keep the journal's day pages; the
    browser asks for it again on each visit, so a new release reaches it at once."""
    response = HttpResponse(worker_script(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_GET
def manifest(request):
    response = JsonResponse(web_app_manifest(), content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_GET
def offline(request):
    """What the service worker shows for a page it has not kept, with no connection. Kept by
    the worker for everyone who visits, so it names nobody and holds nothing private."""
    return render(request, "offline.html")


class LogoutView(auth_views.LogoutView):
    """Logging out also tells the browser to forget the pages and saves kept for offline use
    (the page's script asks first when saves have not been sent)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response


def _next_url(request) -> str | None:
    """A same-site ``?next=`` to return to (an invitation link, say), or None."""
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


@login_not_required
def signup(request):
    if request.user.is_authenticated:
        return redirect(_next_url(request) or "journal:dashboard")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome to GIST Journal. Your account is ready.")
        # Someone who came with an invitation goes back to it; a new patient starts their day.
        return redirect(_next_url(request) or "journal:first_day_treatment")
    return render(request, "registration/signup.html", {"form": form})


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # 0 = until the browser closes (and at most SESSION_COOKIE_AGE on the server).
        remember = form.cleaned_data["remember_me"]
        self.request.session.set_expiry(settings.REMEMBER_ME_AGE if remember else 0)
        if remember:
            remember_session(self.request.session)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Reset links point at DJANGO_SITE_URL, whatever Host header the request came with."""

    def form_valid(self, form):
        scheme, _, domain = settings.SITE_URL.partition("://")
        form.save(
            domain_override=domain,
            use_https=scheme == "https",
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
        )
        return redirect(self.get_success_url())


class PasswordChangeView(auth_views.PasswordChangeView):
    """Wrong current passwords count as wrong log-ins, and pause this form as they pause it."""

    form_class = PlainPasswordChangeForm

    def post(self, request, *args, **kwargs):
        if password_check_is_paused(request):
            return locked_out(request)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if form.has_error("old_password", "password_incorrect"):
            record_wrong_password(self.request)
        return super().form_invalid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = PlainSetPasswordForm


def bad_request(request, exception):
    # A standalone page, like 500.html: the request itself is what could not be read
    # (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields, a Host we do not serve).
    return render(request, "400.html", status=400)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors beyond the request: the failure may be in any of them.
    return render(request, "500.html", status=500)
