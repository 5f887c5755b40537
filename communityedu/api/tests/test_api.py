def test_the_openapi_contract_lists_the_read_endpoints(client, db):
    schema = client.get("/api/v1/openapi.json").json()

    assert sorted(schema["paths"]) == [
        "/api/v1/accounts",
        "/api/v1/accounts/{account_id}",
        "/api/v1/accounts/{account_id}/disable",
        "/api/v1/accounts/{account_id}/enable",
        "/api/v1/accounts/{account_id}/password-reset",
        "/api/v1/accounts/{account_id}/revoke-tokens",
        "/api/v1/accounts/{account_id}/roles",
        "/api/v1/accounts/{account_id}/roles/{role_id}/withdraw",
        "/api/v1/accounts/{account_id}/unlock",
        "/api/v1/activities",
        "/api/v1/activities/{activity_id}",
        "/api/v1/activities/{activity_id}/attendance",
        "/api/v1/activities/{activity_id}/attendance/batch",
        "/api/v1/activity-reminders",
        "/api/v1/assessment/conditions",
        "/api/v1/assessment/conditions/{unit_id}",
        "/api/v1/assessment/conditions/{unit_id}/evidence",
        "/api/v1/assessment/consistency",
        "/api/v1/assessment/dossiers",
        "/api/v1/assessment/dossiers/{export_id}",
        "/api/v1/assessment/dossiers/{export_id}/{kind}",
        "/api/v1/assessment/evidence",
        "/api/v1/assessment/indicators",
        "/api/v1/assessment/self-assessment",
        "/api/v1/assessment/self-assessment/scores",
        "/api/v1/assessment/units",
        "/api/v1/assessment/units/export",
        "/api/v1/assessment/weights",
        "/api/v1/certificates/verify/{code}",
        "/api/v1/checkin/{token}",
        "/api/v1/exchange/posts",
        "/api/v1/exchange/posts/{post_id}/answer",
        "/api/v1/exchange/posts/{post_id}/moderation",
        "/api/v1/exchange/posts/{post_id}/report",
        "/api/v1/exports/people",
        "/api/v1/funding/allocations",
        "/api/v1/funding/allocations/{allocation_id}/reverse",
        "/api/v1/funding/entries/{kind}/{entry_id}",
        "/api/v1/funding/expenses",
        "/api/v1/funding/expenses/{expense_id}/reverse",
        "/api/v1/funding/government-share",
        "/api/v1/funding/government-share/threshold",
        "/api/v1/funding/per-capita",
        "/api/v1/funding/summary",
        "/api/v1/funding/units",
        "/api/v1/imports",
        "/api/v1/imports/{batch_id}",
        "/api/v1/imports/{batch_id}/confirm",
        "/api/v1/join-requests",
        "/api/v1/join-requests/{request_id}/confirm",
        "/api/v1/join-requests/{request_id}/decline",
        "/api/v1/learning-cards",
        "/api/v1/learning-cards/jobs/{job_id}",
        "/api/v1/learning-cards/jobs/{job_id}/pdf",
        "/api/v1/learning-cards/plan",
        "/api/v1/learning/resources",
        "/api/v1/learning/resources/{resource_id}",
        "/api/v1/learning/resources/{resource_id}/progress",
        "/api/v1/learning/search",
        "/api/v1/me/close",
        "/api/v1/me/first-page",
        "/api/v1/me/record",
        "/api/v1/metrics",
        "/api/v1/metrics/participants",
        "/api/v1/metrics/records",
        "/api/v1/metrics/targets",
        "/api/v1/news",
        "/api/v1/news/{item_id}",
        "/api/v1/news/{item_id}/publish",
        "/api/v1/organization/audience-groups",
        "/api/v1/organization/audience-groups/{group_id}",
        "/api/v1/organization/leadership",
        "/api/v1/organization/positions/{position_id}/holders",
        "/api/v1/organization/recurring-activities",
        "/api/v1/organization/recurring-activities/{recurring_id}",
        "/api/v1/people",
        "/api/v1/people/{person_id}",
        "/api/v1/people/{person_id}/certificates",
        "/api/v1/people/{person_id}/leave",
        "/api/v1/people/{person_id}/phone",
        "/api/v1/people/{person_id}/points",
        "/api/v1/people/{person_id}/resident-account",
        "/api/v1/people/{person_id}/resident-account/reset",
        "/api/v1/people/{person_id}/unmask",
        "/api/v1/pin-reset",
        "/api/v1/pin-reset/code",
        "/api/v1/planning/evaluations",
        "/api/v1/planning/evaluations/{evaluation_id}/items",
        "/api/v1/planning/joint-meetings",
        "/api/v1/planning/meetings",
        "/api/v1/planning/meetings/{meeting_id}",
        "/api/v1/planning/meetings/{meeting_id}/action-items",
        "/api/v1/planning/meetings/{meeting_id}/attendance",
        "/api/v1/planning/meetings/{meeting_id}/minutes",
        "/api/v1/planning/notices",
        "/api/v1/planning/notices/{notice_id}/approve",
        "/api/v1/planning/notices/{notice_id}/effective-on",
        "/api/v1/planning/notices/{notice_id}/publish",
        "/api/v1/planning/overview",
        "/api/v1/planning/phases/{number}",
        "/api/v1/planning/progress",
        "/api/v1/planning/rectification",
        "/api/v1/planning/rectification/{item_id}/close",
        "/api/v1/planning/rectification/{item_id}/evidence",
        "/api/v1/planning/rectification/{item_id}/notes",
        "/api/v1/planning/settings",
        "/api/v1/planning/tasks",
        "/api/v1/planning/tasks/{task_id}/evidence",
        "/api/v1/planning/tasks/{task_id}/status",
        "/api/v1/populations",
        "/api/v1/portal/tomorrow",
        "/api/v1/recognition",
        "/api/v1/surveys",
        "/api/v1/surveys/{survey_id}",
        "/api/v1/surveys/{survey_id}/paper-responses",
        "/api/v1/surveys/{survey_id}/responses",
        "/api/v1/surveys/{survey_id}/results",
        "/api/v1/targets",
        "/api/v1/teams/{unit_id}/members",
        "/api/v1/teams/{unit_id}/members/{membership_id}/leave",
        "/api/v1/towns",
        "/api/v1/towns/{slug}",
        "/api/v1/towns/{slug}/villages",
        "/api/v1/units",
        "/api/v1/units/{unit_id}/category",
        "/api/v1/villages",
    ]


def test_anonymous_callers_are_refused(client, world):
    assert client.get("/api/v1/towns").status_code == 401


def test_villages_come_with_their_populations(world, sign_in):
    response = sign_in("office").get("/api/v1/villages?town=xinmiao")

    body = response.json()
    assert body["count"] == 2
    assert [(v["name"], v["populations"]) for v in body["items"]] == [
        ("十字村", [{"year": 2020, "resident_population": 1720}]),
        ("弋阳村", [{"year": 2020, "resident_population": 1840}]),
    ]


def test_units_come_with_type_aliases_and_duties(world, sign_in):
    response = sign_in("office").get("/api/v1/units?town=xinmiao&unit_type=party_government_organ")

    assert response.json()["items"] == [
        {
            "id": world.civil_affairs.pk,
            "town": "xinmiao",
            "name": "民政办",
            "unit_type": "party_government_organ",
            "parent_id": None,
            "village_id": None,
            "is_leadership_member": False,
            "category": "party_government_organ",
            "aliases": [],
            "duties": ["指导全镇开展多种形式的社区教育活动"],
        }
    ]


def test_people_are_scoped_like_the_pages(world, sign_in):
    client = sign_in("center")

    names = [p["name"] for p in client.get("/api/v1/people?town=xinmiao").json()["items"]]
    assert names == ["张秀英", "李德福"]
    assert client.get(f"/api/v1/people/{world.people['wang'].pk}").status_code == 404


def test_another_town_is_not_found_through_the_api(world, sign_in):
    client = sign_in("nantuo")

    assert client.get("/api/v1/towns/xinmiao").status_code == 404
    assert client.get("/api/v1/villages?town=xinmiao").status_code == 404
    assert client.get(f"/api/v1/people/{world.people['zhang'].pk}").status_code == 404


def test_the_evaluator_lists_every_town_of_the_district(world, sign_in):
    towns = sign_in("evaluator").get("/api/v1/towns").json()["items"]

    assert sorted((t["slug"], t["district"]["code"]) for t in towns) == [("nantuo", "500102"), ("xinmiao", "500102")]
