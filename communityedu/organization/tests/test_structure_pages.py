from io import StringIO

from django.core.management import call_command

from communityedu.core.models import AuditAction, AuditLogEntry
from communityedu.organization.constants import UnitType
from communityedu.organization.models import Town, Unit, UnitAlias, Village, VillagePopulation


def test_the_town_office_adds_a_unit_with_aliases_and_duties(world, sign_in):
    client = sign_in("office")

    response = client.post(
        "/org/units/new/",
        {
            "name": "人力社保所",
            "unit_type": UnitType.PARTY_GOVERNMENT_ORGAN,
            "aliases": "社保所\n 社保所 \n人社所",
            "duties": "负责专业技术、技能人才社区教育政策性经费到位",
            "description": "",
        },
        REMOTE_ADDR="10.0.0.7",
    )

    unit = Unit.objects.get(town=world.xinmiao, name="人力社保所")
    assert response.status_code == 302
    assert response["Location"] == f"/org/units/{unit.pk}/"
    assert sorted(unit.aliases.values_list("name", flat=True)) == ["人社所", "社保所"]
    assert list(unit.duties.values_list("text", flat=True)) == ["负责专业技术、技能人才社区教育政策性经费到位"]
    created = AuditLogEntry.objects.get(
        action=AuditAction.CREATE, object_type="organization.Unit", object_id=str(unit.pk)
    )
    assert (created.actor_label, created.source_ip, created.changes["name"]) == (
        "office",
        "10.0.0.7",
        [None, "人力社保所"],
    )
    page = client.get(f"/org/units/{unit.pk}/").content.decode()
    assert "人社所" in page
    assert "政策性经费" in page


def test_an_alias_that_names_another_unit_is_refused_and_nothing_is_saved(world, sign_in):
    client = sign_in("office")

    response = client.post(
        f"/org/units/{world.civil_affairs.pk}/edit/",
        {"name": "民政办", "unit_type": UnitType.PARTY_GOVERNMENT_ORGAN, "aliases": "弋阳村社区学习中心", "duties": ""},
    )

    assert response.status_code == 200
    assert "弋阳村社区学习中心" in response.content.decode()
    assert not UnitAlias.objects.filter(unit=world.civil_affairs).exists()
    assert list(world.civil_affairs.duties.values_list("text", flat=True)) == ["指导全镇开展多种形式的社区教育活动"]


def test_a_unit_edit_records_only_the_changed_fields(world, sign_in):
    client = sign_in("office")

    client.post(
        f"/org/units/{world.civil_affairs.pk}/edit/",
        {
            "name": "民政办",
            "unit_type": UnitType.PARTY_GOVERNMENT_ORGAN,
            "is_leadership_member": "on",
            "aliases": "",
            "duties": "指导全镇开展多种形式的社区教育活动",
        },
    )

    entry = AuditLogEntry.objects.get(
        action=AuditAction.UPDATE,
        object_type="organization.Unit",
        object_id=str(world.civil_affairs.pk),
        actor_label="office",
    )
    assert entry.changes == {"is_leadership_member": [False, True]}


def test_the_town_office_records_a_village_population_for_a_year(world, sign_in):
    client = sign_in("office")

    response = client.post(
        f"/org/villages/{world.yiyang.pk}/", {"population-year": "2021", "population-resident_population": "1811"}
    )

    assert response.status_code == 302
    assert VillagePopulation.objects.get(village=world.yiyang, year=2021).resident_population == 1811
    client.post(
        f"/org/villages/{world.yiyang.pk}/", {"population-year": "2021", "population-resident_population": "1809"}
    )
    assert VillagePopulation.objects.filter(village=world.yiyang, year=2021).count() == 1
    assert VillagePopulation.objects.get(village=world.yiyang, year=2021).resident_population == 1809


def test_a_negative_population_is_refused_with_a_message_on_the_field(world, sign_in):
    client = sign_in("office")

    response = client.post(
        f"/org/villages/{world.yiyang.pk}/", {"population-year": "2021", "population-resident_population": "-5"}
    )

    assert response.status_code == 200
    assert 'id="id_population-resident_population_error"' in response.content.decode()
    assert not VillagePopulation.objects.filter(village=world.yiyang, year=2021).exists()


def test_the_village_list_shows_each_village_with_its_population_and_the_total(world, sign_in):
    response = sign_in("office").get("/org/villages/")

    rows = [(village.name, cells) for village, cells in response.context["rows"]]
    assert response.context["years"] == [2020]
    assert rows == [("十字村", [1720]), ("弋阳村", [1840])]
    assert response.context["totals"] == [3560]


def test_the_structure_groups_units_by_type(world, sign_in):
    response = sign_in("office").get("/org/")

    groups = {label: [u.name for u in units] for label, units in response.context["groups"]}
    assert groups[UnitType.LEARNING_CENTRE.label] == ["十字村社区学习中心", "弋阳村社区学习中心"]
    assert groups[UnitType.PARTY_GOVERNMENT_ORGAN.label] == ["民政办"]


def test_a_centre_director_reads_the_structure_but_cannot_edit_it(world, sign_in):
    client = sign_in("center")

    assert client.get("/org/").status_code == 200
    assert client.get(f"/org/units/{world.civil_affairs.pk}/edit/").status_code == 403
    response = client.post(
        f"/org/villages/{world.yiyang.pk}/", {"population-year": "2021", "population-resident_population": "1"}
    )
    assert response.status_code == 403
    assert not VillagePopulation.objects.filter(year=2021).exists()


def test_another_towns_unit_is_not_found(world, sign_in):
    other = Unit.objects.filter(town=world.nantuo).first()

    assert sign_in("office").get(f"/org/units/{other.pk}/").status_code == 404


def test_create_town_adds_a_town_with_villages_and_their_learning_centres_once(world):
    arguments = ["baitao", "--name", "白涛街道", "--district-code", "500102", "--village", "三门子社区:500102001001"]
    call_command("create_town", *arguments, "--village", "新华村", stdout=StringIO())
    call_command("create_town", *arguments, stdout=StringIO())

    town = Town.objects.get(slug="baitao")
    assert town.district == world.district
    assert sorted(Village.objects.filter(town=town).values_list("name", "code")) == [
        ("三门子社区", "500102001001"),
        ("新华村", ""),
    ]
    assert set(Unit.objects.filter(town=town).values_list("name", flat=True)) == {
        "三门子社区学习中心",
        "三门子社区居委会",
        "新华村社区学习中心",
        "新华村村委会",
    }


def test_an_evaluator_switches_between_the_towns_of_the_district(world, sign_in):
    client = sign_in("evaluator")

    client.post("/org/towns/switch/", {"town": "nantuo", "next": "/org/villages/"})
    response = client.get("/org/villages/")

    assert [village.name for village, _cells in response.context["rows"]] == ["关东村"]
    assert client.post("/org/towns/switch/", {"town": "nowhere"}).status_code == 404
