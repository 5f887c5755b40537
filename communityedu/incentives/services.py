"""Writes for the team register and certificates. The points themselves are never written: they
are computed by ``metrics.points`` from the facts, and a certificate keeps them as issued."""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.core import audit
from communityedu.incentives.models import (
    Certificate,
    EmployerAssessment,
    TeamCategory,
    TeamMember,
    TeamMembership,
    TrainingRecord,
)
from communityedu.people.models import Person

if TYPE_CHECKING:
    from communityedu.accounts.models import User
    from communityedu.organization.models import Town

MEMBER_FIELDS = ["category", "specialities", "employer", "is_active"]


@transaction.atomic
def save_team_member(*, actor: User, town: Town, person, values: dict) -> TeamMember:
    """Add ``person`` to the team register, or update their entry."""
    if person.town_id != town.pk or values["employer"].town_id != town.pk:
        raise ValidationError(_("Choose a person and an employer of this town."))
    member = TeamMember.objects.filter(town=town, person=person).first()
    created = member is None
    member = member or TeamMember(town=town, person=person)
    before = {} if created else audit.snapshot(member, MEMBER_FIELDS)
    for name, value in values.items():
        setattr(member, name, value)
    member.full_clean()
    member.save()
    changes = audit.diff(before, audit.snapshot(member, MEMBER_FIELDS))
    if changes or created:
        audit.record_change(actor=actor, obj=member, created=created, changes=changes)
    return member


@transaction.atomic
def set_assessment_total(*, actor: User, employer, year: int, total: Decimal) -> EmployerAssessment:
    if total <= 0:
        raise ValidationError({"total": _("The assessment total must be above zero.")})
    row, created = EmployerAssessment.objects.get_or_create(
        town_id=employer.town_id, employer=employer, year=year, defaults={"total": total}
    )
    if not created and row.total != total:
        old = row.total
        row.total = total
        row.save(update_fields=["total", "updated_at"])
        audit.record_change(actor=actor, obj=row, created=False, changes={"total": [str(old), str(total)]})
    elif created:
        audit.record_change(actor=actor, obj=row, created=True, changes={"total": [None, str(total)]})
    return row


@transaction.atomic
def add_training_record(
    *, actor: User, person, title: str, provider: str, attended_on: date, hours=None
) -> TrainingRecord:
    record = TrainingRecord(
        town_id=person.town_id, person=person, title=title, provider=provider, attended_on=attended_on, hours=hours
    )
    record.full_clean()
    record.save()
    audit.record_change(actor=actor, obj=record, created=True, changes={"title": [None, title]})
    return record


def _next_serial(town: Town, year: int) -> str:
    issued = Certificate.objects.filter(town=town, year=year).count()
    return f"{town.name}社教证〔{year}〕{issued + 1:03d}号"


@transaction.atomic
def issue_certificate(*, actor: User, person, year: int, statement, issuing_unit) -> Certificate:
    """Issue a certificate of ``statement`` (a ``metrics.points.PointsStatement`` for ``person``
    and ``year``, computed by the caller): the figures are kept as they stand today. Refused while
    the person holds a certificate for ``year`` that is not revoked."""
    # Serialises issuing for one person on PostgreSQL; SQLite's IMMEDIATE transactions already do.
    list(Person.objects.select_for_update().filter(pk=person.pk).order_by().values_list("pk", flat=True))
    if Certificate.objects.filter(person=person, year=year, revoked_on__isnull=True).exists():
        raise ValidationError(
            _("%(name)s already holds a certificate for %(year)s; revoke it before issuing another.")
            % {"name": person.name, "year": year}
        )
    if issuing_unit.town_id != person.town_id:
        raise ValidationError(_("The issuing unit must be of the person's town."))
    if not statement.earns_points:
        raise ValidationError(_("Only part-time teachers and volunteers earn bonus points."))
    if statement.granted <= 0:
        raise ValidationError(_("There are no points with evidence to certify for %(year)s.") % {"year": year})
    lines = [
        {
            "date": line.day.isoformat(),
            "title": line.title,
            "kind": line.kind,
            "reason": line.reason,
            "points": str(line.points),
        }
        for line in statement.counted
    ]
    for _attempt in range(3):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    town_id=person.town_id,
                    person=person,
                    year=year,
                    serial=_next_serial(person.town, year),
                    code=secrets.token_urlsafe(12),
                    issuing_unit=issuing_unit,
                    issued_on=timezone.localdate(),
                    issued_by=actor if getattr(actor, "pk", None) else None,
                    lectures=statement.lectures,
                    activities=statement.activities,
                    earned=statement.earned,
                    cap=statement.cap,
                    granted=statement.granted,
                    employer_name=statement.employer,
                    lines=lines,
                )
            break
        except IntegrityError:
            continue  # two certificates numbered at once: take the next serial
    else:
        raise ValidationError(_("The certificate could not be numbered; try again."))
    audit.record_change(
        actor=actor,
        obj=certificate,
        created=True,
        changes={"serial": [None, certificate.serial], "granted": [None, str(certificate.granted)]},
    )
    return certificate


