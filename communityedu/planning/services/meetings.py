"""Writes of the plan's meetings: minutes, decisions, and the units invited and attending."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.core import audit
from communityedu.organization.models import Town, Unit
from communityedu.planning.constants import MeetingKind
from communityedu.planning.models import Meeting, MeetingInvitation
from communityedu.planning.services.common import actor_or_none, check_units, clean_text, save_audited

if TYPE_CHECKING:
    from communityedu.accounts.models import User


MEETING_FIELDS = ["kind", "title", "held_on", "place", "minutes", "decisions"]


def _write_attendance(*, meeting: Meeting, invited: list[Unit], attended: list[Unit], actor: User) -> dict:
    """Make the invitations exactly ``invited`` ∪ ``attended`` (an attending unit was invited),
    with ``attended`` marked; return the change for the audit log."""
    wanted = {unit.pk: unit for unit in [*invited, *attended]}
    attended_ids = {unit.pk for unit in attended}
    if attended_ids and meeting.held_on > timezone.localdate():
        raise ValidationError({"attended": _("Attendance can be recorded once the meeting has been held.")})
    current = {row.unit_id: row for row in MeetingInvitation.objects.filter(meeting=meeting)}
    before = {unit_id: row.attended for unit_id, row in current.items()}
    MeetingInvitation.objects.filter(meeting=meeting).exclude(unit_id__in=wanted).delete()
    for unit_id, unit in wanted.items():
        is_attending = unit_id in attended_ids
        row = current.get(unit_id)
        if row is None:
            MeetingInvitation.objects.create(town_id=meeting.town_id, meeting=meeting, unit=unit, attended=is_attending)
        elif row.attended != is_attending:
            row.attended = is_attending
            row.save(update_fields=["attended", "updated_at"])
    after = {unit_id: unit_id in attended_ids for unit_id in wanted}
    if before == after:
        return {}
    names = {unit_id: str(unit) for unit_id, unit in wanted.items()}
    names.update({row.unit_id: str(row.unit) for row in current.values()})
    return {
        "invited": [sorted(names[i] for i in before), sorted(names[i] for i in after)],
        "attended": [
            sorted(names[i] for i, value in before.items() if value),
            sorted(names[i] for i, value in after.items() if value),
        ],
    }


@transaction.atomic
def record_meeting(
    *,
    town: Town,
    kind: str,
    title: str,
    held_on: date,
    actor: User,
    place: str = "",
    minutes: str = "",
    decisions: str = "",
    invited: Iterable[Unit] = (),
    attended: Iterable[Unit] = (),
) -> Meeting:
    """A meeting with its minutes, decisions and the units invited and attending."""
    if kind not in MeetingKind.values:
        raise ValidationError({"kind": _("Choose the kind of meeting.")})
    title = clean_text(title, 200)
    if not title:
        raise ValidationError({"title": _("Give the meeting a title.")})
    invited = check_units(invited, town, "invited")
    attended = check_units(attended, town, "attended")
    if Meeting.objects.filter(town=town, held_on=held_on, title=title).exists():
        raise ValidationError({"title": _("A meeting with this title is already recorded on this day.")})
    meeting = Meeting(
        town=town,
        kind=kind,
        title=title,
        held_on=held_on,
        place=clean_text(place, 100),
        minutes=clean_text(minutes),
        decisions=clean_text(decisions),
        recorded_by=actor_or_none(actor),
    )
    save_audited(meeting, actor, fields=MEETING_FIELDS, effective_on=held_on)
    changes = _write_attendance(meeting=meeting, invited=invited, attended=attended, actor=actor)
    if changes:
        audit.record_change(actor=actor, obj=meeting, created=False, changes=changes, effective_on=meeting.held_on)
    return meeting


@transaction.atomic
def set_attendance(*, meeting: Meeting, invited: Iterable[Unit], attended: Iterable[Unit], actor: User) -> Meeting:
    """Replace the meeting's invited and attending units."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    town = meeting.town
    changes = _write_attendance(
        meeting=meeting,
        invited=check_units(invited, town, "invited"),
        attended=check_units(attended, town, "attended"),
        actor=actor,
    )
    if changes:
        audit.record_change(actor=actor, obj=meeting, created=False, changes=changes, effective_on=meeting.held_on)
    return meeting


@transaction.atomic
def set_minutes(*, meeting: Meeting, minutes: str, decisions: str, actor: User) -> Meeting:
    """Write (or correct) a meeting's minutes and decisions, after the fact if need be; the audit
    entry carries the day the meeting was held."""
    minutes = clean_text(minutes)
    if not minutes:
        raise ValidationError({"minutes": _("Write the minutes of the meeting.")})
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    before = audit.snapshot(meeting, MEETING_FIELDS)
    meeting.minutes, meeting.decisions = minutes, clean_text(decisions)
    save_audited(meeting, actor, fields=MEETING_FIELDS, before=before, effective_on=meeting.held_on)
    return meeting
