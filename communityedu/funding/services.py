"""Writes of the funding ledgers: record an entry, reverse an entry. Each is atomic and audited;
nothing here edits or deletes a row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.core import audit
from communityedu.core.parsing import check_year
from communityedu.funding.constants import ExpenseCategory, FundingSource
from communityedu.funding.models import Allocation, Expense, GovernmentShareSetting
from communityedu.organization.models import Town, Unit

if TYPE_CHECKING:
    from communityedu.accounts.models import User

# An allocation or an expense: the two ledgers share their checks, creation and reversal.
EntryT = TypeVar("EntryT", Allocation, Expense)


def _check_common(*, town: Town, year: int, amount: Decimal, dated_on: date, unit: Unit | None) -> None:
    errors: dict[str, str | list[str]] = {}
    if amount is None or amount <= 0:
        errors["amount"] = _("The amount must be more than zero.")
    try:
        check_year(year)
    except ValidationError as error:
        errors.update(error.message_dict)
    if dated_on > timezone.localdate():
        errors["dated_on"] = _("The voucher date cannot be in the future.")
    if unit is not None and unit.town_id != town.pk:
        errors["unit"] = _("Choose one from the same town.")
    if errors:
        raise ValidationError(errors)


def _created(entry: EntryT, actor: User, fields: list[str]) -> EntryT:
    entry.full_clean(exclude=["recorded_by", "reverses"])
    entry.save()
    audit.record_change(
        actor=actor,
        obj=entry,
        created=True,
        changes={name: [None, audit.snapshot(entry, [name])[name]] for name in fields},
        effective_on=entry.dated_on,
    )
    return entry


@transaction.atomic
def record_allocation(
    *,
    town: Town,
    year: int,
    source: str,
    amount: Decimal,
    dated_on: date,
    actor: User,
    voucher_number: str = "",
    receiving_unit: Unit | None = None,
    description: str = "",
) -> Allocation:
    """Money made available for ``year`` from ``source``."""
    _check_common(town=town, year=year, amount=amount, dated_on=dated_on, unit=receiving_unit)
    if source not in FundingSource.values:
        raise ValidationError({"source": _("Choose a source.")})
    entry = Allocation(
        town=town,
        year=year,
        source=source,
        amount=amount,
        dated_on=dated_on,
        voucher_number=voucher_number.strip()[:60],
        receiving_unit=receiving_unit,
        description=description.strip()[:200],
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    return _created(entry, actor, ["year", "source", "amount", "voucher_number", "dated_on", "receiving_unit"])


@transaction.atomic
def record_expense(
    *,
    town: Town,
    year: int,
    category: str,
    amount: Decimal,
    dated_on: date,
    actor: User,
    voucher_number: str = "",
    paying_unit: Unit | None = None,
    description: str = "",
) -> Expense:
    """Money spent in ``year``. Lecture fees are refused: they come from the lecture-fee ledger."""
    _check_common(town=town, year=year, amount=amount, dated_on=dated_on, unit=paying_unit)
    if category == ExpenseCategory.LECTURE_FEES:
        raise ValidationError({"category": _("Lecture fees are taken from the lecture-fee ledger; record them there.")})
    if category not in ExpenseCategory.values:
        raise ValidationError({"category": _("Choose a category.")})
    entry = Expense(
        town=town,
        year=year,
        category=category,
        amount=amount,
        dated_on=dated_on,
        voucher_number=voucher_number.strip()[:60],
        paying_unit=paying_unit,
        description=description.strip()[:200],
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    return _created(entry, actor, ["year", "category", "amount", "voucher_number", "dated_on", "paying_unit"])


def _reverse(entry: EntryT, *, reason: str, actor: User, dated_on: date | None, copy: list[str]) -> EntryT:
    model = type(entry)
    original = model.objects.select_for_update().get(pk=entry.pk)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the entry is reversed.")})
    if original.reverses_id is not None:
        raise ValidationError(_("A reversing entry cannot itself be reversed."))
    dated_on = dated_on or timezone.localdate()
    if dated_on < original.dated_on:
        raise ValidationError({"dated_on": _("The reversal cannot come before the entry it reverses.")})
    reversal = model(
        town_id=original.town_id,
        year=original.year,
        amount=-original.amount,
        dated_on=dated_on,
        voucher_number=original.voucher_number,
        description=original.description,
        reverses=original,
        reason=reason[:200],
        recorded_by=actor if getattr(actor, "pk", None) else None,
        **{name: getattr(original, name) for name in copy},
    )
    try:
        with transaction.atomic():
            reversal.save()
    except IntegrityError:
        raise ValidationError(_("This entry is already reversed.")) from None
    audit.record_change(
        actor=actor,
        obj=reversal,
        created=True,
        changes={"reverses": [None, original.pk], "amount": [None, str(reversal.amount)], "reason": [None, reason]},
        effective_on=reversal.dated_on,
    )
    return reversal


@transaction.atomic
def reverse_allocation(*, allocation: Allocation, reason: str, actor: User, dated_on: date | None = None) -> Allocation:
    """Cancel ``allocation`` by a reversing entry with a reason; the original stays."""
    return _reverse(allocation, reason=reason, actor=actor, dated_on=dated_on, copy=["source", "receiving_unit_id"])


@transaction.atomic
def reverse_expense(*, expense: Expense, reason: str, actor: User, dated_on: date | None = None) -> Expense:
    """Cancel ``expense`` by a reversing entry with a reason; the original stays."""
    return _reverse(expense, reason=reason, actor=actor, dated_on=dated_on, copy=["category", "paying_unit_id"])


@transaction.atomic
def set_government_share_threshold(*, town: Town, threshold: Decimal | None, actor: User | None) -> Decimal | None:
    """The town's own threshold for the government share of its funding, a fraction from 0 to
    below 1 (the share must be more than it); None: the plan's, more than half. Audited."""
    if threshold is not None and not Decimal("0") <= threshold < Decimal("1"):
        raise ValidationError({"threshold": _("Give a share from 0% to below 100%.")})
    current = GovernmentShareSetting.objects.select_for_update().filter(town=town).first()
    before = None if current is None else current.threshold
    if threshold is not None:
        threshold = threshold.quantize(Decimal("0.0001"))
    if before == threshold:
        return threshold
    if threshold is None:
        # Always a row here: without one, before would be None too and returned above.
        if current is not None:
            audit.record_deletion(actor=actor, obj=current)
            current.delete()
        return None
    if current is None:
        current = GovernmentShareSetting(town=town, threshold=threshold, set_by=actor)
        current.save()
        audit.record_change(actor=actor, obj=current, created=True, changes={"threshold": [None, str(threshold)]})
    else:
        current.threshold, current.set_by = threshold, actor
        current.save(update_fields=["threshold", "set_by", "updated_at"])
        audit.record_change(
            actor=actor, obj=current, created=False, changes={"threshold": [str(before), str(threshold)]}
        )
    return threshold
