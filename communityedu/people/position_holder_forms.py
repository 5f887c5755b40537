"""The form of the unit structure page that records who held one of the unit's posts."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PositionHolderForm(forms.Form):
    position = forms.ModelChoiceField(label=pgettext_lazy("position", "Post"), queryset=None, empty_label=None)
    person_name = forms.CharField(label=_("Name"), max_length=50)
    starts_on = forms.DateField(label=_("Holds the post from"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("Holds the post until"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty while the person holds the post; a new holder ends the previous one."),
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = unit.positions.order_by("position", "id")
        self.fields["position"].label_from_instance = lambda position: f"{position.title}（{position.held_by}）"
