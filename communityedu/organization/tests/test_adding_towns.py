"""The administrator adds a town (the create_town command's page and API) and a village."""

from communityedu.core.models import AuditLogEntry
from communityedu.organization.models import Town, Unit, Village


def test_the_administrator_adds_a_town_with_its_villages_and_their_learning_centres(world, sign_in):
    response = sign_in("admin").post(
        "/org/towns/new/",
        {
            "name": "龙潭镇",
            "slug": "longtan",
            "code": "500102120",
            "district_code": "500102",
            "villages": "龙潭村:500102120201\n龙潭社区",
        },
    )

    assert response.status_code == 302
    town = Town.objects.get(slug="longtan")
    assert (town.name, town.code, town.district) == ("龙潭镇", "500102120", world.district)
    assert list(Village.objects.filter(town=town).order_by("name").values_list("name", "code", "kind")) == [
        ("龙潭村", "500102120201", "village"),
        ("龙潭社区", "", "community"),
    ]
    assert sorted(Unit.objects.filter(town=town).values_list("name", flat=True)) == [
        "龙潭村村委会",
        "龙潭村社区学习中心",
        "龙潭社区学习中心",
        "龙潭社区居委会",
    ]
    assert AuditLogEntry.objects.filter(object_type="organization.Town", actor_label="admin").count() == 1


def test_a_taken_slug_or_a_bad_code_is_refused_and_nothing_is_added(world, sign_in):
    response = sign_in("admin").post(
        "/org/towns/new/",
        {"name": "新妙镇二", "slug": "xinmiao", "district_code": "5001", "villages": "新村:123"},
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"slug", "district_code", "villages"}
    assert Town.objects.count() == 2
    assert not Village.objects.filter(name="新村").exists()


def test_a_town_office_does_not_add_towns_or_villages(world, sign_in):
    office = sign_in("office")

    assert office.get("/org/towns/new/").status_code == 403
    assert office.post("/org/towns/xinmiao/villages/new/", {"name": "新华村"}).status_code == 403
    assert not Village.objects.filter(name="新华村").exists()


def test_the_administrator_adds_a_village_with_its_centre_and_committee(world, sign_in):
    response = sign_in("admin").post("/org/towns/xinmiao/villages/new/", {"name": "新华村", "code": "500102118203"})

    assert response.status_code == 302
    village = Village.objects.get(town=world.xinmiao, name="新华村")
    assert village.code == "500102118203"
    assert sorted(village.units.values_list("unit_type", flat=True)) == ["learning_centre", "village_committee"]


def test_a_village_name_the_town_has_is_refused(world, sign_in):
    response = sign_in("admin").post("/org/towns/xinmiao/villages/new/", {"name": "弋阳村"})

    assert response.status_code == 400
    assert response.context["form"].errors["name"] == ["本镇已有同名的村（社区）。"]
    assert Village.objects.filter(name="弋阳村").count() == 1


def test_the_api_adds_a_town_and_a_village_for_the_administrator_only(world, sign_in):
    admin = sign_in("admin")

    town = admin.post(
        "/api/v1/towns",
        {"slug": "longtan", "name": "龙潭镇", "district_code": "500102", "villages": [{"name": "龙潭村"}]},
        content_type="application/json",
    )
    village = admin.post("/api/v1/towns/longtan/villages", {"name": "龙潭社区"}, content_type="application/json")
    again = admin.post("/api/v1/towns/longtan/villages", {"name": "龙潭社区"}, content_type="application/json")

    assert town.status_code == 201
    assert town.json() == {
        "slug": "longtan",
        "name": "龙潭镇",
        "code": "",
        "district_code": "500102",
        "villages": ["龙潭村"],
    }
    assert village.status_code == 201
    assert (village.json()["town"], village.json()["kind"]) == ("longtan", "community")
    assert again.status_code == 400
    assert again.json()["errors"] == [{"field": "name", "message": "本镇已有同名的村（社区）。"}]
