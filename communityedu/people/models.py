"""People: the town's residents and the staff, teachers and volunteers who serve them.

A **person** belongs to a town and, as a resident, to a home village (and a village group,
村民小组); the home village decides where the person counts in the participation figure. A person
may have an **account** (staff or resident); minors have none. ``external_ref`` is the key a
person has in the roster they came from, so loading the same roster twice adds nothing.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from communityedu.core.models import TownScopedModel


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Person(TownScopedModel):
    name = models.CharField(_("name"), max_length=50, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    village = models.ForeignKey(
        "organization.Village",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
        verbose_name=_("village/community"),
    )
    village_group = models.CharField(_("village group"), max_length=30, blank=True)
    is_resident = models.BooleanField(_("resident"), default=True)
    # A foreign key with a per-town unique rule rather than a one-to-one: unique rules include the
    # town key so the table can be sharded by town.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        verbose_name=_("account"),
    )
    external_ref = models.CharField(_("roster reference"), max_length=60, null=True, blank=True)

    class Meta:
        ordering = ["town", "village", "name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(fields=["town", "external_ref"], name="person_external_ref_unique_per_town"),
            models.UniqueConstraint(fields=["town", "account"], name="person_account_unique_per_town"),
        ]
        indexes = [models.Index(fields=["town", "village"], name="person_town_village")]

    def __str__(self) -> str:
        return self.name

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday
