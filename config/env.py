"""Where settings come from: the environment first, then generated, untracked key files.

Secrets are never committed. On first run each missing key is generated into ``var/keys/``
(the folder mode 0700, each file 0600): every key read through ``secret()`` works so, on
``make run`` and in production alike, so a new key needs no new deployment step. The
field-encryption key and the lookup-hash key protect residents' ID numbers and phones: a database
backup is useless without them, so back them up separately and keep them safe.

Production (``config.settings.production``) needs only what cannot be guessed for it:
``SECRET_KEY`` (shared by every server process and host, so not generated per host) and
``ALLOWED_HOSTS`` (the name it is served under); ``required_in_environment`` refuses to start
without them.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("COMMUNITYEDU_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def required_in_environment(*names: str) -> None:
    """Refuse to start, naming each of ``names`` that the environment does not set."""
    missing = [name for name in names if not os.environ.get(name, "").strip()]
    if missing:
        raise ImproperlyConfigured(
            f"Set {' and '.join(missing)} in the environment: production needs "
            f"{', '.join(names)} (docs/settings.md); every other setting has a default or is generated."
        )


def secret(name: str, *, generate) -> str:
    """The secret ``name`` from the environment, else from ``var/keys/<name>``, created on first use."""
    value = os.environ.get(name)
    if value:
        return value
    key_file = VAR_DIR / "keys" / name.lower()
    if key_file.exists():
        return key_file.read_text().strip()
    key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    value = generate()
    # Create exclusively so two processes starting together agree on one key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


def random_secret_key() -> str:
    return secrets.token_urlsafe(50)


def random_fernet_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
