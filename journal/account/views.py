"""The settings page, the first day's choice of symptoms, and deleting an account."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import (
    require_http_methods,
)

from gistjournal.offline import CLEAR_SITE_DATA
from gistjournal.throttling import locked_out, password_check_is_paused, record_wrong_password
from journal.access import JournalRoles
from journal.account.forms import (
    AccountDeleteForm,
    CareTeamThresholdsForm,
    SettingsForm,
    TrackedSymptomsForm,
)
from journal.account.services import account_delete, account_summary, care_team_thresholds_save
from journal.models import (
    Profile,
    Treatment,
)


@require_http_methods(["GET", "POST"])
@login_required
def settings_page(request):
    profile = Profile.objects.for_user(request.user)
    only_caregiving = JournalRoles.of_request(request).is_only_a_caregiver
    form = SettingsForm(request.POST or None, instance=profile, only_caregiving=only_caregiving)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Settings saved.")
        return redirect("journal:settings")
    return render(
        request, "journal/settings.html", {"form": form, "only_caregiving": only_caregiving}
    )


@require_http_methods(["GET", "POST"])
@login_required
def first_day_symptoms(request):
    """Step 2 of the first day: which symptoms to track (the defaults ticked), then today."""
    profile = Profile.objects.for_user(request.user)
    treatment = Treatment.objects.select_related("drug").in_force(request.user, profile.today())
    # Bound on any POST, even one with every box unticked (an empty POST is falsy).
    data = request.POST if request.method == "POST" else None
    form = TrackedSymptomsForm(data, instance=profile, drug=treatment.drug if treatment else None)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("journal:today")
    return render(request, "journal/first_day_symptoms.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def thresholds(request):
    """When the patient's own care team asked to be called, per symptom."""
    form = CareTeamThresholdsForm.for_patient(request.POST or None, patient=request.user)
    if request.method == "POST" and form.is_valid():
        care_team_thresholds_save(patient=request.user, choices=form.choices())
        messages.success(request, "Saved: your day log and clinic report use these now.")
        return redirect("journal:thresholds")
    return render(request, "journal/thresholds.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    # The password asked here is guessed like a log-in's, so it is paused like one.
    if request.method == "POST" and password_check_is_paused(request):
        return locked_out(request)
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        account_delete(user=request.user)
        logout(request)
        messages.success(
            request, "Your account and your journal have been deleted. Take care of yourself."
        )
        response = redirect("home")
        response["Clear-Site-Data"] = CLEAR_SITE_DATA  # the pages kept for offline use
        return response
    if form.has_error("password") and not form.has_error("password", "required"):
        record_wrong_password(request)
    ctx = {"form": form, "summary": account_summary(request.user)}
    return render(request, "journal/account_delete.html", ctx)
