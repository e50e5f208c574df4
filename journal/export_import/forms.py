"""Uploading a file to import, and confirming it."""

from pathlib import PurePath

from django import forms

MAX_IMPORT_BYTES = 5 * 1024 * 1024
# The file and the form around it (boundaries, headers, the CSRF token): a request declaring a
# longer body is refused before a byte of it is read.
MAX_IMPORT_BODY_BYTES = MAX_IMPORT_BYTES + 64 * 1024

# What the file picker offers first on a phone; any file can still be chosen.
ACCEPTED_FILES = ".csv,.json,text/csv,application/json"

# Photos and documents: picked by mistake, often from a phone's gallery or downloads.
DOCUMENT_SUFFIXES = {
    *(".jpg", ".jpeg", ".png", ".gif", ".heic", ".heif", ".webp"),
    *(".pdf", ".doc", ".docx", ".odt", ".pages", ".rtf"),
}
# A spreadsheet program's own format: the patient needs "Save as CSV", nothing more.
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".numbers"}
# The first bytes of a zip (.xlsx, .ods, .numbers) and of an old Office file (.xls).
SPREADSHEET_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")

NOT_A_SPREADSHEET = (
    "This is not a spreadsheet or a GIST Journal export (a photo or a document, perhaps). "
    "Choose a spreadsheet saved as CSV (.csv), or the file of a GIST Journal export (.json)."
)
SPREADSHEET_NOT_CSV = (
    "This spreadsheet is in its own format, which we cannot read. In your spreadsheet "
    "program choose “Save as” (or “Download as”) and “CSV”, then upload that file."
)


def too_large(size: int) -> str:
    return (
        f"This file is {size / 1024 / 1024:.1f} MB; the most we accept is "
        f"{MAX_IMPORT_BYTES // 1024 // 1024} MB. Split it into parts (by year, say) "
        "and import them one after the other."
    )


NOT_UTF8 = (
    "We cannot read the letters in this file. In your spreadsheet program choose “Save as” "
    "and “CSV UTF-8”, then upload that file."
)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Your file (.json or .csv)",
        help_text="A spreadsheet saved as CSV, or a GIST Journal export. At most 5 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
    )

    def clean_file(self) -> str:
        """The file's text: UTF-8, at most ``MAX_IMPORT_BYTES``.

        What cannot be imported is named in the patient's terms (a photo, an Excel file),
        with the one step that helps, before any talk of rows and columns.
        """
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(too_large(upload.size))
        data = upload.read()
        suffix = PurePath(upload.name or "").suffix.lower()
        if suffix in DOCUMENT_SUFFIXES or data.startswith(b"%PDF"):
            raise forms.ValidationError(NOT_A_SPREADSHEET)
        if suffix in SPREADSHEET_SUFFIXES or data.startswith(SPREADSHEET_SIGNATURES):
            raise forms.ValidationError(SPREADSHEET_NOT_CSV)
        try:
            # utf-8-sig drops the byte order mark our CSV export (and Excel) put first.
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                NOT_A_SPREADSHEET if _looks_binary(data) else NOT_UTF8
            ) from None
        if "\x00" in text:
            raise forms.ValidationError(NOT_A_SPREADSHEET)
        if not text.strip():
            raise forms.ValidationError("This file is empty.")
        return text

    @classmethod
    def refused_for_size(cls, size: int) -> "ImportUploadForm":
        """The form as it reads when a request says its body is ``size`` bytes, too many to
        read: the size is the one error, beside the file field."""
        form = cls(data={}, files={})
        form.full_clean()
        form.errors["file"] = form.error_class([too_large(size)])
        return form


def _looks_binary(data: bytes) -> bool:
    """Control bytes other than tab and line ends: a photo or a document, not text in some
    older encoding (a CSV saved as "Windows" or "Latin-1" has none)."""
    head = data[:1024]
    return any(byte < 32 and byte not in (9, 10, 13) for byte in head)


class ImportConfirmForm(forms.Form):
    """Confirms the preview shown: ``digest`` is the hash of the file it showed (a newer
    upload replaces the pending import, and then the button of an older tab no longer fits)."""

    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)
