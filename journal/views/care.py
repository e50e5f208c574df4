"""``/care/``: the patients who share their journal with me."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from journal.models import CareShare


@login_required
@require_GET
def care_index(request):
    shares = (
        CareShare.objects.received_by(request.user)
        .select_related("patient")
        .order_by("patient__first_name", "patient__username")
    )
    return render(request, "care/index.html", {"shares": shares})
