"""Sealing the audit log into a hash chain, and checking the chain.

``seal_audit_log`` takes the entries not yet sealed, oldest first, in batches, and writes one
:class:`~communityedu.core.models.AuditSeal` per batch: SHA-256 over the previous seal's hash and
each entry's contents. It leaves alone entries younger than ``AUDIT_SEAL_DELAY_SECONDS``, so that a
transaction still open when the job runs (its entry has a lower id but is not yet visible) is
sealed in a later batch rather than skipped. ``verify_audit_log`` recomputes every seal and
reports the first that does not match, and any entry inside a sealed range that no seal covers.

What an entry's hash covers: its id, time, actor (id and name), action, object (type, id, label),
changed fields, source IP and town. Accounts are deactivated, never deleted, so the actor link
stays as it was written.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from communityedu.core.models import AuditLogEntry, AuditSeal

GENESIS = "0" * 64
FIELDS = (
    "id",
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "changes",
    "source_ip",
    "town_id",
)


def entry_material(values: dict) -> bytes:
    """The canonical bytes of one entry: the same on SQLite and PostgreSQL."""
    canonical = dict(values)
    canonical["occurred_at"] = values["occurred_at"].astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def chain_hash(previous_hash: str, entries: list[dict]) -> str:
    digest = hashlib.sha256(previous_hash.encode())
    for values in entries:
        material = entry_material(values)
        digest.update(len(material).to_bytes(8, "big"))
        digest.update(material)
    return digest.hexdigest()


def _entries(first_id: int, last_id: int | None = None, limit: int | None = None, before=None) -> list[dict]:
    entries = AuditLogEntry.objects.filter(id__gte=first_id).order_by("id")
    if last_id is not None:
        entries = entries.filter(id__lte=last_id)
    if before is not None:
        entries = entries.filter(occurred_at__lt=before)
    rows = entries.values(*FIELDS)
    return list(rows[:limit] if limit else rows)


def seal_audit_log(*, batch_size: int | None = None, now=None) -> int:
    """Seal what is ready; returns the number of entries sealed. Safe to run concurrently."""
    batch_size = batch_size or settings.AUDIT_SEAL_BATCH_SIZE
    before = (now or timezone.now()) - timedelta(seconds=settings.AUDIT_SEAL_DELAY_SECONDS)
    sealed = 0
    while True:
        with transaction.atomic():
            # SQLite takes the write lock at BEGIN; PostgreSQL serialises on the latest seal's row.
            last = AuditSeal.objects.select_for_update().order_by("-last_entry_id").first()
            start = last.last_entry_id + 1 if last else 1
            batch = _entries(start, limit=batch_size, before=before)
            if not batch:
                return sealed
            previous = last.hash if last else GENESIS
            AuditSeal.objects.create(
                first_entry_id=start,
                last_entry_id=batch[-1]["id"],
                entry_count=len(batch),
                previous_hash=previous,
                hash=chain_hash(previous, batch),
            )
            sealed += len(batch)


@dataclass
class Verification:
    seals: int = 0
    entries: int = 0
    problems: list[str] = field(default_factory=list)
    unsealed_entries: int = 0

    @property
    def is_intact(self) -> bool:
        return not self.problems


def verify_audit_log() -> Verification:
    """Recompute the chain from the first seal; every mismatch is a problem named by its range."""
    result = Verification()
    previous = GENESIS
    expected_first = 1
    for seal in AuditSeal.objects.order_by("last_entry_id").iterator():
        result.seals += 1
        where = f"seal {seal.pk} (entries {seal.first_entry_id}–{seal.last_entry_id})"
        if seal.previous_hash != previous:
            result.problems.append(f"{where}: does not follow the seal before it")
        if seal.first_entry_id != expected_first:
            result.problems.append(f"{where}: leaves a gap or overlap before it")
        entries = _entries(seal.first_entry_id, seal.last_entry_id)
        result.entries += len(entries)
        if len(entries) != seal.entry_count:
            result.problems.append(f"{where}: sealed {seal.entry_count} entries, {len(entries)} are there now")
        elif chain_hash(seal.previous_hash, entries) != seal.hash:
            result.problems.append(f"{where}: an entry was changed")
        previous, expected_first = seal.hash, seal.last_entry_id + 1
    result.unsealed_entries = AuditLogEntry.objects.filter(id__gte=expected_first).count()
    return result
