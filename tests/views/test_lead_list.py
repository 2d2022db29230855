"""The lead list: search, filters, sorting, paging in the URL; the #lead-table partial; errors."""

import re
import time
from urllib.parse import parse_qs, urlparse
from uuid import uuid4

import pytest
from django.urls import reverse

from tests.conftest import warm_reference

pytestmark = pytest.mark.django_db


URL = "/leads/"


def make_lead(sandbox, tag, **fields):
    return sandbox.create_lead(**{"email": f"{tag}-{uuid4().hex[:8]}@example.com", **fields})


def html_of(response):
    return response.content.decode()


def test_full_page_has_filters_table_and_actions(sales_client, use_sandbox):
    response = sales_client.get(URL)
    html = html_of(response)
    assert response.status_code == 200
    assert 'id="filters"' in html and 'id="lead-table"' in html
    for name in ("q", "status", "source", "assigned", "converted", "from", "to", "per"):
        assert f'name="{name}"' in html
    assert reverse("leads:create") in html
    assert reverse("leads:board") in html
    assert re.search(r"updated <time[^>]*>just now</time>", html) and "Refresh" in html


def test_htmx_request_gets_only_the_table_with_sort_state(sales_client, use_sandbox):
    response = sales_client.get(URL + "?sort=name&dir=asc", HTTP_HX_REQUEST="true")
    html = html_of(response)
    assert html.lstrip().startswith('<div id="lead-table"')
    assert "<html" not in html and 'id="filters"' not in html
    # the filter form's hidden sort inputs are refreshed out of band
    assert 'id="filter-state" hx-swap-oob="true"' in html
    assert 'name="sort" value="name"' in html


def test_search_finds_a_lead_by_company_less_unique_name(sales_client, use_sandbox):
    tag = f"zq{uuid4().hex[:6]}"
    make_lead(use_sandbox, tag, first_name=f"Wilhelmina{tag}", last_name="Stone")
    response = sales_client.get(URL, {"q": f"wilhelmina{tag}"})
    html = html_of(response)
    assert f"Wilhelmina{tag} Stone" in html
    assert html.count('class="lead-name"') == 1
    assert f'value="wilhelmina{tag}"' in html  # the search box keeps what was typed


def test_filters_reach_the_api_and_narrow_the_rows(sales_client, use_sandbox):
    tag = f"flt{uuid4().hex[:6]}"
    hit = make_lead(
        use_sandbox,
        tag,
        first_name="Hit",
        status_ids=[3],
        source_ids=[8],
        assigned_to=[2],
        lead_interaction_date="2025-03-10",
    )
    make_lead(
        use_sandbox,
        tag,
        first_name="WrongStatus",
        status_ids=[4],
        source_ids=[8],
        assigned_to=[2],
        lead_interaction_date="2025-03-10",
    )
    make_lead(
        use_sandbox,
        tag,
        first_name="WrongDate",
        status_ids=[3],
        source_ids=[8],
        assigned_to=[2],
        lead_interaction_date="2024-01-01",
    )
    make_lead(
        use_sandbox,
        tag,
        first_name="WrongPerson",
        status_ids=[3],
        source_ids=[8],
        assigned_to=[4],
        lead_interaction_date="2025-03-10",
    )
    response = sales_client.get(
        URL,
        {"q": tag, "status": 3, "source": 8, "assigned": 2, "converted": "0", "from": "2025-03-01", "to": "2025-03-31"},
    )
    html = html_of(response)
    assert response.status_code == 200
    assert reverse("leads:detail", args=[hit["id"]]) in html
    assert "WrongStatus" not in html and "WrongDate" not in html and "WrongPerson" not in html
    # the form shows the active filters
    assert '<option value="3" selected>' in html and '<option value="8" selected>' in html
    assert '<option value="0" selected>Active only' in html
    assert 'value="2025-03-01"' in html and 'value="2025-03-31"' in html


def test_filters_build_the_documented_api_query():
    from django.http import QueryDict

    from leads.selectors import LeadQuery

    q = LeadQuery.from_params(
        QueryDict(
            "q=acme&status=3&source=8&assigned=2&converted=1&from=2025-03-31&to=2025-03-01&sort=date&dir=asc&junk=1"
        )
    )
    assert q.api_params() == {
        "search": "acme",
        "status_id": 3,
        "source_id": 8,
        "assigned_to": 2,
        "is_converted": 1,
        "from_date": "2025-03-01",
        "to_date": "2025-03-31",
        "sort_by": "lead_interaction_date",
        "sort_order": "asc",
    }
    bad = LeadQuery.from_params(QueryDict("status=abc&converted=7&from=notadate&sort=evil&dir=up"))
    assert bad.api_params() == {}


