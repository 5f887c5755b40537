"""Writes of rectification: items raised by a meeting, the evaluation or a criticism, their notes
and their closing."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.core import audit
from communityedu.organization.models import Unit
from communityedu.planning.constants import RectificationSource, RectificationStatus
from communityedu.planning.models import Evaluation, Meeting, RectificationItem, RectificationNote
from communityedu.planning.services.common import actor_or_none, check_not_in_future, clean_text, save_audited

if TYPE_CHECKING:
    from communityedu.accounts.models import User


ITEM_FIELDS = ["source", "unit", "description", "due_on", "status", "closed_on", "closing_note"]


def raise_item(
    *, town_id: int, source: str, unit: Unit, description: str, due_on: date, actor: User, **origin: Any
) -> RectificationItem:
    description = clean_text(description)
    if not description:
        raise ValidationError({"description": _("Say what must be put right.")})
    if unit.town_id != town_id:
        raise ValidationError({"unit": _("Choose a unit of the town.")})
    item = RectificationItem(
        town_id=town_id,
        source=source,
        unit=unit,
        description=description,
        due_on=due_on,
        raised_by=actor_or_none(actor),
        **origin,
    )
    save_audited(item, actor, fields=[*ITEM_FIELDS, *origin])
    return item


@transaction.atomic
def add_action_item(*, meeting: Meeting, unit: Unit, description: str, due_on: date, actor: User) -> RectificationItem:
    """An action item of ``meeting``: ``unit`` must do it by ``due_on``; followed until closed."""
    if due_on < meeting.held_on:
        raise ValidationError({"due_on": _("The due date cannot come before the meeting.")})
    return raise_item(
        town_id=meeting.town_id,
        source=RectificationSource.MEETING,
        unit=unit,
        description=description,
        due_on=due_on,
        actor=actor,
        meeting=meeting,
    )


@transaction.atomic
def add_evaluation_item(
    *, evaluation: Evaluation, unit: Unit, description: str, due_on: date, actor: User
) -> RectificationItem:
    """A rectification item raised by the external evaluation."""
    if due_on < evaluation.held_on:
        raise ValidationError({"due_on": _("The due date cannot come before the evaluation.")})
    return raise_item(
        town_id=evaluation.town_id,
        source=RectificationSource.EVALUATION,
        unit=unit,
        description=description,
        due_on=due_on,
        actor=actor,
        evaluation=evaluation,
    )


@transaction.atomic
def add_rectification_note(*, item: RectificationItem, text: str, actor: User) -> RectificationNote:
    """Say how the rectification goes; the first note moves an open item to being rectified."""
    item = RectificationItem.objects.select_for_update().get(pk=item.pk)
    if item.is_closed:
        raise ValidationError(_("This item is closed."))
    text = clean_text(text)
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    note = RectificationNote.objects.create(town_id=item.town_id, item=item, text=text, written_by=actor_or_none(actor))
    audit.record_change(actor=actor, obj=note, created=True, changes={"item": [None, item.pk], "text": [None, text]})
    if item.status == RectificationStatus.OPEN:
        before = audit.snapshot(item, ITEM_FIELDS)
        item.status = RectificationStatus.IN_PROGRESS
        save_audited(item, actor, fields=ITEM_FIELDS, before=before)
    return note


@transaction.atomic
def close_rectification_item(
    *, item: RectificationItem, closing_note: str, actor: User, closed_on: date | None = None
) -> RectificationItem:
    """Close ``item`` with a note saying what was done; it stays listed with its evidence."""
    item = RectificationItem.objects.select_for_update().get(pk=item.pk)
    if item.is_closed:
        raise ValidationError(_("This item is already closed."))
    closing_note = clean_text(closing_note)
    if not closing_note:
        raise ValidationError({"closing_note": _("Say how it was put right.")})
    closed_on = closed_on or timezone.localdate()
    check_not_in_future(closed_on, "closed_on")
    before = audit.snapshot(item, ITEM_FIELDS)
    item.status, item.closed_on, item.closing_note, item.closed_by = (
        RectificationStatus.CLOSED,
        closed_on,
        closing_note,
        actor_or_none(actor),
    )
    save_audited(item, actor, fields=[*ITEM_FIELDS, "closed_by"], before=before)
    return item
