"""Accounts: who can sign in, and how.

Staff sign in with a username and a strong password (Argon2). Residents sign in with their
mobile number and a 6-digit PIN; the number is stored encrypted and found through a keyed hash,
never in clear. Minors have no accounts. Five failed attempts within 15 minutes lock an account for
15 minutes (``sign_in.py``).
A staff password expires after ``PASSWORD_EXPIRY_DAYS`` and an initial one set by someone else
must be changed at the first sign-in; staff may add a second factor (TOTP, an authenticator app's
six-digit code), required of town-office and administrator accounts when
``REQUIRE_2FA_FOR_STAFF`` is on. "Sign out everywhere" ends every session of the account at once.
Devices (check-in tablets, scripts) use bearer tokens, stored only as a hash, each with a scope:
the account's rights without unmasking (``default``), with it (``unmask``), or check-in only
(``checkin``). Signing out everywhere revokes the account's tokens too.

An account is global: a district evaluator or an administrator spans towns. ``town`` is the
account's home town, empty for those who act across towns.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from communityedu.core import crypto
from communityedu.core.models import TimeStampedModel


class AccountKind(models.TextChoices):
    STAFF = "staff", _("staff")
    RESIDENT = "resident", _("resident")


class User(AbstractUser):
    is_global_table = True
    # Set on an account signed in by an API token (``services.user_for_token``): the token's scope.
    api_token_scope: str

    kind = models.CharField(_("kind"), max_length=10, choices=AccountKind.choices, default=AccountKind.STAFF)
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    town = models.ForeignKey(
        "organization.Town", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("town")
    )
    phone_encrypted = models.TextField(_("phone (encrypted)"), blank=True)
    # Not unique: one phone may carry several residents' accounts (an elderly couple's), whose PINs differ.
    phone_lookup = models.CharField(_("phone lookup hash"), max_length=64, null=True, blank=True, db_index=True)
    failed_sign_in_count = models.PositiveSmallIntegerField(_("failed sign-ins"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    password_changed_at = models.DateTimeField(_("password changed at"), default=timezone.now)
    must_change_password = models.BooleanField(_("must change the password"), default=False)
    # Part of every session's check: raising it ends all the account's sessions.
    session_generation = models.PositiveIntegerField(default=0)
    totp_secret_encrypted = models.TextField(_("authenticator secret (encrypted)"), blank=True)
    totp_confirmed_at = models.DateTimeField(_("authenticator confirmed at"), null=True, blank=True)
    # The last time step whose code was accepted: a code works once.
    totp_last_step = models.BigIntegerField(null=True, blank=True)
    # A resident account opened at the centre is pending until its holder activates it with the code
    # (``activation.py``); a reset makes it pending again.
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    # The privacy notice the resident agreed to at activation (PIPL: consent recorded, with its version).
    privacy_consent_at = models.DateTimeField(_("privacy notice agreed at"), null=True, blank=True)
    privacy_consent_version = models.CharField(_("privacy notice version"), max_length=20, blank=True)
    sms_reminders = models.BooleanField(_("activity reminders by SMS"), default=False)
    disabled_reason = models.CharField(_("why the account is disabled"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def masked_phone(self) -> str:
        return crypto.mask_phone(crypto.decrypt(self.phone_encrypted)) if self.phone_encrypted else ""

    def is_locked(self, now=None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())

    @property
    def has_two_factor(self) -> bool:
        return self.totp_confirmed_at is not None

    def password_is_expired(self, now=None) -> bool:
        days = settings.PASSWORD_EXPIRY_DAYS
        if self.kind != AccountKind.STAFF or not days:
            return False
        return self.password_changed_at + timedelta(days=days) < (now or timezone.now())

    def _get_session_auth_hash(self, secret=None):
        # Django's hash covers the password; the generation lets "sign out everywhere" end sessions too.
        return salted_hmac(
            "communityedu.accounts.User.session",
            f"{self.password}|{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class TokenScope(models.TextChoices):
    """What a bearer token may do of what its account may do (``accounts/tokens.py`` applies it)."""

    DEFAULT = "default", _("the account's rights, without unmasking")
    CHECKIN = "checkin", _("check-in only")
    UNMASK = "unmask", _("the account's rights, with unmasking")


class ApiToken(TimeStampedModel):
    """A bearer token for a device; only its hash is kept."""

    is_global_table = True

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    scope = models.CharField(_("scope"), max_length=10, choices=TokenScope.choices, default=TokenScope.DEFAULT)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} {self.name}"


class ActivationCode(TimeStampedModel):
    """A one-time code that lets a resident set the PIN of an account opened for them. Only its keyed
    hash is kept; it works once and until ``expires_at``; a new code ends the previous ones."""

    is_global_table = True

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="activation_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("issued by")
    )

    class Meta:
        verbose_name = _("activation code")
        verbose_name_plural = _("activation codes")
        indexes = [models.Index(fields=["user", "used_at"], name="activation_user_open")]

    def __str__(self) -> str:
        return f"{self.user} {self.expires_at:%Y-%m-%d}"
