"""The form of the person's page that records a person leaving the register (``leaving.py``)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communityedu.people.models import LeftReason


class LeaveRegisterForm(forms.Form):
    on = forms.DateField(
        label=_("Left on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Enter the day the person left."), "invalid": _("Enter a date: 2026-03-02.")},
    )
    reason = forms.ChoiceField(
        label=_("Why they left"),
        choices=LeftReason.choices,
        error_messages={"required": _("Choose why the person left.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
