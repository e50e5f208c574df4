"""Export (CSV, JSON, FHIR) and import (upload, preview, confirm)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from journal.export_import.exports import csv_rows, journal_document
from journal.export_import.fhir import CONTENT_TYPE as FHIR_CONTENT_TYPE
from journal.export_import.fhir import fhir_bundle
from journal.export_import.forms import (
    MAX_IMPORT_BODY_BYTES,
    ImportConfirmForm,
    ImportUploadForm,
)
from journal.export_import.imports import ImportFileError, preview_import, read_import
from journal.export_import.services import pending_import_apply, pending_import_keep
from journal.models import PendingImport, Profile


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
    # ?bundle=transaction: the shape a FHIR server's transaction endpoint takes.
    shape = "transaction" if request.GET.get("bundle") == "transaction" else "collection"
    bundle = fhir_bundle(request.user, now=timezone.now(), shape=shape)
    response = HttpResponse(
        bundle.model_dump_json(), content_type=f"{FHIR_CONTENT_TYPE}; charset=utf-8"
    )
    suffix = ".fhir-transaction.json" if shape == "transaction" else ".fhir.json"
    return _attachment(response, _filename(request, suffix))


EXPIRED = (
    "That file waited more than an hour, so we let it go: nothing was imported. Choose it "
    "again to see what it would add."
)


def _declared_length(request) -> int:
    """The Content-Length header, read as Django reads it (0 when missing or malformed)."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


@csrf_exempt  # so that no middleware reads the body first: _import_upload checks the token
@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    # Judged on the length the request declares, before a byte of the body is read: the
    # form's own check of the file's size comes only after all of it was received.
    declared = _declared_length(request)
    if declared > MAX_IMPORT_BODY_BYTES:
        form = ImportUploadForm.refused_for_size(declared)
        return render(request, "journal/import.html", {"form": form}, status=413)
    return _import_upload(request)


@csrf_protect
def _import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["file"]
        try:
            content = read_import(text)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            pending_import_keep(
                owner=request.user,
                file_name=request.FILES["file"].name,
                text=text,
                content=content,
                now=timezone.now(),
            )
            return redirect("journal:import_preview")
    return render(request, "journal/import.html", {"form": form})


def _pending_or_redirect(request):
    """``(pending import, None)``, or ``(None, the redirect saying why there is none)``."""
    pending = PendingImport.objects.for_owner(request.user).select_related("owner").first()
    if pending is None:
        messages.info(request, "Choose a file to import first.")
        return None, redirect("journal:import")
    if pending.is_expired(timezone.now()):
        pending.delete()
        messages.error(request, EXPIRED)
        return None, redirect("journal:import")
    return pending, None


def _render_preview(request, pending: PendingImport, preview, *, status=200):
    ctx = {
        "preview": preview,
        "file_name": pending.file_name,
        "confirm_form": ImportConfirmForm(initial={"digest": pending.digest}),
    }
    return render(request, "journal/import_preview.html", ctx, status=status)


@login_required
@require_safe
def import_preview(request):
    pending, refusal = _pending_or_redirect(request)
    if refusal:
        return refusal
    preview = preview_import(pending.content, patient=request.user)
    return _render_preview(request, pending, preview)


@login_required
@require_POST
def import_confirm(request):
    if "cancel" in request.POST:
        PendingImport.objects.for_owner(request.user).delete()
        messages.info(request, "Nothing was imported.")
        return redirect("journal:import")
    pending, refusal = _pending_or_redirect(request)
    if refusal:
        return refusal
    form = ImportConfirmForm(request.POST)
    if not form.is_valid() or form.cleaned_data["digest"] != pending.digest:
        messages.error(
            request,
            "That preview is out of date (another file was chosen since). Nothing was imported.",
        )
        return redirect("journal:import_preview")
    preview = preview_import(pending.content, patient=request.user)
    if not preview.can_import:
        messages.error(request, "Nothing was imported: see what to fix below.")
        return _render_preview(request, pending, preview, status=400)
    try:
        result = pending_import_apply(pending=pending, preview=preview)
    except ValidationError as exc:
        # Someone changed the journal between the checks and the write; nothing was written.
        messages.error(request, f"Nothing was imported: {' '.join(exc.messages)}")
        return redirect("journal:import_preview")
    messages.success(request, result.summary)
    return redirect("journal:history")
