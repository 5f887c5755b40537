"""Settings shared by every environment. See docs/settings.md for what each secret protects."""

from __future__ import annotations

import os

from csp.constants import NONE, SELF

from config.database import database_config
from config.env import (
    BASE_DIR,
    VAR_DIR,
    env_bool,
    env_int,
    env_str,
    random_fernet_key,
    random_secret_key,
    secret,
)

SECRET_KEY = secret("SECRET_KEY", generate=random_secret_key)
# Personal data (ID numbers, phones) is encrypted with this key and found by a keyed hash made
# with the separate lookup key, so a leaked lookup index reveals nothing without the other.
FIELD_ENCRYPTION_KEY = secret("FIELD_ENCRYPTION_KEY", generate=random_fernet_key)
LOOKUP_HASH_KEY = secret("LOOKUP_HASH_KEY", generate=random_secret_key)
# Signs each audit-log entry and seal (core/audit_chain.py): kept out of the database, so that
# someone who can write to the database cannot forge or edit an entry unnoticed.
AUDIT_HMAC_KEY = secret("AUDIT_HMAC_KEY", generate=random_secret_key)

DEBUG = False
ALLOWED_HOSTS = [h for h in env_str("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "communityedu.core",
    "communityedu.organization",
    "communityedu.messaging",
    "communityedu.accounts",
    "communityedu.people",
    "communityedu.activities",
    "communityedu.funding",
    "communityedu.recognition",
    "communityedu.incentives",
    "communityedu.exchange",
    "communityedu.news",
    "communityedu.learning",
    "communityedu.surveys",
    "communityedu.planning",
    "communityedu.metrics",
    "communityedu.assessment",
    "communityedu.portal",
    "communityedu.dashboard",
    "communityedu.api",
    "communityedu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "communityedu.core.uploads.UploadCountMiddleware",
    "communityedu.core.middleware.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "communityedu.accounts.middleware.BearerTokenMiddleware",
    "communityedu.core.middleware.RequestContextMiddleware",
    "communityedu.organization.middleware.CurrentTownMiddleware",
    "communityedu.accounts.policy.AccountPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "communityedu.core.middleware.PageCSPMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "communityedu.dashboard.context_processors.navigation",
            ],
        },
    }
]

