"""Audit entries are kept AUDIT_RETENTION_DAYS (at least 180); after that whole sealed batches are
pruned, oldest first, and the chain still verifies from the seals left as anchors."""

from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError
from django.utils import timezone

from communityedu.core import audit
from communityedu.core.audit_chain import AuditChainBrokenError, prune_audit_log, seal_audit_log, verify_audit_log
from communityedu.core.checks import audit_retention_check
from communityedu.core.models import AuditAction, AuditLogEntry, AuditSeal

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _entry(age: timedelta, label: str) -> int:
    with mock.patch("django.utils.timezone.now", return_value=NOW - age):
        return audit.record(actor=None, action=AuditAction.EXPORT, object_label=label).pk


def _labels() -> list[str]:
    return list(AuditLogEntry.objects.order_by("id").values_list("object_label", flat=True))


def test_the_retention_is_180_days_by_default_and_fewer_is_refused_by_the_system_check(settings):
    assert settings.AUDIT_RETENTION_DAYS == 180
    assert audit_retention_check() == []

    settings.AUDIT_RETENTION_DAYS = 179
    errors = audit_retention_check()

    assert [(error.id, error.msg) for error in errors] == [
        ("core.E001", "AUDIT_RETENTION_DAYS must be a whole number of at least 180 days, not 179")
    ]
    with pytest.raises(SystemCheckError, match=r"core\.E001"):
        call_command("check")
    with pytest.raises(ImproperlyConfigured):
        prune_audit_log(now=NOW)


def test_only_whole_sealed_batches_older_than_the_retention_are_pruned_oldest_first(settings):
    settings.AUDIT_SEAL_BATCH_SIZE = 2
    _entry(timedelta(days=400), "a1")
    _entry(timedelta(days=300), "a2")
    _entry(timedelta(days=200), "b1")
    _entry(timedelta(days=179, hours=23), "b2")  # keeps its whole batch
    _entry(timedelta(days=250), "c1")  # older, but after a batch that must stay
    seal_audit_log(now=NOW)

    result = prune_audit_log(now=NOW)

    assert (result.seals, result.entries) == (1, 2)
    assert _labels() == ["b1", "b2", "c1", "audit log"]
    seals = list(AuditSeal.objects.order_by("last_entry_id"))
    assert [seal.pruned_at is not None for seal in seals] == [True, False, False]
    assert seals[0].newest_entry_at == NOW - timedelta(days=300)


def test_an_entry_one_second_younger_than_the_retention_is_never_removed():
    _entry(timedelta(days=180) - timedelta(seconds=1), "almost")
    seal_audit_log(now=NOW)

    assert prune_audit_log(now=NOW).entries == 0
    assert _labels() == ["almost"]


def test_an_entry_one_second_older_than_the_retention_goes_with_its_batch():
    _entry(timedelta(days=180, seconds=1), "old")
    seal_audit_log(now=NOW)

    assert prune_audit_log(now=NOW).entries == 1
    assert _labels() == ["audit log"]


def test_unsealed_entries_are_never_pruned_however_old():
    _entry(timedelta(days=900), "never sealed")

    assert prune_audit_log(now=NOW).entries == 0
    assert _labels() == ["never sealed"]


def test_a_longer_retention_keeps_more(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    _entry(timedelta(days=300), "kept a year")
    seal_audit_log(now=NOW)

    assert prune_audit_log(now=NOW).entries == 0


def test_the_chain_verifies_after_pruning_and_keeps_growing_from_its_anchor(settings):
    settings.AUDIT_SEAL_BATCH_SIZE = 2
    for number in range(5):
        _entry(timedelta(days=200), f"old {number}")
    seal_audit_log(now=NOW)
    prune_audit_log(now=NOW)  # 3 batches; the pruning is itself recorded
    _entry(timedelta(minutes=5), "new")

    seal_audit_log(now=NOW)
    result = verify_audit_log()

    assert result.problems == []
    # The pruning's own entry was written just now: it waits for a later run, and so does "new".
    assert (result.seals, result.pruned_seals, result.entries, result.unsealed_entries) == (3, 3, 0, 2)
    assert _labels() == ["audit log", "new"]
    assert seal_audit_log(now=timezone.now() + timedelta(minutes=2)) == 2
    assert (verify_audit_log().is_intact, verify_audit_log().entries) == (True, 2)


def test_the_pruning_is_itself_in_the_audit_log():
    _entry(timedelta(days=200), "old")
    seal_audit_log(now=NOW)

    prune_audit_log(now=NOW)

    entry = AuditLogEntry.objects.get(object_label="audit log")
    assert (entry.action, entry.changes) == (
        AuditAction.DELETE,
        {
            "pruned_entries": 1,
            "pruned_seals": 1,
            "older_than": (NOW - timedelta(days=180)).isoformat(timespec="seconds"),
        },
    )


def test_an_entry_slipped_into_a_pruned_range_is_reported():
    first = _entry(timedelta(days=200), "old")
    seal_audit_log(now=NOW)
    prune_audit_log(now=NOW)
    seal = AuditSeal.objects.get(pruned_at__isnull=False)

    AuditLogEntry.objects.create(id=first, action=AuditAction.EXPORT, object_label="slipped in")

    assert verify_audit_log().problems == [
        f"entry {first}: its HMAC does not match its contents (changed or forged)",
        f"seal {seal.pk} (entries {seal.first_entry_id}–{first}): pruned, yet 1 entries are there now",
    ]


def test_a_tampered_batch_is_not_pruned_and_the_command_says_why(settings):
    settings.AUDIT_SEAL_BATCH_SIZE = 2
    first = _entry(timedelta(days=200), "old 1")
    _entry(timedelta(days=200), "old 2")
    seal_audit_log(now=NOW)
    AuditLogEntry.objects.filter(pk=first).update(object_label="changed")
    seal = AuditSeal.objects.get()

    with pytest.raises(AuditChainBrokenError):
        prune_audit_log(now=NOW)
    with pytest.raises(CommandError, match=f"seal {seal.pk} .* does not match its entries"):
        call_command("prune_audit_log")

    assert _labels() == ["changed", "old 2"]
    assert AuditSeal.objects.get().pruned_at is None


def test_the_command_and_the_periodic_runner_prune(settings):
    _entry(timedelta(days=200), "old")
    out = StringIO()

    call_command("run_periodic_jobs", "--once", stdout=out)

    assert out.getvalue().splitlines() == ["sealed 1 audit-log entries", "pruned 1 audit-log entries"]
    call_command("prune_audit_log", stdout=out)
    assert out.getvalue().splitlines()[-1].startswith("pruned 0 entries in 0 sealed batches older than ")
