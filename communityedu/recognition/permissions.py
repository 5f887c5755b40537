"""Who may see and change recognition statuses: the town office keeps them; district evaluators
read every town of their district."""

from __future__ import annotations

from typing import TYPE_CHECKING

from communityedu.organization.constants import Role
from communityedu.organization.scope import scope_for

if TYPE_CHECKING:
    from communityedu.accounts.models import User
    from communityedu.organization.models import Town


def recognition_manager_town_ids(user: User) -> frozenset[int]:
    return scope_for(user).towns_with(Role.TOWN_OFFICE)


def recognition_reader_town_ids(user: User) -> frozenset[int]:
    return recognition_manager_town_ids(user) | scope_for(user).district_town_ids


def can_manage_recognition(user: User, town: Town | None) -> bool:
    return town is not None and town.pk in recognition_manager_town_ids(user)


def can_read_recognition(user: User, town: Town | None) -> bool:
    return town is not None and town.pk in recognition_reader_town_ids(user)
