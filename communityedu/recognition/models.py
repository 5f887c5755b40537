"""Recognition of learning organisations (学习型组织创建).

The plan asks that villages and communities become **learning communities** (学习型社区; ≥ 70 %
by December 2020), that party/government organs become **learning organs** (学习型党政机关;
≥ 80 % by the end of 2020), and that two villages or communities become **demonstration
villages/communities** (示范社区（村）). Each of these is a *track*; on each track a village or an
organ is *not started* (未启动), *applying* (申报中) or *recognised* (已认定).

Status changes are kept as rows, each with the date it took effect, the evidence file (the
recognition document, a photo of the plaque) and a note; rows are never edited. The status of a
village or organ on a date is the latest change on or before that date, so the figures can be
computed as of any day, and the dossier shows what was true at its cut-off.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communityedu.core.models import TownScopedModel
from communityedu.recognition.constants import RecognitionStatus, Track


class StatusChange(TownScopedModel):
    """One change of a village's or an organ's status on one track, from ``effective_on`` on."""

    track = models.CharField(_("track"), max_length=20, choices=Track.choices)
    village = models.ForeignKey(
        "organization.Village",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recognition_changes",
        verbose_name=_("village/community"),
    )
    unit = models.ForeignKey(
        "organization.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recognition_changes",
        verbose_name=_("organ"),
    )
    status = models.CharField(_("status"), max_length=20, choices=RecognitionStatus.choices)
    effective_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    evidence_file = models.CharField(max_length=200, blank=True)
    evidence_name = models.CharField(_("evidence"), max_length=200, blank=True)
    evidence_content_type = models.CharField(max_length=60, blank=True)
    evidence_size = models.PositiveIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["effective_on", "id"]
        verbose_name = _("recognition status change")
        verbose_name_plural = _("recognition status changes")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        track__in=[Track.LEARNING_COMMUNITY, Track.DEMONSTRATION],
                        village__isnull=False,
                        unit__isnull=True,
                    )
                    | Q(track=Track.LEARNING_ORGAN, unit__isnull=False, village__isnull=True)
                ),
                name="recognition_names_village_or_organ_by_track",
            ),
        ]
        indexes = [models.Index(fields=["town", "effective_on"], name="recognition_town_effective")]

    def __str__(self) -> str:
        return f"{self.village or self.unit} {self.track} {self.status} {self.effective_on}"
