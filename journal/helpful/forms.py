from django import forms


class HelpfulVoteForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("yes", "This helped me"), ("no", "It did not help me")],
        coerce=lambda value: value == "yes",
    )

    @property
    def thanks(self) -> str:
        return "helped you" if self.cleaned_data["helpful"] else "did not help you"
