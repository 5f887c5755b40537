"""The test suite: fast hashing, background jobs inline, plain static storage."""

from .base import *  # noqa: F403
from .base import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The file SMS backend stands in for residents' phones (each test's own folder: conftest.py).
SMS_FILE_COUNTS_AS_SENT = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
    DATABASES["default"]["OPTIONS"].pop("init_command")
    # The browser tests give their live server a database file instead (e2e/conftest.py); a
    # connection its threads kept open would hold locks that stop the flush between tests.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
