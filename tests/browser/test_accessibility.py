"""axe-core (vendored in static/vendor/, loaded only here) finds no serious or critical
accessibility violation on any page of the dashboard, at desktop (1366 px) and phone (390 px)
widths. The pages are found by walking the URL patterns (tests/security/urlmap.py), so a page
someone adds later is checked as soon as it is merged."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.security.conftest import _ids, ensure_roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = next((ROOT / "static" / "vendor").glob("axe-core-*.min.js")).name
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
SERIOUS = ("serious", "critical")

RUN_AXE = """
async () => {
  const r = await window.axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => (n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n').slice(1, 2).join(' ')).slice(0, 220)),
  }));
}
"""


def axe_violations(page, base: str) -> list[dict]:
    """Serious and critical violations of the page now shown. The script is served by the
    dashboard itself ('self'), so the page's CSP stays on."""
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(url=f"{base}/static/vendor/{AXE}")
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in SERIOUS]


def describe(where: str, violations: list[dict]) -> list[str]:
    out = []
    for v in violations:
        out.append(f"{where}: {v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}")
        out += [f"    {n}" for n in v["nodes"][:4]]
    return out


@pytest.fixture
def a11y_ids(dashboard, use_sandbox, admin_user):
    from accounts.models import SavedView
    from audit.models import AuditEntry

    ensure_roles()
    from django.contrib.auth.models import Group

    admin_user.groups.add(Group.objects.get(name="Admin"))
    view = SavedView.objects.create(name="Hot leads", query="status=2", created_by=admin_user)
    entry = AuditEntry.objects.create(
        user=admin_user,
        username="addie",
        action="lead.update",
        object_type="lead",
        object_id="1",
        object_label="Ada Lovelace",
        changes={"value": [100, 200]},
        outcome="ok",
    )
    return {**_ids(use_sandbox), "saved_view": view.pk, "audit_entry": entry.pk, "user": admin_user.pk}


def _visits(ids) -> list[tuple[str, str]]:
    from tests.security.urlmap import pages

    return [(ep.label, ep.url(ids)) for ep in pages() if not ep.is_stand_in]


def test_no_serious_accessibility_violation_on_any_page_at_both_widths(browser, dashboard, a11y_ids, log_in):
    problems, checked = [], []
    for width_name, (w, h) in WIDTHS.items():
        context = browser.new_context(viewport={"width": w, "height": h})
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"{dashboard}/login/")
        page.wait_for_load_state("networkidle")
        problems += describe(f"[{width_name}] login", axe_violations(page, dashboard))
        log_in(page, dashboard, "addie")
        assert "/login/" not in page.url, "could not log in"
        for label, url in _visits(a11y_ids):
            probe = page.request.get(dashboard + url, max_redirects=0)
            if probe.status in (301, 302, 405) or "text/html" not in probe.headers.get("content-type", ""):
                continue  # a POST-only endpoint, a redirect or a download
            page.goto(dashboard + url)
            page.wait_for_load_state("networkidle")
            checked.append((width_name, label))
            problems += describe(f"[{width_name}] {label} {url}", axe_violations(page, dashboard))
        context.close()
    labels = {label for _, label in checked}
    for expected in (
        "leads:list",
        "leads:board",
        "leads:detail",
        "leads:create",
        "leads:edit",
        "reports:overview",
        "contacts:list",
        "contacts:detail",
        "audit:list",
    ):
        assert expected in labels, f"{expected} was not checked (checked: {sorted(labels)})"
    assert not problems, "axe-core found serious or critical violations:\n" + "\n".join(problems)
