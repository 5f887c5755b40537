"""The leadership group by name as well as by post: who held each post from when to when.

The plan names its 组长, 副组长 and members by office (``organization.Position.held_by``: 镇长);
a :class:`~communityedu.people.models.PositionHolder` records the person in that office for a span
of days. :func:`appoint_holder` is the one writer (a new holder of a post still held ends the
previous holding the day before); :func:`holder_on` and :func:`leaders_on` read who held a post,
or the leadership group's posts, on a date — a notice's effective date, a meeting's day, the
dossier's cut-off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.core import audit
from communityedu.organization.constants import UnitType
from communityedu.organization.models import Position, Town
from communityedu.people.models import Person, PositionHolder

if TYPE_CHECKING:
    from communityedu.accounts.models import User

HOLDER_FIELDS = ["position", "person_name", "person", "starts_on", "ends_on"]


def holder_on(position: Position, day: date) -> PositionHolder | None:
    """Who held ``position`` on ``day`` (``None`` if nobody is recorded for that day). Uses the
    position's prefetched ``holders`` when there are, else one query."""
    cache = getattr(position, "_prefetched_objects_cache", {})
    if "holders" in cache:
        return next((holder for holder in cache["holders"] if holder.holds_on(day)), None)
    return (
        PositionHolder.objects.filter(position=position, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .first()
    )


@dataclass(frozen=True)
class Leader:
    """A post of the leadership group on a date: the post (组长), the office that fills it (镇长)
    and the name of the person who held it that day (``""`` when none is recorded)."""

    position_id: int
    post: str
    office: str
    name: str


def leaders_on(town: Town, day: date) -> list[Leader]:
    """The posts of the town's leadership group (units of type leadership group), in their order,
    each with who held it on ``day``. Two queries."""
    positions = (
        Position.objects.filter(town=town, unit__unit_type=UnitType.LEADERSHIP_GROUP)
        .prefetch_related(Prefetch("holders", queryset=PositionHolder.objects.order_by("starts_on", "id")))
        .order_by("unit__name", "position", "id")
    )
    leaders = []
    for position in positions:
        holder = holder_on(position, day)
        leaders.append(
            Leader(
                position_id=position.pk,
                post=position.title,
                office=position.held_by,
                name=holder.person_name if holder else "",
            )
        )
    return leaders


def holders_of(position: Position) -> list[PositionHolder]:
    return list(position.holders.select_related("person").order_by("starts_on", "id"))


@transaction.atomic
def appoint_holder(
    *,
    position: Position,
    person_name: str,
    starts_on: date,
    actor: User | None,
    ends_on: date | None = None,
    person: Person | None = None,
) -> PositionHolder:
    """Record that ``person_name`` held ``position`` from ``starts_on`` (until ``ends_on``, or
    still). A holding still open that began earlier ends the day before ``starts_on``; any other
    overlap with a recorded holding is refused, naming that holder. Past dates are welcome (补录);
    a start in the future is not. Audited with the dates."""
    name = (person_name or "").strip()[:50]
    if not name:
        raise ValidationError({"person_name": _("Give the name of the person who held the post.")})
    if starts_on is None:
        raise ValidationError({"starts_on": _("Give the date the person took up the post.")})
    if starts_on > timezone.localdate():
        raise ValidationError({"starts_on": _("The date cannot be in the future.")})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The holding cannot end before it starts.")})
    if person is not None and person.town_id != position.town_id:
        raise ValidationError({"person_id": _("Choose a person of the town.")})
    position = Position.objects.select_for_update().get(pk=position.pk)
    holders = list(PositionHolder.objects.filter(position=position).order_by("starts_on"))
    for other in holders:
        if other.ends_on is None and other.starts_on < starts_on:
            continue  # ended below, the day before the new holder starts
        other_ends = other.ends_on or date.max
        new_ends = ends_on or date.max
        if other.starts_on <= new_ends and starts_on <= other_ends:
            raise ValidationError(
                {
                    "starts_on": _("%(name)s already held the post from %(start)s to %(end)s.")
                    % {
                        "name": other.person_name,
                        "start": other.starts_on.isoformat(),
                        "end": other.ends_on.isoformat() if other.ends_on else _("now"),
                    }
                }
            )
    for other in holders:
        if other.ends_on is None and other.starts_on < starts_on:
            before = audit.snapshot(other, HOLDER_FIELDS)
            other.ends_on = starts_on - timedelta(days=1)
            other.save(update_fields=["ends_on", "updated_at"])
            changes = audit.diff(before, audit.snapshot(other, HOLDER_FIELDS))
            audit.record_change(actor=actor, obj=other, created=False, changes=changes, effective_on=other.ends_on)
    holder = PositionHolder.objects.create(
        town_id=position.town_id,
        position=position,
        person_name=name,
        person=person,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    changes = {key: [None, value] for key, value in audit.snapshot(holder, HOLDER_FIELDS).items()}
    audit.record_change(actor=actor, obj=holder, created=True, changes=changes, effective_on=starts_on)
    return holder
