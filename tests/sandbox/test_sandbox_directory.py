import re

MEMBER_KEYS = [
    "id",
    "first_name",
    "last_name",
    "full_name",
    "position",
    "email",
    "uuid",
    "role",
    "created_at",
    "teams",
    "image",
    "invitation",
]


def test_team_member_list_envelope(api, sandbox):
    body = api("GET", "/team-member").json()
    assert list(body) == ["message", "data", "links", "meta"] and body["message"] == "Team member list"
    assert set(body["meta"]) == {"current_page", "from", "last_page", "path", "per_page", "to", "total"}
    assert body["meta"]["total"] == len(body["data"]) == 8 and body["meta"]["per_page"] == 50
    assert body["links"]["last"] == sandbox.api_url + "/team-member?page=1"
    m = body["data"][0]
    assert list(m) == MEMBER_KEYS
    assert re.fullmatch(r"\d{2}, [A-Z][a-z]{2}, \d{4}", m["created_at"])


def test_team_member_paging_filters_and_sort(api):
    page = api("GET", "/team-member", params={"limit": 3, "page": 2}).json()
    assert page["meta"]["last_page"] == 3 and page["meta"]["from"] == 4 and len(page["data"]) == 3
    assert page["links"]["next"].endswith("/team-member?page=3")
    assert api("GET", "/team-member", params={"limit": 101}).status_code == 422
    assert [m["email"] for m in api("GET", "/team-member", params={"search": "priya"}).json()["data"]] == [
        "priya.patel@example.com"
    ]
    managers = api("GET", "/team-member", params={"role": "manager"}).json()["data"]
    assert managers and all(m["role"] == "manager" for m in managers)
    assert api("GET", "/team-member", params={"status": "pending"}).json()["meta"]["total"] == 1
    assert api("GET", "/team-member", params={"department": "Support"}).json()["meta"]["total"] == 1
    names = [
        m["first_name"] for m in api("GET", "/team-member", params={"sort": "name", "order": "asc"}).json()["data"]
    ]
    assert names == sorted(names, key=str.lower)


def test_team_member_detail(api):
    body = api("GET", "/team-member/1").json()
    assert body["message"] == "Team Member Details" and body["data"]["full_name"] == "Admin User"
    assert api("GET", "/team-member/999").status_code == 404


def test_company_list(api):
    body = api("GET", "/company", params={"limit": 10}).json()
    assert list(body) == ["message", "data", "links", "meta"] and body["message"] == "Company list"
    assert body["meta"]["total"] == 15 and body["meta"]["last_page"] == 2 and len(body["data"]) == 10
    c = body["data"][0]
    for k in (
        "id",
        "name",
        "email",
        "phone_number",
        "website",
        "size",
        "type",
        "country_id",
        "country",
        "state_id",
        "state",
        "city_id",
        "city",
        "address",
        "created_at",
        "image",
    ):
        assert k in c
    assert [c["name"] for c in api("GET", "/company", params={"search": "hooli.xyz"}).json()["data"]] == ["Hooli"]
    names = [c["name"] for c in api("GET", "/company", params={"sort": "name", "order": "asc"}).json()["data"]]
    assert names == sorted(names, key=str.lower)
    assert api("GET", "/company", params={"industry": "software"}).json()["meta"]["total"] == 3
