"""Writes for accounts: creating them, signing in with lockout, API tokens."""

from __future__ import annotations

import secrets
from datetime import UTC, timedelta
from typing import TYPE_CHECKING

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.accounts import tokens
from communityedu.accounts.models import AccountKind, ApiToken, TokenScope, User
from communityedu.accounts.validators import PHONE_PATTERN, normalize_phone, validate_pin
from communityedu.core import audit, crypto
from communityedu.core.models import AuditAction
from communityedu.organization.models import RoleAssignment, Unit

if TYPE_CHECKING:
    from communityedu.accounts.models import User
    from communityedu.organization.models import Town


@transaction.atomic
def create_staff_account(
    *,
    username: str,
    password: str,
    display_name: str = "",
    town: Town | None = None,
    actor: User | None = None,
    validate: bool = True,
    must_change_password: bool = True,
) -> User:
    """A staff account with an initial password, which its holder must change at the first sign-in
    (unless ``must_change_password`` is off, as for the demo accounts)."""
    user = User(
        username=username,
        display_name=display_name,
        town=town,
        kind=AccountKind.STAFF,
        must_change_password=must_change_password,
    )
    if validate:
        password_validation.validate_password(password, user)
    user.set_password(password)
    user.save()
    audit.record_change(actor=actor, obj=user, created=True, changes={"username": [None, username]})
    return user


@transaction.atomic
def create_resident_account(
    *, phone: str, pin: str, display_name: str, town: Town, birth_date=None, actor: User | None = None
) -> User:
    phone = normalize_phone(phone)
    if not PHONE_PATTERN.match(phone):
        raise ValidationError({"phone": _("Enter a mainland mobile number of 11 digits.")})
    validate_pin(pin, birth_date=birth_date)
    lookup = crypto.lookup_hash(phone)
    user = User(
        username=f"r{lookup[:20]}",
        display_name=display_name,
        town=town,
        kind=AccountKind.RESIDENT,
        phone_encrypted=crypto.encrypt(phone),
        phone_lookup=lookup,
        activated_at=timezone.now(),
    )
    _check_pin_differs_on_phone(user, pin)
    user.set_password(pin)
    user.save()
    audit.record_change(actor=actor, obj=user, created=True, changes={"kind": [None, "resident"]})
    return user


def find_residents_by_phone(phone: str) -> list[User]:
    """The resident accounts on ``phone`` (pending and active, oldest first): one phone may carry several."""
    return list(
        User.objects.filter(
            phone_lookup=crypto.lookup_hash(normalize_phone(phone)), kind=AccountKind.RESIDENT
        ).order_by("pk")
    )


def find_resident_by_phone(phone: str) -> User | None:
    accounts = find_residents_by_phone(phone)
    return accounts[0] if accounts else None


def _check_pin_differs_on_phone(user: User, pin: str) -> None:
    """Phone and PIN sign in the account whose PIN it is, so the PINs on one phone must differ."""
    if not user.phone_lookup:
        return
    others = User.objects.filter(phone_lookup=user.phone_lookup, kind=AccountKind.RESIDENT).exclude(pk=user.pk)
    if any(other.has_usable_password() and other.check_password(pin) for other in others):
        raise ValidationError({"pin": _("Another account on this phone number uses this PIN. Choose a different one.")})


@transaction.atomic
def set_resident_pin(*, user: User, pin: str, birth_date=None, actor: User | None = None) -> None:
    """A resident's new PIN (activation, a forgotten PIN): the PIN rules apply, it differs from the other
    PINs on the same phone, and the account's other sessions and tokens end."""
    validate_pin(pin, birth_date=birth_date)
    _check_pin_differs_on_phone(user, pin)
    user.set_password(pin)
    user.password_changed_at = timezone.now()
    user.session_generation = F("session_generation") + 1
    user.failed_sign_in_count = 0
    user.locked_until = None
    user.save(
        update_fields=["password", "password_changed_at", "session_generation", "failed_sign_in_count", "locked_until"]
    )
    user.refresh_from_db(fields=["session_generation"])
    ApiToken.objects.filter(user=user, is_active=True).update(is_active=False)
    tokens.remembered_tokens.forget_account(user.pk)
    audit.record_change(actor=actor or user, obj=user, created=False, changes={"pin": ["…", "…"]})


@transaction.atomic
def disable_account(*, account: User, actor: User | None, reason: str = "") -> None:
    """Disable an account: its sessions end and its API tokens stop on their next request, in every
    process (the token check reads ``is_active``; this process forgets the account's tokens at once)."""
    User.objects.filter(pk=account.pk).update(
        is_active=False, disabled_reason=reason[:200], session_generation=F("session_generation") + 1
    )
    revoked = ApiToken.objects.filter(user=account, is_active=True).update(is_active=False)
    tokens.remembered_tokens.forget_account(account.pk)
    account.refresh_from_db(fields=["is_active", "disabled_reason", "session_generation"])
    changes: dict = {"is_active": [True, False]}
    if reason:
        changes["reason"] = [None, reason[:200]]
    if revoked:
        changes["api_tokens_revoked"] = [None, revoked]
    audit.record_change(actor=actor, obj=account, created=False, changes=changes)


