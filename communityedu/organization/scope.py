"""What an account may reach: the towns, villages and units its roles cover.

Every gate (``visible_to(user)``, ``get_<thing>_for(user, pk)``) and every permission rule reads
the account's :class:`Scope`, computed once per request from its role assignments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from communityedu.organization.constants import Role

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    # The account a rule is asked about, as the organisation layer sees it: the product's User lives
    # in ``accounts``, above this layer, so rules here take any Django account (or the anonymous one).
    Account: TypeAlias = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Scope:
    # role -> towns where the account holds it (town-wide roles)
    town_roles: dict[str, frozenset[int]] = field(default_factory=dict)
    # role -> units the account acts for (centre directors, department staff)
    unit_roles: dict[str, frozenset[int]] = field(default_factory=dict)
    # villages served by the learning centres the account directs
    director_village_ids: frozenset[int] = frozenset()
    # towns read through a district role (evaluators)
    district_town_ids: frozenset[int] = frozenset()
    unit_town_ids: frozenset[int] = frozenset()
    is_system_admin: bool = False

    @property
    def roles(self) -> frozenset[str]:
        roles = set(self.town_roles) | set(self.unit_roles)
        if self.district_town_ids:
            roles.add(Role.DISTRICT_EVALUATOR)
        if self.is_system_admin:
            roles.add(Role.SYSTEM_ADMIN)
        return frozenset(roles)

    def towns_with(self, *roles: str) -> frozenset[int]:
        towns: set[int] = set()
        for role in roles:
            towns |= self.town_roles.get(role, frozenset())
        return frozenset(towns)

    def units_with(self, *roles: str) -> frozenset[int]:
        units: set[int] = set()
        for role in roles:
            units |= self.unit_roles.get(role, frozenset())
        return frozenset(units)

    @property
    def member_town_ids(self) -> frozenset[int]:
        """Towns where the account holds any role of its own (not a district-wide one) that reads
        the town's records. The auditor's role does not: an auditor (等保's 安全审计员) reviews the
        audit log of the town (``towns_with(Role.AUDITOR)``) and reads nothing else of it."""
        towns: set[int] = set(self.unit_town_ids)
        for role, town_ids in self.town_roles.items():
            if role != Role.AUDITOR:
                towns |= town_ids
        return frozenset(towns)

    @property
    def readable_town_ids(self) -> frozenset[int]:
        return self.member_town_ids | self.district_town_ids


EMPTY_SCOPE = Scope()


def scope_for(user: Account | None) -> Scope:
    if user is None or not user.is_authenticated:
        return EMPTY_SCOPE
    cached = getattr(user, "_scope_cache", None)
    if cached is not None:
        return cached
    from communityedu.organization.models import RoleAssignment, Town

    town_roles: dict[str, set[int]] = {}
    unit_roles: dict[str, set[int]] = {}
    director_villages: set[int] = set()
    unit_towns: set[int] = set()
    districts: set[int] = set()
    is_admin = False
    for assignment in RoleAssignment.objects.filter(user=user).select_related("unit"):
        if assignment.role == Role.SYSTEM_ADMIN:
            is_admin = True
        elif assignment.role == Role.DISTRICT_EVALUATOR:
            districts.add(assignment.district_id)
        elif assignment.unit_id is not None:
            unit_roles.setdefault(assignment.role, set()).add(assignment.unit_id)
            unit_towns.add(assignment.unit.town_id)
            if assignment.role == Role.CENTRE_DIRECTOR and assignment.unit.village_id:
                director_villages.add(assignment.unit.village_id)
        else:
            town_roles.setdefault(assignment.role, set()).add(assignment.town_id)
    district_towns = (
        frozenset(Town.objects.filter(district_id__in=districts).values_list("id", flat=True))
        if districts
        else frozenset()
    )
    scope = Scope(
        town_roles={role: frozenset(ids) for role, ids in town_roles.items()},
        unit_roles={role: frozenset(ids) for role, ids in unit_roles.items()},
        director_village_ids=frozenset(director_villages),
        district_town_ids=district_towns,
        unit_town_ids=frozenset(unit_towns),
        is_system_admin=is_admin,
    )
    user._scope_cache = scope
    return scope
