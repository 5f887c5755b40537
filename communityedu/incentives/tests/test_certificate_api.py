from datetime import date

from communityedu.incentives.tests.test_points import YEAR, _lecture
from communityedu.incentives.tests.test_team_pages import _register


def test_the_school_issues_through_the_api_and_anyone_verifies_it(world, sign_in, client):
    school = sign_in("school")
    _register(school, world, world.people["li"])
    _lecture(world, world.people["li"], date(YEAR, 5, 9))

    issued = school.post(
        f"/api/v1/people/{world.people['li'].pk}/certificates", {"year": YEAR}, content_type="application/json"
    )
    again = school.post(
        f"/api/v1/people/{world.people['li'].pk}/certificates", {"year": YEAR}, content_type="application/json"
    )
    client.post("/accounts/sign-out/")
    verified = client.get(f"/api/v1/certificates/verify/{issued.json()['code']}")
    forged = client.get("/api/v1/certificates/verify/forged-code")

    assert issued.status_code == 201
    assert (issued.json()["serial"], issued.json()["granted"], issued.json()["lectures"]) == (
        f"新妙镇社教证〔{YEAR}〕001号",
        "1",
        1,
    )
    assert again.status_code == 400
    assert verified.status_code == 200
    assert (verified.json()["person"], verified.json()["is_revoked"]) == ("李德福", False)
    assert "id_number" not in verified.json()
    assert forged.status_code == 404
