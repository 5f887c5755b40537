"""What `make run` serves: plain HTTP on 127.0.0.1, DEBUG off, static files by whitenoise."""

from .base import *  # noqa: F403

DEBUG = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
