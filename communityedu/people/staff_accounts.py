"""Staff accounts managed by the administrator and the town offices: the rules and the actions.

The system administrator manages every account. A town office manages the accounts of its own
town (``User.town``) that hold no role beyond its towns: never an administrator's or a district
evaluator's, never one with a role in another town. Nobody manages their own account here (a
mistake would lock them out: another administrator or office does it). An office grants the
town's roles only; the district and system roles are the administrator's to give.

Each action is one function taking the acting account: it checks the rule (``PermissionDenied``
otherwise, nothing written), then calls the service that writes and audits.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from communityedu.accounts import services as account_services
from communityedu.accounts import staff_admin
from communityedu.accounts.models import AccountKind, ApiToken, User
from communityedu.organization import services as org_services
from communityedu.organization.constants import DISTRICT_ROLES, GLOBAL_ROLES, UNIT_SCOPED_ROLES, Role
from communityedu.organization.models import RoleAssignment
from communityedu.organization.scope import scope_for
from communityedu.people import services

if TYPE_CHECKING:
    from communityedu.organization.models import District, Town, Unit

USERNAME_PATTERN = re.compile(r"^[a-zA-Z0-9_.-]{1,30}$")
# Roles of one town, which its office may give; a resident's role comes with a resident account.
TOWN_ROLES = tuple(role for role in Role if role not in DISTRICT_ROLES | GLOBAL_ROLES | {Role.RESIDENT})
ADMIN_ROLES = (*TOWN_ROLES, *DISTRICT_ROLES, *GLOBAL_ROLES)


def grantable_roles(actor: User) -> tuple[str, ...]:
    """The roles ``actor`` may give: every staff role for an administrator, the town's for an office."""
    scope = scope_for(actor)
    if scope.is_system_admin:
        return ADMIN_ROLES
    if scope.towns_with(Role.TOWN_OFFICE):
        return TOWN_ROLES
    return ()


def roles_of_account(account: User) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(user_id=account.pk)
        .select_related("town", "unit", "district")
        .order_by("role", "id")
    )


def active_token_count(account: User) -> int:
    return ApiToken.objects.filter(user_id=account.pk, is_active=True).count()


def _manages_town(actor: User, town: Town | None) -> bool:
    scope = scope_for(actor)
    return scope.is_system_admin or (town is not None and town.pk in scope.towns_with(Role.TOWN_OFFICE))


def may_manage_account(actor: User, account: User) -> bool:
    """Whether ``actor`` may disable, reset, change the roles of or revoke the tokens of ``account``."""
    if actor.pk == account.pk:
        return False
    scope = scope_for(actor)
    if scope.is_system_admin:
        return True
    office_towns = scope.towns_with(Role.TOWN_OFFICE)
    if account.town_id not in office_towns:
        return False
    for role, town_id, unit_town_id in RoleAssignment.objects.filter(user_id=account.pk).values_list(
        "role", "town_id", "unit__town_id"
    ):
        if role in DISTRICT_ROLES | GLOBAL_ROLES or (unit_town_id or town_id) not in office_towns:
            return False
    return True


def _check_manages(actor: User, account: User) -> None:
    if actor.pk == account.pk:
        raise PermissionDenied(_("You cannot do this to your own account: ask another administrator or office."))
    if not may_manage_account(actor, account):
        raise PermissionDenied(_("This account is not one you manage."))


def _check_grants(actor: User, role: str, town: Town | None) -> None:
    if role not in grantable_roles(actor):
        raise PermissionDenied(_("Only a system administrator gives this role."))
    if role not in DISTRICT_ROLES | GLOBAL_ROLES and not _manages_town(actor, town):
        raise PermissionDenied(_("This account is not one you manage."))


def _check_unit(unit: Unit | None, town: Town | None) -> None:
    if unit is not None and (town is None or unit.town_id != town.pk):
        raise ValidationError({"unit": _("Choose a unit of the account's town.")})


