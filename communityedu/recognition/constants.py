from django.db import models
from django.utils.translation import gettext_lazy as _


class Track(models.TextChoices):
    """What is being recognised: a village or community as a learning community (学习型社区) or
    as a demonstration village/community (示范社区（村）), or a party/government organ as a
    learning organ (学习型党政机关)."""

    LEARNING_COMMUNITY = "learning_community", _("learning community")
    DEMONSTRATION = "demonstration", _("demonstration village/community")
    LEARNING_ORGAN = "learning_organ", _("learning party/government organ")


class RecognitionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    APPLYING = "applying", _("applying")
    RECOGNISED = "recognised", _("recognised")


VILLAGE_TRACKS = (Track.LEARNING_COMMUNITY, Track.DEMONSTRATION)
# The plan wants two demonstration villages/communities.
DEMONSTRATION_TARGET = 2
