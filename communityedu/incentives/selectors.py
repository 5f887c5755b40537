"""Reads of the team register."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F

from communityedu.incentives.models import (
    EARNS_POINTS,
    Certificate,
    EmployerAssessment,
    TeamCategory,
    TeamMember,
    TeamMembership,
)
from communityedu.organization.constants import UnitType
from communityedu.organization.models import Unit

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from communityedu.organization.models import Town
    from communityedu.people.models import Person


def member_of(person: Person) -> TeamMember | None:
    return TeamMember.objects.select_related("employer").filter(person=person).first()


def assessment_totals(*, town: Town) -> QuerySet[EmployerAssessment]:
    return EmployerAssessment.objects.filter(town=town).select_related("employer").order_by("-year", "employer__name")


def certificates_of(person: Person) -> QuerySet[Certificate]:
    """The certificates issued to ``person``, the latest first (revoked ones say so)."""
    return Certificate.objects.filter(person=person).select_related("issuing_unit").order_by("-year", "-issued_on")


def issuing_unit_of(town: Town) -> Unit | None:
    """The town's community school, which issues the certificates."""
    return Unit.objects.filter(town=town, unit_type=UnitType.COMMUNITY_SCHOOL).order_by("pk").first()


def certificate_candidates(*, town: Town, year: int) -> QuerySet[TeamMember]:
    """Active part-time teachers and volunteers of ``town`` without a standing certificate for ``year``."""
    holders = Certificate.objects.filter(town=town, year=year, revoked_on__isnull=True).values("person_id")
    return (
        TeamMember.objects.filter(town=town, is_active=True, category__in=EARNS_POINTS)
        .exclude(person_id__in=holders)
        .select_related("person", "person__town", "employer")
        .order_by("employer__name", "person__name", "pk")
    )


def get_team_for(*, town: Town, unit_id: int) -> Unit:
    """The volunteer team ``unit_id`` of ``town`` (404 for another town's or a unit that is not a team)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Unit.objects.filter(town=town, unit_type=UnitType.TEAM), pk=unit_id)


def memberships_of(team: Unit) -> QuerySet[TeamMembership]:
    """The team's memberships, current ones first, each with the volunteer's person."""
    return (
        TeamMembership.objects.filter(team=team)
        .select_related("member__person")
        .order_by(F("left_on").desc(nulls_first=True), "member__person__name", "id")
    )


def volunteers_to_join(team: Unit) -> QuerySet[TeamMember]:
    """The volunteers of the team's town who are not members of it now."""
    current = TeamMembership.objects.filter(team=team, left_on__isnull=True).values("member_id")
    return (
        TeamMember.objects.filter(town_id=team.town_id, category=TeamCategory.VOLUNTEER)
        .exclude(pk__in=current)
        .select_related("person")
        .order_by("person__name", "id")
    )
