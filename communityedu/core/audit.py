"""The only writer of the audit log.

Services call :func:`record_change` after they save; sign-in events come from Django's auth
signals (see ``audit_signals``). Entries are plain rows; nothing updates or deletes them.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from communityedu.core import context
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


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The values of ``fields`` as they are now, to diff against after a change."""
    return {name: _jsonable(getattr(instance, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


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
    return AuditLogEntry.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_label=actor_label if actor_label is not None else _label(actor),
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=object_label if object_label is not None else (str(obj)[:200] if obj is not None else ""),
        changes=changes or {},
        source_ip=context.current().source_ip,
        town=town,
    )


def record_change(*, actor, obj: models.Model, created: bool, changes: dict) -> AuditLogEntry:
    return record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=obj,
        changes=changes,
    )


def record_deletion(*, actor, obj: models.Model) -> AuditLogEntry:
    return record(actor=actor, action=AuditAction.DELETE, obj=obj)
