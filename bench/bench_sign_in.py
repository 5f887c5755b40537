"""Sign-in timing: does the answer's time tell whether an account (or a phone number) exists?

Run: .venv/bin/python bench/bench_sign_in.py

Throw-away folder (``COMMUNITYEDU_VAR_DIR``: SQLite in WAL mode), ``config.settings.local`` with its
production hasher (Argon2); ``migrate``, ``load_demo``, ``collectstatic``.

Four kinds of failed sign-in through the pages, as a client posts them: a staff username that
exists with a wrong password, a username that does not exist, a resident's phone that exists with
a wrong PIN, a phone that has no account. Rounds alternate the kinds (one of each per round, order
shuffled), each attempt from its own address so that neither the address throttle nor a lockout
changes the path; ``ROUNDS`` rounds after a warm-up. Reported: p50 and mean per kind in ms, and the
ratio "does not exist" / "exists" per audience, and the baseline of an unknown name answered
without the dummy hash (as before this change: ``User.set_password`` stubbed for that kind only),
in the same run. Target: the medians differ by less
than 10% (the password hash dominates both; before, an unknown name skipped it).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["COMMUNITYEDU_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-sign-in-")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from communityedu.accounts import services  # noqa: E402
from communityedu.accounts.models import AccountKind, User  # noqa: E402
from communityedu.core.models import RateCounter  # noqa: E402
from communityedu.organization.models import Town  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "40"))
WARM_UP = 3
RESIDENT_PHONE = "13955550001"


def _kinds() -> dict:
    staff = User.objects.filter(kind=AccountKind.STAFF).order_by("pk").first()
    return {
        "staff, exists": ("/accounts/sign-in/", {"username": staff.username, "password": "Wrong#Pass1"}),
        "staff, unknown": ("/accounts/sign-in/", {"username": "no-such-clerk", "password": "Wrong#Pass1"}),
        "resident, exists": ("/accounts/resident-sign-in/", {"phone": RESIDENT_PHONE, "pin": "902714"}),
        "resident, unknown": ("/accounts/resident-sign-in/", {"phone": "13955559999", "pin": "902714"}),
        # The baseline, as before: an unknown name answered without hashing anything.
        "staff, unknown, no hash": ("/accounts/sign-in/", {"username": "no-such-clerk", "password": "Wrong#Pass1"}),
    }


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    if services.find_resident_by_phone(RESIDENT_PHONE) is None:
        services.create_resident_account(
            phone=RESIDENT_PHONE, pin="305819", display_name="测试居民", town=Town.objects.first()
        )
    print(f"hasher: {settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1]}; rounds: {ROUNDS}")
    kinds = _kinds()
    timings: dict[str, list[float]] = {name: [] for name in kinds}
    set_password = User.set_password
    address = 0
    for round_number in range(WARM_UP + ROUNDS):
        order = list(kinds)
        random.shuffle(order)
        for name in order:
            path, data = kinds[name]
            address += 1
            client = Client(
                REMOTE_ADDR=f"10.{address // 65536 % 256}.{address // 256 % 256}.{address % 256}", HTTP_HOST="127.0.0.1"
            )
            skip_hash = name.endswith("no hash")
            if skip_hash:
                User.set_password = lambda self, raw: None
            started = time.perf_counter()
            response = client.post(path, data)
            elapsed = (time.perf_counter() - started) * 1000
            if skip_hash:
                User.set_password = set_password
            assert response.status_code == 200, (name, response.status_code)
            if round_number >= WARM_UP:
                timings[name].append(elapsed)
        # Keep the existing accounts unlocked: each round is a first failure, as for the unknown ones.
        User.objects.update(locked_until=None, failed_sign_in_count=0)
        RateCounter.objects.all().delete()
    medians = {name: statistics.median(values) for name, values in timings.items()}
    for name, values in timings.items():
        print(f"{name:18} p50 {medians[name]:7.1f} ms   mean {statistics.fmean(values):7.1f} ms")
    for audience in ("staff", "resident"):
        exists, unknown = medians[f"{audience}, exists"], medians[f"{audience}, unknown"]
        print(f"{audience}: unknown / exists = {unknown / exists:.3f}")
    print(f"baseline (no hash) / exists = {medians['staff, unknown, no hash'] / medians['staff, exists']:.3f}")


if __name__ == "__main__":
    main()
