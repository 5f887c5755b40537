"""The learning platform: the town's resource library and what each resident learns from it.

A **resource** is one thing to learn from — a video or an audio recording (streamed from the
town's own server), a PDF document, an article written in the page, or a link to another site.
Each sits in one of the plan's **categories** (政策理论, 健康养生, 农业技术, 法律法规 …, seeded per
town), carries tags and an audience (老年人, 种植户 …), and is owned by a unit — the community
school, the town office, a learning centre or a department — which keeps it up to date. Only a
*published* resource is seen by residents; the resource centre is shared by every unit of the town.

Residents find resources by **search** in Chinese as they type it on a phone: words, full pinyin
(``taijiquan``), initials (``tjq``), a homophone typed by mistake (太级拳) or a word with a
character missing. The index is the product's own table of terms (:class:`SearchTerm`: character
unigrams and bigrams, toneless pinyin and initials), kept by the service that saves a resource, so
SQLite and PostgreSQL answer alike.

**Progress** is kept per resident and resource: when it was first opened, where the player
stopped (seconds, or the share of a text read), the learning time spent and when it was
completed. Online learning is reported on the resident's **learning record** (学习档案) apart from
the organised activities they attended, which come from the attendance ledger.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communityedu.core.models import TownScopedModel
from communityedu.learning.constants import ResourceKind


class Category(TownScopedModel):
    name = models.CharField(_("name"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [models.UniqueConstraint(fields=["town", "name"], name="learning_category_name_unique")]

    def __str__(self) -> str:
        return self.name


class Resource(TownScopedModel):
    kind = models.CharField(_("kind"), max_length=10, choices=ResourceKind.choices)
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(
        _("text"), blank=True, help_text=_("The article's text; paragraphs separated by blank lines.")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="resources", verbose_name=_("category")
    )
    tags = models.CharField(_("tags"), max_length=200, blank=True, help_text=_("Separated by commas."))
    audience = models.CharField(_("audience"), max_length=120, blank=True)
    owner_unit = models.ForeignKey(
        "organization.Unit", on_delete=models.PROTECT, related_name="learning_resources", verbose_name=_("owner unit")
    )
    media_file = models.FileField(_("file"), upload_to="learning/", blank=True, max_length=200)
    media_type = models.CharField(_("file type"), max_length=60, blank=True)
    media_bytes = models.PositiveBigIntegerField(_("file size"), default=0)
    duration_seconds = models.PositiveIntegerField(_("length in seconds"), null=True, blank=True)
    link_url = models.URLField(_("link"), blank=True)
    # Captions of a video or recording (``learning.captions``): stored as WebVTT, with their text
    # as a transcript shown under the player.
    captions_file = models.FileField(_("captions"), upload_to="learning/", blank=True, max_length=200)
    transcript = models.TextField(_("transcript"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("learning resource")
        verbose_name_plural = _("learning resources")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(published_at__isnull=False), name="learning_published_has_date"
            )
        ]
        indexes = [
            models.Index(fields=["town", "is_published", "published_at"], name="learning_resource_new"),
            models.Index(fields=["town", "is_published", "view_count"], name="learning_resource_popular"),
            models.Index(fields=["town", "title"], name="learning_resource_title"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.replace("，", ",").split(",") if tag.strip()]

    @property
    def transcript_lines(self) -> list[str]:
        return [line for line in self.transcript.splitlines() if line.strip()]

    @property
    def paragraphs(self) -> list[str]:
        return [part.strip() for part in self.body.replace("\r\n", "\n").split("\n\n") if part.strip()]


class SearchTerm(TownScopedModel):
    """One term of one published resource's index: a character unigram or bigram (``太极``), a
    toneless pinyin syllable or pair (``tai``, ``taiji``) or a pair of initials (``^tj``).

    Rows are derived: the service that saves a resource deletes and rewrites them, and keeps only
    those of published resources. ``in_title`` and ``published_at`` are copied here so that the
    search is answered from the one index on (town, term, …) without reading the resources."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="search_terms")
    term = models.CharField(max_length=32)
    in_title = models.BooleanField(default=False)
    published_at = models.DateTimeField()

    class Meta:
        verbose_name = _("search term")
        indexes = [
            models.Index(fields=["town", "term", "resource", "in_title", "published_at"], name="learning_term_lookup"),
            models.Index(fields=["resource"], name="learning_term_resource"),
        ]

    def __str__(self) -> str:
        return self.term


class Progress(TownScopedModel):
    """How far a resident has got with one resource."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="learning_progress")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="progress")
    opened_at = models.DateTimeField(_("first opened"))
    last_opened_at = models.DateTimeField(_("last opened"))
    position_seconds = models.PositiveIntegerField(_("position (seconds)"), default=0)
    percent = models.PositiveSmallIntegerField(_("percent done"), default=0)
    learning_seconds = models.PositiveIntegerField(_("learning time (seconds)"), default=0)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["-last_opened_at", "-id"]
        verbose_name = _("learning progress")
        verbose_name_plural = _("learning progress")
        constraints = [
            models.UniqueConstraint(fields=["town", "person", "resource"], name="learning_progress_unique"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="learning_progress_percent_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.resource}"
