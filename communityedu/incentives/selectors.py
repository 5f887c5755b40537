"""Reads of the team register."""

from __future__ import annotations

from communityedu.incentives.models import Certificate, EmployerAssessment, TeamMember


def member_of(person) -> TeamMember | None:
    return TeamMember.objects.select_related("employer").filter(person=person).first()


def assessment_totals(*, town):
    return EmployerAssessment.objects.filter(town=town).select_related("employer").order_by("-year", "employer__name")


def certificates_of(person):
    """The certificates issued to ``person``, the latest first (revoked ones say so)."""
    return Certificate.objects.filter(person=person).select_related("issuing_unit").order_by("-year", "-issued_on")
