"""crmui.fragments, through the lead list's rows: a fragment is rendered once per source object
and never outlives what it shows."""

from __future__ import annotations

import dataclasses

import pytest

from crmui import fragments
from crmui.taskip import Lead
from crmui.taskip.resources import Attribute
from leads.views.listing import row_html

pytestmark = pytest.mark.django_db

NEW = Attribute(1, "New", 1, "#2563eb", 1, None, None)


@pytest.fixture(autouse=True)
def _empty():
    fragments.forget()
    yield
    fragments.forget()


def _row(lead, stage=NEW, assignees=("Sam Sales",)):
    return {"lead": lead, "stage": stage, "other_statuses": [], "assignees": list(assignees)}


def test_the_same_lead_object_reuses_its_row_and_a_changed_lead_gets_a_new_one():
    ada = Lead(id=7, first_name="Ada", last_name="Lovelace", email="ada@x.io")
    first = row_html(_row(ada), bulk=True)
    assert "Ada Lovelace" in first and 'name="ids" value="7"' in first and "Sam Sales" in first
    assert row_html(_row(ada), bulk=True) == first
    renamed = dataclasses.replace(ada, first_name="Augusta")  # a write patched a new object in
    second = row_html(_row(renamed), bulk=True)
    assert "Augusta Lovelace" in second and "Ada Lovelace" not in second


def test_a_row_follows_its_surroundings_not_only_its_lead():
    ada = Lead(id=7, first_name="Ada", email="ada@x.io")
    row_html(_row(ada), bulk=True)
    renamed_stage = dataclasses.replace(NEW, name="Fresh", color="#16a34a")
    html = row_html(_row(ada, stage=renamed_stage, assignees=("Ann Other",)), bulk=False)
    assert "Fresh" in html and "#16a34a" in html and "Ann Other" in html
    assert 'name="ids"' not in html  # a role without bulk actions gets no checkbox
    assert "Sam Sales" not in html


def test_text_from_taskip_is_escaped_in_a_remembered_row():
    evil = Lead(id=9, first_name="<script>x</script>", email="e@x.io")
    for _ in range(2):
        html = row_html(_row(evil), bulk=True)
        assert "<script>" not in html and "&lt;script&gt;" in html


def test_an_equal_lead_from_a_new_copy_keeps_its_row_and_a_changed_one_does_not(monkeypatch):
    # what is kept is the work not done: count the template renders (the rows' cost)
    rendered = []
    real = fragments.render_to_string
    monkeypatch.setattr(fragments, "render_to_string", lambda *a, **kw: rendered.append(1) or real(*a, **kw))
    ada = Lead(id=7, first_name="Ada", last_name="Lovelace", email="ada@x.io")
    first = row_html(_row(ada), bulk=True)
    assert len(rendered) == 1
    refetched = Lead(id=7, first_name="Ada", last_name="Lovelace", email="ada@x.io")
    assert refetched is not ada and refetched == ada
    assert row_html(_row(refetched), bulk=True) == first
    assert len(rendered) == 1, "an unchanged lead's row is not rendered again"
    changed = dataclasses.replace(refetched, email="ada@lovelace.io")
    assert "ada@lovelace.io" in row_html(_row(changed), bulk=True)
    assert len(rendered) == 2
