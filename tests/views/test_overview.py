"""The overview page: numbers for a known set of leads, filters, the htmx partial, caching, errors."""

import re
from decimal import Decimal
from uuid import uuid4

import pytest
from django.urls import reverse

from tests.conftest import warm_reference

pytestmark = pytest.mark.django_db


def _attrs(sandbox):
    data = sandbox.api("GET", "/lead-attribute", params={"item": 100}).json()["data"]
    statuses = sorted([a for a in data if a["type"] == 1], key=lambda a: (a["order"], a["id"]))
    sources = sorted([a for a in data if a["type"] == 2], key=lambda a: (a["order"], a["id"]))
    return statuses, sources


def _members(sandbox):
    return sandbox.api("GET", "/team-member", params={"limit": 100}).json()["data"]


def _lead(sandbox, marker, n, **fields):
    body = {
        "first_name": f"{marker} {n}",
        "last_name": "Overview",
        "email": f"{marker.lower()}-{n}@example.com",
        **fields,
    }
    r = sandbox.api("POST", "/lead", json=body)
    assert r.status_code in (200, 201), r.text
    return r.json()["data"]


def _rows(html, chart_id):
    section = re.search(rf'<section[^>]*id="{chart_id}".*?</section>', html, re.S).group(0)
    return {
        m.group(1): (int(m.group(2)), _values(m.group(3)))
        for m in re.finditer(r'data-label="([^"]*)" data-count="(\d+)" data-values="([^"]*)"', section)
    }


def _values(text):
    """data-values="USD=300;EUR=50" -> {"USD": Decimal(300), "EUR": Decimal(50)}."""
    return {cur: Decimal(amount) for cur, amount in (part.split("=") for part in text.split(";") if part)}


@pytest.fixture
def known_leads(use_sandbox):
    """Seven leads of our own, found by a unique marker in their names."""
    sandbox = use_sandbox
    marker = "Ovw" + uuid4().hex[:8]
    statuses, sources = _attrs(sandbox)
    members = _members(sandbox)
    low, high = statuses[0], statuses[-1]
    s1, s2 = sources[0], sources[1]
    m1, m2 = members[0], members[1]
    _lead(
        sandbox,
        marker,
        1,
        status_ids=[low["id"]],
        source_ids=[s1["id"]],
        value=100,
        currency="USD",
        assigned_to=[m1["id"]],
    )
    _lead(
        sandbox,
        marker,
        2,
        status_ids=[low["id"]],
        source_ids=[s1["id"]],
        value=100,
        currency="USD",
        assigned_to=[m1["id"]],
    )
    _lead(
        sandbox,
        marker,
        3,
        status_ids=[low["id"]],
        source_ids=[s1["id"]],
        value=100,
        currency="USD",
        assigned_to=[m2["id"]],
    )
    # Two statuses: the board puts it in the one with the highest order.
    _lead(
        sandbox,
        marker,
        4,
        status_ids=[low["id"], high["id"]],
        source_ids=[s1["id"], s2["id"]],
        value=50,
        currency="USD",
    )
    _lead(sandbox, marker, 5, status_ids=[high["id"]], source_ids=[s2["id"]], value=50, currency="USD")
    _lead(sandbox, marker, 6)  # no status, no source, unassigned, no value
    converted = _lead(sandbox, marker, 7, status_ids=[high["id"]], value=200, currency="USD")
    assert sandbox.api("POST", f"/lead/{converted['id']}/convert").status_code == 200
    return {"marker": marker, "low": low, "high": high, "s1": s1, "s2": s2, "m1": m1, "m2": m2}


