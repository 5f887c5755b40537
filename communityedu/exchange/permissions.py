"""Who may read, write, answer and moderate the exchange of a town.

Residents and the town's staff take part (post and report). Teachers, the town office and the
community school answer questions on anything in their town; a learning-centre director or
department staff answer on the objects their own unit organises. Moderators (and the town office,
which runs the programme) review posts. Staff posts are published at once; residents' posts follow
the town's review policy. Auditors and district evaluators read the published exchange only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from communityedu.organization.constants import Role
from communityedu.organization.scope import scope_for

if TYPE_CHECKING:
    from communityedu.accounts.models import User

PARTICIPANT_ROLES = (
    Role.RESIDENT,
    Role.TEACHER,
    Role.VOLUNTEER,
    Role.TOWN_OFFICE,
    Role.SCHOOL_STAFF,
    Role.MODERATOR,
)
TOWN_ANSWERER_ROLES = (Role.TEACHER, Role.TOWN_OFFICE, Role.SCHOOL_STAFF)
UNIT_ANSWERER_ROLES = (Role.CENTRE_DIRECTOR, Role.DEPARTMENT_STAFF)
MODERATOR_ROLES = (Role.MODERATOR, Role.TOWN_OFFICE)


def participant_town_ids(user: User) -> frozenset[int]:
    scope = scope_for(user)
    return scope.towns_with(*PARTICIPANT_ROLES) | scope.unit_town_ids


def reader_town_ids(user: User) -> frozenset[int]:
    scope = scope_for(user)
    return scope.readable_town_ids


def can_take_part(user: User, town_id: int) -> bool:
    return town_id in participant_town_ids(user)


def takes_part_anywhere(user: User) -> bool:
    return bool(participant_town_ids(user))


def can_read(user: User, town_id: int) -> bool:
    return scope_for(user).is_system_admin or town_id in reader_town_ids(user)


def owning_unit_id(target) -> int | None:
    """The unit responsible for an object: an activity's organiser, a resource's unit."""
    for name in ("organiser_id", "owner_unit_id", "unit_id"):
        value = getattr(target, name, None)
        if value is not None:
            return value
    return None


def can_answer(user: User, target) -> bool:
    scope = scope_for(user)
    if target.town_id in scope.towns_with(*TOWN_ANSWERER_ROLES):
        return True
    unit_id = owning_unit_id(target)
    return unit_id is not None and unit_id in scope.units_with(*UNIT_ANSWERER_ROLES)


def moderated_town_ids(user: User) -> frozenset[int]:
    return scope_for(user).towns_with(*MODERATOR_ROLES)


def can_moderate(user: User, town_id: int) -> bool:
    return town_id in moderated_town_ids(user)


def moderates_anywhere(user: User) -> bool:
    return bool(moderated_town_ids(user))


def publishes_at_once(user: User, target) -> bool:
    """Staff who answer or moderate in the town publish without review (banned words still hold)."""
    return can_answer(user, target) or can_moderate(user, target.town_id)


def answers_anywhere(user: User) -> bool:
    scope = scope_for(user)
    return bool(scope.towns_with(*TOWN_ANSWERER_ROLES) or scope.units_with(*UNIT_ANSWERER_ROLES))
