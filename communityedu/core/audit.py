"""The only writer of the audit log.

Services call :func:`record_change` after they save; sign-in events come from Django's auth
signals (see ``audit_signals``). Entries are plain rows; nothing updates or deletes them. Each
is signed with an HMAC as it is written (``core/audit_keys.py``), in the same single INSERT.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import models
from django.utils import timezone

from communityedu.core import audit_keys, context
from communityedu.core.models import AuditAction, AuditLogEntry


def _label(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return actor.get_username()


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of ``fields`` as they are now, to diff against after a change."""
    return {name: _jsonable(getattr(instance, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def signed_entry(
    *,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    changes: dict | None = None,
    source_ip: str | None = None,
    town_id: int | None = None,
) -> AuditLogEntry:
    """An unsaved entry with its time, nonce and HMAC set: saving it is one INSERT, and so is a
    ``bulk_create`` of many (the roster import writes its entries that way)."""
    entry = AuditLogEntry(
        occurred_at=timezone.now(),
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=object_label,
        changes=changes or {},
        # As the database will hand it back (IPv6 written in its short form).
        source_ip=AuditLogEntry._meta.get_field("source_ip").get_prep_value(source_ip),
        town_id=town_id,
        nonce=secrets.token_hex(16),
    )
    values = {name: getattr(entry, name) for name in audit_keys.CONTENT_FIELDS}
    # The JSON as it will be read back (tuples become lists, keys strings).
    values["changes"] = json.loads(json.dumps(entry.changes))
    entry.mac = audit_keys.entry_mac(values, nonce=entry.nonce)
    return entry


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    changes: dict | None = None,
    town=None,
    object_label: str | None = None,
    actor_label: str | None = None,
) -> AuditLogEntry:
    if town is None and obj is not None:
        town = getattr(obj, "town", None)
    entry = signed_entry(
        actor_id=actor.pk if actor is not None and getattr(actor, "pk", None) else None,
        actor_label=actor_label if actor_label is not None else _label(actor),
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=object_label if object_label is not None else (str(obj)[:200] if obj is not None else ""),
        changes=changes,
        source_ip=context.current().source_ip,
        town_id=town.pk if town is not None else None,
    )
    entry.save(force_insert=True)
    return entry


def record_change(
    *, actor, obj: models.Model, created: bool, changes: dict, effective_on: date | None = None
) -> AuditLogEntry:
    """An entry for ``obj`` created or changed. ``effective_on`` is the date the record says it
    happened (a notice's effective date, a meeting's day, a task's done date, a payment's date):
    kept in the entry's data beside the entry's own time, so a record entered after the fact (补录)
    shows both."""
    if effective_on is not None:
        changes = {**changes, "effective_on": effective_on.isoformat()}
    return record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=obj,
        changes=changes,
    )


def record_deletion(*, actor, obj: models.Model) -> AuditLogEntry:
    return record(actor=actor, action=AuditAction.DELETE, obj=obj)
