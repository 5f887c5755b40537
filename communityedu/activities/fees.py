"""Lecture fees (上课费): what the community school pays lecturers for lecture-hall lectures.

The town office or the community school sets a **fee standard**: an amount per lecturer per
lecture, in force from a date. Standards are never edited; a new one is a new row, and the one in
force on a lecture's date is the latest whose date is on or before it (of two set for the same
date, the later one). So the history of what the town decided stays readable.

Payments are a **ledger** (design principle 3). Once a lecture-hall lecture has been held (it
ended and was not cancelled), a *due* entry is recorded for each of its lecturers, carrying the
amount of the standard in force on the lecture's date — a snapshot, so a later standard does not
change fees already recorded. A due fee is *pending* until a *paid* entry records the voucher
number (凭证号) and the date of payment. A mistake is corrected by a *reversal* entry with a reason;
the original entries stay. A fee's status is read from its entries: reversed if a reversal exists,
paid if a payment does, otherwise pending.

Entries of one lecturer at one lecture share a *generation*: the number of reversals before
them. At most one entry of each kind exists per generation (a database rule), which makes
concurrent clicks collapse into one row. After a reversal the fee can be recorded again, in the
next generation — the way to correct a wrong amount.

This module holds the models (registered through ``activities.models``), the permission rules,
the reads and the writes of the fee ledger, and its spreadsheet. It references other models by
string or through the objects it is given, because ``activities.models`` imports it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from communityedu.activities.constants import ActivityKind
from communityedu.core import audit
from communityedu.core.models import AuditAction, TownScopedModel
from communityedu.core.spreadsheets import new_workbook
from communityedu.organization.constants import Role
from communityedu.organization.scope import scope_for

if TYPE_CHECKING:
    from communityedu.activities.models import Activity
    from communityedu.organization.models import Town
    from communityedu.people.models import Person

ZERO = Decimal("0.00")
FEE_MANAGER_ROLES = (Role.TOWN_OFFICE, Role.SCHOOL_STAFF)


class FeeEntryKind(models.TextChoices):
    DUE = "due", gettext_lazy("fee due")
    PAID = "paid", gettext_lazy("paid")
    REVERSAL = "reversal", gettext_lazy("reversed")


class FeeStatus(models.TextChoices):
    NOT_RECORDED = "not_recorded", gettext_lazy("not recorded")
    PENDING = "pending", gettext_lazy("pending")
    PAID = "paid", gettext_lazy("paid")
    REVERSED = "reversed", gettext_lazy("reversed")


# ---- models ----------------------------------------------------------------------------------------


class FeeStandard(TownScopedModel):
    """The fee per lecturer per lecture-hall lecture, in force from ``valid_from`` on."""

    amount = models.DecimalField(
        gettext_lazy("fee per lecture (yuan)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    valid_from = models.DateField(gettext_lazy("valid from"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("set by"),
    )

    class Meta:
        app_label = "activities"
        ordering = ["-valid_from", "-id"]
        verbose_name = gettext_lazy("fee standard")
        verbose_name_plural = gettext_lazy("fee standards")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fee_standard_amount_positive"),
        ]
        indexes = [models.Index(fields=["town", "valid_from"], name="fee_standard_town_from")]

    def __str__(self) -> str:
        return f"{self.amount} ({self.valid_from:%Y-%m-%d})"


class LecturePayment(TownScopedModel):
    """One line of the lecture-fee ledger: a fee due, its payment, or the reversal of the fee."""

    activity = models.ForeignKey(
        "activities.Activity",
        on_delete=models.PROTECT,
        related_name="fee_entries",
        verbose_name=gettext_lazy("lecture"),
    )
    lecturer = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="fee_entries", verbose_name=gettext_lazy("lecturer")
    )
    entry_kind = models.CharField(gettext_lazy("entry"), max_length=10, choices=FeeEntryKind.choices)
    # How many reversals came before for this lecturer and lecture (see the module docstring).
    generation = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(gettext_lazy("amount (yuan)"), max_digits=10, decimal_places=2)
    standard = models.ForeignKey(
        FeeStandard,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fees_due",
        verbose_name=gettext_lazy("fee standard"),
    )
    voucher_number = models.CharField(gettext_lazy("voucher number"), max_length=60, blank=True)
    paid_on = models.DateField(gettext_lazy("paid on"), null=True, blank=True)
    reason = models.CharField(gettext_lazy("reason"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("recorded by"),
    )

    class Meta:
        app_label = "activities"
        ordering = ["activity", "lecturer", "generation", "id"]
        verbose_name = gettext_lazy("lecture payment entry")
        verbose_name_plural = gettext_lazy("lecture payment ledger")
        constraints = [
            models.UniqueConstraint(
                fields=["town", "activity", "lecturer", "entry_kind", "generation"],
                name="lecture_payment_once_per_generation",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="lecture_payment_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(entry_kind=FeeEntryKind.DUE) | Q(standard__isnull=False),
                name="lecture_payment_due_has_standard",
            ),
            models.CheckConstraint(
                condition=~Q(entry_kind=FeeEntryKind.PAID) | (~Q(voucher_number="") & Q(paid_on__isnull=False)),
                name="lecture_payment_paid_has_voucher",
            ),
            models.CheckConstraint(
                condition=~Q(entry_kind=FeeEntryKind.REVERSAL) | ~Q(reason=""),
                name="lecture_payment_reversal_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["town", "activity"], name="lecture_payment_town_activity")]

    def __str__(self) -> str:
        return f"{self.activity_id}/{self.lecturer_id} {self.entry_kind} #{self.generation} {self.amount}"


def _activity_model():
    return apps.get_model("activities", "Activity")


def lecture_date(activity: Activity) -> date:
    return timezone.localtime(activity.starts_at).date()


# ---- who may see and do what -------------------------------------------------------------------------


def fee_manager_town_ids(user) -> frozenset[int]:
    """Towns where ``user`` sets standards and records, pays and reverses fees."""
    return scope_for(user).towns_with(*FEE_MANAGER_ROLES)


def fee_reader_town_ids(user) -> frozenset[int]:
    """Managers read their towns' fees; district evaluators read the district's."""
    return fee_manager_town_ids(user) | scope_for(user).district_town_ids


def can_manage_fees(user, town: Town | None) -> bool:
    return town is not None and town.pk in fee_manager_town_ids(user)


def can_read_fees(user, town: Town | None) -> bool:
    return town is not None and town.pk in fee_reader_town_ids(user)


# ---- reads -------------------------------------------------------------------------------------------


def fee_standards(*, town: Town) -> QuerySet[FeeStandard]:
    return FeeStandard.objects.filter(town=town).select_related("set_by").order_by("-valid_from", "-id")


def standard_in_force(*, town: Town, on: date) -> FeeStandard | None:
    """The standard for a lecture on ``on``: the latest from that day or before."""
    return FeeStandard.objects.filter(town=town, valid_from__lte=on).order_by("-valid_from", "-id").first()


def get_lecture_for_fees(user, pk: int) -> Activity:
    """A lecture-hall lecture of a town where ``user`` manages fees; others are not found."""
    lectures = _activity_model().objects.filter(town_id__in=fee_manager_town_ids(user), kind=ActivityKind.LECTURE_HALL)
    return get_object_or_404(lectures, pk=pk)


def get_due_entry_for(user, pk: int) -> LecturePayment:
    """A fee due (the entry that stands for the payment) in a town where ``user`` manages fees."""
    entries = LecturePayment.objects.filter(town_id__in=fee_manager_town_ids(user), entry_kind=FeeEntryKind.DUE)
    return get_object_or_404(entries.select_related("activity", "lecturer"), pk=pk)


@dataclass
class FeeLine:
    """One lecturer's fee at one lecture: a due entry of one generation with what followed it,
    or, for a lecturer whose fee is not recorded yet, no entry at all."""

    lecturer: Person
    due: LecturePayment | None = None
    payment: LecturePayment | None = None
    reversal: LecturePayment | None = None

    @property
    def status(self) -> str:
        if self.due is None:
            return FeeStatus.NOT_RECORDED
        if self.reversal is not None:
            return FeeStatus.REVERSED
        if self.payment is not None:
            return FeeStatus.PAID
        return FeeStatus.PENDING

    @property
    def status_label(self) -> str:
        return str(FeeStatus(self.status).label)

    @property
    def is_live(self) -> bool:
        return self.status in (FeeStatus.PENDING, FeeStatus.PAID)

    @property
    def generation(self) -> int:
        return self.due.generation if self.due is not None else 0

    @property
    def amount_due(self) -> Decimal:
        return self.due.amount if self.is_live else ZERO

    @property
    def amount_paid(self) -> Decimal:
        return self.payment.amount if self.status == FeeStatus.PAID else ZERO


@dataclass
class LectureFees:
    lecture: Activity
    lines: list[FeeLine]
    is_held: bool

    @property
    def can_record_due(self) -> bool:
        """Held, and a current lecturer has no pending or paid fee."""
        if not self.is_held:
            return False
        covered = {line.lecturer.pk for line in self.lines if line.is_live}
        return any(link.person_id not in covered for link in self.lecture.lecturer_links.all())

    @property
    def year(self) -> int:
        return lecture_date(self.lecture).year


@dataclass(frozen=True)
class FeeTotals:
    """Due: fees recorded and not reversed; paid: of those, the paid ones; outstanding: the rest."""

    due: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def outstanding(self) -> Decimal:
        return self.due - self.paid

    def __add__(self, other: FeeTotals) -> FeeTotals:
        return FeeTotals(due=self.due + other.due, paid=self.paid + other.paid)


@dataclass(frozen=True)
class MonthTotals:
    month: date
    totals: FeeTotals


@dataclass
class FeeYear:
    year: int
    lectures: list[LectureFees]
    months: list[MonthTotals] = field(default_factory=list)
    total: FeeTotals = field(default_factory=FeeTotals)


def _lecture_fees(lecture: Activity, entries: list[LecturePayment], now: datetime) -> LectureFees:
    by_generation: dict[tuple[int, int], FeeLine] = {}
    for entry in entries:
        line = by_generation.setdefault((entry.lecturer_id, entry.generation), FeeLine(lecturer=entry.lecturer))
        if entry.entry_kind == FeeEntryKind.DUE:
            line.due = entry
        elif entry.entry_kind == FeeEntryKind.PAID:
            line.payment = entry
        else:
            line.reversal = entry
    recorded = {lecturer_id for lecturer_id, _generation in by_generation}
    lines = list(by_generation.values()) + [
        FeeLine(lecturer=link.person) for link in lecture.lecturer_links.all() if link.person_id not in recorded
    ]
    lines.sort(key=lambda line: (line.lecturer.name, line.lecturer.pk, line.generation))
    return LectureFees(lecture=lecture, lines=lines, is_held=lecture.is_held(now))


def _entries_by_lecture(town_id: int, lecture_ids: list[int]) -> dict[int, list[LecturePayment]]:
    grouped: dict[int, list[LecturePayment]] = {pk: [] for pk in lecture_ids}
    entries = (
        LecturePayment.objects.filter(town_id=town_id, activity_id__in=lecture_ids)
        .select_related("lecturer")
        .order_by("id")
    )
    for entry in entries:
        grouped[entry.activity_id].append(entry)
    return grouped


def fee_year(*, town: Town, year: int, now: datetime | None = None) -> FeeYear:
    """Every lecture-hall lecture of ``year`` in ``town`` with its lecturers' fees, and the totals
    per month (the month of the lecture) and for the year. Four queries, however many lectures."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    lectures = list(
        _activity_model()
        .objects.filter(
            town=town,
            kind=ActivityKind.LECTURE_HALL,
            starts_at__gte=datetime.combine(date(year, 1, 1), time.min, tz),
            starts_at__lt=datetime.combine(date(year + 1, 1, 1), time.min, tz),
        )
        .prefetch_related("lecturer_links__person")
        .order_by("starts_at", "id")
    )
    entries = _entries_by_lecture(town.pk, [lecture.pk for lecture in lectures])
    result = FeeYear(year=year, lectures=[_lecture_fees(lecture, entries[lecture.pk], now) for lecture in lectures])
    by_month = {month: FeeTotals() for month in range(1, 13)}
    for item in result.lectures:
        month = lecture_date(item.lecture).month
        for line in item.lines:
            by_month[month] += FeeTotals(due=line.amount_due, paid=line.amount_paid)
    result.months = [MonthTotals(month=date(year, month, 1), totals=totals) for month, totals in by_month.items()]
    result.total = sum((row.totals for row in result.months), FeeTotals())
    return result


