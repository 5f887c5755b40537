"""Every audit entry carries an HMAC under AUDIT_HMAC_KEY, every seal a signature.

The entries and seals already there are given theirs here, as they stand: the migration vouches
for the log as it finds it, so run ``manage.py verify_audit_log`` before upgrading (docs/security.md).
A seal's skipped ids are taken as the ids of its range with no entry now: an entry removed before
the upgrade is then reported by the seal's count and hash, as before, not by its id.
"""

import json
import secrets

import django.utils.timezone
from django.db import migrations, models

from communityedu.core.audit_chain import skipped_ranges
from communityedu.core.audit_keys import CONTENT_FIELDS, entry_mac, seal_signature

BATCH = 2000


def sign_existing(apps, schema_editor):
    entry_model = apps.get_model("core", "AuditLogEntry")
    seal_model = apps.get_model("core", "AuditSeal")
    last_id = None
    while True:
        entries = entry_model.objects.order_by("id")
        if last_id is not None:
            entries = entries.filter(id__gt=last_id)
        batch = list(entries[:BATCH])
        if not batch:
            break
        for entry in batch:
            values = {name: getattr(entry, name) for name in CONTENT_FIELDS}
            values["changes"] = json.loads(json.dumps(entry.changes))
            entry.nonce = secrets.token_hex(16)
            entry.mac = entry_mac(values, nonce=entry.nonce)
        entry_model.objects.bulk_update(batch, ["nonce", "mac"])
        last_id = batch[-1].id
    for seal in seal_model.objects.all():
        if seal.pruned_at is None:
            present = entry_model.objects.filter(id__gte=seal.first_entry_id, id__lte=seal.last_entry_id)
            seal.skipped_ids = skipped_ranges(
                seal.first_entry_id, list(present.order_by("id").values_list("id", flat=True))
            )
        seal.signature = seal_signature(
            first_entry_id=seal.first_entry_id,
            last_entry_id=seal.last_entry_id,
            entry_count=seal.entry_count,
            skipped_ids=seal.skipped_ids,
            previous_hash=seal.previous_hash,
            hash=seal.hash,
        )
        seal.save(update_fields=["skipped_ids", "signature"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_audit_seal_retention"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditlogentry",
            name="occurred_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="time"),
        ),
        migrations.AddField(
            model_name="auditlogentry",
            name="nonce",
            field=models.CharField(default="", editable=False, max_length=32),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditlogentry",
            name="mac",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditseal",
            name="skipped_ids",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="auditseal",
            name="signature",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(sign_existing, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="auditlogentry",
            constraint=models.UniqueConstraint(fields=("nonce",), name="audit_entry_nonce_once"),
        ),
    ]
