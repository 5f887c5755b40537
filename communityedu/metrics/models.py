"""What a figure kept between requests is checked against: a stamp per town that changes with
every write of the rows the figure reads.

The audience figure reads each of a town's people once (docs/performance.md); its counts are kept
in the cache under the stamps of the towns counted, so a page reads them again only after the
register, the tags or the year's participants changed. The stamps are written by the database
itself (triggers of migration ``metrics/0001``), so no write of those tables — a service, an
import, a check-in's trigger, a migration, plain SQL — can leave a kept figure behind.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from communityedu.core.models import TownScopedModel


class FigureInputStamp(TownScopedModel):
    """A random number the database writes anew for ``town`` whenever a row of the register
    (people), of the tags, of the people's tags or of the yearly participants of that town is
    inserted, changed or deleted. ``slot``: on PostgreSQL the writing connection's process id
    modulo 64, so that a long import and a check-in of the same town do not wait on one row;
    on SQLite (one writer at a time) always 0. A figure's cache key holds every slot's stamp."""

    slot = models.PositiveSmallIntegerField(_("slot"))
    stamp = models.BigIntegerField(_("stamp"))

    class Meta:
        verbose_name = _("figure input stamp")
        verbose_name_plural = _("figure input stamps")
        constraints = [models.UniqueConstraint(fields=["town", "slot"], name="figure_input_stamp_unique")]
