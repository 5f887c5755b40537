"""Reads of the team register."""

from __future__ import annotations

from typing import TYPE_CHECKING

from communityedu.incentives.models import EARNS_POINTS, Certificate, EmployerAssessment, TeamMember
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
