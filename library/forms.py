from django import forms

from gistjournal.forms import TextLimitsMixin
from library.models import Entry


class LibrarySearchForm(TextLimitsMixin, forms.Form):
    q = forms.CharField(
        label="Search the library",
        max_length=100,
        required=False,
        help_text="A symptom, another name for it, or any word, such as feet or tired.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())


class DrugFilterForm(forms.Form):
    """``?drug=<slug>`` on a symptom page; ``cleaned_data["drug"]`` is a Drug or None."""

    drug = forms.ChoiceField(label="Show entries for", required=False)

    def __init__(self, *args, drugs, **kwargs):
        super().__init__(*args, **kwargs)
        self.drugs = {drug.slug: drug for drug in drugs}
        self.fields["drug"].choices = [("", "All drugs")] + [
            (drug.slug, str(drug)) for drug in drugs
        ]

    def clean_drug(self):
        return self.drugs.get(self.cleaned_data["drug"])


class EntryAdminForm(forms.ModelForm):
    class Meta:
        model = Entry
        fields = [
            "title",
            "slug",
            "kind",
            "studied_in",
            "status",
            "source",
            "symptoms",
            "drugs",
            "body",
            "reviewed_on",
        ]

    def clean(self):
        cleaned = super().clean()
        errors = Entry.publishing_errors(
            status=cleaned.get("status"),
            source=cleaned.get("source"),
            symptoms=cleaned.get("symptoms"),
            drugs=cleaned.get("drugs"),
        )
        for field, message in errors.items():
            # The model's clean() reports a missing source already.
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned
