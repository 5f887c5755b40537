"""A unit's category (党政机关, 事业单位…: what the learning-organ rate counts) and the volunteer
teams' members over the API, through the same services as the pages."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Schema, Status
from ninja.errors import HttpError

from communityedu.api.common import ListRouter, town_for
from communityedu.api.errors import ApiError, ErrorOut, django_errors
from communityedu.api.types import Id, Text
from communityedu.incentives import permissions as incentive_permissions
from communityedu.incentives import selectors as incentive_selectors
from communityedu.incentives import services as incentive_services
from communityedu.incentives.models import TeamMember
from communityedu.organization import permissions as organization_permissions
from communityedu.organization import services as organization_services
from communityedu.organization.selectors import units_visible_to

router = ListRouter(tags=["organization"])


def _refused(error: ValidationError) -> ApiError:
    errors = django_errors(error)
    return ApiError(400, errors[0][1] if errors else "Refused.", errors=errors)


class CategoryIn(Schema):
    category: Text(40)


class UnitCategoryOut(Schema):
    id: int
    name: str
    unit_type: str
    category: str
    category_label: str


def _category_out(unit) -> dict:
    return {
        "id": unit.pk,
        "name": unit.name,
        "unit_type": unit.unit_type,
        "category": unit.category,
        "category_label": str(unit.get_category_display()),
    }


@router.put("/units/{unit_id}/category", response={200: UnitCategoryOut, 400: ErrorOut})
def put_unit_category(request, unit_id: Id, town: str, body: CategoryIn):
    """Classify a unit of the town: ``party_government_organ`` (党政机关: counted by the
    learning-organ rate), ``public_institution`` (事业单位), ``mass_organization`` (群团组织) or
    ``other``. The town office only; audited."""
    town_row = town_for(request, town)
    if not organization_permissions.can_edit_structure(request.user, town_row):
        raise HttpError(403, "Not allowed")
    unit = get_object_or_404(units_visible_to(request.user).filter(town=town_row), pk=unit_id)
    try:
        unit = organization_services.set_unit_category(unit=unit, category=body.category, actor=request.user)
    except ValidationError as error:
        raise _refused(error) from error
    return _category_out(unit)


class MembershipOut(Schema):
    id: int
    team_id: int
    team: str
    member_id: int
    person_id: int
    name: str
    joined_on: date
    left_on: date | None


def _membership_out(membership) -> dict:
    return {
        "id": membership.pk,
        "team_id": membership.team_id,
        "team": membership.team.name,
        "member_id": membership.member_id,
        "person_id": membership.member.person_id,
        "name": membership.member.person.name,
        "joined_on": membership.joined_on,
        "left_on": membership.left_on,
    }


class JoinIn(Schema):
    member_id: Id
    joined_on: date


class LeaveIn(Schema):
    left_on: date


def _team(request, town: str, unit_id: int, *, manage: bool):
    town_row = town_for(request, town)
    allowed = incentive_permissions.manages_incentives if manage else incentive_permissions.reads_incentives
    if not allowed(request.user, town_row):
        raise HttpError(403, "Not allowed")
    return incentive_selectors.get_team_for(town=town_row, unit_id=unit_id)


@router.get("/teams/{unit_id}/members", response=list[MembershipOut])
def list_team_members(request, unit_id: Id, town: str):
    """A volunteer team's memberships, current ones first (``left_on`` null while the volunteer stays)."""
    team = _team(request, town, unit_id, manage=False)
    return [_membership_out(membership) for membership in incentive_selectors.memberships_of(team)]


@router.post("/teams/{unit_id}/members", response={201: MembershipOut, 400: ErrorOut})
def add_team_member(request, unit_id: Id, town: str, body: JoinIn):
    """A volunteer of the team register (``member_id``: the register entry) joins the team from
    ``joined_on``. The town office and the community school; audited."""
    team = _team(request, town, unit_id, manage=True)
    member = TeamMember.objects.filter(town_id=team.town_id, pk=body.member_id).select_related("person").first()
    if member is None:
        message = f"no volunteer {body.member_id} in the team register of {team.town.slug}."
        raise ApiError(400, message, field="member_id")
    try:
        membership = incentive_services.add_to_team(
            actor=request.user, team=team, member=member, joined_on=body.joined_on
        )
    except ValidationError as error:
        raise _refused(error) from error
    return Status(201, _membership_out(membership))


@router.post("/teams/{unit_id}/members/{membership_id}/leave", response={200: MembershipOut, 400: ErrorOut})
def remove_team_member(request, unit_id: Id, membership_id: Id, town: str, body: LeaveIn):
    """The volunteer leaves the team on ``left_on`` (their last day in it); the membership stays in
    the record for the figures of earlier days. The town office and the community school; audited."""
    team = _team(request, town, unit_id, manage=True)
    membership = get_object_or_404(incentive_selectors.memberships_of(team), pk=membership_id)
    try:
        membership = incentive_services.remove_from_team(
            actor=request.user, membership=membership, left_on=body.left_on
        )
    except ValidationError as error:
        raise _refused(error) from error
    membership = incentive_selectors.memberships_of(team).get(pk=membership.pk)
    return _membership_out(membership)
