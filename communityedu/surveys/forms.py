from django import forms
from django.utils.translation import gettext_lazy as _

from communityedu.core.parsing import VisibleNamesFormMixin
from communityedu.surveys.constants import QuestionKind
from communityedu.surveys.models import Survey

MAX_WORKBOOK_BYTES = 10 * 1024 * 1024


class SurveyForm(VisibleNamesFormMixin, forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title", "year", "opens_on", "is_standard", "introduction"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "introduction": forms.Textarea(attrs={"rows": 3}),
        }


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    is_required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a choice question: one choice per line."),
    )

    def choice_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("choices", "").splitlines() if line.strip()]


class ChoiceForm(forms.Form):
    text = forms.CharField(label=_("New choice"), max_length=200)


class WorkbookForm(forms.Form):
    workbook = forms.FileField(label=_("Workbook (.xlsx)"))

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload the .xlsx workbook made from the template."))
        if upload.size > MAX_WORKBOOK_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload
