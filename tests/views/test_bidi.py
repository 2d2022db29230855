"""Issue #14.5: a right-to-left override (U+202E) in a name does not reverse the text around it
in the page title, headings, confirm dialogs and messages."""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from django.template import Context, Template
from django.urls import reverse

RLO = "\u202e"
FSI, PDI = "\u2068", "\u2069"
NAME = f"Eve{RLO}gnp.exe"


def render(src: str, **ctx) -> str:
    return Template(src).render(Context(ctx))


def test_filters_isolate_names_and_remove_override_characters_from_plain_text():
    assert render("{{ n|bdi }}", n=f"<b>{NAME}</b>") == f"<bdi>&lt;b&gt;{NAME}&lt;/b&gt;</bdi>"
    assert render("{{ n|isolate }}", n=NAME) == f"{FSI}Evegnp.exe{PDI}"
    assert render("{{ n|isolate_quoted }}", n=f"Lead “{NAME}” created.") == f"Lead “{FSI}Evegnp.exe{PDI}” created."
    assert render("{{ n|isolate_quoted }}", n="Lead “سارا” created.") == f"Lead “{FSI}سارا{PDI}” created."
    assert render("{{ n|isolate_quoted }}", n="Lead “Ann” created.") == "Lead “Ann” created."  # nothing to isolate


@pytest.mark.django_db
def test_the_lead_page_isolates_the_name_in_title_heading_and_confirms(manager_client, use_sandbox):
    lead = use_sandbox.create_lead(first_name=NAME, last_name="", email=f"bidi-{uuid4().hex[:8]}@example.com")
    html = manager_client.get(reverse("leads:detail", args=[lead["id"]])).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert RLO not in title and title.startswith(f"{FSI}Evegnp.exe")
    assert f"<h1><bdi>{NAME}</bdi></h1>" in html
    confirms = re.findall(r'hx-confirm="([^"]*)"', html)
    assert any("Delete" in c for c in confirms) and any("Convert" in c for c in confirms)
    assert all(RLO not in c for c in confirms)
    assert f'hx-confirm="Delete {FSI}Evegnp.exe{PDI} for good?' in html


@pytest.mark.django_db
def test_a_flash_message_quoting_the_name_isolates_it(manager_client, use_sandbox):
    lead = use_sandbox.create_lead(first_name=NAME, last_name="", email=f"bidi-{uuid4().hex[:8]}@example.com")
    manager_client.post(reverse("leads:delete", args=[lead["id"]]))
    html = manager_client.get(reverse("leads:list")).content.decode()
    assert f"“{FSI}Evegnp.exe{PDI}”" in html and RLO not in re.search(
        r'<div class="flash-list".*?</div>\s*</div>', html, re.S
    ).group(0)
