from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from communityedu.recognition.constants import RecognitionStatus, Track


class StatusChangeForm(forms.Form):
    track = forms.ChoiceField(choices=Track.choices, widget=forms.HiddenInput)
    subject = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=RecognitionStatus.choices)
    effective_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    evidence = forms.FileField(label=_("Evidence (PDF or photo)"), required=False)
