from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    LECTURE_HALL = "lecture_hall", _("lecture-hall lecture (大讲堂)")
    LECTURE = "lecture", _("lecture")
    TRAINING = "training", _("training")
    TEAM_ACTIVITY = "team_activity", _("team activity")
    SCHOOL_FESTIVAL = "school_festival", _("school festival")
    AFTER_SCHOOL = "after_school", _("4:30 classroom")
    CHILDREN_HOME = "children_home", _("left-behind children's home")
    MEDIATION = "mediation", _("mediation session")
    BASE_VISIT = "base_visit", _("education-base visit")
    OTHER = "other", _("other activity")


# Kinds where a lecturer gives a lecture (a bonus point for part-time teachers).
LECTURING_KINDS = frozenset({ActivityKind.LECTURE_HALL, ActivityKind.LECTURE, ActivityKind.TRAINING})


class AttendanceRole(models.TextChoices):
    PARTICIPANT = "participant", _("participant")
    VOLUNTEER = "volunteer", _("volunteer")
    LECTURER = "lecturer", _("lecturer")
    STAFF = "staff", _("staff")


class AttendanceSource(models.TextChoices):
    VENUE_QR = "venue_qr", _("resident scanned the venue's code")
    CARD_SCAN = "card_scan", _("staff scanned a learning card")
    ROSTER = "roster", _("ticked on the roster")
    DEVICE = "device", _("check-in device")
    # Taken at the venue without signal and uploaded later (离线同步): the scan time is the device's.
    OFFLINE_SYNC = "offline_sync", _("synced from offline")


class EntryKind(models.TextChoices):
    CHECK_IN = "check_in", _("checked in")
    REVERSAL = "reversal", _("check-in reversed")


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("photo")
    SIGN_IN_SHEET = "sign_in_sheet", _("sign-in sheet")
    DOCUMENT = "document", _("document")


# A venue code works from shortly before the start to shortly after the end.
CHECK_IN_OPENS_BEFORE_MINUTES = 60
CHECK_IN_CLOSES_AFTER_MINUTES = 60
# A check-in taken offline is accepted up to so long after the window closed (the device comes back
# into signal), and a device's clock is trusted to within so many seconds before its times are corrected.
OFFLINE_UPLOAD_HOURS = 72
OFFLINE_CLOCK_TOLERANCE_SECONDS = 120
OFFLINE_BATCH_MAX_ITEMS = 500
# The roll kept on a phone for offline use is wiped so long after the activity.
OFFLINE_ROLL_KEPT_DAYS = 3


class CheckInState(models.TextChoices):
    """Where an activity stands for a resident holding its venue code."""

    NOT_YET_OPEN = "not_yet_open", _("check-in not yet open")
    OPEN = "open", _("check-in open")
    CLOSED = "closed", _("check-in closed")
    CANCELLED = "cancelled", _("activity cancelled")
