from django.db import models
from django.utils.translation import gettext_lazy as _


class NewsKind(models.TextChoices):
    NEWS = "news", _("news")
    NOTICE = "notice", _("notice")


DEFAULT_COVER_MAX_BYTES = 3 * 1024 * 1024
COVER_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