@transaction.atomic
def enable_account(*, account: User, actor: User | None) -> None:
    """Let a disabled account sign in again (its revoked tokens stay revoked)."""
    User.objects.filter(pk=account.pk).update(is_active=True, disabled_reason="")
    account.refresh_from_db(fields=["is_active", "disabled_reason"])
    audit.record_change(actor=actor, obj=account, created=False, changes={"is_active": [False, True]})


def token_hash(raw: str) -> str:
    return crypto.lookup_hash("api-token:" + raw)


@transaction.atomic
def create_api_token(*, user: User, name: str = "", scope: str = TokenScope.DEFAULT, actor: User | None = None) -> str:
    """Make a token for ``user`` with ``scope`` (``accounts/tokens.py``) and return it; it is shown
    once and kept only as a hash."""
    if scope not in TokenScope.values:
        raise ValidationError(
            {"scope": _("Choose a scope among: %(scopes)s.") % {"scopes": ", ".join(TokenScope.values)}}
        )
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, token_hash=token_hash(raw), scope=scope)
    audit.record_change(
        actor=actor, obj=token, created=True, changes={"user": [None, user.username], "scope": [None, scope]}
    )
    return raw


def user_for_token(raw: str, *, touch: bool = True) -> User | None:
    token = ApiToken.objects.select_related("user").filter(token_hash=token_hash(raw), is_active=True).first()
    if token is None or not token.user.is_active:
        return None
    if touch:
        note_token_use(token.pk, token.last_used_at)
    token.user.api_token_scope = token.scope
    return token.user


def note_token_use(token_id: int, last_used_at) -> None:
    # A device calls many times a second; a minute's precision is enough and spares a write each time.
    now = timezone.now()
    if last_used_at is None or now - last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)


def token_stamp(key: str) -> tuple[int, object, tuple] | None:
    """For a token's hash: its id, when it was last used, and the stamp of everything an account
    object and its scope are built from (the token's row, the account's row, its role rows with
    their units' town and village), read in one statement on every bearer request; ``None`` when
    the token is unknown or revoked or its account disabled.

    Written as SQL: it runs on every request of a check-in device."""
    quote = connection.ops.quote_name
    token, user = quote(ApiToken._meta.db_table), quote(User._meta.db_table)
    roles, units = quote(RoleAssignment._meta.db_table), quote(Unit._meta.db_table)
    sql = (
        f"SELECT t.id, t.last_used_at, t.scope, u.*, r.*, n.town_id, n.village_id FROM {token} t"  # noqa: S608
        f" JOIN {user} u ON u.id = t.user_id LEFT JOIN {roles} r ON r.user_id = u.id"
        f" LEFT JOIN {units} n ON n.id = r.unit_id"
        " WHERE t.token_hash = %s AND t.is_active AND u.is_active ORDER BY r.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        rows = cursor.fetchall()
    if not rows:
        return None
    last_used_at = rows[0][1]
    if isinstance(last_used_at, str):  # SQLite gives the text back
        last_used_at = ApiToken._meta.get_field("last_used_at").to_python(last_used_at)
    if last_used_at is not None and timezone.is_naive(last_used_at):
        last_used_at = timezone.make_aware(last_used_at, UTC)
    return rows[0][0], last_used_at, tuple((row[0], *row[2:]) for row in rows)


@transaction.atomic
def change_password(*, user: User, new_password: str) -> None:
    """A staff member's new password: checked by the policy, and the expiry clock restarts."""
    password_validation.validate_password(new_password, user)
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.must_change_password = False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    tokens.remembered_tokens.forget_account(user.pk)
    audit.record_change(actor=user, obj=user, created=False, changes={"password": ["…", "…"]})


@transaction.atomic
def change_pin(*, user: User, new_pin: str, birth_date=None) -> None:
    validate_pin(new_pin, birth_date=birth_date)
    _check_pin_differs_on_phone(user, new_pin)
    user.set_password(new_pin)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    audit.record_change(actor=user, obj=user, created=False, changes={"pin": ["…", "…"]})


@transaction.atomic
def sign_out_everywhere(*, user: User) -> None:
    """End every session of the account, on every device (the one asking included), and revoke its
    API tokens: refused at their next request in every process."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    revoked = ApiToken.objects.filter(user=user, is_active=True).update(is_active=False)
    tokens.remembered_tokens.forget_account(user.pk)  # harmless should the transaction roll back
    audit.record(
        actor=user,
        action=AuditAction.SIGN_OUT,
        obj=user,
        town=user.town,
        object_label=_("all sessions"),
        changes={"api_tokens_revoked": revoked} if revoked else None,
    )
