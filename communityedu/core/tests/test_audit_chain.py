"""The audit log is tamper-evident: sealed in batches into a hash chain that a command verifies."""

from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from communityedu.core import audit
from communityedu.core.audit_chain import FIELDS, GENESIS, chain_hash, seal_audit_log, verify_audit_log
from communityedu.core.audit_chain import _entries as sealed_values
from communityedu.core.models import AuditAction, AuditLogEntry, AuditSeal

pytestmark = pytest.mark.django_db


def _entries(count: int, *, age_seconds: int = 120) -> list[AuditLogEntry]:
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - timedelta(seconds=age_seconds)):
        return [
            audit.record(actor=None, action=AuditAction.EXPORT, object_label=f"名册 {number}")
            for number in range(count)
        ]


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
    with pytest.raises(CommandError, match="tampered with: 2 problems"):
        call_command("verify_audit_log", stderr=errors)

    assert errors.getvalue().splitlines() == [
        f"entry {entries[2].pk}: its HMAC does not match its contents (changed or forged)",
        f"seal {second.pk} (entries {entries[2].pk}–{entries[3].pk}): an entry was changed",
    ]


def test_a_removed_entry_breaks_the_chain():
    entries = _entries(3)
    seal_audit_log()
    AuditLogEntry.objects.filter(pk=entries[1].pk).delete()

    result = verify_audit_log()

    seal = AuditSeal.objects.get()
    where = f"seal {seal.pk} (entries {seal.first_entry_id}–{entries[2].pk})"
    assert result.problems == [
        f"entry {entries[1].pk}: missing from {where} (a gap: removed after sealing)",
        f"{where}: sealed 3 entries, 2 are there now",
    ]


def test_a_rewritten_seal_no_longer_follows_its_predecessor(settings):
    settings.AUDIT_SEAL_BATCH_SIZE = 2
    entries = _entries(4)
    seal_audit_log()
    first = AuditSeal.objects.order_by("last_entry_id").first()
    AuditLogEntry.objects.filter(pk=entries[0].pk).update(object_label="改过的")
    # Re-sealing the changed batch by hand does not help: the next seal still names the old hash.
    AuditSeal.objects.filter(pk=first.pk).update(hash=chain_hash(GENESIS, sealed_values(entries[0].pk, entries[1].pk)))

    assert [problem.split(": ")[1] for problem in verify_audit_log().problems] == [
        "its HMAC does not match its contents (changed or forged)",
        "its signature does not match (the seal was rewritten)",
        "does not follow the seal before it",
    ]


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


def _forge(entry_id: int) -> None:
    """What someone with write access to the database but not the audit key can do."""
    AuditLogEntry.objects.create(
        id=entry_id, action=AuditAction.EXPORT, object_label="伪造", nonce=f"forged{entry_id}", mac="0" * 64
    )


def test_forged_entries_with_ids_zero_and_below_are_named_by_id_and_the_command_fails():
    _entries(3)
    seal_audit_log()
    _forge(0)
    _forge(-5)

    errors = StringIO()
    with pytest.raises(CommandError, match="tampered with: 4 problems"):
        call_command("verify_audit_log", stderr=errors)

    assert errors.getvalue().splitlines() == [
        "entry -5: id ≤ 0, where no entry is ever written (forged)",
        "entry -5: its HMAC does not match its contents (changed or forged)",
        "entry 0: id ≤ 0, where no entry is ever written (forged)",
        "entry 0: its HMAC does not match its contents (changed or forged)",
    ]


def test_an_edited_entry_not_yet_sealed_is_named_by_id():
    entries = _entries(3)
    AuditLogEntry.objects.filter(pk=entries[1].pk).update(changes={"phone": ["***", "改过的"]})

    result = verify_audit_log()

    assert result.problems == [f"entry {entries[1].pk}: its HMAC does not match its contents (changed or forged)"]
    assert (result.seals, result.unsealed_entries) == (0, 3)


