"""leads.localcut and leads.places on their own (no sandbox): TaskIP's (Laravel on MySQL)
semantics for the local list cut, and places built from leads' own names."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from crmui.taskip import Lead
from crmui.taskip.resources import Attribute
from leads import localcut
from leads.places import places_from
from leads.selfcheck import ProbeQuery


def lead(i, first, last=None, day=None, **kw):
    return Lead(
        id=i,
        first_name=first,
        last_name=last,
        email=f"{i}@x.io",
        lead_interaction_date=day,
        created_at=datetime(2026, 1, i, tzinfo=UTC),
        **kw,
    )


LEADS = [
    lead(1, "zoë", "b"),
    lead(2, "Émile", "a", date(2026, 5, 1)),
    lead(3, "Adam", None, date(2026, 4, 1)),
    lead(4, "emile", "A"),
]


def test_fold_ignores_case_and_accents():
    assert localcut.fold("Émile") == localcut.fold("EMILE") == "emile"
    assert localcut.fold("Straße") == "strasse" and localcut.fold(None) == ""


def test_name_sort_is_case_and_accent_insensitive_with_ties_by_id():
    asc = localcut.ordered(LEADS, ProbeQuery(sort_by="name", sort_order="asc"))
    assert [l.id for l in asc] == [3, 2, 4, 1]  # Émile/emile tie on (emile, a): by id
    desc = localcut.ordered(LEADS, ProbeQuery(sort_by="name", sort_order="desc"))
    assert [l.id for l in desc] == [1, 4, 2, 3]


def test_null_is_smallest_first_ascending_last_descending():
    asc = localcut.ordered(LEADS, ProbeQuery(sort_by="lead_interaction_date", sort_order="asc"))
    assert [l.id for l in asc] == [1, 4, 3, 2]
    desc = localcut.ordered(LEADS, ProbeQuery(sort_by="lead_interaction_date", sort_order="desc"))
    assert [l.id for l in desc] == [2, 3, 4, 1]


def test_search_matches_without_case_or_accents_and_status_id_only_statuses():
    found = [l.id for l in LEADS if localcut.matches(l, ProbeQuery(search="EMILE"))]
    assert found == [2, 4]
    sourced = lead(5, "S", sources=(Attribute(9, "Web", 2, None, 1, None, None),))
    assert not localcut.matches(sourced, ProbeQuery(status_id=9))
    assert localcut.matches(sourced, ProbeQuery(source_id=9))


def test_shapes_of_a_query():
    assert localcut.shapes_of(ProbeQuery()) == {"sort:created_at"}
    assert localcut.shapes_of(ProbeQuery(search="a", status_id=1, sort_by="name")) == {
        "search",
        "filter:status_id",
        "sort:name",
    }


def test_places_are_the_names_leads_carry_with_the_parent_seen_most():
    leads = [
        Lead(
            id=1, country_id=1, country="United States", state_id=2, state="California", city_id=3, city="San Francisco"
        ),
        Lead(
            id=2, country_id=1, country="United States", state_id=2, state="California", city_id=3, city="San Francisco"
        ),
        Lead(id=3, country_id=3, country="Germany", state_id=8, state="Bavaria", city_id=10, city="Munich"),
        Lead(id=4, city_id=99, city=None),
    ]
    places = places_from(leads)
    assert places.cities[3].name == "San Francisco" and places.cities[3].parent_id == 2
    assert places.cities[10].name == "Munich" and places.states[8].parent_id == 3
    assert 99 not in places.cities  # no name sent: nothing invented
    assert places.parents_of_city(10) == (3, 8)


@pytest.mark.django_db
def test_a_page_reads_the_switched_off_shapes_once_and_sees_a_switch_it_makes():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from crmui import tally

    tally.begin_tally()
    try:
        with CaptureQueriesContext(connection) as queries:
            first = localcut.disabled_shapes()
            again = localcut.disabled_shapes()
        assert first == again == frozenset()
        assert len(queries.captured_queries) == 1
        localcut.record("search", matched=False)
        assert localcut.disabled_shapes() == frozenset({"search"})
    finally:
        tally.end_tally()
    assert localcut.disabled_shapes() == frozenset({"search"})
