"""The lead list says how many leads match (exactly when the dashboard holds every lead, "25+"
when only TaskIP's pages are known), and sorting by status follows the stage each row shows
when the list is cut locally; when TaskIP sorts, the page says what its sort does."""

import re
from uuid import uuid4

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _statuses(sandbox):
    data = sandbox.api("GET", "/lead-attribute", params={"item": 100}).json()["data"]
    return sorted([a for a in data if a["type"] == 1], key=lambda a: (a["order"], a["id"]))


def _lead(sandbox, tag, first, **fields):
    r = sandbox.api(
        "POST",
        "/lead",
        json={"first_name": first, "last_name": tag, "email": f"{first.lower()}-{tag.lower()}@example.com", **fields},
    )
    assert r.status_code in (200, 201), r.text
    return r.json()["data"]


def _names(html):
    return re.findall(r'class="lead-name"[^>]*>([^<]+)</a>', html)


def _count(html):
    return re.search(r'id="match-count">([^<]*)<', html).group(1)


def test_the_exact_number_of_matches_when_the_dashboard_holds_every_lead(sales_client, use_sandbox):
    tag = "Cnt" + uuid4().hex[:6]
    for first in ("Ann", "Ben", "Cat"):
        _lead(use_sandbox, tag, first)
    sales_client.get(reverse("leads:board"))  # the board reads every lead once
    response = sales_client.get(reverse("leads:list"), {"q": tag})
    assert response["X-Upstream-Calls"] == "0"
    assert _count(response.content.decode()) == "3 leads match"
    unfiltered = sales_client.get(reverse("leads:list")).content.decode()
    everything = use_sandbox.api("GET", "/lead", params={"item": 0}).json()["data"]
    assert _count(unfiltered) == f"{len(everything):,} leads match"


def test_a_full_page_from_taskip_says_25_plus_and_the_last_page_says_the_number(sales_client, use_sandbox):
    from leads import localcut

    # the default order switched off for local cutting: the list's pages come from TaskIP itself
    localcut.record("sort:created_at", matched=False, detail="differs")
    html = sales_client.get(reverse("leads:list")).content.decode()
    assert _count(html) == "25+ leads match"
    page2 = sales_client.get(reverse("leads:list"), {"page": 2}).content.decode()
    assert _count(page2) == "50+ leads match"
    tag = "One" + uuid4().hex[:6]
    _lead(use_sandbox, tag, "Solo")
    assert _count(sales_client.get(reverse("leads:list"), {"q": tag}).content.decode()) == "1 lead matches"


def test_status_sort_cut_locally_follows_the_stage_each_row_shows(sales_client, use_sandbox):
    statuses = _statuses(use_sandbox)
    first, middle, last = statuses[0], statuses[len(statuses) // 2], statuses[-1]
    tag = "Stg" + uuid4().hex[:6]
    _lead(use_sandbox, tag, "Early", status_ids=[first["id"]])
    _lead(use_sandbox, tag, "Furthest", status_ids=[first["id"], last["id"]])  # shows the last stage
    _lead(use_sandbox, tag, "Middle", status_ids=[middle["id"]])
    _lead(use_sandbox, tag, "Nostatus")
    sales_client.get(reverse("leads:board"))
    asc = sales_client.get(reverse("leads:list"), {"q": tag, "sort": "status", "dir": "asc"})
    assert asc["X-Upstream-Calls"] == "0"
    html = asc.content.decode()
    assert _names(html) == [f"Early {tag}", f"Middle {tag}", f"Furthest {tag}", f"Nostatus {tag}"]
    assert 'id="sort-note"' not in html
    desc = sales_client.get(reverse("leads:list"), {"q": tag, "sort": "status", "dir": "desc"}).content.decode()
    assert _names(desc) == [f"Furthest {tag}", f"Middle {tag}", f"Early {tag}", f"Nostatus {tag}"]


def test_status_sort_by_taskip_says_what_its_sort_does(sales_client, use_sandbox):
    from leads import localcut

    localcut.record("sort:status", matched=False, detail="differs")  # TaskIP sorts this list itself
    html = sales_client.get(reverse("leads:list"), {"sort": "status", "dir": "asc"}).content.decode()
    note = re.search(r'id="sort-note">([^<]*)<', html)
    assert note and "earliest status" in note.group(1)
    assert 'id="sort-note"' not in sales_client.get(reverse("leads:list"), {"sort": "name"}).content.decode()
