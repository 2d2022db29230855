#!/usr/bin/env python
"""Load under a failing TaskIP: the sandbox injects 10% faults (500, 502, malformed body,
hang, 429, and the two that lose the answer AFTER the write was carried out: a garbled 200
and a hang past the read timeout) and 200 ms latency; 20 people use the dashboard (gunicorn)
for 5 minutes. Then a two-editor scenario: two people edit the same leads at once.

    .venv/bin/python bench/faults.py                          # 20 users, 300 s
    .venv/bin/python bench/faults.py --users 10 --duration 60

Reports, and fails (exit 1) unless each holds:
  * 5xx answers from the dashboard: 0
  * unhandled exceptions (tracebacks) in the dashboard's log: 0
  * duplicates: leads (unique emails) and notes (unique tags) held twice in TaskIP: 0
  * false reports: for every write checked against TaskIP (creates by email, notes by tag), what
    the user was told (saved / not saved; "not confirmed yet" is neither and is counted apart)
    against what TaskIP holds: 0
  * lost updates in the two-editor scenario (different fields: both held; same field: the
    second is shown a conflict and the first value is held): 0
Writes whose pages are not on this branch yet are skipped and listed.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from uuid import uuid4

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.day import Day  # noqa: E402
from bench.driver import FormFields, Remote  # noqa: E402

ERROR_SHOWN = re.compile(r'role="alert"|alert-error|flash-error|class="errorlist|class="field-error|banner-error')
UNCONFIRMED = re.compile(r"not confirmed yet|still working on")


class FaultDay(Day):
    """One person's session: the day's mix, with every write remembered for the final check."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.writes: list[dict] = []
        self.latencies: list[float] = []
        self.status = Counter()
        self.stale = 0
        self.error_pages = 0

    def _do(self, who, action, method, path, data=None, htmx=False):
        res = self.drivers[who].request(method, path, data, htmx=htmx)
        self.latencies.append(res.seconds)
        self.status[res.status] += 1
        if res.headers.get("X-Served-Stale"):
            self.stale += 1
        if method == "get" and ERROR_SHOWN.search(res.text or ""):
            self.error_pages += 1
        if method == "get":
            self.views += 1
        else:
            self.posts += 1
        if res.status >= 500 and res.status != 501:
            self.errors.append(f"{res.status} {method.upper()} {path}")
        self.by_action[action]["requests"] += 1
        return res

    def post_form(self, who, action, form, data):
        from bench.driver import path_of

        res = self._do(who, action, "post", form.action or "/", data, htmx=form.htmx)
        target = res.headers.get("Location") or res.headers.get("HX-Redirect")
        shown = bool(ERROR_SHOWN.search(res.text or ""))
        unconfirmed = bool(UNCONFIRMED.search(res.text or ""))
        if target and res.status in (200, 301, 302, 303):
            # the outcome is told on the page the user lands on (a flash message)
            landed = self.get_page(who, action, path_of(target))
            shown = bool(ERROR_SHOWN.search(landed.text or ""))
            unconfirmed = bool(UNCONFIRMED.search(landed.text or ""))
        lead_id = self.last_detail.get(who, (None, ""))[0] if action == "note" else None
        self.writes.append(
            {
                "action": action,
                "email": data.get("email"),
                "note": data.get("note"),
                "lead_id": lead_id,
                "status": res.status,
                "error_shown": shown,
                "unconfirmed": unconfirmed,
            }
        )
        return res


def _edit_form(session, base: str, lead_id: int) -> list[tuple[str, str]] | None:
    r = session.get(f"{base}/leads/{lead_id}/edit/", timeout=60)
    if r.status_code != 200:
        return None
    p = FormFields("data-lead-form")
    p.feed(r.text)
    return p.data or None


def _post_edit(session, base: str, lead_id: int, fields: list[tuple[str, str]], **over) -> requests.Response:
    data = [(k, v) for k, v in fields if k not in over] + list(over.items())
    return session.post(
        f"{base}/leads/{lead_id}/edit/",
        data=data,
        allow_redirects=False,
        timeout=60,
        headers={"Referer": base + "/", "X-CSRFToken": session.cookies.get("csrftoken", "")},
    )


