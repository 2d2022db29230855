"""The pipeline board: columns by the placement rule, exact counts and sums from one call,
columns loading and paging on their own, and moving a card."""

from uuid import uuid4

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from tests.conftest import warm_reference

pytestmark = pytest.mark.django_db


BOARD = "/leads/board/"
# The sandbox's seeded statuses: New 1, Contacted 2, Qualified 3, Proposal 4, Negotiation 5, Won 6 (order = id)


def make_lead(sandbox, tag, **fields):
    return sandbox.create_lead(**{"email": f"{tag}-{uuid4().hex[:8]}@example.com", **fields})


def status_ids_of(sandbox, lead_id):
    return sorted(s["id"] for s in sandbox.api("GET", f"/lead/{lead_id}").json()["data"]["statuses"])


def col(html, key):
    return html.split(f'data-column="{key}"')[1].split("</section>")[0]


# --------------------------------------------------------------------------- the page
def test_board_page_has_a_column_per_status_in_order_plus_no_status(sales_client, use_sandbox):
    response = sales_client.get(BOARD)
    html = response.content.decode()
    assert response.status_code == 200
    keys = [part.split('"')[0] for part in html.split('data-column="')[1:] if "<h2" in part.split("</header>")[0]]
    assert keys[:7] == ["none", "s1", "s2", "s3", "s4", "s5", "s6"]
    assert "No status" in html and "Qualified" in html
    assert 'hx-trigger="load"' in html and reverse("leads:board_column", args=["s1"]) in html
    assert 'name="status"' not in html  # the status filter is hidden on the board
    assert 'name="source"' in html and 'name="assigned"' in html
    assert "/static/js/board.js" in html and "sortable-1.15.7.min.js" in html


def test_board_costs_one_lead_call_and_columns_cost_none(sales_client, use_sandbox):
    warm_reference()
    use_sandbox.reset_stats()
    tag = f"one{uuid4().hex[:6]}"
    response = sales_client.get(BOARD, {"q": tag})
    assert response["X-Upstream-Calls"] == "1"
    column = sales_client.get(reverse("leads:board_column", args=["s1"]), {"q": tag}, HTTP_HX_REQUEST="true")
    assert column["X-Upstream-Calls"] == "0"


def test_headers_show_exact_counts_and_sums_beyond_the_loaded_cards(sales_client, use_sandbox):
    tag = f"sum{uuid4().hex[:6]}"
    for i in range(23):
        make_lead(use_sandbox, tag, first_name=f"Q{i}", status_ids=[1, 3], value=100, currency="USD")
    make_lead(use_sandbox, tag, first_name="Euro", status_ids=[3], value=50, currency="EUR")
    make_lead(use_sandbox, tag, first_name="Nostat", value=7, currency="USD")
    html = sales_client.get(BOARD, {"q": tag}).content.decode()
    qualified = col(html, "s3")
    assert '<span class="col-count" title="Leads in this stage">24</span>' in qualified
    assert "2,300 USD" in qualified and "50 EUR" in qualified
    assert '<span class="col-count" title="Leads in this stage">0</span>' in col(html, "s1")  # placed by highest order
    assert '<span class="col-count" title="Leads in this stage">1</span>' in col(html, "none")

    # the column loads its first 20 cards, then "load more" brings the rest
    url = reverse("leads:board_column", args=["s3"])
    first = sales_client.get(url, {"q": tag}, HTTP_HX_REQUEST="true").content.decode()
    assert first.count('<article class="lead-card') == 20
    assert "4 left" in first
    more = first.split('hx-get="')[-1].split('"')[0].replace("&amp;", "&")
    assert "offset=20" in more and f"q={tag}" in more
    rest = sales_client.get(more, HTTP_HX_REQUEST="true").content.decode()
    assert rest.count('<article class="lead-card') == 4 and "load-more" not in rest


def test_filters_apply_to_the_board(sales_client, use_sandbox):
    tag = f"bf{uuid4().hex[:6]}"
    make_lead(use_sandbox, tag, first_name="Referral", status_ids=[2], source_ids=[8])
    make_lead(use_sandbox, tag, first_name="Website", status_ids=[2], source_ids=[7])
    html = sales_client.get(BOARD, {"q": tag, "source": 8}).content.decode()
    assert '<span class="col-count" title="Leads in this stage">1</span>' in col(html, "s2")
    assert '<option value="8" selected>' in html


def test_cards_show_name_company_value_and_assignee_initials(sales_client, use_sandbox):
    tag = f"card{uuid4().hex[:6]}"
    make_lead(
        use_sandbox,
        tag,
        first_name="Cardy",
        last_name="Lead",
        status_ids=[5],
        value=990,
        currency="GBP",
        assigned_to=[1],
        company_id=1,
    )
    html = sales_client.get(reverse("leads:board_column", args=["s5"]), {"q": tag}).content.decode()
    assert "Cardy Lead" in html and "990 GBP" in html and 'class="card-avatar"' in html
    assert 'class="card-company' in html


