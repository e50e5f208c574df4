"""The patient's journal settings: time zone, tracked symptoms, care-team phone, last visit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from journal.forms import SettingsForm
from journal.models import Profile


@require_http_methods(["GET", "POST"])
@login_required
def settings_page(request):
    profile = Profile.objects.for_user(request.user)
    form = SettingsForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Settings saved.")
        return redirect("journal:settings")
    return render(request, "journal/settings.html", {"form": form})
