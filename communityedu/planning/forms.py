from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communityedu.core.parsing import VisibleNamesFormMixin
from communityedu.organization.models import Unit
from communityedu.organization.unit_choices import UnitChoiceField, UnitsByTypeField
from communityedu.planning.constants import MeetingKind, NoticeKind, TaskStatus
from communityedu.planning.models import Phase


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _units(town):
    return Unit.objects.filter(town=town).order_by("unit_type", "name")


class TownForm(forms.Form):
    """A form whose unit and phase choices come from one town."""

    def __init__(self, *args, town, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and field.queryset.model is Unit:
                field.queryset = _units(town)
            elif isinstance(field, forms.ModelChoiceField) and field.queryset.model is Phase:
                field.queryset = Phase.objects.filter(town=town).order_by("number")


class PhaseForm(VisibleNamesFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())


class TaskForm(VisibleNamesFormMixin, TownForm):
    phase = forms.ModelChoiceField(label=_("Phase"), queryset=Phase.objects.none())
    unit = UnitChoiceField(label=_("Responsible unit"))
    title = forms.CharField(label=_("Task"), max_length=200)
    target = forms.CharField(label=_("Target for the unit"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(label=_("Person in charge"), max_length=60, required=False)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    done_on = forms.DateField(
        label=_("Done on"), required=False, widget=DateInput(), help_text=_("Needed when the task is done.")
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FileForm(forms.Form):
    file = forms.FileField(label=_("Evidence file (photo or PDF)"))


class MeetingForm(VisibleNamesFormMixin, TownForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    # Grouped by unit type, each type with a box for all its units (19 learning centres in one tap).
    invited = UnitsByTypeField(label=_("Units invited"), required=False)
    attended = UnitsByTypeField(label=_("Units that attended"), required=False)
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    decisions = forms.CharField(label=_("Decisions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 4}))
    decisions = forms.CharField(label=_("Decisions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AttendanceForm(TownForm):
    # Grouped by unit type, each type with a box for all its units (19 learning centres in one tap).
    invited = UnitsByTypeField(label=_("Units invited"), required=False)
    attended = UnitsByTypeField(label=_("Units that attended"), required=False)


class ItemForm(TownForm):
    unit = UnitChoiceField(label=_("Owner unit"))
    description = forms.CharField(label=_("What to do"), widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Rectification note"), widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    closing_note = forms.CharField(label=_("How it was put right"), widget=forms.Textarea(attrs={"rows": 2}))
    closed_on = forms.DateField(label=pgettext_lazy("rectification", "Closed on"), required=False, widget=DateInput())


class NoticeForm(VisibleNamesFormMixin, TownForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=NoticeKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}))
    units = UnitsByTypeField(label=_("Units concerned"))
    people = forms.CharField(
        label=_("Individuals commended"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One a line: the unit's name, a space, the person's name. Commendations only."),
    )
    rectify_by = forms.DateField(
        label=_("Rectify by"), required=False, widget=DateInput(), help_text=_("Criticisms only.")
    )
    effective_on = forms.DateField(
        label=_("Effective on"),
        widget=DateInput(),
        help_text=_("The date printed on the notice; a notice issued earlier is entered with its own date (补录)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_on"].initial = timezone.localdate()

    def clean_people(self):
        """``(unit, name)`` pairs from lines such as ``弋阳村村委会 刘芳``."""
        units = {unit.name: unit for unit in self.fields["units"].queryset}
        pairs = []
        for number, line in enumerate(self.cleaned_data["people"].splitlines(), start=1):
            if not line.strip():
                continue
            unit_name, _space, person = line.strip().partition(" ")
            if unit_name not in units or not person.strip():
                raise forms.ValidationError(
                    _("Line %(number)s: write a unit of the town, a space and the person's name.") % {"number": number}
                )
            pairs.append((units[unit_name], person.strip()))
        return pairs


class EvaluationForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    evaluators = forms.CharField(label=_("Evaluators"), max_length=300)
    score = forms.DecimalField(label=_("Score"), max_digits=5, decimal_places=2, min_value=0, max_value=100)
    is_accepted = forms.BooleanField(label=_("Accepted"), required=False)
    conclusion = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 3}))


class NoticeDateForm(forms.Form):
    effective_on = forms.DateField(label=_("Effective on"), widget=DateInput())


class PlanSettingForm(forms.Form):
    evidence_required_for_done = forms.BooleanField(
        label=_("evidence required to mark a task done"),
        required=False,
        help_text=_("When on, a task is marked done only once an evidence file is attached to it."),
    )


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput())
