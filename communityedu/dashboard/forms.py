from django import forms
from django.utils.translation import gettext_lazy as _

from communityedu.organization.constants import FigureKey
from communityedu.organization.targets import VILLAGE_FIGURES


class TargetSettingsForm(forms.Form):
    """The town's deadline and, for one year, every village's target of each village figure."""

    targets_due_on = forms.DateField(
        label=_("Targets due on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The plan's deadline: below its threshold before it a figure is at risk, after it not met."),
    )
    default_year = forms.IntegerField(
        label=_("Year shown by default"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("The year the targets and the self-assessment open on; empty: the latest year with data."),
    )

    def __init__(self, *args, villages, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.villages = list(villages)
        for village in self.villages:
            for key in VILLAGE_FIGURES:
                self.fields[f"{key}-{village.pk}"] = forms.DecimalField(
                    label=f"{village.name} · {FigureKey(key).label}",
                    min_value=0,
                    max_value=100,
                    decimal_places=2,
                    initial=current.get((str(key), village.pk)),
                    widget=forms.NumberInput(attrs={"step": "0.01", "class": "target-input"}),
                )

    def rows(self):
        return [(village, [self[f"{key}-{village.pk}"] for key in VILLAGE_FIGURES]) for village in self.villages]

    def village_targets(self) -> dict:
        return {
            (str(key), village.pk): self.cleaned_data[f"{key}-{village.pk}"]
            for village in self.villages
            for key in VILLAGE_FIGURES
        }
