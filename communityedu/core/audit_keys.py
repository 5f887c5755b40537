"""The HMACs that make each audit entry and each seal unforgeable without ``AUDIT_HMAC_KEY``.

An entry's HMAC covers its contents and a random nonce, not its id: the id is assigned by the
INSERT, and reading it first would cost a second query on every write. The id is bound when the
entry is sealed: the seal's chain hash covers each entry's id and contents, and the seal's own
HMAC covers that hash with the range, the count and the ids skipped. Until then an unsealed entry
cannot be edited or invented unnoticed (its HMAC would not match), nor copied under another id
(its nonce is unique); what the key cannot show before sealing is an unsealed entry removed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC

from django.conf import settings

# What an entry's HMAC covers, besides its nonce: everything but the id.
CONTENT_FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "changes",
    "source_ip",
    "town_id",
)


def entry_material(values: dict) -> bytes:
    """The canonical bytes of one entry: the same on SQLite and PostgreSQL."""
    canonical = dict(values)
    canonical["occurred_at"] = values["occurred_at"].astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _mac(purpose: bytes, material: bytes) -> str:
    return hmac.new(settings.AUDIT_HMAC_KEY.encode(), purpose + b"\x00" + material, hashlib.sha256).hexdigest()


def entry_mac(values: dict, *, nonce: str) -> str:
    """The HMAC of an entry's contents (``CONTENT_FIELDS`` of ``values``) and its nonce."""
    content = {name: values[name] for name in CONTENT_FIELDS}
    content["nonce"] = nonce
    return _mac(b"audit-entry", entry_material(content))


def seal_signature(
    *, first_entry_id: int, last_entry_id: int, entry_count: int, skipped_ids: list, previous_hash: str, hash: str
) -> str:
    material = json.dumps(
        [first_entry_id, last_entry_id, entry_count, skipped_ids, previous_hash, hash], separators=(",", ":")
    ).encode()
    return _mac(b"audit-seal", material)


def macs_match(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected, given or "")