def test_assigned_filter_offers_team_members_by_name(sales_client, use_sandbox):
    html = html_of(sales_client.get(URL))
    select = html.split('name="assigned"')[1].split("</select>")[0]
    from crmui import reference

    names = reference.team_member_names()
    some = next(iter(names.items()))
    assert f'<option value="{some[0]}"' in select and some[1] in select


def test_my_leads_shortcut_uses_the_linked_team_member(sales_client, use_sandbox):
    tag = f"mine{uuid4().hex[:6]}"
    mine = make_lead(use_sandbox, tag, first_name="Mine", assigned_to=[3])
    other = make_lead(use_sandbox, tag, first_name="NotMine", assigned_to=[4])
    html = html_of(sales_client.get(URL))
    assert "My leads" in html and "assigned=3" in html  # sally is team member 3
    html = html_of(sales_client.get(URL, {"assigned": 3, "q": tag}))
    assert reverse("leads:detail", args=[mine["id"]]) in html
    assert reverse("leads:detail", args=[other["id"]]) not in html
    my_chip = html.split(">My leads</a>")[0].rsplit("<a", 1)[1]
    assert "qv-chip active" in my_chip


def test_user_without_team_member_has_no_my_leads(client, django_user_model, use_sandbox):
    from tests.conftest import make_user

    user = make_user(django_user_model, "nolink", "Sales")
    client.force_login(user)
    assert "My leads" not in html_of(client.get(URL))


def test_sorting_headers_flip_direction_and_sort_rows(sales_client, use_sandbox):
    tag = f"srt{uuid4().hex[:6]}"
    for name in ("Bravo", "Alpha", "Charlie"):
        make_lead(use_sandbox, tag, first_name=f"{name}{tag}")
    html = html_of(sales_client.get(URL, {"q": tag, "sort": "name", "dir": "asc"}))
    assert html.index(f"Alpha{tag}") < html.index(f"Bravo{tag}") < html.index(f"Charlie{tag}")
    name_th = html.split('aria-sort="ascending"')[1].split("</th>")[0]
    assert "sort=name" in name_th and "dir=desc" in name_th  # clicking again flips
    html = html_of(sales_client.get(URL, {"q": tag, "sort": "name", "dir": "desc"}))
    assert html.index(f"Charlie{tag}") < html.index(f"Bravo{tag}") < html.index(f"Alpha{tag}")


def test_paging_follows_has_next_with_the_same_query(sales_client, use_sandbox):
    tag = f"pg{uuid4().hex[:6]}"
    for i in range(12):
        make_lead(use_sandbox, tag, first_name=f"P{i:02d}{tag}")
    html = html_of(sales_client.get(URL, {"q": tag, "per": 10, "sort": "name", "dir": "asc"}))
    assert html.count('class="lead-name"') == 10
    next_link = html.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    params = parse_qs(urlparse(next_link).query)
    assert params["page"] == ["2"] and params["q"] == [tag] and params["per"] == ["10"] and params["sort"] == ["name"]
    html2 = html_of(sales_client.get(next_link))
    assert html2.count('class="lead-name"') == 2
    assert 'rel="next"' not in html2 and 'rel="prev"' in html2
    assert f"P10{tag}" in html2 and f"P00{tag}" not in html2


def test_page_size_choice_is_validated(sales_client, use_sandbox):
    html = html_of(sales_client.get(URL, {"per": 7}))
    assert '<option value="25" selected>25 per page' in html


def test_rows_show_badges_value_assignees_date_and_converted(sales_client, use_sandbox):
    tag = f"row{uuid4().hex[:6]}"
    lead = make_lead(
        use_sandbox,
        tag,
        first_name="Rowena",
        status_ids=[2],
        source_ids=[7],
        assigned_to=[1],
        value=1234.5,
        currency="EUR",
        lead_interaction_date="2025-02-03",
    )
    html = html_of(sales_client.get(URL, {"q": tag}))
    row = html.split(reverse("leads:detail", args=[lead["id"]]))[1].split("</tr>")[0]
    assert 'data-color="#9b59b6"' in row and "Contacted" in row and "Website" in row
    assert "1,234.50" in row and "EUR" in row and "3 Feb 2025" in row
    from crmui import reference

    assert reference.team_member_names()[1] in row
    use_sandbox.api("POST", f"/lead/{lead['id']}/convert")
    html = html_of(sales_client.get(URL, {"q": tag, "refresh": 1}))
    assert "badge-converted" in html


