"""Encryption at rest and keyed lookup hashes for personal data (ID numbers, phones).

The ciphertext is made with ``FIELD_ENCRYPTION_KEY`` (Fernet: AES-128-CBC with HMAC); equality
look-ups use an HMAC-SHA256 made with the separate ``LOOKUP_HASH_KEY``. Losing either key makes
the stored data unreadable or unfindable: back them up apart from the database.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet_for(key: str) -> Fernet:
    return Fernet(key.encode())


def _fernet() -> Fernet:
    """One Fernet object per key (a test may change the key): building one derives its keys."""
    return _fernet_for(settings.FIELD_ENCRYPTION_KEY)


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    return _fernet().decrypt(ciphertext.encode()).decode()


def encrypt_bytes(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    return _fernet().decrypt(token)


def lookup_hash(value: str) -> str:
    return hmac.new(settings.LOOKUP_HASH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def mask_phone(phone: str) -> str:
    """``13800008000`` → ``138****8000``; landlines keep their area code and last four."""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
