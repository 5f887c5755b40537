"""Targets split per village and unit: the plan's thresholds by default, set per year."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from communityedu.core.models import AuditLogEntry
from communityedu.organization.targets import Target, set_targets, targets_for


def test_targets_default_to_the_plans_thresholds(world):
    targets = targets_for(town=world.xinmiao, year=2020)

    assert targets[("participation", world.yiyang.pk)] == Decimal("70")
    assert targets[("awareness", world.shizi.pk)] == Decimal("80")
    assert targets[("satisfaction", world.shizi.pk)] == Decimal("70")
    assert targets[("unit_participation", world.civil_affairs.pk)] == Decimal("70")
    assert ("participation", world.guandong.pk) not in targets
    assert ("unit_participation", world.school.pk) not in targets  # the school sets targets, takes none
    assert len(targets) == 2 * 4 + 3  # two villages × four figures; 民政办 and the two village committees


def test_a_set_target_replaces_the_default_for_that_year_only(world):
    set_targets(
        town=world.xinmiao,
        year=2020,
        values={("participation", world.yiyang.pk): Decimal("75.5")},
        actor=world.accounts["office"],
    )

    assert targets_for(town=world.xinmiao, year=2020)[("participation", world.yiyang.pk)] == Decimal("75.50")
    assert targets_for(town=world.xinmiao, year=2021)[("participation", world.yiyang.pk)] == Decimal("70")
    entry = AuditLogEntry.objects.get(object_type="organization.Target")
    assert entry.changes == {"value": [None, "75.5"]}


def test_targets_refuse_another_towns_village_or_a_figure_of_the_wrong_kind_and_write_nothing(world):
    for values in (
        {("participation", world.yiyang.pk): Decimal("80"), ("participation", world.guandong.pk): Decimal("80")},
        {("unit_participation", world.yiyang.pk): Decimal("80")},
        {("participation", world.shizi.pk): Decimal("101")},
    ):
        with pytest.raises(ValidationError):
            set_targets(town=world.xinmiao, year=2020, values=values, actor=None)
    assert Target.objects.count() == 0


def test_the_office_sets_targets_on_the_page(world, sign_in):
    client = sign_in("office")
    fields = {
        f"{key}-{subject}": str(value) for (key, subject), value in targets_for(town=world.xinmiao, year=2020).items()
    }
    fields[f"participation-{world.yiyang.pk}"] = "72"

    response = client.post("/org/targets/", {"year": "2020", **fields})

    assert response.status_code == 302
    # Saving the page records the whole split for the year, the thresholds it confirmed included.
    assert Target.objects.count() == 11
    assert targets_for(town=world.xinmiao, year=2020)[("participation", world.yiyang.pk)] == Decimal("72.00")
    assert targets_for(town=world.xinmiao, year=2020)[("participation", world.shizi.pk)] == Decimal("70.00")


def test_the_api_puts_and_gets_targets_and_nantuo_may_not(world, sign_in):
    body = {"targets": [{"figure_key": "participation", "village_id": world.yiyang.pk, "value": "75"}]}

    refused = sign_in("nantuo").put("/api/v1/targets?town=xinmiao&year=2020", body, content_type="application/json")
    put = sign_in("office").put("/api/v1/targets?town=xinmiao&year=2020", body, content_type="application/json")

    assert refused.status_code == 404
    assert put.status_code == 200
    assert {
        "figure_key": "participation",
        "village_id": world.yiyang.pk,
        "unit_id": None,
        "value": "75.00",
    } in put.json()
    assert Target.objects.count() == 1
