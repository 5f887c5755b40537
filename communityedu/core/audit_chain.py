"""Sealing the audit log into a hash chain, and checking the chain.

``seal_audit_log`` takes the entries not yet sealed, oldest first, in batches, and writes one
:class:`~communityedu.core.models.AuditSeal` per batch: SHA-256 over the previous seal's hash and
each entry's contents. It leaves alone entries younger than ``AUDIT_SEAL_DELAY_SECONDS``, so that a
transaction still open when the job runs (its entry has a lower id but is not yet visible) is
sealed in a later batch rather than skipped. Each seal also records the ids of its range that had
no entry (``skipped_ids``) and is signed with ``AUDIT_HMAC_KEY`` (``core/audit_keys.py``).

``verify_audit_log`` checks every entry's HMAC (so an edited or invented entry is named by its id,
sealed or not), refuses any id ≤ 0 and any id in a range its seal did not cover, names every id
missing from a sealed range (a gap), checks each seal's signature and recomputes the chain.

Retention: ``prune_audit_log`` removes entries older than ``AUDIT_RETENTION_DAYS`` (at least 180),
only ever whole sealed batches all of whose entries are that old, oldest first, after checking
the batch's hash. The seal row stays, marked pruned: it anchors the chain, so the seals after it
still link to it and verify. A pruned seal's range must stay empty.

What an entry's hash covers: its id, time, actor (id and name), action, object (type, id, label),
changed fields, source IP and town. Accounts are deactivated, never deleted, so the actor link
stays as it was written.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from communityedu.core import audit
from communityedu.core.audit_keys import CONTENT_FIELDS, entry_mac, entry_material, macs_match, seal_signature
from communityedu.core.models import AuditAction, AuditLogEntry, AuditSeal

# 网络安全等级保护 2.0 level 2 keeps audit records for at least six months.
MINIMUM_RETENTION_DAYS = 180

GENESIS = "0" * 64
# What the chain hash covers: the id and the contents.
FIELDS = ("id", *CONTENT_FIELDS)


def chain_hash(previous_hash: str, entries: list[dict]) -> str:
    digest = hashlib.sha256(previous_hash.encode())
    for values in entries:
        material = entry_material(values)
        digest.update(len(material).to_bytes(8, "big"))
        digest.update(material)
    return digest.hexdigest()


def _entries(first_id: int, last_id: int | None = None, limit: int | None = None) -> list[dict]:
    entries = AuditLogEntry.objects.filter(id__gte=first_id).order_by("id")
    if last_id is not None:
        entries = entries.filter(id__lte=last_id)
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
            batch = _entries(start, limit=batch_size)
            # Only the run of entries before the first young one, in id order: sealing a later,
            # older entry past a young one would leave the young one outside every seal.
            young = next((n for n, values in enumerate(batch) if values["occurred_at"] >= before), None)
            batch = batch[:young]
            if not batch:
                return sealed
            seal = AuditSeal(
                first_entry_id=start,
                last_entry_id=batch[-1]["id"],
                entry_count=len(batch),
                skipped_ids=skipped_ranges(start, [values["id"] for values in batch]),
                previous_hash=last.hash if last else GENESIS,
                newest_entry_at=max(values["occurred_at"] for values in batch),
            )
            seal.hash = chain_hash(seal.previous_hash, batch)
            seal.signature = sign(seal)
            seal.save(force_insert=True)
            sealed += len(batch)


def skipped_ranges(first_id: int, ids: list[int]) -> list[list[int]]:
    """The ids from ``first_id`` to the last of ``ids`` (ascending) that are not among them, as
    [first, last] pairs: a rolled-back import can leave thousands in a row."""
    ranges, expected = [], first_id
    for entry_id in ids:
        if entry_id > expected:
            ranges.append([expected, entry_id - 1])
        expected = entry_id + 1
    return ranges


def sign(seal: AuditSeal) -> str:
    return seal_signature(
        first_entry_id=seal.first_entry_id,
        last_entry_id=seal.last_entry_id,
        entry_count=seal.entry_count,
        skipped_ids=seal.skipped_ids,
        previous_hash=seal.previous_hash,
        hash=seal.hash,
    )


@dataclass
class Verification:
    seals: int = 0
    entries: int = 0
    problems: list[str] = field(default_factory=list)
    unsealed_entries: int = 0
    pruned_seals: int = 0

    @property
    def is_intact(self) -> bool:
        return not self.problems


def _check_entries(result: Verification) -> None:
    """Every entry, sealed or not: its HMAC, its id, and that it was written once."""
    entries = AuditLogEntry.objects.order_by("id").values(*FIELDS, "nonce", "mac")
    for values in entries.iterator(chunk_size=2000):
        entry_id = values["id"]
        if entry_id <= 0:
            result.problems.append(f"entry {entry_id}: id ≤ 0, where no entry is ever written (forged)")
        if not macs_match(entry_mac(values, nonce=values["nonce"]), values["mac"]):
            result.problems.append(f"entry {entry_id}: its HMAC does not match its contents (changed or forged)")
    copies = AuditLogEntry.objects.values("nonce").annotate(times=Count("id")).filter(times__gt=1).values_list("nonce")
    for ids in _ids_by_nonce(copies).values():
        result.problems.append(f"entries {', '.join(map(str, ids))}: one entry written under {len(ids)} ids (copied)")


def _ids_by_nonce(nonces) -> dict[str, list[int]]:
    ids: dict[str, list[int]] = {}
    for entry_id, nonce in AuditLogEntry.objects.filter(nonce__in=nonces).order_by("id").values_list("id", "nonce"):
        ids.setdefault(nonce, []).append(entry_id)
    return ids


def _check_ids_of(seal: AuditSeal, where: str, present: list[int], result: Verification) -> None:
    """The ids a seal covered are all there, and no other id of its range is. Works on runs of
    ids: a rolled-back import can leave thousands unused, a deletion thousands missing."""
    runs, start = [], seal.first_entry_id  # the covered ids: the range less the skipped runs
    for first, last in seal.skipped_ids:
        if first > start:
            runs.append((start, first - 1))
        start = last + 1
    if start <= seal.last_entry_id:
        runs.append((start, seal.last_entry_id))
    starts = [first for first, _last in runs]
    present_by_run: list[list[int]] = [[] for _run in runs]
    for entry_id in present:  # ascending
        run = bisect.bisect_right(starts, entry_id) - 1
        if run >= 0 and runs[run][0] <= entry_id <= runs[run][1]:
            present_by_run[run].append(entry_id)
        else:
            result.problems.append(f"entry {entry_id}: out of order, not covered by {where} (slipped in after sealing)")
    for (first, last), ids in zip(runs, present_by_run, strict=True):
        for missing_first, missing_last in skipped_ranges(first, [*ids, last + 1]):
            which = (
                f"entry {missing_first}" if missing_first == missing_last else f"entries {missing_first}–{missing_last}"
            )
            result.problems.append(f"{which}: missing from {where} (a gap: removed after sealing)")


def verify_audit_log() -> Verification:
    """Check every entry's HMAC and id, then recompute the chain from the first seal; each
    problem names the entry by its id, or the seal by its range."""
    result = Verification()
    _check_entries(result)
    previous = GENESIS
    expected_first = 1
    kept_seal_seen = False
    for seal in AuditSeal.objects.order_by("last_entry_id").iterator():
        result.seals += 1
        where = f"seal {seal.pk} (entries {seal.first_entry_id}–{seal.last_entry_id})"
        if not macs_match(sign(seal), seal.signature):
            result.problems.append(f"{where}: its signature does not match (the seal was rewritten)")
        if seal.previous_hash != previous:
            result.problems.append(f"{where}: does not follow the seal before it")
        if seal.first_entry_id != expected_first:
            result.problems.append(f"{where}: leaves a gap or overlap before it")
        previous, expected_first = seal.hash, seal.last_entry_id + 1
        if seal.pruned_at is not None:
            result.pruned_seals += 1
            if kept_seal_seen:
                result.problems.append(f"{where}: pruned after a seal that was kept")
            present = AuditLogEntry.objects.filter(id__gte=seal.first_entry_id, id__lte=seal.last_entry_id).count()
            if present:
                result.problems.append(f"{where}: pruned, yet {present} entries are there now")
            continue
        kept_seal_seen = True
        entries = _entries(seal.first_entry_id, seal.last_entry_id)
        result.entries += len(entries)
        _check_ids_of(seal, where, [values["id"] for values in entries], result)
        if len(entries) != seal.entry_count:
            result.problems.append(f"{where}: sealed {seal.entry_count} entries, {len(entries)} are there now")
        elif chain_hash(seal.previous_hash, entries) != seal.hash:
            result.problems.append(f"{where}: an entry was changed")
    result.unsealed_entries = AuditLogEntry.objects.filter(id__gte=expected_first).count()
    return result


def retention_days() -> int:
    days = settings.AUDIT_RETENTION_DAYS
    if not isinstance(days, int) or days < MINIMUM_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"AUDIT_RETENTION_DAYS must be a whole number of at least {MINIMUM_RETENTION_DAYS} days, not {days!r}"
        )
    return days


class AuditChainBrokenError(Exception):
    """A batch due for pruning no longer matches its seal: it is kept as evidence."""


@dataclass
class Pruning:
    seals: int = 0
    entries: int = 0
    cutoff: object = None


def _newest_entry_at(seal: AuditSeal):
    if seal.newest_entry_at is not None:
        return seal.newest_entry_at
    # Seals written before the field existed: read it from the entries.
    return AuditLogEntry.objects.filter(id__gte=seal.first_entry_id, id__lte=seal.last_entry_id).aggregate(
        newest=Max("occurred_at")
    )["newest"]


def prune_audit_log(*, now=None) -> Pruning:
    """Remove the sealed batches whose every entry is older than the retention period, oldest first.

    Stops at the first batch holding a younger entry, and never touches unsealed entries. Each batch
    is checked against its seal before it goes (``AuditChainBrokenError`` otherwise, nothing removed from
    that batch on). The removal itself is recorded in the audit log.
    """
    now = now or timezone.now()
    result = Pruning(cutoff=now - timedelta(days=retention_days()))
    while True:
        with transaction.atomic():
            seal = (
                AuditSeal.objects.select_for_update().filter(pruned_at__isnull=True).order_by("last_entry_id").first()
            )
            if seal is None:
                break
            newest = _newest_entry_at(seal)
            if newest is not None and newest >= result.cutoff:
                break
            entries = _entries(seal.first_entry_id, seal.last_entry_id)
            if len(entries) != seal.entry_count or chain_hash(seal.previous_hash, entries) != seal.hash:
                raise AuditChainBrokenError(
                    f"seal {seal.pk} (entries {seal.first_entry_id}–{seal.last_entry_id}) does not match its "
                    "entries; nothing of it was pruned: run verify_audit_log"
                )
            removed, _ = AuditLogEntry.objects.filter(
                id__gte=seal.first_entry_id, id__lte=seal.last_entry_id, occurred_at__lt=result.cutoff
            ).delete()
            if removed != seal.entry_count:  # an entry younger than the cutoff: keep the whole batch
                transaction.set_rollback(True)
                break
            seal.newest_entry_at, seal.pruned_at = newest, now
            seal.save(update_fields=["newest_entry_at", "pruned_at"])
            result.seals += 1
            result.entries += removed
    if result.seals:
        audit.record(
            actor=None,
            action=AuditAction.DELETE,
            object_label="audit log",
            changes={
                "pruned_entries": result.entries,
                "pruned_seals": result.seals,
                "older_than": result.cutoff.isoformat(timespec="seconds"),
            },
        )
    return result
