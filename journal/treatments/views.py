"""The treatment page: the timeline of periods, start or change, stop; and the first day's
first step, the same form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from journal.access import get_owned_or_404
from journal.models import (
    Profile,
    Treatment,
)
from journal.treatments import services
from journal.treatments.forms import TreatmentForm, TreatmentStopForm


def _timeline(patient):
    return list(
        Treatment.objects.for_patient(patient)
        .select_related("drug")
        .annotate(days_logged=Count("day_logs"))
        .order_by("-starts_on")
    )


def _render_timeline(request, *, today, periods, stop_form=None, status=200):
    current = next((period for period in periods if period.ends_on is None), None)
    if stop_form is None and current is not None:
        stop_form = TreatmentStopForm(treatment=current, today=today, initial={"ends_on": today})
    ctx = {
        "today": today,
        "periods": periods,
        "current": current,
        "cycle": current.cycle_day(today) if current else None,
        "stop_form": stop_form,
    }
    return render(request, "journal/treatment.html", ctx, status=status)


@require_GET
@login_required
def treatment(request):
    today = Profile.objects.for_user(request.user).today()
    return _render_timeline(request, today=today, periods=_timeline(request.user))


def _treatment_form_page(request, *, then: str, first_day: bool = False):
    """Start a treatment, or change the current one (which then ends the day before); once
    saved, go on to the URL named ``then``."""
    patient = request.user
    today = Profile.objects.for_user(patient).today()
    current = Treatment.objects.for_patient(patient).open().select_related("drug").first()
    form = TreatmentForm(
        request.POST or None,
        today=today,
        current=current,
        initial={"starts_on": today},
    )
    if request.method == "POST" and form.is_valid():
        values = form.treatment_values()
        try:
            if form.is_change:
                new = services.treatment_change(patient=patient, **values)
            else:
                new = services.treatment_start(
                    patient=patient, ends_on=form.cleaned_data["ends_on"], **values
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved: {new.dose_label}, {new.schedule_label}.")
            return redirect(then)
    ctx = {"form": form, "current": current, "today": today, "first_day": first_day}
    return render(request, "journal/treatment_form.html", ctx)


@require_http_methods(["GET", "POST"])
@login_required
def treatment_new(request):
    """The treatment page's form: once saved, back to the page, with Log today at the top."""
    return _treatment_form_page(request, then="journal:treatment")


@require_http_methods(["GET", "POST"])
@login_required
def first_day_treatment(request):
    """Step 1 of the first day (sign-up leads here): the drug and dose, then the symptoms."""
    return _treatment_form_page(request, then="journal:first_day_symptoms", first_day=True)


@require_POST
@login_required
def treatment_stop(request, pk: int):
    """Stop the current treatment without a successor."""
    period = get_owned_or_404(Treatment.objects.open().select_related("drug"), request.user, pk=pk)
    today = Profile.objects.for_user(request.user).today()
    form = TreatmentStopForm(request.POST, treatment=period, today=today)
    if form.is_valid():
        try:
            services.treatment_stop(treatment=period, ends_on=form.cleaned_data["ends_on"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Stopped {period.short_label}.")
            return redirect("journal:treatment")
    return _render_timeline(request, today=today, periods=_timeline(request.user), stop_form=form)
