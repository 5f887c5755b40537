"""Who writes the news: the town office and the community school for any unit of their town; a
department (the culture service centre among them) or a learning centre for itself. Residents and
visitors read what is published."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from communityedu.organization.constants import Role
from communityedu.organization.models import Unit
from communityedu.organization.scope import scope_for

if TYPE_CHECKING:
    from communityedu.accounts.models import User
    from communityedu.organization.models import Town

TOWN_EDITOR_ROLES = (Role.TOWN_OFFICE, Role.SCHOOL_STAFF)
UNIT_EDITOR_ROLES = (Role.DEPARTMENT_STAFF, Role.CENTRE_DIRECTOR)


def news_units_for(user: User, town: Town | None) -> QuerySet[Unit]:
    """The units ``user`` may publish news for in ``town``."""
    if town is None:
        return Unit.objects.none()
    scope = scope_for(user)
    units = Unit.objects.filter(town=town)
    if town.pk in scope.towns_with(*TOWN_EDITOR_ROLES):
        return units
    return units.filter(pk__in=scope.units_with(*UNIT_EDITOR_ROLES))


def can_write_news(user: User, town: Town | None) -> bool:
    return town is not None and news_units_for(user, town).exists()


def writes_news_anywhere(user: User) -> bool:
    """For the navigation: decided from the account's roles alone, without a query."""
    scope = scope_for(user)
    return bool(scope.towns_with(*TOWN_EDITOR_ROLES) or scope.units_with(*UNIT_EDITOR_ROLES))
