"""The team register, employers' totals, the ranking, and each person's points."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communityedu.core.parsing import parse_year
from communityedu.core.views import allowed_if
from communityedu.incentives import permissions, selectors, services
from communityedu.incentives.exports import ranking_xlsx
from communityedu.incentives.forms import (
    AssessmentTotalForm,
    JoinTeamForm,
    LeaveTeamForm,
    TeamMemberForm,
    TrainingForm,
)
from communityedu.metrics.points import points_statement, ranking_by_employer, team_points
from communityedu.people.models import Person
from communityedu.people.selectors import people_visible_to, person_for_account


def _reads(request) -> bool:
    return permissions.reads_incentives(request.user, request.town)


def _manages(request) -> bool:
    return permissions.manages_incentives(request.user, request.town)


def _year(request) -> int:
    text = request.GET.get("year") or request.POST.get("year") or ""
    return parse_year(text, default=timezone.localdate().year)


@allowed_if(_reads)
def register(request):
    year = _year(request)
    rows = team_points(town=request.town, year=year)
    return render(
        request,
        "incentives/register.html",
        {
            "rows": rows,
            "year": year,
            "can_manage": _manages(request),
            "totals": selectors.assessment_totals(town=request.town),
        },
    )


@allowed_if(_manages)
def member_create(request):
    query = request.GET.get("q", "").strip()[:20]
    form = TeamMemberForm(request.POST or None, town=request.town, query=query)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_team_member(
                actor=request.user,
                town=request.town,
                person=data["person"],
                values={
                    "category": data["category"],
                    "specialities": data["specialities"],
                    "employer": data["employer"],
                },
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("incentives:register")
    return render(request, "incentives/member_form.html", {"form": form, "query": query})


@allowed_if(_manages)
def assessment_totals(request):
    form = AssessmentTotalForm(request.POST or None, town=request.town)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_assessment_total(
                actor=request.user, employer=data["employer"], year=data["year"], total=data["total"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("incentives:register")
    return render(
        request,
        "incentives/assessment_form.html",
        {"form": form, "totals": selectors.assessment_totals(town=request.town)},
    )


@allowed_if(_reads)
def ranking(request):
    year = _year(request)
    return render(
        request, "incentives/ranking.html", {"groups": ranking_by_employer(town=request.town, year=year), "year": year}
    )


@allowed_if(_reads)
def ranking_export(request):
    year = _year(request)
    data = ranking_xlsx(ranking_by_employer(town=request.town, year=year), year=year)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="bonus-points-{request.town.slug}-{year}.xlsx"'
    return response


def _person_page(request, person: Person, *, can_manage: bool):
    year = _year(request)
    return render(
        request,
        "incentives/statement.html",
        {
            "person": person,
            "year": year,
            "statement": points_statement(person=person, year=year),
            "member": selectors.member_of(person),
            "trainings": person.training_records.all(),
            "certificates": person.certificates.select_related("issuing_unit"),
            "can_manage": can_manage,
            "training_form": TrainingForm() if can_manage else None,
        },
    )


@allowed_if(_reads)
def statement(request, person_id: int):
    person = get_object_or_404(people_visible_to(request.user), pk=person_id)
    if not permissions.reads_incentives(request.user, person.town):
        raise PermissionDenied
    return _person_page(request, person, can_manage=permissions.manages_incentives(request.user, person.town))


@require_POST
@allowed_if(_manages)
def training_create(request, person_id: int):
    person = get_object_or_404(Person.objects.filter(town=request.town), pk=person_id)
    form = TrainingForm(request.POST)
    if form.is_valid():
        services.add_training_record(actor=request.user, person=person, **form.cleaned_data)
        messages.success(request, _("Training recorded."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("incentives:statement", person_id=person.pk)


def my_points(request):
    """A teacher's or volunteer's own lectures, activities, points and certificates."""
    if not request.user.is_authenticated:
        return redirect("accounts:sign-in")
    person = person_for_account(request.user)
    if person is None:
        raise PermissionDenied
    return _person_page(request, person, can_manage=False)


@allowed_if(_reads)
def team_members(request, unit_id: int):
    """A volunteer team's members, current and past; the office and the school add a volunteer of
    the register (from a day) or record the day one left."""
    team = selectors.get_team_for(town=request.town, unit_id=unit_id)
    can_manage = _manages(request)
    join_form = JoinTeamForm(
        request.POST if request.method == "POST" and "member" in request.POST else None,
        volunteers=selectors.volunteers_to_join(team),
        initial={"joined_on": timezone.localdate()},
    )
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        try:
            if "membership" in request.POST:
                membership = get_object_or_404(selectors.memberships_of(team), pk=request.POST["membership"])
                leave_form = LeaveTeamForm(request.POST)
                if not leave_form.is_valid():
                    raise ValidationError(leave_form.errors["left_on"])
                services.remove_from_team(
                    actor=request.user, membership=membership, left_on=leave_form.cleaned_data["left_on"]
                )
                messages.success(request, _("%(name)s left the team.") % {"name": membership.member.person.name})
                return redirect("incentives:team-members", unit_id=team.pk)
            if join_form.is_valid():
                member = join_form.cleaned_data["member"]
                services.add_to_team(
                    actor=request.user, team=team, member=member, joined_on=join_form.cleaned_data["joined_on"]
                )
                messages.success(request, _("%(name)s joined the team.") % {"name": member.person.name})
                return redirect("incentives:team-members", unit_id=team.pk)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        status = 400
    return render(
        request,
        "incentives/team_members.html",
        {
            "team": team,
            "memberships": selectors.memberships_of(team),
            "join_form": join_form,
            "today": timezone.localdate(),
            "can_manage": can_manage,
        },
        status=status,
    )
