from communityedu.accounts.models import User
from communityedu.core.models import AuditLogEntry
from communityedu.organization.models import RoleAssignment


def test_the_town_office_opens_an_account_for_a_learning_centre_director(world, sign_in, client):
    office = sign_in("office")
    shizi_centre = world.shizi.units.get(unit_type="learning_centre")

    response = office.post(
        "/people/accounts/new/",
        {
            "username": "shizi",
            "display_name": "十字村主任",
            "password": "Shizi#2020",
            "role": "centre_director",
            "unit": shizi_centre.pk,
        },
    )

    assert response.status_code == 302
    account = User.objects.get(username="shizi")
    assert account.town == world.xinmiao
    assert list(RoleAssignment.objects.filter(user=account).values_list("role", "unit")) == [
        ("centre_director", shizi_centre.pk)
    ]
    assert (
        AuditLogEntry.objects.filter(
            actor_label="office", object_type="accounts.User", object_id=str(account.pk)
        ).count()
        == 1
    )
    client.post("/accounts/sign-out/")
    client.post("/accounts/sign-in/", {"username": "shizi", "password": "Shizi#2020"})
    # the password the office chose is an initial one: the director sets her own first
    assert client.get("/people/")["Location"] == "/accounts/password/"
    client.post(
        "/accounts/password/",
        {"old_password": "Shizi#2020", "new_password1": "Shizi#Zhuren9", "new_password2": "Shizi#Zhuren9"},
    )
    assert sorted(p.name for p in client.get("/people/").context["page"]) == ["王志明", "王桂芬"]


def test_a_weak_password_or_a_missing_unit_is_refused_field_by_field(world, sign_in):
    response = sign_in("office").post(
        "/people/accounts/new/",
        {"username": "weak", "display_name": "某某", "password": "password", "role": "department_staff"},
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"password", "unit"}
    assert not User.objects.filter(username="weak").exists()


def test_the_account_list_shows_roles_linked_people_and_masks_phones(world, sign_in):
    response = sign_in("office").get("/people/accounts/")

    page = response.content.decode()
    assert "138****0000" in page
    assert "13800000000" not in page
    assert "弋阳村社区学习中心" in page
    assert "nantuo" not in [a.username for a in response.context["accounts"]]
