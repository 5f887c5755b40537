"""What `make run` serves: plain HTTP on 127.0.0.1, DEBUG off, static files by whitenoise."""

from config.env import env_bool

from .base import *  # noqa: F403

DEBUG = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Text messages go to var/sms/ and the pages offer them as if sent (docs/settings.md).
SMS_FILE_COUNTS_AS_SENT = env_bool("SMS_FILE_COUNTS_AS_SENT", True)
