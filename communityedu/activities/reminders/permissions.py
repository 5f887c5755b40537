"""Who reads the record of reminders sent: the town office of the town (the phones are masked)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from communityedu.organization.constants import Role
from communityedu.organization.scope import scope_for

if TYPE_CHECKING:
    from communityedu.accounts.models import User
    from communityedu.organization.models import Town


def can_read_reminders(user: User, town: Town | None) -> bool:
    return town is not None and town.pk in scope_for(user).towns_with(Role.TOWN_OFFICE)