# SQLite in WAL mode by default; PostgreSQL through DATABASE_URL (config/database.py).
DATABASES = {"default": database_config(os.environ.get("DATABASE_URL"), VAR_DIR / "communityedu.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "communityedu.accounts.backends.StaffPasswordBackend",
    "communityedu.accounts.backends.ResidentPinBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "communityedu.accounts.validators.CharacterClassesValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"
# Sign-in (accounts/sign_in.py): SIGN_IN_MAX_FAILURES failures for one account within the window
# lock it for SIGN_IN_LOCKOUT_MINUTES (its password with its second factor, or another office
# account's audited unlock, lifts the lock); SIGN_IN_ADDRESS_MAX_FAILURES failures from one address
# within the window throttle that address, residents and staff counted apart.
SIGN_IN_MAX_FAILURES = 5
SIGN_IN_FAILURE_WINDOW_MINUTES = 15
SIGN_IN_LOCKOUT_MINUTES = 15
SIGN_IN_ADDRESS_MAX_FAILURES = 50
# How many reverse proxies in front of the server append to X-Forwarded-For; the client's address
# is read that many entries from the right. 0 (the default): the header is ignored, REMOTE_ADDR is
# the address (docs/settings.md).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Staff passwords expire (0: never); town-office and administrator accounts need a second factor
# when REQUIRE_2FA_FOR_STAFF is on (production turns it on).
PASSWORD_EXPIRY_DAYS = env_int("PASSWORD_EXPIRY_DAYS", 90)
# How long a resident's activation code (on a slip or a learning card) stays valid.
ACTIVATION_CODE_DAYS = env_int("ACTIVATION_CODE_DAYS", 90)
# How long the PDF of learning cards printed in the background (more than 200 cards) is kept,
# encrypted, for whoever printed it and the town office to download; it holds activation codes.
CARD_PDF_KEEP_HOURS = env_int("CARD_PDF_KEEP_HOURS", 72)
REQUIRE_2FA_FOR_STAFF = env_bool("REQUIRE_2FA_FOR_STAFF", False)
# The audit log is sealed into a hash chain by `manage.py run_periodic_jobs` (or seal_audit_log).
AUDIT_SEAL_INTERVAL_SECONDS = 300
AUDIT_SEAL_BATCH_SIZE = 1000
# Entries younger than this wait for the next run, so that a transaction still open is not skipped.
AUDIT_SEAL_DELAY_SECONDS = 60
# Audit entries are kept at least this many days (never fewer than 180: a system check refuses it);
# older whole sealed batches are pruned daily by run_periodic_jobs (or `manage.py prune_audit_log`).
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180)
# The apps' own jobs, run by run_periodic_jobs on every round beside sealing (core imports no app,
# so the apps are named here): a label, and the dotted path of a function taking no argument that
# answers how many things it did (written to the output when not 0).
PERIODIC_JOBS = {
    # The day-before SMS of tomorrow's activities (only between 08:00 and 21:00 local, once each).
    "activity reminders sent": "communityedu.activities.reminders.services.send_tomorrows_reminders",
    # Learning-card PDFs kept past CARD_PDF_KEEP_HOURS are cleared (they hold activation codes).
    "expired learning-card PDFs cleared": "communityedu.activities.cards.forget_expired_pdfs",
}
# A roster import whose job gave no sign of life for this long is shown as interrupted and may be
# resumed (its job commits a chunk of 2,000 rows in about a second, and checks a sheet in seconds).
IMPORT_HEARTBEAT_TIMEOUT_SECONDS = env_int("IMPORT_HEARTBEAT_TIMEOUT_SECONDS", 120)
# Rate limits per client (address, or account when signed in): (requests, per seconds).
# Generous where many people share one address (a village office, a venue's Wi-Fi).
RATE_LIMITS = {
    "self-check-in": (10, 60),
    # Asking for a forgotten PIN's SMS code, per address (accounts/pin_reset.py).
    "pin-reset-code": (20, 60 * 60),
    "search": (120, 60),
    # Asking for an account (/accounts/join/, POST /api/v1/join-requests): per address (or account).
    "join-request": (20, 3600),
}
# Sessions end after 30 minutes without a request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A form sent from an expired page gets the product's own 403 page, not Django's English one.
CSRF_FAILURE_VIEW = "communityedu.portal.errors.csrf_failure"

# Text messages (communityedu/messaging; docs/settings.md, "Text messages"). The file backend writes
# each message to SMS_FILE_DIR and reaches no phone: pages offer SMS only where SMS_FILE_COUNTS_AS_SENT
# says to pretend it does (make run, the tests) or the Tencent Cloud backend is fully configured.
SMS_BACKEND = env_str("SMS_BACKEND", "file")
SMS_FILE_DIR = env_str("SMS_FILE_DIR", "") or VAR_DIR / "sms"
SMS_FILE_COUNTS_AS_SENT = env_bool("SMS_FILE_COUNTS_AS_SENT", False)
SMS_SIGN_NAME = env_str("SMS_SIGN_NAME", "")
SMS_TENCENT_SECRET_ID = env_str("SMS_TENCENT_SECRET_ID", "")
SMS_TENCENT_SECRET_KEY = env_str("SMS_TENCENT_SECRET_KEY", "")
SMS_TENCENT_SDK_APP_ID = env_str("SMS_TENCENT_SDK_APP_ID", "")
SMS_TENCENT_REGION = env_str("SMS_TENCENT_REGION", "ap-guangzhou")
SMS_TENCENT_ENDPOINT = env_str("SMS_TENCENT_ENDPOINT", "sms.tencentcloudapi.com")
SMS_TENCENT_TIMEOUT_SECONDS = env_int("SMS_TENCENT_TIMEOUT_SECONDS", 10)
# "pin_reset_code=1234567,activation_code=1234568,activity_reminder=1234569"
SMS_TENCENT_TEMPLATE_IDS = dict(
    pair.strip().split("=", 1) for pair in env_str("SMS_TENCENT_TEMPLATE_IDS", "").split(",") if "=" in pair
)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

# A strict policy from the first page: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Shared by the web processes and the background worker (job progress lives here).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": VAR_DIR / "cache"}}

# External programs come from settings with the Debian defaults.
CHROMIUM_PATH = env_str("CHROMIUM_PATH", "/usr/bin/chromium")
PG_BIN = env_str("PG_BIN", "/usr/lib/postgresql/15/bin")

API_PAGE_SIZE = env_int("API_PAGE_SIZE", 100)

# The exchange: what posts may attach to, and at most so many posts per person in so many minutes.
EXCHANGE_TARGET_MODELS = ["activities.activity", "learning.resource"]
EXCHANGE_RATE_LIMIT_POSTS = env_int("EXCHANGE_RATE_LIMIT_POSTS", 5)
EXCHANGE_RATE_LIMIT_MINUTES = env_int("EXCHANGE_RATE_LIMIT_MINUTES", 10)
NEWS_COVER_MAX_BYTES = env_int("NEWS_COVER_MAX_BYTES", 3 * 1024 * 1024)
# The largest video, audio or PDF a unit may upload to the learning library.
LEARNING_MAX_UPLOAD_BYTES = env_int("LEARNING_MAX_UPLOAD_BYTES", 200 * 1024 * 1024)
# At most so many files in one request, on every upload page and API operation (Django counts them).
MAX_FILES_PER_UPLOAD = env_int("MAX_FILES_PER_UPLOAD", 20)
DATA_UPLOAD_MAX_NUMBER_FILES = MAX_FILES_PER_UPLOAD

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No log line carries an ID number or a phone in clear (core/log_masking.py).
    "filters": {"mask_personal_numbers": {"()": "communityedu.core.log_masking.MaskPersonalNumbers"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_personal_numbers"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django": {"handlers": ["console"], "level": "WARNING", "propagate": False}},
}

SILENCED_SYSTEM_CHECKS: list[str] = []
VAR_DIR.mkdir(parents=True, exist_ok=True)
LOGGING["loggers"]["django.request"] = {"handlers": ["console"], "level": "ERROR", "propagate": False}
