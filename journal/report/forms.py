"""The clinic report's date range."""

from django import forms

from gistjournal.widget_renderer import FastWidgetRenderer
from journal.fields import DateInput, validate_journal_date


class ReportRangeForm(forms.Form):
    """The clinic report's dates. Not valid: the page falls back to the default range."""

    default_renderer = FastWidgetRenderer()  # its two inputs without Django's widget templates
    start = forms.DateField(
        label="From", required=False, widget=DateInput, validators=[validate_journal_date]
    )
    end = forms.DateField(
        label="To", required=False, widget=DateInput, validators=[validate_journal_date]
    )

    def __init__(self, *args, today, default_start, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.default_start = default_start
        self.end_was_clipped = False

    def clean(self):
        cleaned = super().clean()
        end = cleaned.get("end") or self.today
        if end > self.today:
            # A report cannot cover days that have not happened: stop at today.
            end = self.today
            self.end_was_clipped = True
        start = cleaned.get("start") or min(self.default_start, end)
        if start > end:
            raise forms.ValidationError("The start date must be on or before the end date.")
        cleaned.update(start=start, end=end)
        return cleaned

    def dates(self) -> tuple:
        """``(start, end)``: the chosen range when valid, else the default one."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return self.default_start, self.today
