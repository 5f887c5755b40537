"""Behind HTTPS: secure cookies, HSTS, and the rest that `manage.py check --deploy` asks for.

Starts with only ``SECRET_KEY`` and ``ALLOWED_HOSTS`` set in the environment: every other key is
generated into ``var/keys/`` and every other setting defaulted, as on ``make run`` (config/env.py).
"""

from config.env import env_bool, required_in_environment

# Before the base settings, which would otherwise generate a SECRET_KEY for this host alone.
required_in_environment("SECRET_KEY", "ALLOWED_HOSTS")

from .base import *  # noqa: E402, F403

DEBUG = False
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Town-office and administrator accounts sign in with a second factor (REQUIRE_2FA_FOR_STAFF=0 to relax).
REQUIRE_2FA_FOR_STAFF = env_bool("REQUIRE_2FA_FOR_STAFF", True)
