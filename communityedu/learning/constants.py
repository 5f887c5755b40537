from django.db import models
from django.utils.translation import gettext_lazy as _


class ResourceKind(models.TextChoices):
    VIDEO = "video", _("video")
    AUDIO = "audio", _("audio")
    DOCUMENT = "document", _("document (PDF)")
    ARTICLE = "article", _("article")
    LINK = "link", _("link")


# Kinds that carry a stored file, and the file types each accepts (detected from the content).
MEDIA_KINDS = frozenset({ResourceKind.VIDEO, ResourceKind.AUDIO, ResourceKind.DOCUMENT})
STREAMED_KINDS = frozenset({ResourceKind.VIDEO, ResourceKind.AUDIO})
ACCEPTED_TYPES = {
    ResourceKind.VIDEO: {"video/webm": "webm", "video/mp4": "mp4"},
    ResourceKind.AUDIO: {"audio/ogg": "ogg", "audio/mpeg": "mp3", "audio/mp4": "m4a", "audio/x-wav": "wav"},
    ResourceKind.DOCUMENT: {"application/pdf": "pdf"},
}

# The plan's categories, seeded for every town when its library is first used.
STANDARD_CATEGORIES = (
    "政策理论",
    "健康养生",
    "农业技术",
    "法律法规",
    "家庭教育",
    "文化艺术",
    "职业技能",
    "防诈反诈",
    "老年生活",
    "安全应急",
)

# A resource counts as completed at this share of a video, an audio or a text read.
COMPLETION_PERCENT = 90
# One progress report adds at most this many seconds of learning time (a report every 15 s).
MAX_SECONDS_PER_REPORT = 60
DEFAULT_MAX_UPLOAD_BYTES = 200 * 1024 * 1024
