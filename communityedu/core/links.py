"""Public links: the one place that turns a path into the address printed on paper or in a QR code.

Check-in QR codes, certificates' verification links and activation slips all go through
``public_url`` so that a printed code always points at the address residents can reach
(``PUBLIC_BASE_URL``; ``make run`` sets it from the address it serves on when none is configured).
"""

from __future__ import annotations

from django.conf import settings


def public_url(path: str) -> str:
    """``path`` (starting with ``/``) on the public address."""
    if not path.startswith("/"):
        path = "/" + path
    return settings.PUBLIC_BASE_URL.rstrip("/") + path
