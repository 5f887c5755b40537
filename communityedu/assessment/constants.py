from django.db import models
from django.utils.translation import gettext_lazy as _

from communityedu.organization.constants import UnitType


class ConditionItem(models.TextChoices):
    """The basic conditions of the community school and each learning centre (场地、人员、经费、设施设备)."""

    VENUE = "venue", _("venue")
    STAFF = "staff", _("staff")
    FUNDS = "funds", _("yearly funds")
    EQUIPMENT = "equipment", _("facilities and equipment")


# Units whose basic conditions are kept (REQUIREMENTS R1, R2).
CONDITION_UNIT_TYPES = (UnitType.COMMUNITY_SCHOOL, UnitType.LEARNING_CENTRE)


class ScoringMethod(models.TextChoices):
    """How a leaf indicator gets its score."""

    FIGURE = "figure", _("automatic, from a figure")
    CONDITIONS = "conditions", _("automatic, from the basic conditions")
    MANUAL = "manual", _("by a person")


class ScoringRule(models.TextChoices):
    """How an automatic value is turned into points against the threshold."""

    THRESHOLD = "threshold", _("full points at the threshold, none below")
    PROPORTIONAL = "proportional", _("in proportion to the threshold")