def test_an_entry_backdated_before_sealing_is_named_by_id():
    entries = _entries(2)
    AuditLogEntry.objects.filter(pk=entries[0].pk).update(occurred_at=timezone.now() - timedelta(days=400))

    assert verify_audit_log().problems == [
        f"entry {entries[0].pk}: its HMAC does not match its contents (changed or forged)"
    ]


def test_an_entry_copied_under_another_id_is_refused_and_reported():
    original = _entries(1)[0]
    copy = AuditLogEntry.objects.values(*FIELDS, "nonce", "mac").get(pk=original.pk)

    with pytest.raises(IntegrityError), transaction.atomic():
        AuditLogEntry.objects.create(**{**copy, "id": original.pk + 10})


def test_a_seal_rewritten_to_hide_a_removed_entry_fails_its_signature(settings):
    entries = _entries(3)
    seal_audit_log()
    AuditLogEntry.objects.filter(pk=entries[2].pk).delete()
    seal = AuditSeal.objects.get()
    # Without the key, the seal's count, range and hash can be made to match the entries left, not its signature.
    AuditSeal.objects.filter(pk=seal.pk).update(
        last_entry_id=entries[1].pk,
        entry_count=2,
        hash=chain_hash(GENESIS, sealed_values(entries[0].pk, entries[1].pk)),
    )

    assert verify_audit_log().problems == [
        f"seal {seal.pk} (entries {seal.first_entry_id}–{entries[1].pk}): its signature does not match (the seal was rewritten)"
    ]


def test_ids_left_unused_before_sealing_are_not_gaps_but_an_entry_slipped_into_one_is_reported():
    entries = _entries(4)
    # A write rolled back leaves its id unused; removing the row before sealing does the same.
    AuditLogEntry.objects.filter(pk=entries[1].pk).delete()
    seal_audit_log()
    seal = AuditSeal.objects.get()
    # (on PostgreSQL the ids before this test are unused too: its sequence is not rolled back)
    assert seal.skipped_ids[-1] == [entries[1].pk, entries[1].pk]
    assert verify_audit_log().is_intact

    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - timedelta(minutes=2)):
        slipped = audit.signed_entry(actor_id=None, actor_label="", action=AuditAction.EXPORT, object_label="后补")
    slipped.id = entries[1].pk
    slipped.save(force_insert=True)

    assert verify_audit_log().problems == [
        f"entry {entries[1].pk}: out of order, not covered by seal {seal.pk} "
        f"(entries {seal.first_entry_id}–{entries[3].pk}) (slipped in after sealing)",
        f"seal {seal.pk} (entries {seal.first_entry_id}–{entries[3].pk}): sealed 3 entries, 4 are there now",
    ]


def test_a_clean_log_with_sealed_and_unsealed_entries_verifies_with_exit_zero(settings):
    settings.AUDIT_SEAL_BATCH_SIZE = 2
    _entries(5)
    seal_audit_log()
    audit.record(actor=None, action=AuditAction.UPDATE, object_label="刚刚", changes={"when": ("今天", 1)})
    out = StringIO()

    call_command("verify_audit_log", stdout=out)

    assert out.getvalue().strip() == "intact: 3 seals, 5 sealed entries, 1 not sealed yet"


def test_writing_an_entry_is_one_insert(django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        audit.record(actor=None, action=AuditAction.EXPORT, object_label="名册", changes={"rows": [None, 3]})

    assert captured.captured_queries[0]["sql"].startswith('INSERT INTO "core_auditlogentry"')


def test_entries_removed_in_a_row_from_a_sealed_range_are_named_as_one_gap():
    entries = _entries(6)
    AuditLogEntry.objects.filter(pk=entries[0].pk).delete()  # unused before sealing: not a gap
    seal_audit_log()
    AuditLogEntry.objects.filter(pk__in=[entries[2].pk, entries[3].pk, entries[4].pk]).delete()

    problems = verify_audit_log().problems

    seal = AuditSeal.objects.get()
    assert problems[0] == (
        f"entries {entries[2].pk}–{entries[4].pk}: missing from seal {seal.pk} "
        f"(entries {seal.first_entry_id}–{entries[5].pk}) (a gap: removed after sealing)"
    )
    assert len(problems) == 2  # and the seal's count
