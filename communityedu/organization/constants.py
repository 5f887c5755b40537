from django.db import models
from django.utils.translation import gettext_lazy as _


class VillageKind(models.TextChoices):
    VILLAGE = "village", _("village")
    COMMUNITY = "community", _("community")


class UnitType(models.TextChoices):
    LEADERSHIP_GROUP = "leadership_group", _("leadership group")
    OFFICE = "office", _("office")
    COMMUNITY_SCHOOL = "community_school", _("community school")
    LEARNING_CENTRE = "learning_centre", _("learning centre")
    PARTY_GOVERNMENT_ORGAN = "party_government_organ", _("party/government organ")
    MASS_ORGANIZATION = "mass_organization", _("mass organisation")
    SCHOOL = "school", _("school")
    VILLAGE_COMMITTEE = "village_committee", _("village committee")
    TEAM = "team", _("volunteer team")
    BASE = "base", _("education base")
    EXTERNAL_UNIT = "external_unit", _("external unit")


class UnitCategory(models.TextChoices):
    """What kind of body a unit is (机构类别), recorded per unit by the town office: the
    learning-organ rate counts the units classified as party and government organs (党政机关),
    not a unit type — a town's 教育管理中心 or 综合文化服务中心 is a public institution (事业单位)
    even where it works beside the organs as a member department."""

    PARTY_GOVERNMENT_ORGAN = "party_government_organ", _("party and government organ (党政机关)")
    PUBLIC_INSTITUTION = "public_institution", _("public institution (事业单位)")
    MASS_ORGANIZATION = "mass_organization", _("mass organisation (群团组织)")
    OTHER = "other", _("other")


# The category a unit gets from its type when none is given (and the data migration's rule for the
# units recorded before the category existed).
DEFAULT_UNIT_CATEGORY = {
    UnitType.PARTY_GOVERNMENT_ORGAN: UnitCategory.PARTY_GOVERNMENT_ORGAN,
    UnitType.MASS_ORGANIZATION: UnitCategory.MASS_ORGANIZATION,
    UnitType.SCHOOL: UnitCategory.PUBLIC_INSTITUTION,
}


def default_unit_category(unit_type: str) -> str:
    return str(DEFAULT_UNIT_CATEGORY.get(unit_type, UnitCategory.OTHER))


class Role(models.TextChoices):
    TOWN_OFFICE = "town_office", _("town office")
    SCHOOL_STAFF = "school_staff", _("community school staff")
    CENTRE_DIRECTOR = "centre_director", _("learning-centre director")
    DEPARTMENT_STAFF = "department_staff", _("department staff")
    TEACHER = "teacher", _("teacher")
    VOLUNTEER = "volunteer", _("volunteer")
    RESIDENT = "resident", _("resident")
    MODERATOR = "moderator", _("moderator")
    AUDITOR = "auditor", _("auditor")
    DISTRICT_EVALUATOR = "district_evaluator", _("district evaluator")
    SYSTEM_ADMIN = "system_admin", _("system administrator")


# Roles that must name the unit they act for.
UNIT_SCOPED_ROLES = frozenset({Role.CENTRE_DIRECTOR, Role.DEPARTMENT_STAFF})
# Roles that act across a district rather than within one town.
DISTRICT_ROLES = frozenset({Role.DISTRICT_EVALUATOR})
GLOBAL_ROLES = frozenset({Role.SYSTEM_ADMIN})


class FigureKey(models.TextChoices):
    """The plan's figures that are split into targets per village or per unit (分解落实目标任务)."""

    PARTICIPATION = "participation", _("participation rate")
    AWARENESS = "awareness", _("awareness rate")
    RECOGNITION = "recognition", _("recognition rate")
    SATISFACTION = "satisfaction", _("satisfaction rate")
    UNIT_PARTICIPATION = "unit_participation", _("participation rate of the unit's staff")


# The plan's thresholds (R6), in per cent: the default target of every village or unit.
DEFAULT_TARGETS = {
    FigureKey.PARTICIPATION: "70",
    FigureKey.AWARENESS: "80",
    FigureKey.RECOGNITION: "80",
    FigureKey.SATISFACTION: "70",
    FigureKey.UNIT_PARTICIPATION: "70",
}
# Figures set per village and per unit: the two sets never share a key, so a target is found by
# (figure key, village or unit id) alone.
VILLAGE_FIGURES = (FigureKey.PARTICIPATION, FigureKey.AWARENESS, FigureKey.RECOGNITION, FigureKey.SATISFACTION)
UNIT_FIGURES = (FigureKey.UNIT_PARTICIPATION,)
# Units that take targets: the member departments, the school and the village committees.
TARGET_UNIT_TYPES = (
    UnitType.PARTY_GOVERNMENT_ORGAN,
    UnitType.MASS_ORGANIZATION,
    UnitType.SCHOOL,
    UnitType.VILLAGE_COMMITTEE,
)