def test_refresh_bypasses_the_cache(sales_client, use_sandbox):
    sales_client.get(URL)
    assert sales_client.get(URL)["X-Upstream-Calls"] == "0"
    assert int(sales_client.get(URL, {"refresh": 1})["X-Upstream-Calls"]) >= 1


@pytest.mark.parametrize("page", ["leads:list", "leads:board", "reports:overview"])
def test_a_cold_page_makes_its_calls_at_the_same_time_and_a_warm_one_makes_none(sales_client, use_sandbox, page):
    # every call takes at least 0.4 s at TaskIP: the leads, the statuses and sources and the team
    # one after another would take 1.2 s or more
    use_sandbox.config(latency_ms=400)
    started = time.monotonic()
    cold = sales_client.get(reverse(page))
    took = time.monotonic() - started
    assert cold.status_code == 200 and int(cold["X-Upstream-Calls"]) >= 3
    assert float(cold["X-Upstream-Ms"]) >= 3 * 400  # every call it waited for counted, the every-lead fetch too
    assert took < 2 * float(cold["X-Upstream-Longest-Ms"]) / 1000, (took, cold["X-Upstream-Longest-Ms"])
    warm = sales_client.get(reverse(page))
    assert warm.status_code == 200 and warm["X-Upstream-Calls"] == "0"


def test_empty_state_for_filters_that_match_nothing(sales_client, use_sandbox):
    html = html_of(sales_client.get(URL, {"q": f"nothing-{uuid4().hex}"}))
    assert "No leads match these filters" in html and "Reset filters" in html
    assert "<table" not in html


@pytest.mark.parametrize("fault", [500, 429, "malformed"])
def test_api_failure_is_shown_in_the_table_area_with_retry(sales_client, use_sandbox, fault):
    warm_reference()  # so the fault hits the lead read (the dashboard holds no snapshot yet)
    use_sandbox.fail_next(status=fault, count=2, path_contains="/lead", method="GET")
    response = sales_client.get(URL, {"q": "x" + uuid4().hex[:6]}, HTTP_HX_REQUEST="true")
    html = html_of(response)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="lead-table"')
    assert "The leads could not be loaded" in html and "Try again" in html
    if fault == 429:
        assert "Try again in 30 seconds" in html


def test_full_page_error_keeps_filters_usable(sales_client, use_sandbox):
    warm_reference()
    use_sandbox.fail_next(status=500, count=2, path_contains="/lead", method="GET")
    html = html_of(sales_client.get(URL, {"q": "x" + uuid4().hex[:6], "status": 2}))
    assert "The leads could not be loaded" in html
    assert 'id="filters"' in html and '<option value="2" selected>' in html


def test_no_export_link_for_sales(sales_client, use_sandbox):
    assert "Export CSV" not in html_of(sales_client.get(URL, {"status": 1}))


def test_export_link_for_managers_carries_the_query(manager_client, use_sandbox):
    html = html_of(manager_client.get(URL, {"q": "a", "status": 1}))
    assert reverse("reports:export_leads") + "?q=a&amp;status=1" in html


def test_bulk_checkboxes_only_for_bulk_role(sales_client, use_sandbox):
    html = html_of(sales_client.get(URL))
    assert 'name="ids"' not in html and "data-check-all" not in html


def test_bulk_checkboxes_for_managers(manager_client, use_sandbox):
    html = html_of(manager_client.get(URL))
    assert 'name="ids"' in html and "data-check-all" in html and 'name="do"' in html


def test_status_cell_leads_with_the_stage_the_board_places_it_in(sales_client, use_sandbox):
    tag = f"stg{uuid4().hex[:6]}"
    lead = make_lead(use_sandbox, tag, first_name="Staged", status_ids=[1, 4])
    html = html_of(sales_client.get(URL, {"q": tag}))
    row = html.split(reverse("leads:detail", args=[lead["id"]]))[1].split("</tr>")[0]
    assert row.index(">Proposal<") < row.index(">New<")
    assert 'class="badge badge-outline badge-past" title="Also: New"' in row
