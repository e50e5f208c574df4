"""Downloads of the patient's own data: CSV (streamed), JSON (re-importable), FHIR R4.

Only ever the signed-in person's own journal: there are no caregiver routes for exports.
"""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from journal.exports import csv_rows, fhir_bundle, journal_document
from journal.models import Profile


def _filename(request, suffix: str) -> str:
    today = Profile.objects.for_user(request.user).today()
    return f"gist-journal-{today.isoformat()}{suffix}"


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def export_csv(request):
    # Streamed from a database cursor: years of days never sit in memory at once.
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_rows(request.user)),
        content_type="text/csv; charset=utf-8",
    )
    return _attachment(response, _filename(request, ".csv"))


def _json_response(document: dict, *, content_type: str):
    return HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1),
        content_type=f"{content_type}; charset=utf-8",
    )


@login_required
@require_safe
def export_json(request):
    document = journal_document(request.user, now=timezone.now())
    response = _json_response(document, content_type="application/json")
    return _attachment(response, _filename(request, ".json"))


@login_required
@require_safe
def export_fhir(request):
    bundle = fhir_bundle(request.user, now=timezone.now())
    response = _json_response(bundle, content_type="application/fhir+json")
    return _attachment(response, _filename(request, ".fhir.json"))