def open_account(
    *,
    actor: User,
    town: Town | None,
    username: str,
    display_name: str,
    password: str,
    role: str,
    unit: Unit | None = None,
    district: District | None = None,
) -> User:
    """A new staff account of ``town`` with its first role; its holder changes the password at the
    first sign-in. A district or system role makes an account of no town (it acts across towns)."""
    _check_grants(actor, role, town)
    if not USERNAME_PATTERN.match(username):
        raise ValidationError({"username": _("Use up to 30 letters, digits, dots, dashes and underscores.")})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("This username is taken.")})
    across_towns = role in DISTRICT_ROLES | GLOBAL_ROLES
    if role in DISTRICT_ROLES and district is None:
        district = town.district if town is not None else None
    if not across_towns:
        _check_unit(unit, town)
    try:
        password_validation.validate_password(password, User(username=username, display_name=display_name))
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    return services.open_staff_account(
        actor=actor,
        username=username,
        display_name=display_name,
        password=password,
        role=role,
        town=None if across_towns else town,
        unit=None if across_towns else unit,
        district=district if role in DISTRICT_ROLES else None,
    )


@transaction.atomic
def add_role(
    *, actor: User, account: User, role: str, unit: Unit | None = None, district: District | None = None
) -> RoleAssignment:
    """Give ``account`` one more role: in its town (or the unit of it), or across the district."""
    _check_manages(actor, account)
    _check_grants(actor, role, account.town)
    if account.kind != AccountKind.STAFF:
        raise ValidationError({"role": _("A resident's account takes no staff role: open a staff account.")})
    if role in UNIT_SCOPED_ROLES and unit is None:
        raise ValidationError({"unit": _("This role acts for one unit: choose it.")})
    if role in DISTRICT_ROLES:
        district = district or (account.town.district if account.town else None)
        if district is None:
            raise ValidationError({"district": _("A district evaluator needs a district.")})
        assignment = org_services.assign_role(user=account, role=role, district=district, actor=actor)
    elif role in GLOBAL_ROLES:
        assignment = org_services.assign_role(user=account, role=role, actor=actor)
    else:
        assignment = _add_town_role(actor=actor, account=account, role=role, unit=unit)
    staff_admin.forget_remembered_tokens(account=account)
    return assignment


def _add_town_role(*, actor: User, account: User, role: str, unit: Unit | None) -> RoleAssignment:
    if account.town is None:
        raise ValidationError({"role": _("This account belongs to no town: it takes district or system roles only.")})
    _check_unit(unit, account.town)
    return org_services.assign_role(
        user=account, role=role, town=account.town, unit=unit if role in UNIT_SCOPED_ROLES else None, actor=actor
    )


@transaction.atomic
def withdraw_role(*, actor: User, account: User, assignment: RoleAssignment) -> None:
    """Take one role away from ``account``; its pages and API calls lose it on the next request."""
    if assignment.user_id != account.pk:
        raise ValidationError({"role": _("This role is not one of this account's.")})
    _check_manages(actor, account)
    if assignment.role not in grantable_roles(actor):
        raise PermissionDenied(_("Only a system administrator withdraws this role."))
    org_services.withdraw_role(assignment=assignment, actor=actor)
    account.__dict__.pop("_scope_cache", None)
    staff_admin.forget_remembered_tokens(account=account)


def disable(*, actor: User, account: User, reason: str = "") -> bool:
    """Disable ``account`` (its sessions and tokens stop at once); False when it was disabled already."""
    _check_manages(actor, account)
    if not account.is_active:
        return False
    account_services.disable_account(account=account, actor=actor, reason=reason)
    return True


def enable(*, actor: User, account: User) -> bool:
    """Let a disabled account sign in again; False when it was not disabled."""
    _check_manages(actor, account)
    if account.is_active:
        return False
    account_services.enable_account(account=account, actor=actor)
    return True


def reset_password(*, actor: User, account: User) -> str:
    """A new initial password for a staff account, to be shown once to the one handing it over."""
    _check_manages(actor, account)
    if account.kind != AccountKind.STAFF:
        raise ValidationError(
            {"account": _("A resident's PIN is reset from the person's page, with a new activation code.")}
        )
    return staff_admin.issue_initial_password(account=account, actor=actor)


def revoke_tokens(*, actor: User, account: User) -> int:
    """Revoke the account's API tokens; how many were active."""
    _check_manages(actor, account)
    return staff_admin.revoke_api_tokens(account=account, actor=actor)
