"""Uploading a file to import, and confirming it."""

from django import forms

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Your file (.json or .csv)",
        help_text="A GIST Journal JSON export, or a CSV with the columns of our CSV export. "
        "At most 5 MB.",
    )

    def clean_file(self) -> str:
        """The file's text: UTF-8, at most ``MAX_IMPORT_BYTES``."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                f"This file is {upload.size / 1024 / 1024:.1f} MB; the most we accept is "
                f"{MAX_IMPORT_BYTES // 1024 // 1024} MB. Split it into parts (by year, say) "
                "and import them one after the other."
            )
        data = upload.read()
        try:
            # utf-8-sig drops the byte order mark our CSV export (and Excel) put first.
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "This file is not in the UTF-8 text encoding. In your spreadsheet choose "
                "“Save as” and the “CSV UTF-8” format, then upload that file."
            ) from None
        if "\x00" in text:
            raise forms.ValidationError(
                "This is not a text file (a spreadsheet such as .xlsx, perhaps). Save it as "
                "“CSV UTF-8” first, or upload the .json file of a GIST Journal export."
            )
        if not text.strip():
            raise forms.ValidationError("This file is empty.")
        return text


class ImportConfirmForm(forms.Form):
    """Confirms the preview shown: ``digest`` is the hash of the file kept in the session."""

    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)
