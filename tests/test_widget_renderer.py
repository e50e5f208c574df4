"""``FastWidgetRenderer`` writes inputs, selects and text areas exactly as Django's templates
do (the day log's markup must not change with it), escaping every value."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from gistjournal.widget_renderer import WRITERS, FastWidgetRenderer
from journal.fields import DateInput

HOSTILE = '"><script>alert(1)</script>&amp;'


class Everything(forms.Form):
    text = forms.CharField(
        label="Note", help_text="A hint", max_length=20, widget=forms.TextInput({"class": "x"})
    )
    number = forms.IntegerField(widget=forms.NumberInput({"inputmode": "numeric"}))
    decimal = forms.DecimalField(max_digits=5, decimal_places=1, required=False)
    area = forms.CharField(widget=forms.Textarea({"rows": 2}), required=False)
    choice = forms.TypedChoiceField(
        choices=[("", "Not answered"), (1, "A little"), (2, HOSTILE)], coerce=int, required=False
    )
    grouped = forms.ChoiceField(
        choices=[("Group <1>", [("a", "A"), ("b", "B")]), ("c", "C")], required=False
    )
    flag = forms.BooleanField(required=False, disabled=True)
    day = forms.DateField(widget=DateInput({"class": "y"}), required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, initial=3)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"text": HOSTILE, "number": "12", "area": HOSTILE, "choice": "2", "grouped": "b"},
        {"day": "2025-03-14", "revision": HOSTILE},
        {"text": "", "number": "not a number", "decimal": "1.25", "choice": "9", "day": HOSTILE},
    ],
)
def test_the_markup_is_djangos_to_the_byte(data):
    fast = Everything(data, renderer=FastWidgetRenderer())
    django = Everything(data, renderer=DjangoTemplates())
    assert isinstance(fast.renderer, FastWidgetRenderer)
    for name in fast.fields:
        assert str(fast[name]) == str(django[name]), name


def test_values_and_labels_are_escaped():
    form = Everything(
        {"text": HOSTILE, "area": HOSTILE, "choice": "2"}, renderer=FastWidgetRenderer()
    )
    html = str(form["text"]) + str(form["area"]) + str(form["choice"])
    assert "<script>" not in html
    assert "&quot;&gt;&lt;script&gt;" in html
    assert "&amp;amp;" in html  # an entity typed in is shown as typed, not interpreted


def test_the_day_logs_hidden_revision_is_written_in_python():
    assert "django/forms/widgets/hidden.html" in WRITERS


def test_the_day_log_form_uses_it():
    from journal.daylog.forms import DayLogForm

    assert isinstance(DayLogForm.default_renderer, FastWidgetRenderer)


def test_the_history_forms_use_it():
    from journal.daylog.forms import GoToDayForm, HistoryFilterForm

    assert isinstance(GoToDayForm.default_renderer, FastWidgetRenderer)
    assert isinstance(HistoryFilterForm.default_renderer, FastWidgetRenderer)


def test_the_report_form_uses_it_for_its_date_inputs():
    from journal.report.forms import ReportRangeForm

    assert isinstance(ReportRangeForm.default_renderer, FastWidgetRenderer)
    assert "django/forms/widgets/date.html" in WRITERS
