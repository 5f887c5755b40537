"""ID numbers and phones at rest: authenticated encryption, and every value written before still read."""

import base64

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet
from django.conf import settings

from communityedu.core import crypto


def test_a_field_is_sealed_with_a_fresh_nonce_and_read_back():
    first, second = crypto.encrypt("500102195603021234"), crypto.encrypt("500102195603021234")

    assert first.startswith("g1:")
    assert second.startswith("g1:")
    assert first != second  # a random nonce each time: equal numbers do not look equal at rest
    assert "500102195603021234" not in first
    assert len(base64.urlsafe_b64decode(first[3:])) == 12 + 18 + 16  # nonce, the digits, the tag
    assert crypto.decrypt(first) == crypto.decrypt(second) == "500102195603021234"


def test_a_value_written_as_a_fernet_token_before_is_still_read():
    token = Fernet(settings.FIELD_ENCRYPTION_KEY.encode()).encrypt(b"13800008000").decode()

    assert crypto.decrypt(token) == "13800008000"


def test_a_changed_byte_is_refused_not_read_as_something_else():
    sealed = bytearray(base64.urlsafe_b64decode(crypto.encrypt("13800008000")[3:]))
    sealed[15] ^= 1

    with pytest.raises(InvalidTag):
        crypto.decrypt("g1:" + base64.urlsafe_b64encode(bytes(sealed)).decode())


def test_another_key_cannot_read_it(settings):
    sealed = crypto.encrypt("13800008000")
    settings.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()

    with pytest.raises(InvalidTag):
        crypto.decrypt(sealed)
