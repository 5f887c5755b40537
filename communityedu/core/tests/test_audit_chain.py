"""The audit log is tamper-evident: sealed in batches into a hash chain that a command verifies."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from communityedu.core import audit
from communityedu.core.audit_chain import GENESIS, chain_hash, seal_audit_log, verify_audit_log
from communityedu.core.audit_chain import _entries as sealed_values
from communityedu.core.models import AuditAction, AuditLogEntry, AuditSeal

pytestmark = pytest.mark.django_db


def _entries(count: int, *, age_seconds: int = 120) -> list[AuditLogEntry]:
    entries = [
        audit.record(actor=None, action=AuditAction.EXPORT, object_label=f"名册 {number}") for number in range(count)
    ]
    AuditLogEntry.objects.filter(pk__in=[entry.pk for entry in entries]).update(
        occurred_at=timezone.now() - timedelta(seconds=age_seconds)
    )
    return entries


def test_entries_are_sealed_in_batches_that_chain(settings):
    settings.AUDIT_SEAL_BATCH_SIZE = 4
    _entries(10)

    assert seal_audit_log() == 10

    seals = list(AuditSeal.objects.order_by("last_entry_id"))
    assert [seal.entry_count for seal in seals] == [4, 4, 2]
    assert [seal.previous_hash for seal in seals[1:]] == [seal.hash for seal in seals[:-1]]
    result = verify_audit_log()
    assert (result.is_intact, result.seals, result.entries, result.unsealed_entries) == (True, 3, 10, 0)


def test_sealing_again_adds_only_the_new_entries():
    _entries(3)
    seal_audit_log()
    _entries(2)

    assert seal_audit_log() == 2
    assert seal_audit_log() == 0
    assert AuditSeal.objects.count() == 2
    assert verify_audit_log().is_intact


def test_entries_younger_than_the_delay_wait_for_the_next_run(settings):
    settings.AUDIT_SEAL_DELAY_SECONDS = 60
    _entries(2, age_seconds=120)
    audit.record(actor=None, action=AuditAction.EXPORT, object_label="刚刚")

    assert seal_audit_log() == 2
    assert verify_audit_log().unsealed_entries == 1


def test_a_changed_entry_breaks_the_chain_and_the_command_names_the_seal(settings):
    settings.AUDIT_SEAL_BATCH_SIZE = 2
    entries = _entries(4)
    seal_audit_log()
    AuditLogEntry.objects.filter(pk=entries[2].pk).update(object_label="改过的")
    second = AuditSeal.objects.order_by("last_entry_id")[1]

    errors = StringIO()
    with pytest.raises(CommandError, match="tampered with: 1 problems"):
        call_command("verify_audit_log", stderr=errors)

    assert errors.getvalue().strip() == (
        f"seal {second.pk} (entries {entries[2].pk}–{entries[3].pk}): an entry was changed"
    )


def test_a_removed_entry_breaks_the_chain():
    entries = _entries(3)
    seal_audit_log()
    AuditLogEntry.objects.filter(pk=entries[1].pk).delete()

    result = verify_audit_log()

    seal = AuditSeal.objects.get()
    assert result.problems == [
        f"seal {seal.pk} (entries {seal.first_entry_id}–{entries[2].pk}): sealed 3 entries, 2 are there now"
    ]


def test_a_rewritten_seal_no_longer_follows_its_predecessor(settings):
    settings.AUDIT_SEAL_BATCH_SIZE = 2
    entries = _entries(4)
    seal_audit_log()
    first = AuditSeal.objects.order_by("last_entry_id").first()
    AuditLogEntry.objects.filter(pk=entries[0].pk).update(object_label="改过的")
    # Re-sealing the changed batch by hand does not help: the next seal still names the old hash.
    AuditSeal.objects.filter(pk=first.pk).update(hash=chain_hash(GENESIS, sealed_values(entries[0].pk, entries[1].pk)))

    assert [problem.split(": ")[1] for problem in verify_audit_log().problems] == ["does not follow the seal before it"]


def test_the_periodic_runner_seals_once_and_the_command_reports_intact():
    _entries(2)
    out = StringIO()

    call_command("run_periodic_jobs", "--once", stdout=out)
    call_command("verify_audit_log", stdout=out)

    assert out.getvalue().splitlines() == [
        "sealed 2 audit-log entries",
        "intact: 1 seals, 2 sealed entries, 0 not sealed yet",
    ]


def test_a_young_entry_stops_the_batch_so_no_later_entry_is_sealed_past_it(settings):
    settings.AUDIT_SEAL_DELAY_SECONDS = 60
    _entries(1, age_seconds=120)
    audit.record(actor=None, action=AuditAction.EXPORT, object_label="still young")
    _entries(1, age_seconds=120)  # a lower id's transaction committed late: ids and times disagree

    assert seal_audit_log() == 1
    assert verify_audit_log().unsealed_entries == 2
    assert seal_audit_log(now=timezone.now() + timedelta(minutes=2)) == 2
    assert verify_audit_log().is_intact