def test_overview_numbers_for_a_known_set_of_leads(manager_client, known_leads):
    k = known_leads
    response = manager_client.get(reverse("reports:overview"), {"q": k["marker"]})
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'id="kpi-total">7<', html)
    assert re.search(r'id="kpi-value">600<', html)
    assert re.search(r'id="kpi-conversion">14\.3%<', html)
    assert "1 of 7 converted" in html

    funnel = _rows(html, "chart-funnel")
    assert funnel[k["low"]["name"]] == (3, {"USD": Decimal(300)})
    assert funnel[k["high"]["name"]] == (3, {"USD": Decimal(300)})  # leads 4, 5 and 7
    assert funnel["No status"] == (1, {})
    labels = list(funnel)
    assert labels.index(k["low"]["name"]) < labels.index(k["high"]["name"]) < labels.index("No status")

    sources = _rows(html, "chart-sources")
    assert sources[k["s1"]["name"]][0] == 4
    assert sources[k["s2"]["name"]][0] == 2
    assert sources["No source"][0] == 2

    assignees = _rows(html, "chart-assignees")
    assert assignees[k["m1"]["full_name"]][0] == 2
    assert assignees[k["m2"]["full_name"]][0] == 1
    assert assignees["Unassigned"][0] == 4

    # This week's column holds all seven (created now); the chart shows twelve weeks.
    weeks = re.findall(r'<span class="week-count num">(\d+)</span>', html)
    assert len(weeks) == 12 and weeks[-1] == "7"
    assert re.search(r'id="kpi-new">7<', html)
    # Bars are SVG rects with widths as attributes: no inline styles.
    assert 'style="' not in html.split('id="overview-charts"')[1]
    assert 'width="100.0"' in html


def test_filters_narrow_the_numbers(manager_client, known_leads):
    k = known_leads
    response = manager_client.get(
        reverse("reports:overview"), {"q": k["marker"], "source_id": k["s1"]["id"], "is_converted": "0"}
    )
    html = response.content.decode()
    assert re.search(r'id="kpi-total">4<', html)
    assert f'<option value="{k["s1"]["id"]}" selected>' in html
    response = manager_client.get(reverse("reports:overview"), {"q": k["marker"], "assigned_to": k["m1"]["id"]})
    assert re.search(r'id="kpi-total">2<', response.content.decode())


