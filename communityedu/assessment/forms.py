from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communityedu.assessment.criteria import CRITERIA


class ConditionsForm(forms.Form):
    venue_place = forms.CharField(label=_("Venue (place)"), max_length=120, required=False)
    venue_area = forms.DecimalField(
        label=_("Venue area (m²)"), max_digits=8, decimal_places=1, min_value=Decimal("0.1"), required=False
    )
    staff = forms.CharField(
        label=_("Staff"), max_length=200, required=False, help_text=_("Who runs it: names or posts.")
    )
    staff_count = forms.IntegerField(label=_("Number of staff"), min_value=0, max_value=1000, required=False)
    yearly_funds = forms.DecimalField(
        label=_("Yearly funds (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False
    )
    equipment = forms.CharField(label=_("Facilities and equipment"), max_length=300, required=False)


class IndicatorSheetForm(forms.Form):
    sheet = forms.FileField(label=_("Indicator sheet (.xlsx, .xls or .csv)"))
    name = forms.CharField(label=_("Name of this version"), max_length=120, required=False)


class ManualScoreForm(forms.Form):
    points = forms.DecimalField(
        label=pgettext_lazy("indicator", "Points"), max_digits=7, decimal_places=2, min_value=Decimal("0")
    )
    comment = forms.CharField(
        label=pgettext_lazy("indicator", "Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class WeightsForm(forms.Form):
    def __init__(self, *args, weights: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for key, item in CRITERIA.items():
            self.fields[key] = forms.DecimalField(
                label=item.label,
                max_digits=6,
                decimal_places=2,
                min_value=Decimal("0"),
                max_value=Decimal("1000"),
                initial=weights.get(key, item.default_weight),
            )
