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


# The government's money (政府投放): town finance and higher government. Society, units and
# individuals are not. The government share of the year's funding is their allocations ÷ all.
GOVERNMENT_SOURCES = (FundingSource.TOWN_FINANCE, FundingSource.HIGHER_GOVERNMENT)

# Categories typed by hand; lecture fees flow in from the fee ledger.
RECORDED_CATEGORIES = [choice for choice in ExpenseCategory.choices if choice[0] != ExpenseCategory.LECTURE_FEES]

# The plan's threshold: town finance allocates at least 2 yuan per resident every year.
PER_CAPITA_THRESHOLD = "2.00"

# The plan's 政府投放为主: government allocations are more than half of the year's (a town may set
# its own threshold, ``GovernmentShareSetting``); exactly half is not met.
GOVERNMENT_SHARE_THRESHOLD = "0.5"
