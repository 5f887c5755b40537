"""Activities the plan requires a unit to hold every year (涪十中: 六一, 五四, 元旦, 国庆).

A **recurring activity** is a title, the unit responsible, the day of each year it falls on
(month and day; 29 February is kept on 28 February in other years), what satisfies it — an
activity kind (``activities.constants.ActivityKind``'s value, empty for any kind) and/or a
keyword of the activity's title — and the first year it applies. The ``recurring_activities``
figure (``metrics.audience_figures``) looks, for each year's occurrence, for an activity of that
unit held (not cancelled, ended) within ``WINDOW_DAYS`` days either side of the day, and flags the
occurrence once its day has passed without one held with evidence.

The town office keeps the list on ``/organization/recurring-activities/`` and over
``/api/v1/organization/recurring-activities``.
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

# An activity held this many days before or after the day satisfies the occurrence.
WINDOW_DAYS = 15


class RecurringActivity(TownScopedModel):
    title = models.CharField(_("title"), max_length=60)
    unit = models.ForeignKey(
        "organization.Unit", on_delete=models.PROTECT, related_name="recurring_activities", verbose_name=_("unit")
    )
    month = models.PositiveSmallIntegerField(_("month"))
    day = models.PositiveSmallIntegerField(_("day"))
    # An ActivityKind value (activities sits above organization: the choices are the form's).
    activity_kind = models.CharField(_("activity kind"), max_length=20, blank=True)
    keyword = models.CharField(_("keyword in the title"), max_length=30, blank=True)
    active_from_year = models.PositiveSmallIntegerField(_("from year"))

    class Meta:
        ordering = ["town", "unit", "month", "day", "id"]
        verbose_name = _("recurring activity")
        verbose_name_plural = _("recurring activities")
        constraints = [
            models.UniqueConstraint(fields=["town", "unit", "title"], name="recurring_activity_unique_per_unit"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12, day__gte=1, day__lte=31), name="recurring_activity_day_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        try:
            date(2020, self.month or 0, self.day or 0)  # a leap year: 29 February is a day
        except (TypeError, ValueError) as error:
            raise ValidationError({"day": _("No such day of the year.")}) from error
        if self.unit_id and self.town_id and self.unit.town_id != self.town_id:
            raise ValidationError({"unit": _("The unit is not of this town.")})
        if not (self.activity_kind or self.keyword):
            raise ValidationError(_("Give what satisfies it: an activity kind, a keyword of the title, or both."))

    def occurs_on(self, year: int) -> date:
        try:
            return date(year, self.month, self.day)
        except ValueError:  # 29 February in a year without one
            return date(year, self.month, 28)

    @property
    def day_display(self) -> str:
        return str(_("%(month)s/%(day)s every year") % {"month": self.month, "day": self.day})


FIELDS = ("title", "unit", "month", "day", "activity_kind", "keyword", "active_from_year")


@transaction.atomic
def save_recurring_activity(
    *, town: Town, recurring: RecurringActivity | None, values: dict, actor
) -> RecurringActivity:
    """Add a required recurring activity to ``town`` (``recurring`` None) or change one; audited."""
    created = recurring is None
    recurring = recurring or RecurringActivity(town=town)
    before = {} if created else audit.snapshot(recurring, FIELDS)
    for field in FIELDS:
        if field in values:
            setattr(recurring, field, values[field])
    recurring.title = (recurring.title or "").strip()
    recurring.keyword = (recurring.keyword or "").strip()
    # The database's rules are checked here, by clean() and the title's, each with its own message.
    recurring.full_clean(validate_constraints=False)
    same_title = RecurringActivity.objects.filter(town=town, unit=recurring.unit, title=recurring.title)
    if same_title.exclude(pk=recurring.pk).exists():
        raise ValidationError({"title": _("The unit already has a recurring activity of this title.")})
    recurring.save()
    after = audit.snapshot(recurring, FIELDS)
    audit.record_change(actor=actor, obj=recurring, created=created, changes=audit.diff(before, after))
    return recurring


@transaction.atomic
def delete_recurring_activity(*, recurring: RecurringActivity, actor) -> None:
    audit.record_deletion(actor=actor, obj=recurring)
    recurring.delete()


def recurring_of_towns(town_ids: list[int]) -> list[RecurringActivity]:
    return list(
        RecurringActivity.objects.filter(town_id__in=town_ids)
        .select_related("unit")
        .order_by("town_id", "month", "day", "unit__name", "id")
    )
