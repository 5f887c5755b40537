from django import forms
from django.utils.translation import gettext_lazy as _

from communityedu.incentives.models import TeamCategory, TeamMember
from communityedu.organization.models import Unit
from communityedu.people.models import Person


class TeamMemberForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Person.objects.none(),
        help_text=_("Type the name to find the person in the register."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=TeamCategory.choices)
    specialities = forms.CharField(label=_("Specialities"), max_length=200, required=False)
    employer = forms.ModelChoiceField(label=_("Employer (工作单位)"), queryset=Unit.objects.none())

    def __init__(self, *args, town, query: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(town=town).order_by("name")
        self.fields["person"].queryset = people.filter(name__contains=query)[:200] if query else people
        self.fields["employer"].queryset = Unit.objects.filter(town=town).order_by("unit_type", "name")


class AssessmentTotalForm(forms.Form):
    employer = forms.ModelChoiceField(label=_("Employer"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    total = forms.DecimalField(label=_("Assessment total"), max_digits=7, decimal_places=2, min_value=0.01)

    def __init__(self, *args, town, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Unit.objects.filter(town=town).order_by("unit_type", "name")


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("Training"), max_length=120)
    provider = forms.CharField(label=_("Given by"), max_length=120, required=False)
    attended_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(label=_("Hours"), max_digits=5, decimal_places=1, required=False, min_value=0)


class JoinTeamForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Volunteer"), queryset=TeamMember.objects.none())
    joined_on = forms.DateField(label=_("Joined on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = volunteers
        self.fields["member"].label_from_instance = lambda member: member.person.name


class LeaveTeamForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=forms.DateInput(attrs={"type": "date"}))
