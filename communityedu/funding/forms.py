from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from communityedu.funding.constants import RECORDED_CATEGORIES, FundingSource
from communityedu.organization.models import Unit
from communityedu.organization.unit_choices import UnitChoiceField


class _EntryForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    voucher_number = forms.CharField(label=_("Voucher number"), max_length=60)
    dated_on = forms.DateField(
        label=_("Voucher date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)

    def __init__(self, *args, town, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("receiving_unit", "paying_unit"):
            if name in self.fields:
                self.fields[name].queryset = Unit.objects.filter(town=town)


class AllocationForm(_EntryForm):
    source = forms.ChoiceField(label=_("Source"), choices=FundingSource.choices)
    receiving_unit = UnitChoiceField(label=_("Receiving unit"), required=False)
    field_order = ["year", "source", "receiving_unit", "amount", "voucher_number", "dated_on", "description"]


class ExpenseForm(_EntryForm):
    category = forms.ChoiceField(label=_("Category"), choices=RECORDED_CATEGORIES)
    paying_unit = UnitChoiceField(label=_("Paying unit"), required=False)
    field_order = ["year", "category", "paying_unit", "amount", "voucher_number", "dated_on", "description"]


class GovernmentShareThresholdForm(forms.Form):
    """The town's own threshold for the government share of its funding, in per cent (blank: the
    plan's, more than 50%)."""

    threshold_percent = forms.DecimalField(
        label=_("Government share must be more than (%)"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("99.99"),
        max_digits=4,
        decimal_places=2,
        help_text=_("Blank: the plan's 政府投放为主, more than 50%. Exactly the threshold is not met."),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "99.99"}),
    )

    def threshold(self) -> Decimal | None:
        percent = self.cleaned_data["threshold_percent"]
        return None if percent is None else percent / 100
