"""When the dashboard holds every lead (the board's unfiltered item=0 read), the list is cut
from it locally (leads/localcut.py): it must show exactly what TaskIP would answer for the same
query, and not be cut locally for a shape a self-check switched off."""

import pytest
from django.urls import reverse

from crmui import api
from leads import localcut, selectors
from leads.selectors import LeadQuery

pytestmark = pytest.mark.django_db


def _queries(statuses, sources, members):
    yield LeadQuery()
    yield LeadQuery(search="son")
    yield LeadQuery(search="ACME")  # company name, any case
    yield LeadQuery(status_id=statuses[1].id)
    yield LeadQuery(source_id=sources[0].id, is_converted=0)
    yield LeadQuery(is_converted=1)
    yield LeadQuery(assigned_to=members[0].id)
    yield LeadQuery(from_date="2026-10-01", to_date="2026-11-15")
    for sort_by in ("name", "lead_interaction_date", "status"):
        for order in ("asc", "desc"):
            yield LeadQuery(sort_by=sort_by, sort_order=order)
    yield LeadQuery(search="a", sort_by="name", sort_order="asc")
    yield LeadQuery(search="emile")  # accent-insensitive: finds "Émile"
    yield LeadQuery(search="ZOË")  # case-insensitive beyond ASCII


@pytest.fixture
def accented_leads(use_sandbox):
    """Names whose order differs between a case/accent-insensitive collation and byte order,
    and leads without an interaction date (NULL first on ascending sorts)."""
    return [
        use_sandbox.create_lead(first_name="Émile", last_name="Zola"),
        use_sandbox.create_lead(first_name="zoë", last_name="Ångström"),
        use_sandbox.create_lead(first_name="Aaron", last_name="émile"),
    ]


def test_local_pages_equal_what_taskip_answers(use_sandbox, accented_leads):
    c = api.client()
    everything = c.leads.list(item=0).items
    statuses, sources = c.attributes.all(type=1), c.attributes.all(type=2)
    members = c.team_members.all()
    for q in _queries(statuses, sources, members):
        for page in (1, 2):
            remote = c.leads.list(**q.api_params(), item=10, page=page)
            local = selectors.page_of(everything, q, page, 10)
            assert [l.id for l in local.items] == [l.id for l in remote.items], q
            assert local.has_next == remote.has_next, q


def test_name_sort_is_case_and_accent_insensitive_and_nulls_come_first_ascending(use_sandbox, accented_leads):
    c = api.client()
    everything = c.leads.list(item=0).items
    by_name = localcut.cut(everything, LeadQuery(sort_by="name", sort_order="asc"), 1, 10_000).items
    names = [l.first_name for l in by_name]
    assert names.index("Émile") < names.index("zoë")
    assert names.index("Aaron") < names.index("Émile")
    by_date = localcut.cut(everything, LeadQuery(sort_by="lead_interaction_date", sort_order="asc"), 1, 10_000).items
    undated = [l for l in by_date if l.lead_interaction_date is None]
    assert undated and by_date[: len(undated)] == tuple(undated)
    remote = c.leads.list(sort_by="lead_interaction_date", sort_order="asc", item=len(undated)).items
    assert all(l.lead_interaction_date is None for l in remote)


def test_a_switched_off_shape_is_asked_of_taskip(sales_client, use_sandbox):
    sales_client.get(reverse("leads:board"))
    localcut.record("sort:name", matched=False, detail="differs")
    by_name = sales_client.get(reverse("leads:list"), {"sort": "name", "dir": "asc"})
    assert by_name["X-Upstream-Calls"] == "1"
    by_date = sales_client.get(reverse("leads:list"), {"sort": "date", "dir": "asc"})
    assert by_date["X-Upstream-Calls"] == "0"
    localcut.record("sort:name", matched=True)
    again = sales_client.get(reverse("leads:list"), {"sort": "name", "dir": "desc"})
    assert again["X-Upstream-Calls"] == "0"


def test_list_costs_no_call_once_the_board_holds_every_lead(sales_client, use_sandbox):
    sales_client.get(reverse("leads:board"))  # the board reads every lead once
    response = sales_client.get(reverse("leads:list"), {"q": "son", "sort": "name", "dir": "asc"})
    assert response["X-Upstream-Calls"] == "0"
    assert "<tbody" in response.content.decode()
    refreshed = sales_client.get(reverse("leads:list"), {"q": "son", "refresh": "1"})
    assert refreshed["X-Upstream-Calls"] == "1"  # Refresh always asks TaskIP
