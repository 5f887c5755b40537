from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communityedu.activities.models import Activity
from communityedu.core.parsing import VisibleNamesFormMixin
from communityedu.organization.models import Unit, Village
from communityedu.organization.unit_choices import UnitChoiceField
from communityedu.people.models import Person


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ActivityForm(VisibleNamesFormMixin, forms.ModelForm):
    lecturers = forms.ModelMultipleChoiceField(
        label=_("Lecturers"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("People of the register who lecture; hold Ctrl to choose several."),
    )
    repeat_weekly_until = forms.DateField(
        label=_("Repeat weekly until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For a weekly activity such as the 4:30 classroom: one activity a week up to this date."),
    )

    class Meta:
        model = Activity
        fields = [
            "title",
            "kind",
            "organiser",
            "venue_unit",
            "venue_place",
            "village",
            "starts_at",
            "ends_at",
            "audience",
            "capacity",
            "summary",
        ]
        # The organiser and the venue are picked from units grouped by type, with a filter box.
        field_classes = {"organiser": UnitChoiceField, "venue_unit": UnitChoiceField}
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, town, organisers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers
        self.fields["venue_unit"].queryset = Unit.objects.filter(town=town)
        self.fields["village"].queryset = Village.objects.filter(town=town)
        # Lecturers are people with an account (teachers, staff) or who have lectured before.
        self.fields["lecturers"].queryset = (
            Person.objects.filter(town=town)
            .filter(Q(account__isnull=False) | Q(lecturer_links__isnull=False))
            .distinct()
            .order_by("name")
        )
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M"]
        self.fields["ends_at"].input_formats = ["%Y-%m-%dT%H:%M"]
        if self.instance.pk:
            self.initial["lecturers"] = list(self.instance.lecturer_links.values_list("person", flat=True))
            del self.fields["repeat_weekly_until"]

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The end must come after the start."))
        return data

    def _post_clean(self):
        pass


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)
