"""Bonus points over the API."""

from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Schema, Status
from ninja.errors import HttpError

from communityedu.api.common import ListRouter
from communityedu.api.errors import ApiError
from communityedu.api.types import Id, Year
from communityedu.incentives import permissions, selectors, services
from communityedu.incentives.models import Certificate
from communityedu.incentives.pdf import verify_url
from communityedu.metrics.points import points_statement
from communityedu.people.selectors import people_visible_to, person_for_account

router = ListRouter(tags=["incentives"])


class PointsOut(Schema):
    year: int
    lectures: int
    activities: int
    earned: str
    cap: str
    granted: str


@router.get("/people/{person_id}/points", response=PointsOut)
def get_points(request, person_id: Id, year: Year | None = None):
    """A person's bonus points for an assessment year; decimals as strings."""
    own = person_for_account(request.user)
    if own is not None and own.pk == person_id:
        person = own
    else:
        person = get_object_or_404(people_visible_to(request.user), pk=person_id)
        if not permissions.reads_incentives(request.user, person.town):
            raise HttpError(403, "Not allowed")
    year = year or timezone.localdate().year
    statement = points_statement(person=person, year=year)
    return {
        "year": year,
        "lectures": statement.lectures,
        "activities": statement.activities,
        "earned": str(statement.earned),
        "cap": str(statement.cap),
        "granted": str(statement.granted),
    }


class CertificateOut(Schema):
    serial: str
    code: str
    person: str
    employer: str
    year: int
    issuing_unit: str
    issued_on: date
    lectures: int
    activities: int
    earned: str
    cap: str
    granted: str
    is_revoked: bool
    revoked_on: date | None
    revoke_reason: str
    verify_url: str


def _certificate_out(certificate) -> dict:
    return {
        "serial": certificate.serial,
        "code": certificate.code,
        "person": certificate.person.name,
        "employer": certificate.employer_name,
        "year": certificate.year,
        "issuing_unit": certificate.issuing_unit.name,
        "issued_on": certificate.issued_on,
        "lectures": certificate.lectures,
        "activities": certificate.activities,
        "earned": str(certificate.earned),
        "cap": str(certificate.cap),
        "granted": str(certificate.granted),
        "is_revoked": certificate.is_revoked,
        "revoked_on": certificate.revoked_on,
        "revoke_reason": certificate.revoke_reason,
        "verify_url": verify_url(certificate),
    }


class IssueIn(Schema):
    year: Year


@router.post("/people/{person_id}/certificates", response={201: CertificateOut})
def issue_certificate(request, person_id: Id, body: IssueIn):
    """Issue the community school's certificate of a person's bonus points for a year."""
    person = get_object_or_404(people_visible_to(request.user), pk=person_id)
    if not permissions.manages_incentives(request.user, person.town):
        raise HttpError(403, "Not allowed")
    unit = selectors.issuing_unit_of(person.town)
    if unit is None:
        raise ApiError(400, "The town has no community school to issue certificates.")
    certificate = services.issue_certificate(
        actor=request.user,
        person=person,
        year=body.year,
        statement=points_statement(person=person, year=body.year),
        issuing_unit=unit,
    )
    return Status(201, _certificate_out(certificate))


@router.get("/certificates/verify/{code}", response=CertificateOut, auth=None)
def verify_certificate(request, code: str):
    """Public: confirm a certificate by the code on its QR link (no ID number or phone)."""
    certificate = Certificate.objects.select_related("person", "issuing_unit").filter(code=code).first()
    if certificate is None:
        raise ApiError(404, "This certificate does not exist.")
    return Status(200, _certificate_out(certificate))