@transaction.atomic
def revoke_certificate(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the certificate is revoked.")})
    if certificate.is_revoked:
        return certificate
    certificate.revoked_on, certificate.revoke_reason = timezone.localdate(), reason[:200]
    certificate.save(update_fields=["revoked_on", "revoke_reason", "updated_at"])
    audit.record_change(
        actor=actor, obj=certificate, created=False, changes={"revoked": [False, True], "reason": [None, reason]}
    )
    return certificate


@transaction.atomic
def add_to_team(*, actor: User, team, member: TeamMember, joined_on: date) -> TeamMembership:
    """Make the volunteer ``member`` a member of the volunteer team ``team`` from ``joined_on``.
    Refused for a unit that is not a volunteer team, someone who is not a volunteer of the register,
    another town's, or a volunteer already in the team. Audited."""
    from communityedu.organization.constants import UnitType

    if team.unit_type != UnitType.TEAM:
        raise ValidationError({"team": _("“%(name)s” is not a volunteer team.") % {"name": team.name}})
    if member.town_id != team.town_id:
        raise ValidationError({"member": _("Choose a volunteer of this town.")})
    if member.category != TeamCategory.VOLUNTEER:
        raise ValidationError(
            {"member": _("%(name)s is not a volunteer in the team register.") % {"name": member.person.name}}
        )
    if not 2000 <= joined_on.year <= 2100:
        raise ValidationError({"joined_on": _("Give a date between 2000 and 2100.")})
    if TeamMembership.objects.select_for_update().filter(team=team, member=member, left_on__isnull=True).exists():
        raise ValidationError(
            {"member": _("%(name)s is already a member of %(team)s.") % {"name": member.person.name, "team": team.name}}
        )
    membership = TeamMembership(town_id=team.town_id, team=team, member=member, joined_on=joined_on)
    membership.full_clean()
    membership.save()
    audit.record_change(
        actor=actor,
        obj=membership,
        created=True,
        changes={"team": [None, team.name], "member": [None, member.person_id], "joined_on": [None, str(joined_on)]},
    )
    return membership


@transaction.atomic
def remove_from_team(*, actor: User, membership: TeamMembership, left_on: date) -> TeamMembership:
    """The volunteer leaves the team on ``left_on`` (their last day in it); the row stays, so the
    figures of earlier days still count them. Audited."""
    membership = TeamMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.left_on is not None:
        raise ValidationError({"left_on": _("This volunteer already left the team.")})
    if left_on < membership.joined_on:
        raise ValidationError(
            {
                "left_on": _("The day of leaving cannot be before the day of joining (%(day)s).")
                % {"day": membership.joined_on.isoformat()}
            }
        )
    membership.left_on = left_on
    membership.save(update_fields=["left_on", "updated_at"])
    audit.record_change(actor=actor, obj=membership, created=False, changes={"left_on": [None, str(left_on)]})
    return membership
