"""The evidence API's refusals, on a small world rather than the demo."""


def test_the_evidence_api_refuses_a_cut_off_before_the_year_and_an_unknown_key(world, sign_in):
    client = sign_in("office")
    answer = client.get("/api/v1/assessment/evidence?town=xinmiao&year=2020&as_of=2019-12-31")
    assert answer.status_code == 400
    assert answer.json()["errors"] == [
        {"field": "as_of", "message": "The cut-off date 2019-12-31 lies before the year 2020."}
    ]
    answer = client.get("/api/v1/assessment/evidence?town=xinmiao&year=2020&as_of=2020-12-31&key=figure:nothing")
    assert answer.status_code == 404
    assert answer.json()["errors"] == [
        {"field": "key", "message": "No record named figure:nothing in 2020 up to 2020-12-31."}
    ]
    answer = client.get("/api/v1/assessment/evidence?town=xinmiao&year=2020&as_of=2020-12-31")
    assert answer.status_code == 200
    assert answer.json()["nodes"][0] == {
        "ref": "figure:participation",
        "kind": "figure",
        "label": "居民有组织参与率",
        "records": 0,
        "files": 0,
        "has_evidence": False,
    }
