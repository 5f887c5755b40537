"""Activation against sign-in: taking up an account with its code costs at most twice a sign-in.

Run: .venv/bin/python bench/bench_activation.py

Throw-away folder (``COMMUNITYEDU_VAR_DIR``: SQLite in WAL mode), ``config.settings.local`` with its
production hasher (Argon2); ``migrate`` and a town of ``ROUNDS + WARM_UP`` residents, each with an
account opened at the centre (pending, with an activation code).

Each round, in shuffled order and each from its own address (no throttle changes the path):
- **sign-in** (the baseline): the demo resident's phone and right PIN through the sign-in page;
- **activation**: the next pending resident's phone, code and a PIN twice, with consent, through
  ``/accounts/activate/``.
Both end signed in (a 302/303). Reported: p50 and mean per kind in ms and the ratio of medians.
Target: activation / sign-in ≤ 2 (it hashes the new PIN where sign-in verifies one, and writes the
code, the account and two audit entries).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["COMMUNITYEDU_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-activation-")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from communityedu.accounts import services as account_services  # noqa: E402
from communityedu.core.models import RateCounter  # noqa: E402
from communityedu.organization import services as org_services  # noqa: E402
from communityedu.organization.models import Village  # noqa: E402
from communityedu.people import resident_accounts  # noqa: E402
from communityedu.people import services as people_services  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "40"))
WARM_UP = 3
SIGN_IN_PHONE, SIGN_IN_PIN = "13955550001", "305819"


def _setup() -> list[tuple[str, str]]:
    call_command("migrate", verbosity=0)
    town = org_services.create_town(
        district_code="500102", district_name="涪陵区", slug="bench", name="测试镇", villages=[("测试村", "")]
    )
    village = Village.objects.get(town=town)
    account_services.create_resident_account(phone=SIGN_IN_PHONE, pin=SIGN_IN_PIN, display_name="居民", town=town)
    pending = []
    for number in range(ROUNDS + WARM_UP):
        phone = f"1396666{number:04d}"
        person = people_services.create_person(
            town=town,
            values={"name": f"居民{number}", "sex": "F", "birth_date": date(1960, 1, 1), "village": village},
            phone=phone,
        )
        pending.append((phone, resident_accounts.open_resident_account(person=person, actor=None).code))
    return pending


def _client(address: int) -> Client:
    return Client(
        REMOTE_ADDR=f"10.{address // 65536 % 256}.{address // 256 % 256}.{address % 256}", HTTP_HOST="127.0.0.1"
    )


def main() -> None:
    pending = _setup()
    print(f"hasher: {settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1]}; rounds: {ROUNDS}")
    timings: dict[str, list[float]] = {"sign-in": [], "activation": []}
    address = 0
    for round_number in range(WARM_UP + ROUNDS):
        phone, code = pending[round_number]
        requests = {
            "sign-in": ("/accounts/resident-sign-in/", {"phone": SIGN_IN_PHONE, "pin": SIGN_IN_PIN}),
            "activation": (
                "/accounts/activate/",
                {"phone": phone, "code": code, "pin": "480713", "pin2": "480713", "consent": "on"},
            ),
        }
        order = list(requests)
        random.shuffle(order)
        for name in order:
            address += 1
            path, data = requests[name]
            client = _client(address)
            started = time.perf_counter()
            response = client.post(path, data)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code in (302, 303), (name, response.status_code, response.content[:300])
            if round_number >= WARM_UP:
                timings[name].append(elapsed)
        RateCounter.objects.all().delete()
    medians = {name: statistics.median(values) for name, values in timings.items()}
    for name, values in timings.items():
        print(f"{name:11} p50 {medians[name]:7.1f} ms   mean {statistics.fmean(values):7.1f} ms")
    print(f"activation / sign-in = {medians['activation'] / medians['sign-in']:.2f} (target ≤ 2)")


if __name__ == "__main__":
    main()
