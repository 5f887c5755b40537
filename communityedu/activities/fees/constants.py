"""The lecture-fee ledger's entry kinds and the statuses read from them."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy

ZERO = Decimal("0.00")


class FeeEntryKind(models.TextChoices):
    DUE = "due", gettext_lazy("fee due")
    PAID = "paid", gettext_lazy("paid")
    REVERSAL = "reversal", gettext_lazy("reversed")


class FeeStatus(models.TextChoices):
    NOT_RECORDED = "not_recorded", gettext_lazy("not recorded")
    PENDING = "pending", gettext_lazy("pending")
    PAID = "paid", gettext_lazy("paid")
    REVERSED = "reversed", gettext_lazy("reversed")
