"""News and notices (新闻动态、通知公告): what the town tells its residents about community education.

The culture service centre runs the publicity and news of community education (新闻宣传); the town
office, the community school and the other units write too. An **item** is either *news* (what
happened: a lecture held, a team's performance) or a *notice* (what is coming or required: a
lecture's time and place, a registration deadline). It is drafted, then published on its publish
date; a published item can be withdrawn (unpublished) and published again. Pinned items stay at the
top of the residents' home page. An item may point to the activity it is about, and carry a cover
picture, checked to be a real image of modest size.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communityedu.core.models import TownScopedModel
from communityedu.news.constants import NewsKind


class NewsItem(TownScopedModel):
    kind = models.CharField(_("kind"), max_length=10, choices=NewsKind.choices, default=NewsKind.NEWS)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"), help_text=_("Plain text; leave an empty line between paragraphs."))
    unit = models.ForeignKey(
        "organization.Unit", on_delete=models.PROTECT, related_name="news_items", verbose_name=_("published by")
    )
    cover = models.FileField(_("cover picture"), upload_to="news/covers/%Y/%m/", blank=True)
    publish_on = models.DateField(_("publish date"), default=timezone.localdate)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    activity = models.ForeignKey(
        "activities.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="news_items",
        verbose_name=_("activity"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("written by")
    )

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news and notices")
        ordering = ["-is_pinned", "-publish_on", "-id"]
        indexes = [models.Index(fields=["town", "is_published", "publish_on"], name="news_item_published")]

    def __str__(self) -> str:
        return self.title

    @property
    def paragraphs(self) -> list[str]:
        blocks = self.body.replace("\r\n", "\n").split("\n\n")
        return [block.strip() for block in blocks if block.strip()]

    @property
    def is_visible(self) -> bool:
        return self.is_published and self.publish_on <= timezone.localdate()