def lecture_fees(activity: Activity, now: datetime | None = None) -> LectureFees:
    """One lecture's fees, for its own page."""
    entries = _entries_by_lecture(activity.town_id, [activity.pk])[activity.pk]
    activity = _activity_model().objects.prefetch_related("lecturer_links__person").get(pk=activity.pk)
    return _lecture_fees(activity, entries, now or timezone.now())


def activity_fee_context(user, activity: Activity) -> dict:
    """What ``activities/_fees.html`` needs on an activity's page: ``lecture_fees`` (None unless
    the activity is a lecture-hall lecture and ``user`` may read fees) and ``can_manage_fees``."""
    readable = activity.kind == ActivityKind.LECTURE_HALL and activity.town_id in fee_reader_town_ids(user)
    return {
        "lecture_fees": lecture_fees(activity) if readable else None,
        "can_manage_fees": readable and activity.town_id in fee_manager_town_ids(user),
    }


# ---- writes ------------------------------------------------------------------------------------------


@transaction.atomic
def set_fee_standard(*, town: Town, amount: Decimal, valid_from: date, actor) -> FeeStandard:
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
def record_fees_due(*, activity: Activity, actor) -> list[LecturePayment]:
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
def mark_paid(*, payment: LecturePayment, voucher_number: str, paid_on: date, actor) -> LecturePayment:
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
    )
    return entry


