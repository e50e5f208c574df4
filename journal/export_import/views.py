"""Export (CSV, JSON, FHIR) and import (upload, preview, confirm)."""

import hashlib
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from journal.export_import.exports import csv_rows, fhir_bundle, journal_document
from journal.export_import.forms import ImportConfirmForm, ImportUploadForm
from journal.export_import.imports import ImportFileError, parse_import
from journal.export_import.services import journal_import
from journal.models import (
    Profile,
)


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


def _json_download(request, document: dict, *, content_type: str, suffix: str):
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1),
        content_type=f"{content_type}; charset=utf-8",
    )
    return _attachment(response, _filename(request, suffix))


@login_required
@require_safe
def export_json(request):
    document = journal_document(request.user, now=timezone.now())
    return _json_download(request, document, content_type="application/json", suffix=".json")


@login_required
@require_safe
def export_fhir(request):
    bundle = fhir_bundle(request.user, now=timezone.now())
    return _json_download(
        request, bundle, content_type="application/fhir+json", suffix=".fhir.json"
    )


SESSION_KEY = "journal_import"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["file"]
        try:
            parse_import(text, patient=request.user)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            request.session[SESSION_KEY] = {
                "text": text,
                "digest": _digest(text),
                "name": request.FILES["file"].name[:100],
            }
            return redirect("journal:import_preview")
    return render(request, "journal/import.html", {"form": form})


def _pending(request) -> dict | None:
    pending = request.session.get(SESSION_KEY)
    if not isinstance(pending, dict) or "text" not in pending:
        return None
    return pending


def _render_preview(request, pending: dict, preview, *, status=200):
    ctx = {
        "preview": preview,
        "file_name": pending["name"],
        "confirm_form": ImportConfirmForm(initial={"digest": pending["digest"]}),
    }
    return render(request, "journal/import_preview.html", ctx, status=status)


@login_required
@require_safe
def import_preview(request):
    pending = _pending(request)
    if pending is None:
        messages.info(request, "Choose a file to import first.")
        return redirect("journal:import")
    try:
        preview = parse_import(pending["text"], patient=request.user)
    except ImportFileError as exc:  # read once at upload; only a code change gets here
        messages.error(request, str(exc))
        return redirect("journal:import")
    return _render_preview(request, pending, preview)


@login_required
@require_POST
def import_confirm(request):
    pending = _pending(request)
    if "cancel" in request.POST:
        request.session.pop(SESSION_KEY, None)
        messages.info(request, "Nothing was imported.")
        return redirect("journal:import")
    form = ImportConfirmForm(request.POST)
    if pending is None or not form.is_valid() or form.cleaned_data["digest"] != pending["digest"]:
        messages.error(
            request,
            "That preview is out of date (another file was chosen since). Nothing was imported.",
        )
        return redirect("journal:import_preview" if pending else "journal:import")
    preview = parse_import(pending["text"], patient=request.user)
    if not preview.can_import:
        messages.error(request, "Nothing was imported: see what to fix below.")
        return _render_preview(request, pending, preview, status=400)
    try:
        result = journal_import(patient=request.user, preview=preview)
    except ValidationError as exc:
        # Someone changed the journal between the checks and the write; nothing was written.
        messages.error(request, f"Nothing was imported: {' '.join(exc.messages)}")
        return redirect("journal:import_preview")
    request.session.pop(SESSION_KEY, None)
    messages.success(request, result.summary)
    return redirect("journal:history")
