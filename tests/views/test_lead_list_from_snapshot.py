"""When the dashboard holds every lead (the board's unfiltered item=0 read), the list is cut
from it locally: it must show exactly what TaskIP would answer for the same query."""
import pytest
from django.urls import reverse

from crmui import api
from leads import selectors
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


def test_local_pages_equal_what_taskip_answers(use_sandbox):
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


def test_list_costs_no_call_once_the_board_holds_every_lead(sales_client, use_sandbox):
    sales_client.get(reverse("leads:board"))  # the board reads every lead once
    response = sales_client.get(reverse("leads:list"), {"q": "son", "sort": "name", "dir": "asc"})
    assert response["X-Upstream-Calls"] == "0"
    assert "<tbody" in response.content.decode()
    refreshed = sales_client.get(reverse("leads:list"), {"q": "son", "refresh": "1"})
    assert refreshed["X-Upstream-Calls"] == "1"  # Refresh always asks TaskIP