def two_editors(dash, sandbox, *, pairs: int) -> dict:
    """Two people open the same lead's edit form, then both save. Different fields: both must
    be held. Same field: the second must be shown the conflict, and the first value held."""
    a, b = dash.session("editor1"), dash.session("editor2")
    out = {"pairs": 0, "both_kept": 0, "conflicts_shown": 0, "first_kept": 0, "lost": 0, "skipped": 0}
    for i in range(pairs):
        tag = uuid4().hex[:6]
        lead = sandbox.api(
            "POST",
            "/lead",
            json={"first_name": "Two", "last_name": f"Editors {tag}", "email": f"two-{tag}@example.com"},
        )
        if lead.status_code != 200:
            out["skipped"] += 1
            continue
        lead_id = lead.json()["data"]["id"]
        fa, fb = _edit_form(a, dash.url, lead_id), _edit_form(b, dash.url, lead_id)
        if not fa or not fb:
            out["skipped"] += 1
            continue
        out["pairs"] += 1
        same = i % 2 == 1
        ra = _post_edit(a, dash.url, lead_id, fa, phone_number=f"555-{tag}")
        over = {"phone_number": f"556-{tag}"} if same else {"address": f"{tag} Road"}
        rb = _post_edit(b, dash.url, lead_id, fb, **over)
        held = None
        for _ in range(5):  # the ground truth read may itself hit an injected fault
            r = sandbox.api("GET", f"/lead/{lead_id}")
            if r.status_code == 200:
                try:
                    held = r.json()["data"]
                    break
                except ValueError:
                    pass
        a_saved, b_saved = ra.status_code in (302, 303), rb.status_code in (302, 303)
        if held is None or not a_saved:
            out["skipped"] += 1  # A's save failed under faults (told so): nothing to compare
            continue
        if same:
            shown = rb.status_code == 200 and "Someone else changed this lead" in rb.text
            if shown and held.get("phone_number") == f"555-{tag}":
                out["conflicts_shown"] += 1
                out["first_kept"] += 1
            elif b_saved or shown:
                out["lost"] += 1  # B overwrote A without being asked, or A's value is gone
            else:
                out["skipped"] += 1  # B's save failed under faults and said so
        else:
            if not b_saved:
                out["skipped"] += 1
                continue
            if held.get("phone_number") == f"555-{tag}" and held.get("address") == f"{tag} Road":
                out["both_kept"] += 1
            else:
                out["lost"] += 1
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--duration", type=float, default=300, help="seconds")
    ap.add_argument("--fault-rate", type=float, default=0.1)
    ap.add_argument("--latency-ms", type=int, default=200)
    ap.add_argument("--read-timeout", type=float, default=2.0, help="the dashboard's TASKIP_READ_TIMEOUT")
    ap.add_argument("--hang-seconds", type=float, default=3.0, help="sandbox hang (above the read timeout)")
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--leads", type=int, default=300)
    ap.add_argument("--think", type=float, default=0.3, help="mean think time between actions, seconds")
    ap.add_argument("--pairs", type=int, default=10, help="two-editor scenario: leads edited by two people at once")
    args = ap.parse_args(argv)

    from bench.serve import start_dashboard
    from sandbox.testing import start_sandbox

    tmp = Path(tempfile.mkdtemp(prefix="bench-faults-"))
    print(
        f"Sandbox: {args.fault_rate:.0%} faults (500, 502, malformed, hang {args.hang_seconds:g}s, 429, "
        f"malformed-after, hang-after), "
        f"{args.latency_ms} ms latency; dashboard read timeout {args.read_timeout:g}s",
        flush=True,
    )
    sandbox = start_sandbox(
        tmp / "sandbox",
        leads=args.leads,
        threads=16,
        env={"SANDBOX_LATENCY_MS": str(args.latency_ms), "SANDBOX_HANG_SECONDS": str(args.hang_seconds)},
    )
    users = {f"sales{i}": "Sales" for i in range(1, args.users + 1)}
    users.update({"editor1": "Manager", "editor2": "Manager"})
    dash = start_dashboard(
        tmp / "dash",
        sandbox,
        workers=args.workers,
        threads=8,
        users=users,
        env={
            "CACHE_URL": os.environ.get("BENCH_CACHE_URL") or f"filecache://{tmp / 'cache'}",
            "TASKIP_READ_TIMEOUT": str(args.read_timeout),
            "TASKIP_PAGE_DEADLINE": str(args.read_timeout * 2.5),
            "LOG_LEVEL": "WARNING",
        },
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crmui.settings")
    import django

    django.setup()  # reverse() only
    days = []
    try:
        for i, name in enumerate(sorted(u for u in users if u.startswith("sales"))):
            days.append(FaultDay({name: Remote(dash.url, dash.session(name))}, args.leads, seed=100 + i))
        # faults on only once everyone is logged in (logins do not touch TaskIP anyway)
        sandbox.config(fault_rate=args.fault_rate)
        sandbox.reset_stats()
        deadline = time.monotonic() + args.duration
        crashed = []

        def person(day: FaultDay):
            names, weights = zip(*__import__("bench.day", fromlist=["MIX"]).MIX)
            who = next(iter(day.drivers))
            while time.monotonic() < deadline:
                action = day.rng.choices(names, weights)[0]
                try:
                    getattr(day, action)(who)
                except Exception as exc:  # a transport failure of the load generator itself
                    crashed.append(f"{action}: {type(exc).__name__}: {exc}")
                time.sleep(day.rng.expovariate(1 / args.think) if args.think else 0)

        threads = [threading.Thread(target=person, args=(d,)) for d in days]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.monotonic() - started
        sandbox.config(fault_rate=0)
        stats = sandbox.stats()
        # duplicates: every lead the bench created has a unique email; count them in TaskIP
        created = Counter()
        r = sandbox.api("GET", "/lead", params={"search": "bench-", "item": 0})
        for lead in r.json().get("data", []):
            if (lead.get("email") or "").startswith("bench-"):
                created[lead["email"]] += 1
        # notes: each carries a unique tag; look for it on its lead in TaskIP
        notes_on: dict = {}
        for d in days:
            for w in d.writes:
                if w["action"] == "note" and w["lead_id"] and w["lead_id"] not in notes_on:
                    body = sandbox.api("GET", f"/lead/notes/{w['lead_id']}").json().get("data") or []
                    notes_on[w["lead_id"]] = [str(n.get("note") or "") for n in body]
        # the two-editor scenario, still under faults
        sandbox.config(fault_rate=args.fault_rate)
        two = two_editors(dash, sandbox, pairs=args.pairs)
        sandbox.config(fault_rate=0)
    finally:
        dash.stop()
        sandbox.stop()

    log = dash.log_text()
    tracebacks = log.count("Traceback (most recent call last)")
    status = sum((d.status for d in days), Counter())
    five_xx = sum(n for s, n in status.items() if s >= 500 and s != 501)
    lat = sorted(x for d in days for x in d.latencies)
    writes = [w for d in days for w in d.writes]
    dupes = {e: n for e, n in created.items() if n > 1}
    note_dupes = {}
    for lead_id, texts in notes_on.items():
        for text, n in Counter(t for t in texts if "(" in t).items():
            if n > 1:
                note_dupes[(lead_id, text)] = n
    # Ground truth from TaskIP (creates by email, notes by their tag) against what the user was
    # told: "saved" (no error shown), "not saved" (an error), or "not confirmed yet" (honest,
    # counted apart). A false report is "saved" when TaskIP lacks it or "not saved" when it holds it.
    unreported, false_not_saved, unconfirmed_n, verified = [], [], 0, 0
    for w in writes:
        if w["action"] == "create" and w["email"]:
            held, verified = created.get(w["email"], 0) > 0, verified + 1
        elif w["action"] == "note" and w["lead_id"] and w["note"]:
            held, verified = any(w["note"] in t for t in notes_on.get(w["lead_id"], [])), verified + 1
        else:
            continue
        if w["unconfirmed"]:
            unconfirmed_n += 1
        elif not held and not w["error_shown"]:
            unreported.append(w)
        elif held and w["error_shown"]:
            false_not_saved.append(w)
    skipped = {}
    for d in days:
        skipped.update(d.skipped)

    n = len(lat)
    print()
    print(f"{args.users} users for {took:.0f} s against gunicorn ({args.workers} workers)")
    print(
        f"requests: {n} ({n / took:.1f}/s), p50 {statistics.median(lat) * 1000:.0f} ms, "
        f"p95 {lat[int(n * 0.95) - 1] * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms"
        if n
        else "requests: 0"
    )
    print(f"answers by status: {dict(sorted(status.items()))}")
    print(
        f"pages served with saved copies (X-Served-Stale): {sum(d.stale for d in days)}; "
        f"pages showing an error message: {sum(d.error_pages for d in days)}"
    )
    print(f"upstream calls at the sandbox: {stats['total']}")
    by_kind = Counter(w["action"] for w in writes)
    print(
        f"writes: {len(writes)} ({', '.join(f'{k} {n}' for k, n in sorted(by_kind.items()))}); "
        f"an error shown to the user: {sum(1 for w in writes if w['error_shown'])}; "
        f'checked against TaskIP: {verified}; told "not confirmed yet": {unconfirmed_n}'
    )
    print(
        f"two-editor scenario: {two['pairs']} pairs, different fields: {two['both_kept']} both kept; "
        f"same field: {two['conflicts_shown']} conflicts shown, {two['first_kept']} first value kept; "
        f"lost updates: {two['lost']}; not checkable (a save failed under faults): {two['skipped']}"
    )
    if skipped:
        print("skipped (not on this branch yet): " + "; ".join(f"{k}: {v}" for k, v in sorted(skipped.items())))
    if crashed:
        print(f"load generator errors: {len(crashed)}: {crashed[:3]}")
    checks = [
        ("dashboard 5xx answers", five_xx),
        ("unhandled exceptions in the dashboard log", tracebacks),
        ("duplicate leads in the sandbox", len(dupes)),
        ("duplicate notes in the sandbox", len(note_dupes)),
        ("false reports: told saved, TaskIP does not hold it", len(unreported)),
        ("false reports: told not saved, TaskIP holds it", len(false_not_saved)),
        ("lost updates (two editors)", two["lost"]),
    ]
    print()
    for label, value in checks:
        print(f"  {'OK  ' if value == 0 else 'FAIL'} {label}: {value}")
    if tracebacks:
        i = log.find("Traceback (most recent call last)")
        print(log[i : i + 2000])
    if five_xx:
        print("5xx answers:", sorted(Counter(e for d in days for e in d.errors).items(), key=lambda kv: -kv[1])[:10])
    if unreported:
        print("unreported:", unreported[:5])
    if false_not_saved:
        print("told not saved but held:", false_not_saved[:5])
    ok = all(v == 0 for _, v in checks)
    print("RESULT:", "OK" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