def test_htmx_board_request_gets_only_the_board(sales_client, use_sandbox):
    html = sales_client.get(BOARD, HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<div id="board"') and "<html" not in html


@pytest.mark.parametrize("fault", [500, 429, "malformed"])
def test_board_failure_is_shown_in_the_board_area(sales_client, use_sandbox, fault):
    warm_reference()  # the fault hits the first lead read
    use_sandbox.fail_next(status=fault, count=2, path_contains="/lead", method="GET")
    html = sales_client.get(BOARD, {"q": uuid4().hex[:6]}).content.decode()
    assert "The board could not be loaded" in html and "Try again" in html
    assert 'id="filters"' in html


def test_column_failure_is_shown_in_the_column(sales_client, use_sandbox):
    warm_reference()
    use_sandbox.fail_next(status=500, count=2, path_contains="/lead", method="GET")
    html = sales_client.get(
        reverse("leads:board_column", args=["s1"]), {"q": uuid4().hex[:6]}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "col-error" in html and "Try again" in html


# --------------------------------------------------------------------------- moving
def move(client, lead_id, to, filters=""):
    return client.post(
        reverse("leads:move"), {"lead_id": lead_id, "to": to, "filters": filters}, HTTP_ACCEPT="application/json"
    )


def test_move_sets_the_statuses_by_the_rule_and_audits(sales_client, sales_user, use_sandbox):
    tag = f"mv{uuid4().hex[:6]}"
    lead = make_lead(use_sandbox, tag, first_name="Mover", status_ids=[1, 2, 5])
    sales_client.get(BOARD, {"q": tag})
    response = move(sales_client, lead["id"], "s3", f"q={tag}")
    data = response.json()
    assert response.status_code == 200 and data["ok"] and data["changed"]
    assert "Mover moved to Qualified" in data["message"]
    assert status_ids_of(use_sandbox, lead["id"]) == [1, 2, 3]
    assert data["columns"]["s3"]["count"] == 1 and data["columns"]["s5"]["count"] == 0
    entry = AuditEntry.objects.get(action="lead.move", object_id=str(lead["id"]))
    assert entry.user == sales_user and entry.outcome == "ok"
    assert entry.changes["status_ids"] == [[1, 2, 5], [1, 2, 3]]
    # the board is fresh after the move (cache invalidated)
    html = sales_client.get(BOARD, {"q": tag}).content.decode()
    assert '<span class="col-count" title="Leads in this stage">1</span>' in col(html, "s3")


def test_move_to_no_status_clears_statuses(sales_client, use_sandbox):
    lead = make_lead(use_sandbox, "clr", first_name="Clear", status_ids=[2, 4])
    assert move(sales_client, lead["id"], "none").json()["ok"]
    assert status_ids_of(use_sandbox, lead["id"]) == []


def test_move_to_the_same_place_writes_nothing(sales_client, use_sandbox):
    lead = make_lead(use_sandbox, "same", first_name="Same", status_ids=[1, 4])
    use_sandbox.reset_stats()
    data = move(sales_client, lead["id"], "s4").json()
    assert data["ok"] and not data["changed"]
    assert not AuditEntry.objects.filter(object_id=str(lead["id"])).exists()


@pytest.mark.parametrize("fault,status", [(422, 422), (500, 200), (429, 429)])
def test_refused_move_answers_an_error_the_script_reverts_on(sales_client, use_sandbox, fault, status):
    lead = make_lead(use_sandbox, "ref", first_name="Refused", status_ids=[1])
    sales_client.get(BOARD)
    if fault == 422:
        use_sandbox.config(rate_limit=1000000)
        r = move(sales_client, lead["id"], "s99")  # a status that does not exist
        assert r.status_code == 422 and not r.json()["ok"] and "no longer exists" in r.json()["error"]
        return
    use_sandbox.fail_next(status=fault, count=1, path_contains=f"/lead/{lead['id']}", method="PUT")
    r = move(sales_client, lead["id"], "s2")
    assert r.status_code == status and r.json()["ok"] is False and r.json()["error"]
    assert status_ids_of(use_sandbox, lead["id"]) == [1]
    assert AuditEntry.objects.get(action="lead.move", object_id=str(lead["id"])).outcome == "failed"


def test_move_of_a_deleted_lead_is_a_404_error(sales_client, use_sandbox):
    lead = make_lead(use_sandbox, "gone", first_name="Gone")
    use_sandbox.api("DELETE", f"/lead/{lead['id']}")
    r = move(sales_client, lead["id"], "s2")
    assert r.status_code == 404 and "no longer exists" in r.json()["error"]


def test_move_needs_a_post_with_csrf_and_the_edit_role(client, django_user_model, use_sandbox):
    from django.test import Client

    from tests.conftest import make_user

    viewer = make_user(django_user_model, "viewer", None)
    client.force_login(viewer)
    assert client.post(reverse("leads:move"), {"lead_id": 1, "to": "s2"}).status_code == 403
    strict = Client(enforce_csrf_checks=True, HTTP_ACCEPT="application/json")
    strict.force_login(make_user(django_user_model, "salesx", "Sales"))
    assert strict.post(reverse("leads:move"), {"lead_id": 1, "to": "s2"}).status_code == 403
    assert strict.get(reverse("leads:move")).status_code == 405


def test_bad_move_input_is_refused(sales_client, use_sandbox):
    assert move(sales_client, "x", "s2").status_code == 400
    assert move(sales_client, 1, "drop table").status_code == 400


def test_cards_offer_a_move_menu_that_works_without_javascript(sales_client, use_sandbox):
    tag = f"kb{uuid4().hex[:6]}"
    lead = make_lead(use_sandbox, tag, first_name="Keyboard", status_ids=[1])
    html = sales_client.get(reverse("leads:board_column", args=["s1"]), {"q": tag}).content.decode()
    menu = html.split("data-move-form")[1].split("</form>")[0]
    assert 'name="to" value="s2"' in menu and 'name="to" value="s1"' not in menu and "csrfmiddlewaretoken" in menu
    assert 'name="from" value="s1"' in menu  # where the person saw it: a move made meanwhile is not overwritten
    response = sales_client.post(reverse("leads:move"), {"lead_id": lead["id"], "to": "s2", "filters": f"q={tag}"})
    assert response.status_code == 303 and response["Location"] == f"/leads/board/?q={tag}"
    assert status_ids_of(use_sandbox, lead["id"]) == [1, 2]  # New is an earlier stage: kept
    page = sales_client.get(response["Location"]).content.decode()
    assert "Keyboard moved to Contacted" in page


def test_board_with_no_matching_leads_says_so(sales_client, use_sandbox):
    html = sales_client.get(BOARD, {"q": f"nothing-{uuid4().hex}"}).content.decode()
    assert "No leads match these filters" in html and "Reset filters" in html
    assert 'data-column="s1"' in html  # the columns stay: a lead can still be dragged in later


def test_a_moved_lead_opens_without_a_call_and_shows_its_new_status(sales_client, use_sandbox):
    from crmui import api as crm_api

    client = crm_api.client()
    statuses = client.attributes.all(type=1)
    lead = client.leads.create(
        {"first_name": "Mover", "email": f"mover-{uuid4().hex[:8]}@example.com", "status_ids": [statuses[0].id]}
    )
    target = statuses[2]
    sales_client.get(reverse("leads:detail", args=[lead.id]))  # viewed once before the move
    response = sales_client.post(
        reverse("leads:move"), {"lead_id": lead.id, "to": f"s{target.id}"}, HTTP_ACCEPT="application/json"
    )
    assert response.json()["ok"], response.content
    detail = sales_client.get(reverse("leads:detail", args=[lead.id]))
    assert detail["X-Upstream-Calls"] == "0"  # the cached detail was written through
    html = detail.content.decode()
    assert f">{target.name}<" in html  # the rule keeps the earlier stage (New) and adds the target
    assert sorted(s.id for s in _statuses_in_taskip(client, lead.id)) == sorted([statuses[0].id, target.id])


def _statuses_in_taskip(client, lead_id):
    """TaskIP's own answer, past the dashboard's caches."""
    from django.core.cache import cache

    from crmui.cache import forget_memo

    cache.clear()
    forget_memo()
    return client.leads.get(lead_id).statuses


def test_a_board_column_loads_without_the_pages_navigation_reads(manager_client, use_sandbox):
    """A board view loads seven columns: none of them counts the jobs badge or builds the
    navigation, which only the page's own frame shows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("leads:board_column", args=["s1"])
    manager_client.get(BOARD)
    manager_client.get(url, HTTP_HX_REQUEST="true")
    with CaptureQueriesContext(connection) as column:
        html = manager_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "card" in html
    assert not [q for q in column.captured_queries if "jobs_job" in q["sql"] and "COUNT" in q["sql"]]
    with CaptureQueriesContext(connection) as page:
        assert "nav-toggle" in manager_client.get(BOARD).content.decode()
    assert [q for q in page.captured_queries if "jobs_job" in q["sql"] and "COUNT" in q["sql"]], "the page counts it"
