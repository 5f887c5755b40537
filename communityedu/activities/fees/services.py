"""The writes of the lecture-fee ledger: a new standard, fees due, payments and reversals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.activities.constants import ActivityKind
from communityedu.activities.fees.constants import FeeEntryKind
from communityedu.activities.fees.models import FeeStandard, LecturePayment
from communityedu.activities.fees.selectors import lecture_date, standard_in_force
from communityedu.core import audit

if TYPE_CHECKING:
    from communityedu.accounts.models import User
    from communityedu.activities.models import Activity
    from communityedu.organization.models import Town


@transaction.atomic
def set_fee_standard(*, town: Town, amount: Decimal, valid_from: date, actor: User | None) -> FeeStandard:
    """A new standard from ``valid_from`` on; earlier standards stay as they were."""
    standard = FeeStandard(town=town, amount=amount, valid_from=valid_from, set_by=actor)
    standard.full_clean(exclude=["set_by"])
    standard.save()
    audit.record_change(
        actor=actor,
        obj=standard,
        created=True,
        changes={"amount": [None, str(standard.amount)], "valid_from": [None, valid_from.isoformat()]},
    )
    return standard


def _current_generation(activity_id: int, lecturer_id: int) -> int:
    return LecturePayment.objects.filter(
        activity_id=activity_id, lecturer_id=lecturer_id, entry_kind=FeeEntryKind.REVERSAL
    ).count()


@transaction.atomic
def record_fees_due(*, activity: Activity, actor: User | None) -> list[LecturePayment]:
    """A fee due for each lecturer of a held lecture-hall lecture who has no open fee yet, at the
    standard in force on the lecture's date. Returns the entries it created: calling it again
    creates nothing, and two calls at once create each entry once."""
    # Lock the lecture and read it afresh, so a cancellation in between is seen (PostgreSQL;
    # SQLite serialises writers anyway).
    activity = type(activity).objects.select_for_update().get(pk=activity.pk)
    if activity.kind != ActivityKind.LECTURE_HALL:
        raise ValidationError(_("Lecture fees are paid for lecture-hall lectures only."))
    if not activity.is_held():
        raise ValidationError(_("Payments can only be made for lectures that took place."))
    on = lecture_date(activity)
    standard = standard_in_force(town=activity.town, on=on)
    if standard is None:
        raise ValidationError(_("No fee standard is in force on %(date)s. Set one first.") % {"date": on.isoformat()})
    created = []
    for link in activity.lecturer_links.select_related("person").order_by("person__name", "person_id"):
        if link.person.town_id != activity.town_id:
            continue  # scheduling refuses such lecturers; a fee never crosses towns
        generation = _current_generation(activity.pk, link.person_id)
        try:
            with transaction.atomic():
                entry = LecturePayment.objects.create(
                    town_id=activity.town_id,
                    activity=activity,
                    lecturer=link.person,
                    entry_kind=FeeEntryKind.DUE,
                    generation=generation,
                    amount=standard.amount,
                    standard=standard,
                    recorded_by=actor if getattr(actor, "pk", None) else None,
                )
        except IntegrityError:
            continue  # already due in this generation: recorded earlier or by a concurrent call
        audit.record_change(
            actor=actor,
            obj=entry,
            created=True,
            changes={"fee_due": [None, str(entry.amount)], "lecturer": [None, link.person_id]},
        )
        created.append(entry)
    return created


def _locked_due(payment: LecturePayment) -> LecturePayment:
    if payment.entry_kind != FeeEntryKind.DUE:
        raise ValidationError(_("Choose a fee due."))
    return LecturePayment.objects.select_for_update().select_related("activity").get(pk=payment.pk)


def _later_entry(due: LecturePayment, kind: str) -> LecturePayment | None:
    return LecturePayment.objects.filter(
        activity_id=due.activity_id, lecturer_id=due.lecturer_id, generation=due.generation, entry_kind=kind
    ).first()


@transaction.atomic
def mark_paid(*, payment: LecturePayment, voucher_number: str, paid_on: date, actor: User | None) -> LecturePayment:
    """Record that the pending fee ``payment`` was paid, with its voucher number and date.
    Submitting the same payment twice records it once."""
    due = _locked_due(payment)
    voucher_number = voucher_number.strip()
    if not voucher_number:
        raise ValidationError({"voucher_number": _("Give the voucher number.")})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("The date of payment cannot be in the future.")})
    if paid_on < lecture_date(due.activity):
        raise ValidationError({"paid_on": _("The date of payment comes before the lecture.")})
    if _later_entry(due, FeeEntryKind.REVERSAL) is not None:
        raise ValidationError(_("This fee was reversed; it cannot be paid."))
    try:
        with transaction.atomic():
            entry = LecturePayment.objects.create(
                town_id=due.town_id,
                activity_id=due.activity_id,
                lecturer_id=due.lecturer_id,
                entry_kind=FeeEntryKind.PAID,
                generation=due.generation,
                amount=due.amount,
                voucher_number=voucher_number[:60],
                paid_on=paid_on,
                recorded_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        existing = _later_entry(due, FeeEntryKind.PAID)
        if existing is not None and (existing.voucher_number, existing.paid_on) == (voucher_number[:60], paid_on):
            return existing
        raise ValidationError(
            _("This fee is already paid (voucher %(voucher)s).")
            % {"voucher": existing.voucher_number if existing else "?"}
        ) from None
    audit.record_change(
        actor=actor,
        obj=entry,
        created=True,
        changes={
            "paid": [None, str(entry.amount)],
            "voucher_number": [None, entry.voucher_number],
            "paid_on": [None, paid_on.isoformat()],
        },
        effective_on=paid_on,
    )
    return entry


@transaction.atomic
def reverse_payment(*, payment: LecturePayment, reason: str, actor: User | None) -> LecturePayment:
    """Reverse the fee ``payment`` (pending or paid) by an entry with a reason; its due and paid
    entries stay in the ledger. The fee can then be recorded again, as a new generation."""
    due = _locked_due(payment)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the fee is reversed.")})
    try:
        with transaction.atomic():
            entry = LecturePayment.objects.create(
                town_id=due.town_id,
                activity_id=due.activity_id,
                lecturer_id=due.lecturer_id,
                entry_kind=FeeEntryKind.REVERSAL,
                generation=due.generation,
                amount=due.amount,
                reason=reason[:200],
                recorded_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise ValidationError(_("This fee is already reversed.")) from None
    audit.record_change(
        actor=actor, obj=entry, created=True, changes={"reversed": [None, str(entry.amount)], "reason": [None, reason]}
    )
    return entry