def test_htmx_filter_request_swaps_only_the_charts(manager_client, known_leads):
    response = manager_client.get(
        reverse("reports:overview"),
        {"q": known_leads["marker"]},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="overview-charts",
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="overview-charts"')
    assert "<html" not in html and 'id="overview-filters"' not in html
    assert re.search(r'id="kpi-total">7<', html)
    assert f'data-qs="q={known_leads["marker"]}"' in html


def test_filter_form_pushes_the_filters_into_the_url(manager_client, use_sandbox):
    html = manager_client.get(reverse("reports:overview")).content.decode()
    form = re.search(r'<form[^>]*id="overview-filters"[^>]*>', html, re.S).group(0)
    assert 'hx-push-url="true"' in form and 'hx-target="#overview-charts"' in form
    for name in ("q", "status_id", "source_id", "assigned_to", "is_converted", "from_date", "to_date"):
        assert f'name="{name}"' in html


def test_second_view_costs_no_upstream_call(manager_client, known_leads):
    url = reverse("reports:overview") + f"?q={known_leads['marker']}"
    first = manager_client.get(url)
    assert 1 <= int(first["X-Upstream-Calls"]) <= 5  # the lead snapshot + reference data
    assert manager_client.get(url)["X-Upstream-Calls"] == "0"


def test_the_overview_costs_one_lead_call_and_any_filter_after_it_none(manager_client, known_leads, use_sandbox):
    warm_reference()
    assert manager_client.get(reverse("reports:overview"))["X-Upstream-Calls"] == "1"
    response = manager_client.get(reverse("reports:overview"), {"q": known_leads["marker"], "is_converted": "1"})
    assert response["X-Upstream-Calls"] == "0", "cut from the lead snapshot the dashboard holds"


def test_sales_may_see_the_overview_but_not_the_export_button(sales_client, use_sandbox):
    html = sales_client.get(reverse("reports:overview")).content.decode()
    assert "Overview" in html and 'id="overview-export"' not in html


@pytest.mark.parametrize("fault", [500, 429, "malformed"])
def test_upstream_failure_shows_a_clear_message(manager_client, use_sandbox, fault):
    warm_reference()  # reference data cached: the lead snapshot is what fails
    use_sandbox.fail_next(status=fault, count=2, path_contains="/lead", method="GET")
    response = manager_client.get(reverse("reports:overview"), {"q": "fault-" + uuid4().hex[:6]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "The overview could not be loaded" in html and 'role="alert"' in html


def test_no_matching_leads_shows_an_empty_state(manager_client, use_sandbox):
    html = manager_client.get(reverse("reports:overview"), {"q": "nobody-" + uuid4().hex}).content.decode()
    assert "No leads match these filters" in html
    assert re.search(r'id="kpi-total">0<', html)


def test_board_rule_furthest_status_wins_and_ties_go_to_the_lower_id():
    from crmui.taskip import Attribute, Lead
    from reports.selectors import board_status

    def st(i, order):
        return Attribute(i, f"S{i}", 1, None, order, None, None)

    lead = Lead(id=1, statuses=(st(3, 1), st(5, 4), st(4, 4)))
    assert board_status(lead, {3: 1, 4: 4, 5: 4}).id == 4
    assert board_status(Lead(id=2), {}) is None
    # The reference order (admins may have reordered) beats the order embedded in the lead.
    assert board_status(lead, {3: 9, 4: 4, 5: 4}).id == 3


def test_links_open_the_lead_list_with_its_own_parameters(manager_client, known_leads):
    k = known_leads
    html = manager_client.get(
        reverse("reports:overview"), {"q": k["marker"], "source_id": k["s1"]["id"]}
    ).content.decode()
    link = re.search(r'id="overview-list-link"[^>]*|href="([^"]*)" id="overview-list-link"', html).group(0)
    assert f"source={k['s1']['id']}" in link and f"q={k['marker']}" in link
    assert f'/leads/?q={k["marker"]}&amp;source={k["s1"]["id"]}&amp;status={k["low"]["id"]}"' in html


def test_the_board_and_the_overview_share_one_snapshot(manager_client, known_leads, use_sandbox):
    manager_client.get(reverse("leads:board"), {"q": known_leads["marker"]})
    use_sandbox.reset_stats()
    response = manager_client.get(reverse("reports:overview"), {"q": known_leads["marker"]})
    assert re.search(r'id="kpi-total">7<', response.content.decode())
    by = use_sandbox.stats()["by_endpoint"]
    assert not any(k.startswith("GET") and k.rstrip("/").endswith("/lead") for k in by), by


def test_overview_shows_each_currency_apart_and_never_adds_them(manager_client, use_sandbox):
    sandbox = use_sandbox
    marker = "Cur" + uuid4().hex[:8]
    statuses, sources = _attrs(sandbox)
    members = _members(sandbox)
    st, src, m = statuses[0], sources[0], members[0]
    for n, (value, cur) in enumerate([(1000, "USD"), (500, "EUR"), (200, "GBP"), (300, "USD")]):
        _lead(
            sandbox,
            marker,
            n,
            status_ids=[st["id"]],
            source_ids=[src["id"]],
            assigned_to=[m["id"]],
            value=value,
            currency=cur,
        )
    html = manager_client.get(reverse("reports:overview"), {"q": marker}).content.decode()
    expected = {"USD": Decimal(1300), "EUR": Decimal(500), "GBP": Decimal(200)}
    assert _rows(html, "chart-funnel")[st["name"]] == (4, expected)
    assert _rows(html, "chart-sources")[src["name"]] == (4, expected)
    member_row = next(v for label, v in _rows(html, "chart-assignees").items() if label != "Unassigned")
    assert member_row == (4, expected)
    funnel = re.search(r'<section[^>]*id="chart-funnel".*?</section>', html, re.S).group(0)
    cells = re.findall(r'<td class="num bar-value muted">(.*?)</td>', funnel, re.S)
    shown = " ".join(re.sub(r"<[^>]+>", " ", c) for c in cells)
    assert "2,000" not in shown and "2000" not in shown  # the silent sum of three currencies
    assert re.search(r"1,300\s+USD", shown) and re.search(r"500\s+EUR", shown) and re.search(r"200\s+GBP", shown)


def test_a_move_made_through_the_dashboard_shows_in_the_overview_at_once(manager_client, known_leads, use_sandbox):
    from leads.moves import move_lead

    k = known_leads
    extra = _lead(use_sandbox, k["marker"], 8)  # no status
    for _ in range(2):  # the second view serves the figures it rendered for the first
        html = manager_client.get(reverse("reports:overview"), {"q": k["marker"]}).content.decode()
        assert _rows(html, "chart-funnel")["No status"] == (2, {})
    move_lead(actor=None, lead_id=extra["id"], target_status_id=k["low"]["id"])
    html = manager_client.get(reverse("reports:overview"), {"q": k["marker"]}).content.decode()
    funnel = _rows(html, "chart-funnel")
    assert funnel["No status"] == (1, {}) and funnel[k["low"]["name"]][0] == 4