@transaction.atomic
def reverse_payment(*, payment: LecturePayment, reason: str, actor) -> LecturePayment:
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


# ---- the spreadsheet -----------------------------------------------------------------------------------

FEE_COLUMNS = (
    gettext_noop("Date"),
    gettext_noop("Lecture"),
    gettext_noop("Lecture status"),
    gettext_noop("Lecturer"),
    gettext_noop("Fee status"),
    gettext_noop("Fee (yuan)"),
    gettext_noop("Due (yuan)"),
    gettext_noop("Paid (yuan)"),
    gettext_noop("Voucher number"),
    gettext_noop("Paid on"),
    gettext_noop("Reason for reversal"),
)
TOTAL_COLUMNS = (gettext_noop("Month"), gettext_noop("Due"), gettext_noop("Paid"), gettext_noop("Outstanding"))


def lecture_state_label(item: LectureFees) -> str:
    if item.lecture.is_cancelled:
        return _("cancelled")
    return _("held") if item.is_held else _("not held yet")


def fee_year_xlsx(fees: FeeYear) -> bytes:
    """The year's lines (one per lecturer fee; a lecture without lecturers has one empty line),
    then the totals per month and for the year. A line shows the fee recorded, what of it counts
    as due (nothing once reversed) and as paid, so the columns add up to the totals. Amounts are
    numbers with two decimals."""
    buffer = io.BytesIO()
    workbook = new_workbook(buffer, remove_timezone=True)
    sheet = workbook.add_worksheet(_("Lecture fees %(year)s") % {"year": fees.year})
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2"})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    money = workbook.add_format({"num_format": "0.00"})
    bold_money = workbook.add_format({"num_format": "0.00", "bold": True})
    sheet.write_row(0, 0, [_(name) for name in FEE_COLUMNS], bold)
    line_number = 0
    for item in fees.lectures:
        for line in item.lines or [None]:
            line_number += 1
            sheet.write_datetime(line_number, 0, lecture_date(item.lecture), date_format)
            sheet.write_row(line_number, 1, (item.lecture.title, lecture_state_label(item)))
            if line is None:
                continue
            sheet.write_row(line_number, 3, (line.lecturer.name, line.status_label))
            if line.due is not None:
                sheet.write_row(line_number, 5, (line.due.amount, line.amount_due, line.amount_paid), money)
            if line.payment is not None:
                sheet.write_string(line_number, 8, line.payment.voucher_number)
                sheet.write_datetime(line_number, 9, line.payment.paid_on, date_format)
            if line.reversal is not None:
                sheet.write_string(line_number, 10, line.reversal.reason)
    row = line_number + 2
    sheet.write_row(row, 0, [_(name) for name in TOTAL_COLUMNS], bold)
    for month in fees.months:
        row += 1
        sheet.write_string(row, 0, f"{month.month:%Y-%m}")
        sheet.write_row(row, 1, (month.totals.due, month.totals.paid, month.totals.outstanding), money)
    row += 1
    sheet.write_string(row, 0, _("Year %(year)s") % {"year": fees.year}, bold)
    sheet.write_row(row, 1, (fees.total.due, fees.total.paid, fees.total.outstanding), bold_money)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, 10, 14)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def export_fee_year(*, actor, town: Town, year: int) -> bytes:
    """The year's fees as .xlsx; the export is audited."""
    data = fee_year_xlsx(fee_year(town=town, year=year))
    audit.record(
        actor=actor,
        action=AuditAction.EXPORT,
        town=town,
        object_label="lecture fees export",
        changes={"year": [None, year]},
    )
    return data
