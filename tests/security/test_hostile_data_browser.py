"""Hostile strings in every text field of TaskIP's data (and in the dashboard's own records)
never run: Chromium visits EVERY page that exists (found by walking the URL patterns) as an
Admin, who sees everything, and fails on any dialog, any ``window.__xss`` marker, any CSP
violation, any console error, and any element a payload could have injected."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.security.conftest import PASSWORD, XSS_PAYLOADS, ensure_roles, point_dashboard
from tests.security.urlmap import pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + (e.sourceFile || '') + ':' + (e.lineNumber || ''));
});
"""

INSPECT = """
() => {
  const bad = [];
  if (window.__xss) bad.push('window.__xss was set');
  for (const v of (window.__cspViolations || [])) bad.push('CSP violation: ' + v);
  for (const s of document.querySelectorAll('script:not([src])')) bad.push('inline <script>: ' + s.textContent.slice(0, 60));
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const n = a.name.toLowerCase(), v = (a.value || '').trim().toLowerCase();
      if (n.startsWith('on')) bad.push('event handler attribute ' + n + ' on <' + el.tagName.toLowerCase() + '>');
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'hx-get', 'hx-post'].includes(n) && v.replace(/[\\s\\x00-\\x1f]/g, '').startsWith('javascript:'))
        bad.push(n + '="' + a.value.slice(0, 40) + '" on <' + el.tagName.toLowerCase() + '>');
    }
  }
  for (const img of document.querySelectorAll('img[src="x"], svg[onload], iframe, object, embed')) bad.push('injected <' + img.tagName.toLowerCase() + '>');
  return bad;
}
"""


@pytest.fixture
def hostile_dashboard(live_server, hostile_sandbox, settings, transactional_db, django_user_model):
    from django.contrib.auth.models import Group

    from accounts.models import Profile, SavedView
    from audit.models import AuditEntry

    point_dashboard(hostile_sandbox, settings)
    ensure_roles()
    admin = django_user_model.objects.create_user("hostile-admin", password=PASSWORD, first_name=XSS_PAYLOADS[0])
    admin.groups.add(Group.objects.get(name="Admin"))
    Profile.objects.create(
        user=admin, team_member_id=hostile_sandbox.ids["team_member"], team_member_name=XSS_PAYLOADS[1]
    )
    view = SavedView.objects.create(name=XSS_PAYLOADS[0], query="q=" + XSS_PAYLOADS[1], created_by=admin)
    for i, payload in enumerate(XSS_PAYLOADS):
        AuditEntry.objects.create(
            user=admin,
            username=payload[:150],
            action=payload[:64],
            object_type=payload[:32],
            object_id=payload[:64],
            object_label=payload,
            changes={payload: [payload, XSS_PAYLOADS[i - 1]]},
            outcome="failed" if i % 2 else "ok",
            message=payload,
        )
    ids = {**hostile_sandbox.ids, "saved_view": view.pk, "audit_entry": AuditEntry.objects.first().pk, "user": admin.pk}
    return live_server.url, ids


def _visits(ids):
    """(label, url) for every GET page, filled with the hostile records' ids; pages without
    parameters (lists, overviews) also with a hostile search in the query string."""
    out = []
    for ep in pages():
        if ep.is_stand_in:
            continue
        out.append((ep.label, ep.url(ids)))
        if not ep.params:
            from urllib.parse import quote

            out.append(
                (
                    ep.label + " (hostile search)",
                    ep.url(ids) + "?q=" + quote(XSS_PAYLOADS[0]) + "&search=" + quote(XSS_PAYLOADS[1]),
                )
            )
    return out


def test_hostile_strings_never_run_on_any_page(browser, hostile_dashboard, hostile_sandbox, log_in):
    base, ids = hostile_dashboard
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(15_000)
    dialogs, console_errors, injected_requests = [], [], []

    def on_dialog(d):
        dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on(
        "request",
        lambda r: (
            injected_requests.append(r.url)
            if r.resource_type in ("image", "script", "media", "font") and r.url.rstrip("/").endswith("/x")
            else None
        ),
    )
    log_in(page, base, "hostile-admin")
    assert "/login/" not in page.url, "could not log in"

    problems, shown = [], []
    for label, url in _visits(ids):
        probe = page.request.get(base + url, max_redirects=0)
        ctype = probe.headers.get("content-type", "")
        if probe.status == 405 or "text/html" not in ctype:
            continue  # POST-only endpoint or a download
        dialogs.clear(), console_errors.clear(), injected_requests.clear()
        response = page.goto(base + url)
        page.wait_for_load_state("networkidle")
        status = response.status if response else 0
        shown.append((label, status))
        bad = page.evaluate(INSPECT)
        bad += [f"dialog opened ({d})" for d in dialogs]
        bad += [f"request to injected src: {u}" for u in injected_requests]
        bad += [f"console error: {t}" for t in console_errors if not t.startswith("Failed to load resource")]
        if status >= 500 and status != 503:
            bad.append(f"server error {status}")
        problems += [f"{label} {url}: {b}" for b in bad]
        if label in ("leads:detail", "leads:list"):
            page.screenshot(
                path=f"test-artifacts/hostile-{label.split(' ')[0].replace(':', '-')}-desktop.png", full_page=True
            )
    context.close()
    names = {label for label, status in shown if status == 200}
    for expected in (
        "leads:list",
        "leads:detail",
        "contacts:list",
        "audit:list",
        "accounts:profile",
        "accounts:saved_views",
    ):
        assert expected in names, f"{expected} was not shown (shown: {shown})"
    assert not problems, "Hostile data ran or was injected:\n" + "\n".join(problems)


def test_the_hostile_records_are_really_on_the_pages(client, hostile_dashboard):
    """The control: the pages do show the hostile strings (escaped), so the test above saw them."""
    from django.contrib.auth import get_user_model

    base, ids = hostile_dashboard
    client.force_login(get_user_model().objects.get(username="hostile-admin"))
    html = client.get(reverse("audit:list")).content.decode()
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    html = client.get(reverse("accounts:saved_views")).content.decode()
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in html
    html = client.get(reverse("leads:detail", args=[ids["lead"]])).content.decode()
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in html
