"""What an administrator or a town office does to a staff account's sign-in: a new initial
password (the holder must change it at the next sign-in), and its API tokens revoked.

Who may do it to whom is decided above this layer (``people/staff_accounts.py``); these are the
writes, each atomic and audited. Disabling and enabling an account are ``services.disable_account``
and ``services.enable_account``.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from communityedu.accounts import tokens
from communityedu.accounts.models import ApiToken, User
from communityedu.core import audit

# No 0/O, 1/l/I: the password is read off a screen and typed on another device.
_LOWER = "abcdefghijkmnpqrstuvwxyz"
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_DIGITS = "23456789"
_SYMBOLS = "#@%+=?"
INITIAL_PASSWORD_LENGTH = 12


def new_initial_password(account: User) -> str:
    """A random password that the password policy accepts: twelve characters with every class."""
    classes = (_LOWER, _UPPER, _DIGITS, _SYMBOLS)
    alphabet = "".join(classes)
    while True:
        characters = [secrets.choice(chars) for chars in classes]
        characters += [secrets.choice(alphabet) for _ in range(INITIAL_PASSWORD_LENGTH - len(classes))]
        secrets.SystemRandom().shuffle(characters)
        password = "".join(characters)
        try:
            password_validation.validate_password(password, account)
        except ValidationError:  # pragma: no cover - a random draw similar to the username: draw again
            continue
        return password


@transaction.atomic
def issue_initial_password(*, account: User, actor: User) -> str:
    """Replace the account's password with a new initial one, returned to be shown once: the
    account's sessions end (the session hash covers the password), and until the holder sets a
    password of their own the policy sends pages to the password page and refuses API calls."""
    password = new_initial_password(account)
    account.set_password(password)
    account.must_change_password = True
    account.password_changed_at = timezone.now()
    account.save(update_fields=["password", "must_change_password", "password_changed_at"])
    tokens.remembered_tokens.forget_account(account.pk)
    audit.record_change(
        actor=actor,
        obj=account,
        created=False,
        changes={"password": ["…", "…"], "must_change_password": [None, True]},
    )
    return password


@transaction.atomic
def revoke_api_tokens(*, account: User, actor: User) -> int:
    """Revoke every active API token of the account; the number revoked (0: nothing was written)."""
    revoked = ApiToken.objects.filter(user=account, is_active=True).update(is_active=False)
    tokens.remembered_tokens.forget_account(account.pk)
    if revoked:
        audit.record_change(actor=actor, obj=account, created=False, changes={"api_tokens_revoked": [None, revoked]})
    return revoked


def forget_remembered_tokens(*, account: User) -> None:
    """This process forgets the account's tokens at once (its roles changed); every process also
    sees the change at the token's next request (``tokens.RememberedTokens``)."""
    tokens.remembered_tokens.forget_account(account.pk)
