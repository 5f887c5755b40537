"""The fee standards and the lecture-fee ledger (see the package docstring). They reference the
lecture and the lecturer by string: ``activities.models`` imports this module to register them."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from communityedu.activities.fees.constants import FeeEntryKind
from communityedu.core.models import TownScopedModel


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
    # How many reversals came before for this lecturer and lecture (see the package docstring).
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
