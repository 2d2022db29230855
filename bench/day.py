#!/usr/bin/env python
"""Replay a sales team's mixed day against a sandbox this script starts, and count what it
cost upstream AT THE SANDBOX (/__sandbox__/stats).

    .venv/bin/python bench/day.py                       # 5 people x 300 actions, in-process
    .venv/bin/python bench/day.py --server gunicorn     # through gunicorn (2 workers, file cache)
    .venv/bin/python bench/day.py --users 8 --steps 300 --leads 1000

Prints page views, upstream calls and page views per upstream call (target: >= 10).
The day: lists (plain, searched, paged), the board, lead details with the panels they load,
notes, status moves, edits and the odd new lead. Pages whose URL names do not resolve on this
branch, or that are stand-ins ("not built yet"), are skipped and listed.

A CACHE-DESIGN CHECK ONLY: the day is compressed into a minute or two and cached reads do not
expire by age during the run, so the figure measures the cache and invalidation design, not what
a real day costs. For that, run bench/team_day.py (a working day with TIME_SCALE, every lifetime
expiring as it would).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from uuid import uuid4

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.driver import NOT_BUILT, InProcess, Remote, fill, other_option, parse, path_of  # noqa: E402

SEARCHES = ["smith", "acme", "john", "anna", "tech", "li", "garcia", "global", "maria", "lee"]
# (action, weight): a salesperson's day is mostly reading
# (about 4.5% writes: per person and day ~6 notes, ~4 status moves, 2 edits, 1 new lead)
MIX = [
    ("list", 20),
    ("list_search", 8),
    ("list_page", 5),
    ("list_partial", 10),
    ("board", 8),
    ("detail", 34),
    ("note", 2),
    ("status_move", 1.5),
    ("edit", 0.75),
    ("create", 0.25),
]
WRITES = {"note", "status_move", "edit", "create"}


def setup_inprocess(tmp: Path, sandbox, users: dict[str, str]):
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "crmui.settings",
            "DATABASE_URL": f"sqlite:///{tmp / 'dashboard.sqlite3'}",
            "TASKIP_BASE_URL": sandbox.api_url,
            "TASKIP_SECRET_KEY": sandbox.key,
            "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "locmemcache://bench-day"),
            "DEBUG": "0",
            "LOG_LEVEL": "ERROR",
        }
    )
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from accounts.models import Profile

    call_command("migrate", verbosity=0, interactive=False)
    drivers = {}
    User = get_user_model()
    for i, (name, role) in enumerate(sorted(users.items())):
        u = User.objects.create_user(username=name, password="x-bench-1", first_name=name.title())
        u.groups.add(Group.objects.get(name=role))
        Profile.objects.create(user=u, team_member_id=1 + i % 3)
        drivers[name] = InProcess(u)
    return drivers, None


def setup_gunicorn(tmp: Path, sandbox, users: dict[str, str], workers: int):
    from bench.serve import start_dashboard

    cache_url = os.environ.get("BENCH_CACHE_URL") or f"filecache://{tmp / 'cache'}"
    dash = start_dashboard(
        tmp / "dash", sandbox, workers=workers, env={"CACHE_URL": cache_url, "LOG_LEVEL": "ERROR"}, users=users
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crmui.settings")
    import django

    django.setup()  # for reverse() only
    return {name: Remote(dash.url, dash.session(name)) for name in users}, dash


def url(name, *args):
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


class Day:
    def __init__(self, drivers, n_leads: int, seed: int):
        self.drivers = drivers
        self.rng = random.Random(seed)
        self.n_leads = n_leads
        self.views = 0
        self.posts = 0
        self.dash_upstream = 0
        self.by_action = defaultdict(Counter)
        self.skipped: dict[str, str] = {}
        self.errors: list[str] = []
        self.last_detail: dict[str, tuple[int, str]] = {}
        self.books = {name: self.rng.sample(range(1, n_leads + 1), k=min(20, n_leads)) for name in drivers}

    # -- plumbing
    def _do(self, who, action, method, path, data=None, htmx=False):
        res = self.drivers[who].request(method, path, data, htmx=htmx)
        if method == "get":
            self.views += 1
        else:
            self.posts += 1
        self.dash_upstream += res.upstream
        c = self.by_action[action]
        c["requests"] += 1
        c["upstream"] += res.upstream
        if res.status >= 500 and res.status != 501:
            self.errors.append(f"{res.status} {method.upper()} {path}")
        return res

    def _stand_in(self, action, res) -> bool:
        if res.status == 501 or NOT_BUILT in res.text:
            self.skipped.setdefault(action, f"stand-in page ({res.url})")
            return True
        return False

    def get_page(self, who, action, path, data=None, htmx=False):
        res = self._do(who, action, "get", path, data, htmx)
        res.all_text = res.text
        if res.status == 200 and not htmx:
            for lazy in parse(res.text).lazy:  # what the browser loads next, as htmx does
                part = self._do(who, action, "get", path_of(lazy), htmx=True)
                res.all_text += part.text
        return res

    def post_form(self, who, action, form, data):
        res = self._do(who, action, "post", form.action or "/", data, htmx=form.htmx)
        if res.status in (301, 302, 303) and getattr(res, "location", None):
            self.get_page(who, action, path_of(res.location))
        return res

    # -- actions
    def list(self, who):
        self.get_page(who, "list", url("leads:list"))

    def list_search(self, who):
        self.get_page(who, "list_search", url("leads:list"), {"q": self.rng.choice(SEARCHES)})

    def list_page(self, who):
        self.get_page(who, "list_page", url("leads:list"), {"page": self.rng.choice([2, 2, 3])})

    def list_partial(self, who):  # back to the list, htmx swapping only the table
        self.get_page(who, "list_partial", url("leads:list"), {"page": 1}, htmx=True)

    def board(self, who):
        u = url("leads:board")
        if u is None:
            self.skipped.setdefault("board", "URL name leads:board does not resolve")
            return self.list(who)
        self.get_page(who, "board", u)

    def detail(self, who):
        lead_id = self.rng.choice(self.books[who])
        res = self.get_page(who, "detail", url("leads:detail", lead_id))
        if not self._stand_in("detail", res):
            self.last_detail[who] = (lead_id, res.text)

    def _detail_html(self, who):
        if who not in self.last_detail:
            self.detail(who)
        return self.last_detail.get(who, (None, ""))

    def note(self, who):
        lead_id, html = self._detail_html(who)
        forms = [f for f in parse(html).forms if f.method == "post" and "note" in f.action]
        if not forms:
            # the notes panel may be loaded lazily: look there too
            for lazy in parse(html).lazy:
                if "note" in lazy:
                    res = self._do(who, "note", "get", path_of(lazy), htmx=True)
                    forms += [f for f in parse(res.text).forms if f.method == "post" and "note" in f.action]
        if not forms:
            self.skipped.setdefault("note", "no note form on the lead detail page")
            return
        f = forms[0]
        data = fill(f, self.rng, {"title": "Call", "note": f"Called, follow up next week ({uuid4().hex[:6]})"})
        for name in f.texts:
            data[name] = data.get(name) or "Followed up by phone"
        self.post_form(who, "note", f, data)

    def status_move(self, who):
        # the board's "Move to" menu on a card (the no-JS form behind drag and drop)
        u = url("leads:board")
        if u is not None:
            res = self.get_page(who, "status_move", u)
            forms = [f for f in parse(res.all_text).forms if f.method == "post" and "move" in f.action and f.buttons]
            if forms:
                f = self.rng.choice(forms)
                name, value = self.rng.choice(f.buttons)
                data = dict(f.fields)
                data[name] = value
                self.post_form(who, "status_move", f, data)
                return
        lead_id, html = self._detail_html(who)
        candidates = []
        for page_html in (html,):
            for f in parse(page_html).forms:
                if f.method != "post":
                    continue
                for name in f.selects:
                    if "status" in name:
                        candidates.append((f, name))
        if not candidates:
            self.skipped.setdefault("status_move", "no move form on the board nor status form on the lead detail page")
            return
        f, name = candidates[0]
        new = other_option(f, name, self.rng)
        if new is None:
            return
        self.post_form(who, "status_move", f, fill(f, self.rng, {name: new}))

    def edit(self, who):
        lead_id = self.rng.choice(self.books[who])
        u = url("leads:edit", lead_id)
        if u is None:
            self.skipped.setdefault("edit", "URL name leads:edit does not resolve")
            return
        res = self.get_page(who, "edit", u)
        if self._stand_in("edit", res):
            return
        forms = [
            f
            for f in parse(res.text).forms
            if f.method == "post" and ("last_name" in f.fields or "first_name" in f.fields)
        ]
        if not forms:
            self.skipped.setdefault("edit", "no lead form on the edit page")
            return
        f = forms[0]
        self.post_form(
            who, "edit", f, fill(f, self.rng, {"job_title": self.rng.choice(["CEO", "CTO", "Buyer", "Owner"])})
        )

    def create(self, who):
        u = url("leads:create")
        if u is None:
            self.skipped.setdefault("create", "URL name leads:create does not resolve")
            return
        res = self.get_page(who, "create", u)
        if self._stand_in("create", res):
            return
        forms = [f for f in parse(res.text).forms if f.method == "post" and "first_name" in f.fields]
        if not forms:
            self.skipped.setdefault("create", "no lead form on the create page")
            return
        f = forms[0]
        tag = uuid4().hex[:8]
        self.post_form(
            who,
            "create",
            f,
            fill(f, self.rng, {"first_name": "Bench", "last_name": f"Lead {tag}", "email": f"bench-{tag}@example.com"}),
        )

    def run(self, steps: int):
        names, weights = zip(*MIX)
        order = [who for _ in range(steps) for who in self.drivers]  # people take turns
        for who in order:
            action = self.rng.choices(names, weights)[0]
            getattr(self, action)(who)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, default=5, help="salespeople (plus one manager)")
    ap.add_argument("--steps", type=int, default=300, help="actions per person (a working day)")
    ap.add_argument("--leads", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--server", choices=["inprocess", "gunicorn"], default="inprocess")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--min-ratio", type=float, default=10.0)
    args = ap.parse_args(argv)

    from sandbox.testing import start_sandbox

    tmp = Path(tempfile.mkdtemp(prefix="bench-day-"))
    print(f"Starting a sandbox with {args.leads} leads ...", flush=True)
    sandbox = start_sandbox(tmp / "sandbox", leads=args.leads)
    dash = None
    try:
        users = {f"sales{i}": "Sales" for i in range(1, args.users)} | {"manager1": "Manager"}
        if args.server == "gunicorn":
            drivers, dash = setup_gunicorn(tmp, sandbox, users, args.workers)
        else:
            drivers, _ = setup_inprocess(tmp, sandbox, users)
        sandbox.reset_stats()
        day = Day(drivers, args.leads, args.seed)
        started = time.monotonic()
        day.run(args.steps)
        took = time.monotonic() - started
        stats = sandbox.stats()
    finally:
        if dash is not None:
            dash.stop()
        sandbox.stop()

    calls = stats["total"]
    ratio = day.views / calls if calls else float("inf")
    print()
    print(f"{len(drivers)} people, {args.steps} actions each, {args.server}, {took:.1f} s")
    print(f"{'action':<14}{'requests':>10}{'upstream (dashboard count)':>30}")
    for action, _ in MIX:
        c = day.by_action.get(action)
        if c:
            print(f"{action:<14}{c['requests']:>10}{c['upstream']:>30}")
    if day.skipped:
        print("\nSkipped (not on this branch yet):")
        for action, why in sorted(day.skipped.items()):
            print(f"  {action}: {why}")
    print("\nUpstream calls by endpoint (sandbox):")
    for ep, n in sorted(stats["by_endpoint"].items(), key=lambda kv: -kv[1]):
        print(f"  {n:>6}  {ep}")
    print()
    print(f"page views (GET, htmx partials included): {day.views}")
    print(f"form posts:                               {day.posts}")
    print(f"upstream calls counted at the sandbox:    {calls}   (the dashboard counted {day.dash_upstream})")
    print(f"page views per upstream call:             {ratio:.1f}   (target >= {args.min_ratio:g})")
    if day.errors:
        print(f"dashboard 5xx: {len(day.errors)}: {day.errors[:5]}")
    ok = ratio >= args.min_ratio and not day.errors
    print("RESULT:", "OK" if ok else "BELOW TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
