"""Shared ground for every domain: timestamps, the town key, and the audit log.

Every domain row belongs to one town (the tenant). ``TownScopedModel`` gives it that key; the
town id is also the distribution key that lets a city-wide PostgreSQL/Citus deployment shard the
data, so every unique constraint of a domain model includes it. The few tables that are not
per town (districts, towns themselves, accounts, the audit log) say so with
``is_global_table = True``; a test holds every other model to the rule.

The audit log records who changed what, when and from where. It is written only by
``communityedu.core.audit``; nothing in the product edits or deletes it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class TownScopedModel(TimeStampedModel):
    """A row that belongs to exactly one town."""

    town = models.ForeignKey("organization.Town", on_delete=models.PROTECT, related_name="+", verbose_name=_("town"))

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("updated")
    DELETE = "delete", _("deleted")
    SIGN_IN = "sign_in", _("signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("sign-in failed")
    SIGN_OUT = "sign_out", _("signed out")
    LOCKED_OUT = "locked_out", _("locked out")
    UNMASK = "unmask", _("unmasked")
    EXPORT = "export", _("exported")
    RESTORE = "restore", _("restored from a backup")
    # A look-up of the register by a full phone or ID number: who looked, what kind of number, whom
    # it found; never the number itself.
    SEARCH = "search", _("searched by number")


class AuditLogEntry(models.Model):
    """One thing that happened: time, actor, action, object, changed fields, source IP.

    Each entry carries ``mac``, an HMAC-SHA256 under ``AUDIT_HMAC_KEY`` (a key kept outside the
    database) of its contents and ``nonce``, a random value unique to the entry: computed before
    the one INSERT that writes it, so the write path never reads the log. The id, which the
    INSERT assigns, is bound when the entry is sealed (see ``AuditSeal``).
    """

    is_global_table = True

    # Set by the writer (not on save) because the HMAC covers it.
    occurred_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changed fields"), default=dict, blank=True)
    source_ip = models.GenericIPAddressField(_("source IP"), null=True, blank=True)
    town = models.ForeignKey(
        "organization.Town",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("town"),
    )
    nonce = models.CharField(max_length=32, editable=False)
    mac = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        # A copied entry (same contents, nonce and HMAC under another id) is refused at the door.
        constraints = [models.UniqueConstraint(fields=["nonce"], name="audit_entry_nonce_once")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_label}"


class AuditSeal(models.Model):
    """A batch of audit-log entries sealed into a hash chain, which makes the log tamper-evident.

    Each seal covers the entries with ids from ``first_entry_id`` to ``last_entry_id`` (all of them
    that exist, less ``skipped_ids``) and stores SHA-256 over the previous seal's hash and those
    entries' contents with their ids in id order, and an HMAC of all that (``signature``).
    Changing, removing or slipping in an entry afterwards breaks the chain from that seal on, which
    ``manage.py verify_audit_log`` reports, naming the entry. Seals are written by a periodic job,
    never on the write path of the entries themselves.
    """

    is_global_table = True

    sealed_at = models.DateTimeField(_("sealed at"), auto_now_add=True)
    first_entry_id = models.PositiveBigIntegerField()
    last_entry_id = models.PositiveBigIntegerField()
    entry_count = models.PositiveIntegerField()
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # The newest entry's time, so that retention can tell when a whole batch has aged out.
    newest_entry_at = models.DateTimeField(null=True, blank=True)
    # Set when the batch's entries were removed after AUDIT_RETENTION_DAYS; the seal stays as the
    # chain's anchor, so the entries after it still verify.
    pruned_at = models.DateTimeField(null=True, blank=True)
    # Ids inside the range that no entry had when it was sealed (rolled-back writes), as
    # [first, last] pairs: every other id of the range must be there, so a removed entry is named.
    skipped_ids = models.JSONField(default=list, blank=True)
    # HMAC-SHA256 under AUDIT_HMAC_KEY of the range, count, skipped ids and both hashes.
    signature = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["last_entry_id"]
        verbose_name = _("audit seal")
        constraints = [models.UniqueConstraint(fields=["last_entry_id"], name="audit_seal_once_per_range")]

    def __str__(self) -> str:
        return f"{self.first_entry_id}–{self.last_entry_id} {self.hash[:12]}"


class RateCounter(models.Model):
    """How many requests one client made to one kind of action in one time window (rate limits).

    A global table: the key names a client (an address or an account), not a town's record. Old
    windows are removed by the periodic jobs.
    """

    is_global_table = True

    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="rate_counter_once_per_window")]
        indexes = [models.Index(fields=["window_start"], name="rate_counter_window")]

    def __str__(self) -> str:
        return f"{self.key} {self.window_start:%H:%M} {self.count}"
