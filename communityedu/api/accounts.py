"""Staff accounts over the API: the administrator's (every town) and the town office's (its town),
the same rules and services as the accounts pages (``people/staff_accounts.py``).

An account the caller may not see answers 404; one it sees but may not manage (its own, an
administrator's, one with roles in another town) 403, and nothing changes.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from ninja import Field, Schema, Status
from ninja.errors import HttpError

from communityedu.accounts.models import AccountKind
from communityedu.api.common import ListRouter, town_for
from communityedu.api.errors import ErrorOut
from communityedu.api.types import Id, Text, Title
from communityedu.organization.constants import Role
from communityedu.organization.models import District, RoleAssignment, Unit
from communityedu.people import selectors as people_selectors
from communityedu.people import staff_accounts

router = ListRouter(tags=["accounts"])


class AccountRoleOut(Schema):
    id: int
    role: str
    town: str | None = Field(None, description="The town of a town role (its slug)")
    unit_id: int | None
    unit: str | None = Field(None, description="The unit's name, for a unit role")
    district: str | None = Field(None, description="The district's code, for a district role")

    @staticmethod
    def resolve_town(obj):
        return obj.town.slug if obj.town_id else None

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name if obj.unit_id else None

    @staticmethod
    def resolve_district(obj):
        return obj.district.code if obj.district_id else None


class AccountOut(Schema):
    id: int
    username: str = Field(..., description="A resident account's is opaque; its phone is masked")
    kind: str
    display_name: str
    phone: str = Field(..., alias="masked_phone", description="Masked, e.g. 138****8000; empty for staff")
    town: str | None = Field(None, description="The account's home town (slug); none for district-wide accounts")
    is_active: bool
    is_locked: bool
    must_change_password: bool
    disabled_reason: str
    active_api_tokens: int
    roles: list[AccountRoleOut]

    @staticmethod
    def resolve_town(obj):
        return obj.town.slug if obj.town_id else None

    @staticmethod
    def resolve_is_locked(obj):
        return obj.is_locked()

    @staticmethod
    def resolve_active_api_tokens(obj):
        return obj.active_api_tokens

    @staticmethod
    def resolve_roles(obj):
        return list(obj.role_assignments.all())


def _accounts(request):
    if not people_selectors.can_manage_accounts(request.user):
        raise HttpError(403, "Not allowed")
    return (
        people_selectors.accounts_visible_to(request.user)
        .select_related("town")
        .prefetch_related(
            Prefetch(
                "role_assignments",
                queryset=RoleAssignment.objects.select_related("town", "unit", "district").order_by("role", "id"),
            )
        )
        .annotate(active_api_tokens=Count("api_tokens", filter=Q(api_tokens__is_active=True)))
    )


def _account(request, account_id: int):
    return get_object_or_404(_accounts(request), pk=account_id)


@router.get("/accounts", response=list[AccountOut])
def list_accounts(request, town: str | None = None, kind: AccountKind | None = None):
    """The accounts the caller manages (an office its town's, an administrator every one), by
    ``kind`` (staff, resident) and home ``town`` if given."""
    accounts = _accounts(request)
    if town:
        accounts = accounts.filter(town=town_for(request, town))
    if kind:
        accounts = accounts.filter(kind=kind)
    return accounts.order_by("kind", "username")


@router.get("/accounts/{account_id}", response=AccountOut)
def get_account(request, account_id: Id):
    return _account(request, account_id)


class StaffAccountIn(Schema):
    town: str = Field(..., max_length=50, description="The account's town (slug)")
    username: str = Field(..., max_length=30, pattern=r"^[a-zA-Z0-9_.-]+$")
    display_name: Title(50)
    password: str = Field(..., max_length=128, description="An initial password, changed at the first sign-in")
    role: Role
    unit_id: Id | None = Field(None, description="For a learning-centre director or department staff")


@router.post("/accounts", response={201: AccountOut, 400: ErrorOut})
def create_staff_account(request, body: StaffAccountIn):
    """A staff account with its first role; its holder sets a password of their own at the first
    sign-in. An office gives its town's roles; district and system roles are the administrator's."""
    if not people_selectors.can_manage_accounts(request.user):
        raise HttpError(403, "Not allowed")
    town = town_for(request, body.town)
    unit = get_object_or_404(Unit, town=town, pk=body.unit_id) if body.unit_id else None
    account = staff_accounts.open_account(
        actor=request.user,
        town=town,
        username=body.username,
        display_name=body.display_name,
        password=body.password,
        role=body.role.value,
        unit=unit,
    )
    return Status(201, _account(request, account.pk))


class RoleIn(Schema):
    role: Role
    unit_id: Id | None = Field(None, description="For a learning-centre director or department staff")
    district: str | None = Field(
        None, max_length=12, description="A district evaluator's district code (default: the account's town's)"
    )


@router.post("/accounts/{account_id}/roles", response={201: AccountRoleOut, 400: ErrorOut})
def add_account_role(request, account_id: Id, body: RoleIn):
    """Give the account one more role (again: the same role, unchanged)."""
    account = _account(request, account_id)
    unit = get_object_or_404(Unit, town_id=account.town_id, pk=body.unit_id) if body.unit_id else None
    district = get_object_or_404(District, code=body.district) if body.district else None
    assignment = staff_accounts.add_role(
        actor=request.user, account=account, role=body.role.value, unit=unit, district=district
    )
    return Status(201, RoleAssignment.objects.select_related("town", "unit", "district").get(pk=assignment.pk))


@router.post("/accounts/{account_id}/roles/{role_id}/withdraw", response=AccountOut)
def withdraw_account_role(request, account_id: Id, role_id: Id):
    """Take one role away; the account's pages and calls lose it on their next request."""
    account = _account(request, account_id)
    assignment = get_object_or_404(staff_accounts.roles_of_account(account), pk=role_id)
    staff_accounts.withdraw_role(actor=request.user, account=account, assignment=assignment)
    return _account(request, account.pk)


class DisableIn(Schema):
    reason: Text(200) = ""


@router.post("/accounts/{account_id}/disable", response=AccountOut)
def disable_account(request, account_id: Id, body: DisableIn | None = None):
    """Disable the account: its sessions end and its API tokens stop at once; audited with the reason."""
    account = _account(request, account_id)
    staff_accounts.disable(actor=request.user, account=account, reason=body.reason if body else "")
    return _account(request, account.pk)


@router.post("/accounts/{account_id}/enable", response=AccountOut)
def enable_account(request, account_id: Id):
    """Let a disabled account sign in again (its revoked tokens stay revoked)."""
    account = _account(request, account_id)
    staff_accounts.enable(actor=request.user, account=account)
    return _account(request, account.pk)


class PasswordResetOut(Schema):
    id: int
    initial_password: str = Field(..., description="Shown this once; never stored in clear")
    must_change_password: bool


@router.post("/accounts/{account_id}/password-reset", response={200: PasswordResetOut, 400: ErrorOut})
def reset_account_password(request, account_id: Id, response: HttpResponse):
    """A new initial password for a staff account: its sessions end, and until its holder sets a
    password of their own, its pages lead to the password page and its API calls answer 403
    ``password_change_required``. Never cached."""
    account = _account(request, account_id)
    password = staff_accounts.reset_password(actor=request.user, account=account)
    add_never_cache_headers(response)
    return {"id": account.pk, "initial_password": password, "must_change_password": True}


class TokensRevokedOut(Schema):
    id: int
    revoked: int


@router.post("/accounts/{account_id}/revoke-tokens", response=TokensRevokedOut)
def revoke_account_tokens(request, account_id: Id):
    """Revoke every active API token of the account; ``revoked`` says how many were active."""
    account = _account(request, account_id)
    return {"id": account.pk, "revoked": staff_accounts.revoke_tokens(actor=request.user, account=account)}
