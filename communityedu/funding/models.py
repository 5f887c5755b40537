"""The money of community education: what the town receives and what it spends.

**Allocations** (经费投入) record money made available for a year, by **source** — town finance
(镇财政), higher government (上级政府), society (社会), a unit (单位) or an individual (个人) — with
the unit that receives it, the voucher number (凭证号), the voucher date and the amount. The plan
asks town finance for at least 2 yuan per resident (常住人口) every year, rising year on year; only
town-finance allocations count toward that figure.

**Expenses** (经费支出) record what is spent, by category: venue and equipment, materials and
printing, activities, other. Lecture fees (讲座课酬) are not typed here: the community school's
lecture-fee ledger (``activities.fees``) is read for the year's paid fees, so the two never
disagree.

Both are **ledgers**: rows are never edited or deleted. A mistake is corrected by a *reversing
entry* — the same amount negated, pointing at the entry it reverses, with a reason — and totals
are sums. An entry is reversed at most once (a database rule), and a reversal is never reversed.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communityedu.core.models import TownScopedModel
from communityedu.funding.constants import ExpenseCategory, FundingSource


class LedgerEntry(TownScopedModel):
    """What allocations and expenses share: year, amount, voucher, and the reversal link."""

    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    voucher_number = models.CharField(_("voucher number"), max_length=60, blank=True)
    dated_on = models.DateField(_("voucher date"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    reverses = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversals",
        verbose_name=_("reverses"),
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        abstract = True

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


def _ledger_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=(Q(reverses__isnull=True) & Q(amount__gt=Decimal("0")))
            | (Q(reverses__isnull=False) & Q(amount__lt=Decimal("0")) & ~Q(reason="")),
            name=f"{prefix}_positive_or_reversal_with_reason",
        ),
        models.CheckConstraint(condition=Q(year__gte=2000) & Q(year__lte=2100), name=f"{prefix}_year_sensible"),
        models.UniqueConstraint(
            fields=["town", "reverses"], condition=Q(reverses__isnull=False), name=f"{prefix}_reversed_once"
        ),
    ]


class Allocation(LedgerEntry):
    """Money made available for community education in a year (经费投入)."""

    source = models.CharField(_("source"), max_length=20, choices=FundingSource.choices)
    receiving_unit = models.ForeignKey(
        "organization.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funding_allocations",
        verbose_name=_("receiving unit"),
    )

    class Meta:
        ordering = ["year", "dated_on", "id"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = _ledger_constraints("allocation")
        indexes = [models.Index(fields=["town", "year", "source"], name="allocation_town_year_source")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_source_display()} {self.amount}"


class Expense(LedgerEntry):
    """Money spent on community education (经费支出), other than lecture fees."""

    category = models.CharField(_("category"), max_length=20, choices=ExpenseCategory.choices)
    paying_unit = models.ForeignKey(
        "organization.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funding_expenses",
        verbose_name=_("paying unit"),
    )

    class Meta:
        ordering = ["year", "dated_on", "id"]
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        constraints = [
            *_ledger_constraints("expense"),
            models.CheckConstraint(
                condition=~Q(category=ExpenseCategory.LECTURE_FEES), name="expense_lecture_fees_come_from_fee_ledger"
            ),
        ]
        indexes = [models.Index(fields=["town", "year", "category"], name="expense_town_year_category")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_category_display()} {self.amount}"


class GovernmentShareSetting(TownScopedModel):
    """The town's own threshold for the government share of its funding (政府投放为主): the share
    of the year's allocations from government sources (``GOVERNMENT_SOURCES``) must be more than
    ``threshold``. A town without a row has the plan's: more than half (``GOVERNMENT_SHARE_THRESHOLD``)."""

    threshold = models.DecimalField(_("government share threshold"), max_digits=5, decimal_places=4)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("set by"),
    )

    class Meta:
        verbose_name = _("government share setting")
        verbose_name_plural = _("government share settings")
        constraints = [
            models.UniqueConstraint(fields=["town"], name="government_share_setting_one_per_town"),
            models.CheckConstraint(
                condition=Q(threshold__gte=Decimal("0")) & Q(threshold__lt=Decimal("1")),
                name="government_share_threshold_a_fraction_below_one",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.town_id} > {self.threshold}"
