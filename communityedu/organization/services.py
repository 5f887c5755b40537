"""Writes for the organisation domain. Each is atomic, audited, and the only writer of its rows."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from communityedu.core import audit
from communityedu.core.models import AuditAction
from communityedu.organization import audience_groups
from communityedu.organization.constants import (
    UNIT_SCOPED_ROLES,
    Role,
    UnitCategory,
    UnitType,
    VillageKind,
    default_unit_category,
)
from communityedu.organization.models import (
    District,
    Position,
    RoleAssignment,
    Town,
    Unit,
    UnitAlias,
    UnitDuty,
    Village,
    VillagePopulation,
)

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from communityedu.organization.scope import Account

VILLAGE_FIELDS = ["name", "code", "kind"]
UNIT_FIELDS = ["name", "unit_type", "parent", "village", "is_leadership_member", "category", "description"]


def _save_with_audit(*, instance, fields: list[str], values: dict, actor: Account | None):
    created = instance.pk is None
    before = {} if created else audit.snapshot(instance, fields)
    for name, value in values.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save() if created else instance.save(update_fields=[*values, "updated_at"])
    changes = audit.diff(before, audit.snapshot(instance, fields))
    if changes or created:
        audit.record_change(actor=actor, obj=instance, created=created, changes=changes)
    return instance


@transaction.atomic
def create_town(
    *,
    district_code: str,
    district_name: str,
    slug: str,
    name: str,
    code: str = "",
    villages: Iterable[str | tuple[str, str]] = (),
    programme_start: date | None = None,
    actor: Account | None = None,
) -> Town:
    """Add a town to the deployment, with its villages and a learning centre for each.

    Running it again with the same slug changes nothing and returns the existing town.
    """
    district, _created = District.objects.get_or_create(code=district_code, defaults={"name": district_name})
    town = Town.objects.filter(slug=slug).first()
    if town is None:
        town = Town(district=district, slug=slug, name=name, code=code, programme_start=programme_start)
        town.full_clean()
        town.save()
        audit.record_change(actor=actor, obj=town, created=True, changes={"slug": [None, slug]})
        audience_groups.create_default_groups(town=town, actor=actor)
    for entry in villages:
        village_name, village_code = (entry, "") if isinstance(entry, str) else entry
        ensure_village(town=town, name=village_name, code=village_code, actor=actor)
    return town


def ensure_village(*, town: Town, name: str, code: str = "", actor: Account | None = None) -> Village:
    """The village ``name`` of ``town``, created with its learning centre and committee if new."""
    village = Village.objects.filter(town=town, name=name).first()
    if village is not None:
        return village
    kind = VillageKind.COMMUNITY if name.endswith("社区") else VillageKind.VILLAGE
    village = save_village(village=None, town=town, values={"name": name, "code": code, "kind": kind}, actor=actor)
    committee_suffix = "居委会" if kind == VillageKind.COMMUNITY else "村委会"
    for unit_name, unit_type in (
        (f"{name}学习中心" if kind == VillageKind.COMMUNITY else f"{name}社区学习中心", UnitType.LEARNING_CENTRE),
        (f"{name}{committee_suffix}", UnitType.VILLAGE_COMMITTEE),
    ):
        if not Unit.objects.filter(town=town, name=unit_name).exists():
            save_unit(
                unit=None,
                town=town,
                values={"name": unit_name, "unit_type": unit_type, "village": village},
                actor=actor,
            )
    return village


@transaction.atomic
def save_village(*, village: Village | None, town: Town, values: dict, actor: Account | None) -> Village:
    instance = village or Village(town=town)
    return _save_with_audit(instance=instance, fields=VILLAGE_FIELDS, values=values, actor=actor)


@transaction.atomic
def set_population(
    *, village: Village, year: int, resident_population: int, actor: Account | None
) -> VillagePopulation:
    if resident_population < 0:
        raise ValidationError({"resident_population": _("The population cannot be negative.")})
    row = VillagePopulation.objects.select_for_update().filter(village=village, year=year).first()
    if row is None:
        row = VillagePopulation(town_id=village.town_id, village=village, year=year)
    return _save_with_audit(
        instance=row, fields=["resident_population"], values={"resident_population": resident_population}, actor=actor
    )


def _clean_names(names: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for name in names:
        name = name.strip()
        if name and name not in seen:
            seen.append(name)
    return seen


@transaction.atomic
def save_unit(
    *,
    unit: Unit | None,
    town: Town,
    values: dict,
    actor: Account | None,
    aliases: Iterable[str] | None = None,
    duties: Iterable[str] | None = None,
) -> Unit:
    """Create or update a unit; ``aliases`` and ``duties``, when given, replace the current ones.
    A new unit given no category gets the one of its type (``default_unit_category``)."""
    for related in ("parent", "village"):
        if values.get(related) is not None and values[related].town_id != town.pk:
            raise ValidationError({related: _("Choose one from the same town.")})
    if unit is None and not values.get("category"):
        values = {**values, "category": default_unit_category(values.get("unit_type", ""))}
    instance = _save_with_audit(instance=unit or Unit(town=town), fields=UNIT_FIELDS, values=values, actor=actor)
    if aliases is not None:
        _replace_aliases(unit=instance, names=_clean_names(aliases), actor=actor)
    if duties is not None:
        _replace_duties(unit=instance, texts=_clean_names(duties), actor=actor)
    return instance


def _replace_aliases(*, unit: Unit, names: list[str], actor: Account | None) -> None:
    current = sorted(unit.aliases.values_list("name", flat=True))
    if current == sorted(names):
        return
    taken = set(
        UnitAlias.objects.filter(town_id=unit.town_id, name__in=names).exclude(unit=unit).values_list("name", flat=True)
    ) | set(
        Unit.objects.filter(town_id=unit.town_id, name__in=names).exclude(pk=unit.pk).values_list("name", flat=True)
    )
    if taken:
        raise ValidationError(
            {"aliases": _("“%(name)s” already names another unit.") % {"name": "、".join(sorted(taken))}}
        )
    unit.aliases.exclude(name__in=names).delete()
    UnitAlias.objects.bulk_create(
        [UnitAlias(town_id=unit.town_id, unit=unit, name=n) for n in names if n not in current]
    )
    audit.record_change(actor=actor, obj=unit, created=False, changes={"aliases": [current, names]})


def _replace_duties(*, unit: Unit, texts: list[str], actor: Account | None) -> None:
    current = list(unit.duties.order_by("position", "id").values_list("text", flat=True))
    if current == texts:
        return
    unit.duties.all().delete()
    UnitDuty.objects.bulk_create(
        [UnitDuty(town_id=unit.town_id, unit=unit, text=t, position=i) for i, t in enumerate(texts)]
    )
    audit.record_change(actor=actor, obj=unit, created=False, changes={"duties": [current, texts]})


@transaction.atomic
def set_unit_category(*, unit: Unit, category: str, actor: Account | None) -> Unit:
    """Classify ``unit`` (党政机关, 事业单位, 群团组织 or other): the learning-organ rate counts the
    units classified as party and government organs. Audited."""
    if category not in UnitCategory.values:
        raise ValidationError(
            {
                "category": _("Unknown category “%(value)s”: choose one of %(choices)s.")
                % {"value": category, "choices": ", ".join(UnitCategory.values)}
            }
        )
    return _save_with_audit(instance=unit, fields=["category"], values={"category": category}, actor=actor)


@transaction.atomic
def ensure_position(
    *, unit: Unit, title: str, held_by: str, position: int = 0, actor: Account | None = None
) -> Position:
    existing = Position.objects.filter(unit=unit, title=title, held_by=held_by).first()
    if existing:
        return existing
    row = Position.objects.create(town_id=unit.town_id, unit=unit, title=title, held_by=held_by, position=position)
    audit.record_change(
        actor=actor, obj=row, created=True, changes={"title": [None, title], "held_by": [None, held_by]}
    )
    return row


@transaction.atomic
def assign_role(
    *,
    user: AbstractBaseUser,
    role: str,
    town: Town | None = None,
    unit: Unit | None = None,
    district: District | None = None,
    actor: Account | None = None,
) -> RoleAssignment:
    if role in UNIT_SCOPED_ROLES and unit is None:
        raise ValidationError({"unit": _("This role acts for one unit: choose it.")})
    if unit is not None:
        town = unit.town
    if role == Role.DISTRICT_EVALUATOR and district is None:
        raise ValidationError({"district": _("A district evaluator needs a district.")})
    # The product's account model lives in ``accounts``, above this layer: the row is found by key.
    assignment, created = RoleAssignment.objects.get_or_create(
        user_id=user.pk,
        role=role,
        town=None if role in (Role.DISTRICT_EVALUATOR, Role.SYSTEM_ADMIN) else town,
        unit=unit,
        district=district,
    )
    if created:
        audit.record_change(actor=actor, obj=assignment, created=True, changes={"role": [None, role]})
        user.__dict__.pop("_scope_cache", None)
    return assignment


@transaction.atomic
def withdraw_role(*, assignment: RoleAssignment, actor: Account | None = None) -> None:
    """Take a role away from its account; the entry names the role and where it applied."""
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=assignment,
        town=assignment.town or (assignment.unit.town if assignment.unit is not None else None),
        changes={
            "user": [assignment.user_id, None],
            "role": [assignment.role, None],
            "scope": [str(assignment.unit or assignment.town or assignment.district or ""), None],
        },
    )
    assignment.delete()


@transaction.atomic
def set_targets_due_on(*, town: Town, due_on: date | None, actor: Account | None) -> Town:
    """The plan's deadline for the town's targets (``Town.targets_due_on``); None: 31 December of
    each year. Audited."""
    if due_on is not None and not 2000 <= due_on.year <= 2100:
        raise ValidationError({"targets_due_on": _("Give a date between 2000 and 2100.")})
    return _save_with_audit(instance=town, fields=["targets_due_on"], values={"targets_due_on": due_on}, actor=actor)


@transaction.atomic
def set_default_year(*, town: Town, year: int | None, actor: Account | None) -> Town:
    """The year the targets dashboard and the self-assessment open on (``Town.default_year``);
    None: the latest year with data (``metrics.selectors.default_year``). Audited."""
    if year is not None and not 2000 <= year <= 2100:
        raise ValidationError({"default_year": _("Give a year between 2000 and 2100.")})
    return _save_with_audit(instance=town, fields=["default_year"], values={"default_year": year}, actor=actor)


DISTRICT_CODE_PATTERN = re.compile(r"^\d{6}$")
TOWN_CODE_PATTERN = re.compile(r"^(\d{9})?$")
VILLAGE_CODE_PATTERN = re.compile(r"^(\d{12})?$")


@transaction.atomic
def add_town(
    *,
    district_code: str,
    district_name: str,
    slug: str,
    name: str,
    code: str = "",
    villages: Iterable[tuple[str, str]] = (),
    programme_start: date | None = None,
    actor: Account | None,
) -> Town:
    """A new town from the administrator's page or the API, through ``create_town`` (which the
    ``create_town`` command runs): refused, with the field named, if the slug is taken, the codes
    are not administrative codes, or a new district has no name."""
    errors: dict[str, str] = {}
    if Town.objects.filter(slug=slug).exists():
        errors["slug"] = _("A town with this slug exists.")
    if not DISTRICT_CODE_PATTERN.match(district_code):
        errors["district_code"] = _("A district's administrative code has 6 digits.")
    elif not district_name.strip() and not District.objects.filter(code=district_code).exists():
        errors["district_name"] = _("The district is new: give its name.")
    if not TOWN_CODE_PATTERN.match(code):
        errors["code"] = _("A town's administrative code has 9 digits.")
    villages = list(villages)
    for index, (village_name, village_code) in enumerate(villages):
        if not village_name.strip() or not VILLAGE_CODE_PATTERN.match(village_code):
            errors["villages"] = _("Line %(line)s: give a name, and a code of 12 digits if any.") % {"line": index + 1}
            break
    if errors:
        raise ValidationError(errors)
    return create_town(
        district_code=district_code,
        district_name=district_name.strip(),
        slug=slug,
        name=name,
        code=code,
        villages=[(village_name.strip(), village_code) for village_name, village_code in villages],
        programme_start=programme_start,
        actor=actor,
    )


@transaction.atomic
def add_village(*, town: Town, name: str, code: str = "", actor: Account | None) -> Village:
    """A new village or community of ``town`` with its learning centre and committee
    (``ensure_village``); refused if the town has one of that name or code."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the village's name.")})
    if Village.objects.filter(town=town, name=name).exists():
        raise ValidationError({"name": _("The town has a village of this name.")})
    if not VILLAGE_CODE_PATTERN.match(code):
        raise ValidationError({"code": _("A village's administrative code has 12 digits.")})
    if code and Village.objects.filter(town=town, code=code).exists():
        raise ValidationError({"code": _("The town has a village with this code.")})
    return ensure_village(town=town, name=name, code=code, actor=actor)
