"""The trends page's range, symptom and points."""

from django import forms

from journal.trends.builder import DEFAULT_RANGE, RANGES
from library.models import Symptom


class TrendsForm(forms.Form):
    """The trends page's range, symptom and points, read from the query string.

    The page offers them as links (caregivers' pages have no forms); an unknown value falls
    back to the default instead of failing the page.
    """

    range = forms.ChoiceField(
        label="Range", choices=[(key, label) for key, (label, _) in RANGES.items()], required=False
    )
    symptom = forms.ChoiceField(label="Symptom", required=False)
    by = forms.ChoiceField(
        label="Each point shows",
        choices=[("", "The worst day of each week"), ("day", "Each day")],
        required=False,
    )
    cycle = forms.IntegerField(label="On/off period", min_value=1, required=False)

    def __init__(self, data, *, symptoms):
        super().__init__(data)
        self.symptoms = {symptom.slug: symptom for symptom in symptoms}
        self.fields["symptom"].choices = [
            ("", "All symptoms"),
            *((symptom.slug, symptom.name) for symptom in symptoms),
        ]

    def clean_range(self) -> str:
        return self.cleaned_data["range"] or DEFAULT_RANGE

    def clean_symptom(self) -> Symptom | None:
        return self.symptoms.get(self.cleaned_data["symptom"])

    def clean_by(self) -> bool:
        return self.cleaned_data["by"] == "day"

    def choice(self) -> tuple[str, Symptom | None, bool, int | None]:
        """The range key, the symptom (None: all), whether each day was asked for and the
        id of the on/off period whose cycle table was asked for (None: the latest), each
        falling back to its default. The period is only an id here: the page picks it among
        the patient's own periods, so another's id is the default, never a sign it exists."""
        self.is_valid()
        data = self.cleaned_data
        return (
            data.get("range", DEFAULT_RANGE),
            data.get("symptom"),
            data.get("by", False),
            data.get("cycle"),
        )
