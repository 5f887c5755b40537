from django.db import models
from django.utils.translation import gettext_lazy as _


class FundingSource(models.TextChoices):
    """Where money comes from (R8: government, society, units, individuals). Only town finance
    counts toward the 2-yuan-per-resident figure; higher government is government money too, but
    not the town's."""

    TOWN_FINANCE = "town_finance", _("town finance")
    HIGHER_GOVERNMENT = "higher_government", _("higher government")
    SOCIETY = "society", _("society")
    UNIT = "unit", _("unit")
    INDIVIDUAL = "individual", _("individual")


class ExpenseCategory(models.TextChoices):
    """What money is spent on. Lecture fees are not typed here: they come from the lecture-fee
    ledger of the community school (``activities.fees``)."""

    LECTURE_FEES = "lecture_fees", _("lecture fees")
    VENUE_EQUIPMENT = "venue_equipment", _("venue and equipment")
    MATERIALS = "materials", _("materials and printing")
    ACTIVITIES = "activities", _("activity costs")
    OTHER = "other", _("other")


# Categories typed by hand; lecture fees flow in from the fee ledger.
RECORDED_CATEGORIES = [choice for choice in ExpenseCategory.choices if choice[0] != ExpenseCategory.LECTURE_FEES]

# The plan's threshold: town finance allocates at least 2 yuan per resident every year.
PER_CAPITA_THRESHOLD = "2.00"
