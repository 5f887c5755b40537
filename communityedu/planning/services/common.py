"""What the plan's writes share: the recorded actor, trimmed text, the unit and date checks, and
saving a row with its audit entry."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.core import audit
from communityedu.organization.models import Town, Unit

if TYPE_CHECKING:
    from django.db import models

    from communityedu.accounts.models import User


def actor_or_none(actor: User | None) -> User | None:
    return actor if getattr(actor, "pk", None) else None


def clean_text(value: str | None, limit: int | None = None) -> str:
    text = (value or "").strip()
    return text[:limit] if limit else text


def check_unit(unit: Unit | None, town: Town, field: str = "unit") -> None:
    if unit is None or unit.town_id != town.pk:
        raise ValidationError({field: _("Choose a unit of the town.")})


def check_not_in_future(value: date | None, field: str) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def save_audited(
    obj: models.Model,
    actor: User,
    *,
    fields: list[str],
    before: dict | None = None,
    effective_on: date | None = None,
) -> None:
    """Save ``obj`` and audit it: created rows with every field, changed rows with their diff;
    ``effective_on`` (the date the record says it happened) goes in the entry's data too."""
    obj.full_clean(exclude=["town", "created_by", "recorded_by", "raised_by", "closed_by", "drafted_by", "approved_by"])
    created = obj.pk is None
    if created:
        obj.save()
        changes = {name: [None, value] for name, value in audit.snapshot(obj, fields).items()}
    else:
        changes = audit.diff(before or {}, audit.snapshot(obj, fields))
        if not changes:
            return
        obj.save(update_fields=[*fields, "updated_at"])
    audit.record_change(actor=actor, obj=obj, created=created, changes=changes, effective_on=effective_on)


def check_units(units: Iterable[Unit], town: Town, field: str) -> list[Unit]:
    units = list(dict.fromkeys(units))
    for unit in units:
        check_unit(unit, town, field)
    return units
