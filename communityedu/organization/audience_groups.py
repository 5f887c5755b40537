"""The plan's audience groups (服务对象): 老年人, 青少年/留守儿童, 妇女, 农民工…

A town's **audience group** is a name and a rule over the people of its register: an age range in
full years (周岁, on the day the figure is evaluated), a sex, a tag of the register (``people.Tag``
by name, so a group may name a tag no one carries yet), combined by *all* (every condition set
must hold: 妇女 = women aged 18 and over) or *any* (one is enough: 青少年/留守儿童 = aged 6–18 or
tagged 留守儿童). The ``audience_participation`` figure (``metrics.audience_figures``) counts, for
each group, the people of the group who took part over the group's people in the register.

Every town starts with the four groups the plan names (``DEFAULT_GROUPS``): created with the town
(``organization.services.create_town``) and, for the towns that existed before, by migration
``0005_audience_groups_recurring_activities``. The town office edits them on
``/organization/audience-groups/`` and over ``/api/v1/organization/audience-groups``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communityedu.core import audit
from communityedu.core.models import TownScopedModel

if TYPE_CHECKING:
    from communityedu.organization.models import Town


class AudienceSex(models.TextChoices):
    # The codes of people.Sex (organization sits below people and cannot import it).
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class AudienceMatch(models.TextChoices):
    ALL = "all", _("all conditions")
    ANY = "any", _("any condition")


class AudienceGroup(TownScopedModel):
    name = models.CharField(_("name"), max_length=30)
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=AudienceSex.choices, blank=True)
    tag_name = models.CharField(_("tag"), max_length=20, blank=True)
    match = models.CharField(_("combine"), max_length=3, choices=AudienceMatch.choices, default=AudienceMatch.ALL)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["town", "position", "id"]
        verbose_name = _("audience group")
        verbose_name_plural = _("audience groups")
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="audience_group_name_unique_per_town"),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(min_age__lte=models.F("max_age")),
                name="audience_group_age_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(min_age__isnull=False) | Q(max_age__isnull=False) | ~Q(sex="") | ~Q(tag_name=""),
                name="audience_group_has_a_condition",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValidationError({"max_age": _("The upper age must not be below the lower age.")})
        if self.min_age is None and self.max_age is None and not self.sex and not self.tag_name:
            raise ValidationError(_("Give at least one condition: an age range, a sex or a tag."))

    @property
    def rule_display(self) -> str:
        parts = []
        if self.min_age is not None or self.max_age is not None:
            if self.max_age is None:
                parts.append(str(_("aged %(low)s and over") % {"low": self.min_age}))
            elif self.min_age is None:
                parts.append(str(_("aged up to %(high)s") % {"high": self.max_age}))
            else:
                parts.append(str(_("aged %(low)s–%(high)s") % {"low": self.min_age, "high": self.max_age}))
        if self.sex:
            parts.append(str(self.get_sex_display()))
        if self.tag_name:
            parts.append(str(_("tagged %(tag)s") % {"tag": self.tag_name}))
        joiner = str(_(" and ")) if self.match == AudienceMatch.ALL else str(_(" or "))
        return joiner.join(parts)

    def birth_bounds(self, on: date) -> tuple[date | None, date | None]:
        """(born after, born on or before): the birth dates of the age range on ``on`` (None: open).
        Aged at least ``min_age`` ⇔ born on or before ``on`` minus ``min_age`` years; aged at most
        ``max_age`` ⇔ born after ``on`` minus ``max_age + 1`` years (29 February counts as 28)."""
        born_by = None if self.min_age is None else years_before(on, self.min_age)
        born_after = None if self.max_age is None else years_before(on, self.max_age + 1)
        return born_after, born_by


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


# The plan's four audiences (name, min age, max age, sex, tag, match).
DEFAULT_GROUPS = (
    ("老年人", 60, None, "", "", AudienceMatch.ALL),
    ("青少年/留守儿童", 6, 18, "", "留守儿童", AudienceMatch.ANY),
    ("妇女", 18, None, AudienceSex.FEMALE, "", AudienceMatch.ALL),
    ("农民工", None, None, "", "农民工", AudienceMatch.ALL),
)

FIELDS = ("name", "min_age", "max_age", "sex", "tag_name", "match", "position")


def create_default_groups(*, town: Town, actor=None) -> list[AudienceGroup]:
    """The plan's four groups for ``town``, those it lacks (by name); existing groups are kept."""
    existing = set(AudienceGroup.objects.filter(town=town).values_list("name", flat=True))
    made = []
    for position, (name, min_age, max_age, sex, tag_name, match) in enumerate(DEFAULT_GROUPS, start=1):
        if name in existing:
            continue
        group = AudienceGroup.objects.create(
            town=town,
            name=name,
            min_age=min_age,
            max_age=max_age,
            sex=sex,
            tag_name=tag_name,
            match=match,
            position=position,
        )
        audit.record_change(actor=actor, obj=group, created=True, changes=audit.snapshot(group, FIELDS))
        made.append(group)
    return made


@transaction.atomic
def save_audience_group(*, town: Town, group: AudienceGroup | None, values: dict, actor) -> AudienceGroup:
    """Add a group to ``town`` (``group`` None) or change one; checked whole, audited."""
    created = group is None
    if created:
        last = AudienceGroup.objects.filter(town=town).aggregate(last=models.Max("position"))["last"] or 0
        group = AudienceGroup(town=town, position=last + 1)
    before = {} if created else audit.snapshot(group, FIELDS)
    for field in ("name", "min_age", "max_age", "sex", "tag_name", "match"):
        if field in values:
            setattr(group, field, values[field])
    group.name = (group.name or "").strip()
    group.tag_name = (group.tag_name or "").strip()
    # The database's rules are checked here, by clean() and the name's, each with its own message.
    group.full_clean(validate_constraints=False)
    if AudienceGroup.objects.filter(town=town, name=group.name).exclude(pk=group.pk).exists():
        raise ValidationError({"name": _("The town already has a group of this name.")})
    group.save()
    audit.record_change(
        actor=actor, obj=group, created=created, changes=audit.diff(before, audit.snapshot(group, FIELDS))
    )
    return group


@transaction.atomic
def delete_audience_group(*, group: AudienceGroup, actor) -> None:
    audit.record_deletion(actor=actor, obj=group)
    group.delete()


def groups_of_towns(town_ids: list[int]) -> list[AudienceGroup]:
    return list(AudienceGroup.objects.filter(town_id__in=town_ids).order_by("town_id", "position", "id"))
