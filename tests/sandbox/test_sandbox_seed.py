"""Seed determinism, idempotence and the 10,000-lead performance budget."""

import sqlite3

import requests

from sandbox.testing import prepare_db, start_sandbox

TABLES = [
    "sandbox_teammember",
    "sandbox_company",
    "sandbox_leadattribute",
    "sandbox_lead",
    "sandbox_lead_attributes",
    "sandbox_lead_assignees",
    "sandbox_lead_files",
    "sandbox_leadnote",
    "sandbox_contact",
    "sandbox_media",
]


def dump(db):
    con = sqlite3.connect(db)
    try:
        out = {}
        for t in TABLES:
            rows = con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
            if t == "sandbox_media":  # stored names are deterministic too, keep all columns
                pass
            out[t] = rows
        return out
    finally:
        con.close()


def test_seed_is_deterministic_and_idempotent(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    prepare_db(a / "db.sqlite3", a / "media", leads=80, hostile=True)
    prepare_db(b / "db.sqlite3", b / "media", leads=80, hostile=True)
    prepare_db(c / "db.sqlite3", c / "media", leads=80, seed=7)
    da, db_, dc = dump(a / "db.sqlite3"), dump(b / "db.sqlite3"), dump(c / "db.sqlite3")
    assert da == db_
    assert da["sandbox_lead"] != dc["sandbox_lead"]
    assert len(da["sandbox_lead"]) == 83  # 80 + 3 hostile
    out = prepare_db(a / "db.sqlite3", a / "media", leads=80)
    assert "already seeded" in out
    assert dump(a / "db.sqlite3") == da
    out = prepare_db(a / "db.sqlite3", a / "media", leads=20, flush=True)
    assert len(dump(a / "db.sqlite3")["sandbox_lead"]) == 20


def test_seed_realism(api):
    leads = api("GET", "/lead", params={"item": 0}).json()["data"]
    seeded = [d for d in leads if d["first_name"] not in ("Test", "Johnny", "John", "Val", "Zebedee", "Conv", "B")]
    assert any(d["email"] is None for d in seeded)
    assert {d["currency"] for d in seeded} >= {"USD"}
    assert all(500 <= d["value"] <= 50000 for d in seeded if d["value"] is not None)
    assert any(d["converted"] for d in seeded)
    assert any(len(d["statuses"]) == 2 for d in seeded)  # a lead that passed through an earlier stage
    assert any(not d["statuses"] for d in seeded)  # and one with no status at all
    statuses = api("GET", "/lead-attribute", params={"type": 1}).json()["data"]
    assert [s["order"] for s in statuses[:6]] == [1, 2, 3, 4, 5, 6]


def test_hostile_seed_and_ten_thousand_leads_are_served_whole(tmp_path):
    # How fast this is gets measured in bench/ (timings are not test assertions: CI is noisy).
    server = start_sandbox(tmp_path, leads=10000, contacts=40, hostile=True, threads=2)
    try:
        r = requests.get(server.api_url + "/lead", params={"item": 0}, headers=server.headers(), timeout=60)
        body = r.json()
        assert len(body["data"]) == 10003 and body["meta"]["per_page"] == 10003
        text = r.text
        assert "<script>alert(1)</script>" in text and "javascript:alert(1)" in text
        assert any(len(d["first_name"]) == 5000 for d in body["data"])
        r = requests.get(
            server.api_url + "/lead",
            params={"item": 0, "sort_by": "status", "search": "son"},
            headers=server.headers(),
            timeout=60,
        )
        assert r.status_code == 200 and 0 < len(r.json()["data"]) < 10003
        assert (
            "<script>"
            in requests.get(
                server.api_url + "/contact", params={"search": "example.com"}, headers=server.headers(), timeout=30
            ).text
        )
    finally:
        server.stop()
