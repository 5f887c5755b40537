"""Two lists of the plan the town office keeps beside its targets: the audience groups whose
participation is counted (``audience_participation``) and the activities units must hold every year
(``recurring_activities``). Each page shows the list with its figure for the chosen year and as_of,
adds and removes entries through ``organization``'s services (the API calls the same), and leads to
the records behind each number."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from communityedu.activities.constants import ActivityKind
from communityedu.core.views import allowed_if
from communityedu.dashboard.targets import _can_open, _period, _town
from communityedu.metrics import audience_figures
from communityedu.metrics.permissions import EVERY_VILLAGE, can_edit_targets, participant_villages_for
from communityedu.organization import audience_groups, recurring_activities
from communityedu.organization.audience_groups import AudienceGroup, AudienceMatch, AudienceSex
from communityedu.organization.models import Unit
from communityedu.organization.recurring_activities import RecurringActivity

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class AudienceGroupForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("name"), max_length=30)
    min_age = forms.IntegerField(label=gettext_lazy("from age"), min_value=0, max_value=150, required=False)
    max_age = forms.IntegerField(label=gettext_lazy("to age"), min_value=0, max_value=150, required=False)
    sex = forms.ChoiceField(label=gettext_lazy("sex"), choices=[("", "—"), *AudienceSex.choices], required=False)
    tag_name = forms.CharField(label=gettext_lazy("tag"), max_length=20, required=False)
    match = forms.ChoiceField(label=gettext_lazy("combine"), choices=AudienceMatch.choices)


class RecurringActivityForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("title"), max_length=60)
    unit = forms.ModelChoiceField(label=gettext_lazy("unit"), queryset=Unit.objects.none())
    month = forms.IntegerField(label=gettext_lazy("month"), min_value=1, max_value=12)
    day = forms.IntegerField(label=gettext_lazy("day"), min_value=1, max_value=31)
    activity_kind = forms.ChoiceField(
        label=gettext_lazy("activity kind"), choices=[("", "—"), *ActivityKind.choices], required=False
    )
    keyword = forms.CharField(label=gettext_lazy("keyword in the title"), max_length=30, required=False)
    active_from_year = forms.IntegerField(label=gettext_lazy("from year"), min_value=2000, max_value=2100)

    def __init__(self, *args, town, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(town=town).order_by("name")


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _edits(request) -> bool:
    return can_edit_targets(request.user, request.town)


@dataclass(frozen=True)
class _PlanList:
    """What the two list pages' adds differ in: the service that saves a new entry (called with
    ``town``, ``values`` and ``actor``), the message once added, and the page's URL name."""

    save: Callable[..., object]
    added: StrOrPromise
    url_name: str


_AUDIENCE_GROUPS = _PlanList(
    save=partial(audience_groups.save_audience_group, group=None),
    added=gettext_lazy("Audience group added."),
    url_name="dashboard:audience-groups",
)
_RECURRING_ACTIVITIES = _PlanList(
    save=partial(recurring_activities.save_recurring_activity, recurring=None),
    added=gettext_lazy("Recurring activity added."),
    url_name="dashboard:recurring-activities",
)


def _add_posted(
    request, form, plan_list: _PlanList, *, town, can_edit: bool, year: int, as_of: date
) -> HttpResponse | None:
    """A list page's add: on a POST (the town office only) a valid form is saved through the list's
    service and the page redirects to itself for the same year and as_of; an invalid form, or one the
    service refuses, stays on the form with its errors (the caller answers 400). None for a GET."""
    if request.method != "POST":
        return None
    if not can_edit:
        raise PermissionDenied
    if form.is_valid():
        try:
            plan_list.save(town=town, values=form.cleaned_data, actor=request.user)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, str(plan_list.added))
            return redirect(f"{reverse(plan_list.url_name)}?year={year}&as_of={as_of.isoformat()}")
    return None


# ---- audience groups -----------------------------------------------------------------------------


@allowed_if(_can_open)
def audience_group_list(request):
    """The town's audience groups with their participation for the year as of the date; the town
    office adds a group (POST)."""
    year, as_of = _period(request)
    town = _town(request)
    can_edit = town == request.town and _edits(request)
    form = AudienceGroupForm(request.POST if request.method == "POST" else None, initial={"match": AudienceMatch.ALL})
    saved = _add_posted(request, form, _AUDIENCE_GROUPS, town=town, can_edit=can_edit, year=year, as_of=as_of)
    if saved is not None:
        return saved
    status = 400 if form.is_bound else 200
    computed = audience_figures.audience_participation(towns=[town], year=year, as_of=as_of)[town.pk]
    lines = {line.key: line for line in computed.villages}
    groups = [(group, lines.get(group.pk)) for group in AudienceGroup.objects.filter(town=town).order_by("position")]
    return render(
        request,
        "dashboard/audience_groups.html",
        {
            "town": town,
            "year": year,
            "as_of": as_of,
            "figure": computed,
            "groups": groups,
            "form": form,
            "can_edit": can_edit,
        },
        status=status,
    )


@require_POST
@allowed_if(_edits)
def audience_group_delete(request, pk: int):
    group = get_object_or_404(AudienceGroup, town=request.town, pk=pk)
    audience_groups.delete_audience_group(group=group, actor=request.user)
    messages.success(request, _("Audience group removed."))
    return redirect("dashboard:audience-groups")


@allowed_if(_can_open)
def audience_group_people(request, pk: int):
    """The people of one group in the register, as the figure counts them (``took_part=1``: the
    line's numerator; ``0``: those who did not; absent: the denominator); named only for the
    villages whose residents the reader may see by name, the others counted."""
    year, as_of = _period(request)
    town = _town(request)
    group = get_object_or_404(AudienceGroup, town=town, pk=pk)
    took_part = {"1": True, "0": False}.get(request.GET.get("took_part", ""))
    rows = audience_figures.group_people(group=group, year=year, as_of=as_of, took_part=took_part)
    counted = rows.count()
    villages = participant_villages_for(request.user, town)
    if villages is not EVERY_VILLAGE:
        rows = rows.filter(village_id__in=list(villages))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    extra = f"town={town.slug}&year={year}&as_of={as_of.isoformat()}" + (
        "" if took_part is None else f"&took_part={int(took_part)}"
    )
    return render(
        request,
        "dashboard/audience_group_people.html",
        {
            "town": town,
            "group": group,
            "year": year,
            "as_of": as_of,
            "took_part": took_part,
            "counted": counted,
            "not_named": counted - page.paginator.count,
            "page": page,
            "extra_query": extra,
        },
    )


# ---- recurring activities ------------------------------------------------------------------------


@allowed_if(_can_open)
def recurring_activity_list(request):
    """The activities the town's units must hold every year, each with its occurrence of the year
    as of the date (held with evidence, evidence missing, not held, not yet due) and the activity
    that satisfies it; the town office adds one (POST)."""
    year, as_of = _period(request)
    town = _town(request)
    can_edit = town == request.town and _edits(request)
    form = RecurringActivityForm(
        request.POST if request.method == "POST" else None, town=town, initial={"active_from_year": year}
    )
    saved = _add_posted(request, form, _RECURRING_ACTIVITIES, town=town, can_edit=can_edit, year=year, as_of=as_of)
    if saved is not None:
        return saved
    status = 400 if form.is_bound else 200
    computed = audience_figures.recurring_activities(towns=[town], year=year, as_of=as_of)[town.pk]
    occurrences = audience_figures.recurring_occurrences(
        towns=[town], year=year, as_of=audience_figures.effective_as_of(year, as_of)
    )[town.pk]
    labels = audience_figures.OCCURRENCE_LABELS
    rows = [
        (recurring, day, status_key, str(labels[status_key]), activity)
        for recurring, day, status_key, activity in occurrences
    ]
    return render(
        request,
        "dashboard/recurring_activities.html",
        {
            "town": town,
            "year": year,
            "as_of": as_of,
            "figure": computed,
            "occurrences": rows,
            "required": recurring_activities.recurring_of_towns([town.pk]),
            "window_days": recurring_activities.WINDOW_DAYS,
            "form": form,
            "can_edit": can_edit,
        },
        status=status,
    )


@require_POST
@allowed_if(_edits)
def recurring_activity_delete(request, pk: int):
    recurring = get_object_or_404(RecurringActivity, town=request.town, pk=pk)
    recurring_activities.delete_recurring_activity(recurring=recurring, actor=request.user)
    messages.success(request, _("Recurring activity removed."))
    return redirect("dashboard:recurring-activities")
